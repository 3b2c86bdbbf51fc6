// The Node (TypeScript) tab of every example on the documentation site
// (docs/site): each `docs: NAME` ... `end docs` region below is shown there as
// it is here. `make test-node` compiles this file with tsc (strict) and runs
// it: each region runs, in order, against one sandbox, and the lines after it
// check what it did.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

const printed: string[] = []
// The regions' console.log, recorded to be checked.
const record = (...parts: unknown[]): void => void printed.push(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' '))
const console = { log: record, error: record, warn: record, info: record, debug: record }
const lastPrinted = (): string[] => printed.splice(0)

// docs: client
import { PartnerClient, Sandbox } from 'partner-webhooks'

const sandbox = await Sandbox.start() // 127.0.0.1, a free port; await sandbox.stop() ends it
const client = new PartnerClient({
  apiKey: sandbox.apiKey, // your Partner API key (or PARTNER_API_KEY)
  baseUrl: sandbox.baseUrl, // leave out for https://hub.360dialog.io
})
const partnerId = sandbox.partnerId
// end docs
assert.equal((await client.getWebhookUrl(partnerId)).response.status, 200)

// docs: webhook-settings
await client.setWebhookUrl(partnerId, 'https://example.com/360dialog/events')
// The object replaces the partner's custom headers as a whole.
const secret = 'a-long-random-value' // keep it in your secret store
await client.setWebhookHeaders(partnerId, { 'X-Partner-Auth': secret })

const url = await client.getWebhookUrl(partnerId)
const headers = await client.getWebhookHeaders(partnerId)
console.log(`events go to ${url.webhook_url} with headers ${Object.keys(headers.webhook_headers ?? {})}`)
// end docs
assert.deepEqual(lastPrinted(), ['events go to https://example.com/360dialog/events with headers X-Partner-Auth'])

// docs: errors
import { APIConnectionError, InternalServerError, InvalidInputError, NotFoundError, RateLimitError } from 'partner-webhooks'

try {
  console.log((await client.getWebhookUrl('noSuchPA')).webhook_url)
} catch (e) {
  if (e instanceof InvalidInputError) console.log(`bad ${e.field}: ${e.message}`) // nothing was sent
  else if (e instanceof NotFoundError) console.log(`no such partner (trace id ${e.traceId})`)
  else if (e instanceof InternalServerError || e instanceof RateLimitError || e instanceof APIConnectionError)
    console.log(`try later: ${e.message}`) // retried already
  else throw e
}
// end docs
await assert.rejects(client.getWebhookUrl(''), (e) => e instanceof InvalidInputError && e.field === 'partnerId')
assert.match(lastPrinted().join('\n'), /^no such partner \(trace id [0-9a-f]+\)$/)

sandbox.injectFault({ route: 'get_webhook_url', status: 503, times: 1 })
// docs: per-call-options
// Settings for this call only: no retry and a 3 s budget (an AbortSignal cancels it).
try {
  await client.getWebhookUrl(partnerId, { maxRetries: 0, timeoutMs: 3_000, signal: AbortSignal.timeout(10_000) })
} catch (e) {
  if (e instanceof InternalServerError) console.log(`HTTP ${e.status} after ${e.attempts} attempt`)
  else throw e
}
// end docs
assert.deepEqual(lastPrinted(), ['HTTP 503 after 1 attempt'])

// docs: sandbox-faults
// The next two calls get a 503; the client retries and the third attempt succeeds.
sandbox.injectFault({ route: 'get_webhook_url', status: 503, times: 2 })
const retried = await client.getWebhookUrl(partnerId)
console.log(retried.response.attempts, 'attempts') // 3
// end docs
assert.deepEqual(lastPrinted(), ['3 attempts'])

const { username, password, baseUrl } = sandbox
// docs: auth-password
// The client exchanges them for a token at POST /api/v2/token, keeps it until
// shortly before it expires, and fetches a new one once after a 401.
const withPassword = new PartnerClient({ username, password, baseUrl })
const viaToken = await withPassword.getWebhookUrl(partnerId)
// end docs
assert.equal(viaToken.response.status, 200)

sandbox.injectFault({ route: 'get_webhook_url', delay_ms: 5_000 })
const startedAt = Date.now()
// docs: cancel
import { APIUserAbortError } from 'partner-webhooks'

