// .withResponse(), headers on results and errors, ConflictError and the base
// APIStatusError for other 4xx, `cause`, the User-Agent.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import './helpers.mjs'
import * as pw from 'partner-webhooks'

let sb, client
before(async () => {
  sb = await pw.Sandbox.start()
  client = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
})
after(() => sb.stop())

test('.withResponse() resolves to { data, response } with status, headers, trace id, attempts', async () => {
  const promise = client.getWebhookUrl(sb.partnerId)
  assert.ok(promise instanceof Promise && typeof promise.withResponse === 'function')
  const { data, response } = await promise.withResponse()
  assert.equal(response.status, 200)
  assert.equal(response.attempts, 1)
  assert.match(response.headers['content-type'], /^application\/json/)
  assert.ok(response.traceId && Object.values(response.headers).includes(response.traceId))
  assert.deepEqual(data.response, response)
  // awaiting the same promise gives the data
  assert.equal((await promise).response.status, 200)
  const partner = await client.setWebhookUrl(sb.partnerId, 'https://example.com/h').withResponse()
  assert.equal(partner.data.webhook_url, 'https://example.com/h')
})

test('then/catch/finally chains are plain promises', async () => {
  const chained = client.getWebhookHeaders(sb.partnerId).then((h) => h.response.status)
  assert.ok(chained instanceof Promise && chained.withResponse === undefined)
  assert.equal(await chained, 200)
  let ran = false
  await client.getWebhookUrl(sb.partnerId).finally(() => (ran = true))
  assert.ok(ran)
  const caught = await client.getWebhookUrl('').catch((e) => e)
  assert.ok(caught instanceof pw.InvalidInputError)
})

for (const [status, cls] of [
  [409, 'ConflictError'],
  [410, 'APIStatusError'],
  [413, 'APIStatusError'],
  [400, 'BadRequestError'],
]) {
  test(`HTTP ${status} is ${cls}, with the response headers`, async () => {
    sb.injectFault({ route: '*', status })
    const e = await client.getWebhookUrl(sb.partnerId).catch((err) => err)
    assert.equal(e.constructor.name, cls)
    assert.ok(e instanceof pw.APIStatusError)
    assert.equal(e.status, status)
    assert.match(e.headers['content-type'], /^application\/json/)
    assert.ok(Object.values(e.headers).includes(e.traceId))
  })
}

test('a connection error has no headers and a cause', async () => {
  const e = await new pw.PartnerClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 })
    .getWebhookUrl('abcPA')
    .catch((err) => err)
  assert.ok(e instanceof pw.APIConnectionError)
  assert.deepEqual(e.headers, {})
  assert.ok(e.cause instanceof Error && e.cause.message.length > 0)
})

test('the User-Agent names the SDK, its version and the binding', () => {
  const ua = client.config().user_agent
  assert.ok(ua.startsWith(`partner-webhooks/${pw.version} `) && /node\//.test(ua), ua)
})
