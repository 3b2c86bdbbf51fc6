// A client's `logger` gets the SDK's records with structured fields, at its
// `logLevel`; two clients keep their records apart; a throwing logger never
// breaks a call.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import './helpers.mjs'
import * as pw from 'partner-webhooks'

let sb
before(async () => {
  sb = await pw.Sandbox.start()
})
after(() => sb.stop())

function collector() {
  const records = []
  const at = (level) => (fields, message) => records.push({ level, fields, message })
  return { records, logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } }
}

// Records arrive through the event loop: let queued callbacks run.
const settle = () => new Promise((r) => setTimeout(r, 50))

test('retry warnings reach a console/pino-style logger with fields (default level warn)', async () => {
  const { records, logger } = collector()
  const client = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, logger })
  sb.injectFault({ route: '*', status: 503, times: 1 })
  await client.getWebhookUrl(sb.partnerId)
  await settle()
  assert.deepEqual(records.map((r) => [r.level, r.message]), [['warn', 'retrying']])
  const { fields } = records[0]
  assert.equal(fields.operation, 'get_webhook_url')
  assert.equal(fields.attempt, 1)
  assert.equal(fields.status, 503)
  assert.equal(fields.kind, 'Server')
  assert.equal(typeof fields.delay_ms, 'number')
})

test('debug lines for request and response at logLevel debug, none when off', async () => {
  const { records, logger } = collector()
  const client = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, logger, logLevel: 'debug' })
  await client.getWebhookUrl(sb.partnerId)
  await settle()
  assert.deepEqual(records.map((r) => r.message), ['request', 'response'])
  assert.equal(records[0].fields.method, 'GET')
  assert.equal(records[0].fields.path, `/api/v2/partners/${sb.partnerId}/webhook_url`)
  assert.equal(records[1].fields.status, 200)
  const quiet = collector()
  await new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, logger: quiet.logger, logLevel: 'off' }).getWebhookUrl(sb.partnerId)
  await settle()
  assert.deepEqual(quiet.records, [])
})

test('two clients with two loggers each get only their own records', async () => {
  const a = collector()
  const b = collector()
  const ca = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, logger: a.logger, logLevel: 'debug' })
  const cb = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, logger: b.logger, logLevel: 'debug' })
  await Promise.all([ca.getWebhookUrl(sb.partnerId), cb.getWebhookHeaders(sb.partnerId)])
  await settle()
  assert.deepEqual(a.records.map((r) => r.fields.operation), ['get_webhook_url', 'get_webhook_url'])
  assert.deepEqual(b.records.map((r) => r.fields.operation), ['get_webhook_headers', 'get_webhook_headers'])
})

test('a logger that throws loses the record, not the call', async () => {
  const boom = () => {
    throw new Error('logger down')
  }
  const client = new pw.PartnerClient({
    apiKey: sb.apiKey,
    baseUrl: sb.baseUrl,
    logger: { error: boom, warn: boom, info: boom, debug: boom },
    logLevel: 'debug',
  })
  assert.equal((await client.getWebhookUrl(sb.partnerId)).response.status, 200)
  await settle()
})

test('logger and logLevel are checked', () => {
  assert.throws(() => new pw.PartnerClient({ apiKey: 'k', logger: {} }), (e) => e instanceof pw.InvalidInputError && e.field === 'logger')
  assert.throws(
    () => new pw.PartnerClient({ apiKey: 'k', logger: console, logLevel: 'loud' }),
    (e) => e instanceof pw.InvalidInputError && e.field === 'logLevel',
  )
  // console itself is a logger
  assert.ok(new pw.PartnerClient({ apiKey: 'k', logger: console }))
})
