// Node-specific behaviour: errors by class, AbortSignal, redaction, process
// exit, worker_threads, token providers, environment, receiving.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { inspect } from 'node:util'
import { Worker } from 'node:worker_threads'

import * as pw from 'partner-webhooks'
import './helpers.mjs'

const here = dirname(fileURLToPath(import.meta.url))
let sb
let client
before(async () => {
  sb = await pw.Sandbox.start()
  client = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
})
after(async () => sb.stop())

test('first calls resolve to plain objects with response metadata', async () => {
  const partner = await client.setWebhookUrl(sb.partnerId, 'https://hooks.example.com/events')
  assert.equal(partner.id, sb.partnerId)
  assert.equal(partner.logo_url, null)
  assert.deepEqual(Object.keys(partner.response), ['status', 'headers', 'traceId', 'attempts'])
  assert.ok(!('response' in JSON.parse(JSON.stringify(partner))))
  const url = await client.getWebhookUrl(sb.partnerId)
  assert.equal(url.webhook_url, 'https://hooks.example.com/events')
  await client.setWebhookHeaders(sb.partnerId, { 'X-A': '1' })
  assert.deepEqual((await client.getWebhookHeaders(sb.partnerId)).webhook_headers, { 'X-A': '1' })
})

test('every error kind has its class, kind and fields', async () => {
  const cases = [
    [() => client.getWebhookUrl('nopePA'), pw.NotFoundError, 'NotFound', 404],
    [() => client.getWebhookUrl(sb.otherPartnerId), pw.PermissionDeniedError, 'PermissionDenied', 403],
    [() => new pw.PartnerClient({ apiKey: 'wrong', baseUrl: sb.baseUrl }).getWebhookUrl(sb.partnerId), pw.AuthenticationError, 'Authentication', 401],
    [() => client.getWebhookUrl(''), pw.InvalidInputError, 'InvalidInput', undefined],
    [() => client.setWebhookHeaders(sb.partnerId, { Host: 'x' }), pw.InvalidInputError, 'InvalidInput', undefined],
  ]
  for (const [call, Class, kind, status] of cases) {
    await assert.rejects(call, (e) => {
      assert.ok(e instanceof Class && e instanceof pw.PartnerWebhooksError && e instanceof Error, e.name)
      assert.equal(e.kind, kind)
      if (status) assert.equal(e.status, status) || assert.equal(e.traceId.length, 32)
      return true
    })
  }
  sb.injectFault({ route: 'get_webhook_url', status: 429, retry_after: 3600 })
  await assert.rejects(client.getWebhookUrl(sb.partnerId), (e) => e instanceof pw.RateLimitError && e.retryAfter === 3600)
  sb.injectFault({ route: 'set_webhook_url', status: 400, body: JSON.stringify({ meta: { developer_message: 'Wrong payload', http_code: 400, success: false, details: { webhook_url: ['Not a valid URL.'] } } }) })
  await assert.rejects(client.setWebhookUrl(sb.partnerId, 'https://x.example/h'), (e) => e instanceof pw.BadRequestError && e.details.webhook_url[0] === 'Not a valid URL.')
  sb.injectFault({ route: 'get_webhook_url', status: 503, times: 5 })
  await assert.rejects(client.getWebhookUrl(sb.partnerId, { maxRetries: 0 }), (e) => e instanceof pw.InternalServerError && e.status === 503)
  sb.clearFaults()
  sb.injectFault({ route: 'get_webhook_url', delay_ms: 3000 })
  await assert.rejects(client.getWebhookUrl(sb.partnerId, { timeoutMs: 300 }), (e) => e instanceof pw.APITimeoutError && e instanceof pw.APIConnectionError)
  sb.injectFault({ route: 'get_webhook_url', status: 200, body: 'not json' })
  await assert.rejects(client.getWebhookUrl(sb.partnerId), (e) => e instanceof pw.APIResponseValidationError && e.kind === 'Decode')
})

test('an AbortSignal cancels the request in flight', async () => {
  const local = await pw.Sandbox.start()
  try {
    const c = new pw.PartnerClient({ apiKey: local.apiKey, baseUrl: local.baseUrl, maxRetries: 5 })
    local.injectFault({ route: 'get_webhook_url', status: 503, times: 10 })
    const controller = new AbortController()
    const pending = c.getWebhookUrl(local.partnerId, { signal: controller.signal })
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(local.stats().requests.get_webhook_url, 1)
    const started = performance.now()
    controller.abort()
    await assert.rejects(pending, (e) => e instanceof pw.APIUserAbortError && e.kind === 'Cancelled')
    assert.ok(performance.now() - started < 500)
    await new Promise((r) => setTimeout(r, 2000)) // longer than the back-off: a live call would retry
    assert.equal(local.stats().requests.get_webhook_url, 1)
    await assert.rejects(c.getWebhookUrl(local.partnerId, { signal: AbortSignal.abort() }), pw.APIUserAbortError)
  } finally {
    await local.stop()
  }
})