// Aborting the signal cancels the request in flight; no retry follows.
const controller = new AbortController()
setTimeout(() => controller.abort(), 200)
try {
  await client.getWebhookUrl(partnerId, { signal: controller.signal })
} catch (e) {
  if (e instanceof APIUserAbortError) console.log('gave up after 200 ms')
  else throw e
}
// end docs
assert.deepEqual(lastPrinted(), ['gave up after 200 ms'])
assert.ok(Date.now() - startedAt < 2_000)

// docs: response-metadata
// Every result carries its HTTP answer: status, headers, trace id and attempts.
const { data, response } = await client.getWebhookUrl(partnerId).withResponse()
console.log(response.status, response.headers['content-type'], response.traceId, response.attempts, data.webhook_url)
// end docs
assert.match(lastPrinted().join('\n'), /^200 application\/json [0-9a-f]{32} 1 https:\/\/example\.com/)

const apiKey = sandbox.apiKey
// docs: logging
// A logger per client (console, pino, or anything with error/warn/info/debug),
// called as logger[level](fields, message): a warn per retry; at debug a line
// per request and per response.
const logged = new PartnerClient({ apiKey, baseUrl, logger: console, logLevel: 'debug' })
await logged.getWebhookUrl(partnerId)
// end docs
// A client's records reach its logger through the JS thread's queue: soon after the call, not during it.
for (let i = 0; i < 500 && !printed.some((line) => line.includes('response')); i++) await new Promise((r) => setTimeout(r, 10))
assert.ok(lastPrinted().some((line) => line.includes('response')), 'the client logged its response')

await sandbox.stop()

const text = readFileSync(new URL('../../../tests/fixtures/deliveries.jsonl', import.meta.url), 'utf8')
const delivery = parseDeliveryLog(text)[0]
const requestHeaders = { ...delivery.headers, 'X-Partner-Auth': 'fixture-header-value' }
const body = Buffer.from(delivery.body)
const platformSecret = 'fixture-platform-secret'
const headerSecret = 'fixture-header-value'

// docs: receive
import { WebhookVerificationError, WebhookVerifier } from 'partner-webhooks'

// Once, at start-up: the platform secret (Partner Hub → Integration; add the
// old one too while rotating) and the custom header you set.
const verifier = new WebhookVerifier({ secrets: [platformSecret], requiredHeaders: { 'X-Partner-Auth': headerSecret } })

// Per request: the headers and the raw body bytes, never re-encoded JSON.
try {
  const event = verifier.verify(requestHeaders, body)
  if (event.type === 'channel_live') console.log('live:', event.data.id)
  else console.log(event.eventType, event.dedupKey)
} catch (e) {
  if (e instanceof WebhookVerificationError) console.log('refused, answer', e.httpStatus) // 401, 413, 400
  else throw e
}
// end docs
assert.match(lastPrinted().join('\n'), /^live: \S+$/)
assert.throws(() => verifier.verify({}, body), WebhookVerificationError)

const deliveries = [body, body] // the same delivery, twice
let handled = 0
// docs: dedup
// 360dialog delivers at least once: remember what was handled (in your
// database, for as long as re-deliveries can come) and skip it.
const seen = new Set<string>()
for (const body of deliveries) {
  const event = verifier.verify(requestHeaders, body)
  if (seen.has(event.dedupKey)) continue // answer 200 all the same
  seen.add(event.dedupKey)
  handled += 1
}
// end docs
assert.equal(handled, 1)

const [oldSecret, newSecret] = ['the-previous-platform-secret', 'fixture-platform-secret']
// docs: rotate-secrets
// Both secrets while rotating: a delivery signed with either verifies.
const rotating = new WebhookVerifier({
  secrets: [newSecret, oldSecret],
  requiredHeaders: { 'X-Partner-Auth': 'fixture-header-value' },
})
const rotated = rotating.verify(requestHeaders, body)
// end docs
assert.equal(rotated.eventType, 'channel_live')

const caFile = new URL('../../../tests/fixtures/tls/ca.pem', import.meta.url).pathname
// docs: tls-proxy
// Trust a TLS-inspecting proxy's CA (besides the bundled roots and the OS
// store) and send every request through the proxy. Its password never shows.
const behindProxy = new PartnerClient({
  apiKey: 'a-partner-api-key',
  caBundle: caFile,
  proxy: 'http://user:proxy-password@proxy.corp:3128',
})
console.log(behindProxy.config())
// end docs
const shown = lastPrinted().join('\n')
assert.ok(shown.includes('proxy.corp:3128') && !shown.includes('proxy-password'), shown)

import { parseDeliveryLog } from 'partner-webhooks'
