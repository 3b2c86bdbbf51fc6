// The request shapes receivers are handed, in both builds: headers as a plain
// object, fetch Headers, Map or pairs; bodies as Buffer, Uint8Array,
// ArrayBuffer or string; a fetch Request read with a cap; wrong types refused
// with an InvalidInputError naming the argument.
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { test } from 'node:test'

import * as native from 'partner-webhooks'
import * as edge from 'partner-webhooks/edge'

const SECRET = 'ps_test_secret'
const text = JSON.stringify({ event: 'channel_live', data: { id: 'c1', setup_info: { phone_number: '+49151' } } })
const body = Buffer.from(text)
const sig = createHmac('sha256', SECRET).update(body).digest('hex')
const b64 = createHmac('sha256', SECRET).update(body).digest('base64')

for (const [name, pkg] of [['native', native], ['edge', edge]]) {
  const verifier = () => new pkg.WebhookVerifier({ secrets: [SECRET], requiredHeaders: { 'X-Partner-Auth': 'shared' } })

  test(`${name}: every header and body shape gives the same event`, async () => {
    const v = verifier()
    const pairs = [['X-Partner-Auth', 'shared'], ['x-360dialog-signature', sig]]
    function* generated() {
      yield* pairs
    }
    const headerShapes = {
      object: { 'x-partner-auth': 'shared', 'x-360dialog-signature': sig, 'content-type': 'application/json' },
      'object, any case, array value': { 'X-PARTNER-AUTH': ['shared'], 'X-360Dialog-Signature': sig },
      Headers: new Headers(pairs),
      Map: new Map(pairs),
      pairs,
      'generator of pairs': generated(),
      'base64 signature': { 'x-partner-auth': 'shared', 'x-360dialog-signature': b64 },
    }
    const bodyShapes = { Buffer: body, Uint8Array: new Uint8Array(body), ArrayBuffer: new Uint8Array(body).buffer, string: text, DataView: new DataView(new Uint8Array(body).buffer) }
    for (const [h, headers] of Object.entries(headerShapes)) {
      for (const [b, raw] of Object.entries(bodyShapes)) {
        const event = await v.verify(h === 'generator of pairs' ? generated() : headers, raw)
        assert.deepEqual([event.type, event.channelId, event.phoneNumber, event.signatureVerified, event.raw], ['channel_live', 'c1', '+49151', true, text], `${h} / ${b}`)
      }
    }
  })

  test(`${name}: a Map or Headers still carries a wrong or missing signature`, async () => {
    const v = verifier()
    const kind = (p) => Promise.resolve().then(() => v.verify(...p)).then(() => 'ok', (e) => e.kind)
    assert.equal(await kind([new Map([['x-partner-auth', 'shared']]), body]), 'MissingSignature')
    assert.equal(await kind([new Headers({ 'x-partner-auth': 'shared', 'x-360dialog-signature': sig.replace(/^./, '0') }), body]), 'BadSignature')
    assert.equal(await kind([new Headers({ 'x-360dialog-signature': sig }), body]), 'MissingHeader')
  })

  test(`${name}: verifyRequest reads a fetch Request's raw body, with the cap`, async () => {
    const v = verifier()
    const headers = { 'x-partner-auth': 'shared', 'x-360dialog-signature': sig }
    const event = await v.verifyRequest(new Request('http://127.0.0.1/hook', { method: 'POST', headers, body }))
    assert.equal(event.channelId, 'c1')
    // Streamed in small chunks, no Content-Length.
    const chunks = [body.subarray(0, 10), body.subarray(10, 40), body.subarray(40)]
    const stream = new ReadableStream({ pull(c) { const next = chunks.shift(); next ? c.enqueue(new Uint8Array(next)) : c.close() } })
    const streamed = await v.verifyRequest(new Request('http://127.0.0.1/hook', { method: 'POST', headers, body: stream, duplex: 'half' }))
    assert.equal(streamed.raw, text)
    // Over the cap: refused by Content-Length before reading, or when the stream passes it.
    const small = new pkg.WebhookVerifier({ secrets: [SECRET], maxBody: 64 })
    await assert.rejects(small.verifyRequest(new Request('http://127.0.0.1/hook', { method: 'POST', headers, body })), (e) => e.kind === 'BodyTooLarge' && e.httpStatus === 413)
    let pulled = 0
    const endless = new ReadableStream({ pull(c) { pulled++; c.enqueue(new Uint8Array(32)) } })
    await assert.rejects(small.verifyRequest(new Request('http://127.0.0.1/hook', { method: 'POST', headers, body: endless, duplex: 'half' })), (e) => e.kind === 'BodyTooLarge')
    assert.ok(pulled < 10, `stopped reading at the cap (${pulled} chunks)`)
  })

  test(`${name}: wrong types are an InvalidInputError naming the argument`, async () => {
    const v = verifier()
    const good = { 'x-partner-auth': 'shared', 'x-360dialog-signature': sig }
    const cases = [
      [[undefined, body], 'headers'],
      [[null, body], 'headers'],
      [['x-360dialog-signature: abc', body], 'headers'],
      [[42, body], 'headers'],
      [[[['only-a-name']], body], 'headers'],
      [[{ 'x-partner-auth': 5 }, body], 'headers.x-partner-auth'],
      [[{ 'x-partner-auth': ['ok', 7] }, body], 'headers.x-partner-auth'],
      [[good, undefined], 'body'],
      [[good, JSON.parse(text)], 'body'],
      [[good, 12], 'body'],
    ]
    for (const [args, field] of cases) {
      let error
      try {
        await v.verify(...args)
      } catch (e) {
        error = e
      }
      assert.ok(error instanceof pkg.InvalidInputError, `${JSON.stringify(args[0])}: ${error}`)
      assert.equal(error.field, field)
      assert.equal(error.kind, 'InvalidInput')
    }
    await assert.rejects(v.verifyRequest({ headers: good }), (e) => e instanceof pkg.InvalidInputError && e.field === 'request')
    await assert.rejects(v.verifyRequest('http://x'), (e) => e instanceof pkg.InvalidInputError && e.field === 'request')
    assert.throws(() => new pkg.WebhookVerifier({ secrets: [''] }), (e) => e instanceof pkg.InvalidInputError && e.field === 'secrets')
    assert.throws(() => new pkg.WebhookVerifier({ maxBody: 0, secrets: ['s'] }), (e) => e instanceof pkg.InvalidInputError && e.field === 'maxBody')
    assert.throws(() => new pkg.WebhookVerifier({}), (e) => e instanceof pkg.InvalidInputError && e.field === 'secrets')
  })

  test(`${name}: sign and parseEvent`, async () => {
    assert.equal(await pkg.sign(body, SECRET), sig)
    assert.equal(await pkg.verifySignature(body, 'sha256=' + b64, ['old', SECRET]), true)
    assert.equal(await pkg.verifySignature(body, sig, ['old']), false)
    const event = pkg.parseEvent(body)
    assert.deepEqual([event.type, event.signatureVerified], ['channel_live', false])
    assert.throws(() => pkg.parseEvent(Buffer.from([0x7b, 0xff, 0x7d])), (e) => e instanceof pkg.WebhookVerificationError && e.kind === 'MalformedJson')
  })

  test(`${name}: typed data leaves out fields of the wrong type, keeps the rest; aliases are canonical`, () => {
    const odd = '{"event":"channel_live","data":{"id":"c1","status":5,"setup_info":"x","client":{"id":7,"name":"N"},"new_field":[1]}}'
    const e = pkg.parseEvent(odd)
    assert.deepEqual(JSON.parse(JSON.stringify(e.data)), { id: 'c1', client: { name: 'N' }, new_field: [1] })
    assert.equal(e.status, null)
    assert.equal(e.raw, odd)
    const t = pkg.parseEvent('{"event":"wabaTemplateStatusChanged","data":{"status":"rejected","rejected_reason":"INVALID_FORMAT"}}')
    assert.deepEqual([t.type, t.eventType, t.knownType, t.data.rejected_reason], ['waba_template_status_changed', 'wabaTemplateStatusChanged', 'waba_template_status_changed', 'INVALID_FORMAT'])
    const u = pkg.parseEvent('{"event":"partner_moved","data":{"status":5}}')
    assert.deepEqual([u.type, u.eventType, u.knownType, u.data.status], ['unknown', 'partner_moved', null, 5])
  })
}