test('no secret shows in inspect, JSON or error messages', async () => {
  const secrets = { apiKey: 'key-secret-1234', password: 'pw-secret-5678', bearer: 'bearer-secret-9012', header: 'header-secret-3456' }
  const shown = []
  for (const options of [{ apiKey: secrets.apiKey }, { username: 'u@example.com', password: secrets.password }, { bearerToken: secrets.bearer }]) {
    const c = new pw.PartnerClient({ ...options, baseUrl: sb.baseUrl })
    shown.push(inspect(c), JSON.stringify(c))
    await c.getWebhookUrl(sb.partnerId).catch((e) => shown.push(e.message, inspect(e), JSON.stringify(e)))
  }
  await client.setWebhookHeaders(sb.partnerId, { 'X-A': secrets.header + '\r\n' }).catch((e) => shown.push(e.message, inspect(e)))
  const v = new pw.WebhookVerifier({ secrets: [secrets.apiKey], requiredHeaders: { 'X-A': secrets.header } })
  shown.push(inspect(v), JSON.stringify(v))
  try {
    v.verify({ 'x-a': 'guess' }, Buffer.from('{}'))
  } catch (e) {
    shown.push(e.message, inspect(e))
  }
  const text = shown.join('\n')
  for (const s of Object.values(secrets)) assert.ok(!text.includes(s), `${s} leaked`)
})

test('the ESM entry exports every value the CommonJS entry has, the same objects', () => {
  // dist/index.mjs lists its names from the TypeScript program (scripts/esm-entry.js)
  const cjs = createRequire(import.meta.url)('partner-webhooks')
  const esm = Object.keys(pw).filter((n) => n !== 'default')
  assert.deepEqual(esm.sort(), Object.keys(cjs).filter((n) => n !== '__esModule').sort())
  for (const n of esm) assert.equal(pw[n], cjs[n], n)
  assert.equal(pw.default, cjs)
})

test('a script that makes calls exits promptly by itself', () => {
  const script = `
    const pw = require('partner-webhooks')
    ;(async () => {
      const sb = await pw.Sandbox.start()
      const c = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
      await Promise.all(Array.from({ length: 20 }, () => c.getWebhookUrl(sb.partnerId)))
      await sb.stop()
      console.log('done')
    })()`
  const started = performance.now()
  const r = spawnSync(process.execPath, ['-e', script], { cwd: join(here, '..'), encoding: 'utf8', timeout: 20_000 })
  const elapsed = performance.now() - started
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim(), 'done')
  assert.ok(elapsed < 5000, `took ${elapsed} ms to exit`)
})

test('a pending call keeps the process alive until it settles, and no longer', () => {
  // Nothing but the call is left on the loop while the sandbox delays its answer.
  const script = `
    const pw = require('partner-webhooks')
    pw.Sandbox.start().then((sb) => {
      sb.injectFault({ route: 'get_webhook_url', delay_ms: 300, times: 1 })
      const c = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
      c.getWebhookUrl(sb.partnerId).then((r) => console.log('settled', r.response.status))
      c.getWebhookUrl('no-such-partner').catch((e) => console.log('rejected', e.constructor.name))
    })`
  const started = performance.now()
  const r = spawnSync(process.execPath, ['-e', script], { cwd: join(here, '..'), encoding: 'utf8', timeout: 20_000 })
  const elapsed = performance.now() - started
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['rejected NotFoundError', 'settled 200'])
  assert.ok(elapsed < 5000, `took ${elapsed} ms to exit`)
})

test('a worker thread that ends with calls pending leaves the process well', async () => {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const pw = require('partner-webhooks')
    const c = new pw.PartnerClient({ apiKey: workerData.apiKey, baseUrl: workerData.baseUrl })
    for (let i = 0; i < 50; i++) c.getWebhookUrl(workerData.partnerId).catch(() => {})
    parentPort.postMessage('sent')
    process.exit(0)`
  for (let round = 0; round < 3; round++) {
    const w = new Worker(code, { eval: true, workerData: { apiKey: sb.apiKey, baseUrl: sb.baseUrl, partnerId: sb.partnerId } })
    const exit = new Promise((resolve) => w.once('exit', resolve))
    assert.equal(await exit, 0)
  }
  // The calls that finished after their threads ended went nowhere; this thread's still work.
  const results = await Promise.all(Array.from({ length: 20 }, () => client.getWebhookUrl(sb.partnerId)))
  assert.ok(results.every((r) => r.response.status === 200))
})

test('works inside worker_threads, sharing the one runtime', async () => {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const pw = require('partner-webhooks')
    const c = new pw.PartnerClient({ apiKey: workerData.apiKey, baseUrl: workerData.baseUrl })
    c.getWebhookUrl(workerData.partnerId).then((r) => parentPort.postMessage(r.response.status), (e) => parentPort.postMessage(e.message))`
  const results = await Promise.all(
    [1, 2].map(
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: { apiKey: sb.apiKey, baseUrl: sb.baseUrl, partnerId: sb.partnerId } })
          w.once('message', resolve)
          w.once('error', reject)
        }),
    ),
  )
  assert.deepEqual(results, [200, 200])
  // A thread (a finished worker's) may exit between listing and reading: skip it.
  const comm = (t) => {
    try {
      return readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim()
    } catch {
      return null
    }
  }
  const names = readdirSync('/proc/self/task').map(comm).filter((n) => n !== null)
  const runtimeThreads = names.filter((n) => n === 'partner-webhook')
  assert.ok(runtimeThreads.length >= 2, names.join(','))
  assert.ok(!names.some((n) => n.startsWith('tokio-runtime')), names.join(','))
})

