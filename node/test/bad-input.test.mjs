// Bad input everywhere: every constructor option, every method argument and
// every per-call option, given undefined/null where required, the wrong type, a
// negative, zero, NaN, infinite, huge or non-ASCII value, throws (or rejects
// with) InvalidInputError naming the argument as JavaScript spells it (durations
// in milliseconds), and nothing reaches the server.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { after, before, test } from 'node:test'
import { inspect } from 'node:util'

import './helpers.mjs'
import * as pw from 'partner-webhooks'

const { surface } = createRequire(import.meta.url)('../native.js')
const WRONG = [5, 1.5, true, Symbol('s'), 10n, [], ['x'], { a: 1 }, () => 'x', new Date(0)]
const MS = ['5', true, [], {}, 10n, -1, 0, -0.5, NaN, Infinity, -Infinity, 86_400_001, 1e300]
const COUNTS = ['2', true, 1.5, NaN, Infinity, -1, 2 ** 32, 1e300, 10n]
const BAD = {
  apiKey: [...WRONG, null, '', '   ', 'ключ', 'a\r\nb'],
  bearerToken: [...WRONG, '', 'tök', 'a\nb'],
  username: WRONG,
  password: WRONG,
  tokenProvider: [5, 'provider', {}, [], null],
  baseUrl: [...WRONG, '', 'hub.360dialog.io', 'ftp://hub.360dialog.io', 'http://example.com', 'https://', 'https://hüb.example:99999'],
  timeoutMs: MS,
  attemptTimeoutMs: MS,
  connectTimeoutMs: MS,
  maxRetries: [...COUNTS, 11],
  maxConnections: [...COUNTS, 0, 10_001],
  allowInsecureHttp: [1, 0, 'yes', 'false', [], null],
  caBundle: [5, [], '', '/nonexistent/ca.pem', '/nonexistent/çå.pem', new URL(import.meta.url).pathname],
  proxy: [...WRONG, '', 'proxy:3128', 'socks5://h:1080', 'ftp://h', 'http://', 'not a url'],
  logger: [5, 'console', {}, { warn() {} }, null],
  logLevel: [5, 'loud', 'WARN', ''],
}
const CREDENTIALS = new Set(['apiKey', 'bearerToken', 'username', 'password', 'tokenProvider'])
const show = (v) => inspect(v, { depth: 1 }).slice(0, 40)

let sb
before(async () => {
  sb = await pw.Sandbox.start()
})
after(() => sb.stop())

test('the sweep covers every client option and operation the core declares', () => {
  for (const s of surface().settings) {
    const name = s.kind === 'callback' ? 'tokenProvider' : s.method_name
    assert.ok(name in BAD, `${name} is not swept`)
  }
  assert.deepEqual(new Set(CALLS.map(([m]) => m)), new Set(surface().operations.map((o) => o.method_name)))
})

test('every bad constructor option throws InvalidInputError naming it', () => {
  for (const [name, values] of Object.entries(BAD)) {
    for (const value of values) {
      const options = { [name]: value }
      if (!CREDENTIALS.has(name)) options.apiKey = 'k'
      if (name === 'username') options.password = 'pw-1'
      if (name === 'password') options.username = 'user'
      let error
      try {
        new pw.PartnerClient(options)
      } catch (e) {
        error = e
      }
      assert.ok(error instanceof pw.InvalidInputError, `${name}=${show(value)}: ${error}`)
      assert.ok([name, 'credentials'].includes(error.field), `${name}=${show(value)}: field ${error.field} (${error.message})`)
      if (name.endsWith('Ms') && typeof value === 'number') assert.match(error.message, /milliseconds/)
    }
  }
  assert.throws(() => new pw.PartnerClient('k'), (e) => e instanceof pw.InvalidInputError && e.field === 'options')
  assert.throws(() => new pw.PartnerClient({ apiKey: 'k', timeout: 5 }), (e) => e instanceof pw.InvalidInputError && e.field === 'timeout')
})

const PARTNER_IDS = [undefined, null, 5, 1.5, true, Symbol('p'), 10n, ['abcPA'], {}, '', ' ', 'x'.repeat(10_000), 'a\nb']
const URLS = [undefined, null, 5, {}, '', 'not a url', 'ftp://example.com', 'http://example.com/hook', 'https://', 'https://exa mple.com']
const HEADERS = [undefined, null, 5, 'X-A: b', ['X-A'], { 'X-A': 5 }, { 'X-A': null }, { 'bad name': 'v' }, { 'X-A': 'a\r\nb' }, { '': 'v' }, { 'X-Ä': 'v' }]
const CALLS = [
  ['getWebhookUrl', []],
  ['setWebhookUrl', ['https://example.com/hook']],
  ['getWebhookHeaders', []],
  ['setWebhookHeaders', [{ 'X-A': 'b' }]],
]
const OPTIONS = { timeoutMs: MS, attemptTimeoutMs: MS, maxRetries: [...COUNTS, 11], signal: [5, 'abort', {}] }