test('the package picks the edge build under the edge runtimes\' conditions', async () => {
  const { createRequire } = await import('node:module')
  const pkgJson = createRequire(import.meta.url)('partner-webhooks/package.json')
  const root = pkgJson.exports['.']
  for (const condition of ['workerd', 'edge-light', 'deno', 'bun', 'browser']) {
    assert.equal(root[condition].default, pkgJson.exports['./edge'].default, condition)
  }
  assert.deepEqual(Object.keys(root).slice(-2), ['import', 'require'], 'Node falls through to the native build')
})

test('a delivery log exported by a sandbox replays as fixtures', async () => {
  const { readFileSync } = await import('node:fs')
  // tests/fixtures/deliveries.jsonl: three deliveries, then one replayed with a wrong signature
  // (exported by a sandbox started with --platform-secret fixture-platform-secret).
  const text = readFileSync(new URL('../../tests/fixtures/deliveries.jsonl', import.meta.url), 'utf8')
  const log = native.parseDeliveryLog(text)
  assert.deepEqual(log.map((d) => d.event), ['channel_live', 'waba_template_status_changed', 'client_created', 'channel_live'])
  assert.deepEqual(log[0].headerNames, ['X-Partner-Auth'])
  const verifier = new native.WebhookVerifier({ secrets: ['fixture-platform-secret'], requiredHeaders: { 'X-Partner-Auth': 'fixture-header-value' } })
  const verdicts = log.map((d) => {
    try {
      return verifier.verify({ ...d.headers, 'X-Partner-Auth': 'fixture-header-value' }, Buffer.from(d.body)).eventType
    } catch (e) {
      assert.ok(e instanceof native.WebhookVerificationError)
      return e.httpStatus
    }
  })
  assert.deepEqual(verdicts, ['channel_live', 'waba_template_status_changed', 'client_created', 401])
  assert.throws(() => native.parseDeliveryLog(`${text.split('\n')[0]}\n{"id": 1}\n`), (e) => e instanceof native.InvalidInputError && /line 2/.test(e.message))
  assert.throws(() => native.parseDeliveryLog(42), native.InvalidInputError)
})