test('many concurrent promises share the one runtime', async () => {
  const results = await Promise.all(Array.from({ length: 200 }, () => client.getWebhookUrl(sb.partnerId)))
  assert.ok(results.every((r) => r.response.status === 200))
})

test('token provider: cached, then asked to refresh after a 401', async () => {
  const calls = []
  const provider = async (refresh) => {
    calls.push(refresh)
    const r = await fetch(`${sb.baseUrl}/api/v2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: sb.username, password: sb.password }) })
    const t = await r.json()
    return { accessToken: t.access_token, expiresIn: t.expires_in }
  }
  const c = new pw.PartnerClient({ tokenProvider: provider, baseUrl: sb.baseUrl })
  for (let i = 0; i < 5; i++) await c.getWebhookUrl(sb.partnerId)
  assert.deepEqual(calls, [false])
  sb.revokeTokens()
  assert.equal((await c.getWebhookUrl(sb.partnerId)).response.attempts, 2)
  assert.deepEqual(calls, [false, true])
  const broken = new pw.PartnerClient({ tokenProvider: () => { throw new Error('backend down') }, baseUrl: sb.baseUrl })
  await assert.rejects(broken.getWebhookUrl(sb.partnerId), (e) => e instanceof pw.AuthenticationError && e.message.includes('backend down'))
})

test('environment variables configure the client; explicit options win', () => {
  const r = spawnSync(process.execPath, ['-e', `
    const pw = require('partner-webhooks')
    const c = new pw.PartnerClient()
    const d = new pw.PartnerClient({ timeoutMs: 1000, maxRetries: 0 })
    console.log(JSON.stringify([c.baseUrl, c.timeoutMs, c.maxRetries, d.timeoutMs, d.maxRetries]))`], {
    cwd: join(here, '..'),
    encoding: 'utf8',
    env: { ...process.env, PARTNER_API_KEY: 'k', PARTNER_API_BASE_URL: 'http://127.0.0.1:9', PARTNER_API_TIMEOUT: '2.5', PARTNER_API_MAX_RETRIES: '4' },
  })
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), ['http://127.0.0.1:9', 2500, 4, 1000, 0])
})

test('receiving: verify, helpers, and signed delivery to a node:http receiver', async () => {
  const body = Buffer.from(JSON.stringify({ event: 'channel_live', data: { id: 'c1', setup_info: { phone_number: '+49151' } } }))
  assert.equal(pw.sign(body, 's'), createHmac('sha256', 's').update(body).digest('hex'))
  assert.ok(pw.verifySignature(body, 'sha256=' + pw.sign(body, 's').toUpperCase(), ['old', 's']))
  assert.equal(pw.ioSignature('abcPA', 's', 1775653748), createHmac('sha512', 's').update('abcPA|1775653748').digest('hex'))
  const ev = pw.parseEvent(body)
  assert.deepEqual([ev.type, ev.channelId, ev.phoneNumber, ev.signatureVerified], ['channel_live', 'c1', '+49151', false])
  assert.throws(() => pw.parseEvent(Buffer.from('[]')), (e) => e instanceof pw.WebhookVerificationError && e.kind === 'NotAnObject' && e.httpStatus === 400)

  const verifier = new pw.WebhookVerifier({ secrets: [sb.platformSecret], requiredHeaders: { 'X-Partner-Auth': 'shared' } })
  const received = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      try {
        received.push(verifier.verify(req.headers, Buffer.concat(chunks)))
        res.writeHead(200).end()
      } catch (e) {
        res.writeHead(e.httpStatus ?? 500).end()
      }
    })
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  try {
    await client.setWebhookUrl(sb.partnerId, `http://127.0.0.1:${server.address().port}/hook`)
    await client.setWebhookHeaders(sb.partnerId, { 'X-Partner-Auth': 'shared' })
    const id = sb.emit('channel_created')
    const d = await sb.waitForDelivery(id)
    assert.equal(d.status, 'delivered')
    assert.equal(received.length, 1)
    assert.equal(received[0].type, 'channel_created')
    assert.equal(received[0].phoneNumber, '+4915123456789')
    assert.ok(received[0].signatureVerified)
  } finally {
    server.close()
  }
})