function* cases() {
  for (const v of PARTNER_IDS) for (const [m, rest] of CALLS) yield [m, [v, ...rest], undefined, 'partnerId']
  for (const v of URLS) yield ['setWebhookUrl', [null, v], undefined, 'webhookUrl']
  for (const v of HEADERS) yield ['setWebhookHeaders', [null, v], undefined, 'webhookHeaders']
  for (const [name, values] of Object.entries(OPTIONS)) {
    for (const v of values) for (const [m, rest] of CALLS) yield [m, [null, ...rest], { [name]: v }, name]
  }
  for (const [m, rest] of CALLS) yield [m, [null, ...rest], 'fast', 'requestOptions']
  for (const [m, rest] of CALLS) yield [m, [null, ...rest], { timeout: 5 }, 'timeout']
}

test('every bad call argument or option rejects with InvalidInputError naming it, and nothing is sent', async () => {
  const client = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
  let n = 0
  for (const [method, args, options, field] of cases()) {
    const filled = args.map((a, i) => (i === 0 && a === null && field !== 'partnerId' ? sb.partnerId : a))
    const error = await client[method](...filled, ...(options === undefined ? [] : [options])).then(
      () => null,
      (e) => e,
    )
    assert.ok(error instanceof pw.InvalidInputError, `${method}(${filled.map(show)}, ${show(options)}): ${error}`)
    assert.equal(error.field?.split('.')[0], field, `${method}: ${error.message}`)
    if (field.endsWith('Ms') && typeof options[field] === 'number') assert.match(error.message, /milliseconds/)
    n++
  }
  assert.ok(n > 150, `${n} cases`)
  assert.deepEqual(sb.stats().requests, {}, 'a refused call reached the server')
})

// Receiving, in both builds: the verifier's options, verify(), and the signature helpers.
const edge = await import('partner-webhooks/edge')
const body = Buffer.from('{}')
const RECEIVING = [
  [(pkg, v) => new pkg.WebhookVerifier(v), 'options', [5, 'secret', [], null]],
  [(pkg, v) => new pkg.WebhookVerifier({ secrets: v }), 'secrets', [5, 's', [5], ['ok', 7], [null], { a: 'b' }, ['']]],
  [(pkg, v) => new pkg.WebhookVerifier({ secrets: ['s'], requiredHeaders: v }), 'requiredHeaders', [5, 'X-A: b', ['X-A'], { 'X-A': 5 }, { 'bad name': 'v' }, null]],
  [(pkg, v) => new pkg.WebhookVerifier({ secrets: ['s'], maxBody: v }), 'maxBody', [-1, 0, 1.5, NaN, Infinity, '10', true, 2 ** 60]],
  [(pkg, v) => new pkg.WebhookVerifier({ secrets: ['s'], requireSignature: v }), 'requireSignature', [1, 'yes', []]],
  [(pkg, v) => new pkg.WebhookVerifier({ secrets: ['s'], maxBytes: v }), 'maxBytes', [1]],
  [(pkg, v) => pkg.sign(body, v), 'secret', [undefined, null, 5, ['s'], body]],
  [(pkg, v) => pkg.verifySignature(body, v, ['s']), 'headerValue', [undefined, null, 5, body]],
  [(pkg, v) => pkg.verifySignature(body, 'abc', v), 'secrets', [undefined, 5, 's', [5], []]],
  [(pkg, v) => pkg.sign(v, 's'), 'body', [undefined, null, 5, { a: 1 }]],
  [(pkg, v) => pkg.parseEvent(v), 'body', [undefined, null, 5, { a: 1 }]],
]

for (const [name, pkg] of [['native', pw], ['edge', edge]]) {
  test(`${name}: every bad receiving argument is an InvalidInputError naming it`, async () => {
    for (const [call, field, values] of RECEIVING) {
      for (const value of values) {
        const error = await (async () => call(pkg, value))().then(() => null, (e) => e)
        assert.ok(error instanceof pkg.InvalidInputError, `${field}=${show(value)}: ${error}`)
        assert.equal(error.field?.split('.')[0].split('[')[0], field, `${field}=${show(value)}: ${error.message}`)
      }
    }
  })
}

test('native: ioSignature and Sandbox.start refuse bad arguments by name', async () => {
  for (const [args, field] of [
    [[5, 's'], 'partnerId'],
    [['abcPA', 5], 'secret'],
    [['abcPA', 's', -1], 'unixSeconds'],
    [['abcPA', 's', NaN], 'unixSeconds'],
    [['abcPA', 's', 1.5], 'unixSeconds'],
    [['abcPA', 's', '1700000000'], 'unixSeconds'],
  ]) {
    assert.throws(() => pw.ioSignature(...args), (e) => e instanceof pw.InvalidInputError && e.field === field, `${show(args)}`)
  }
  await assert.rejects(pw.Sandbox.start(5), (e) => e instanceof pw.InvalidInputError && e.field === 'options')
})
