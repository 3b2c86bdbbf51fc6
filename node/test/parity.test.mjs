import { fileURLToPath } from 'node:url'
// Parity with the core: every public operation, client setting and per-call
// option the Rust core declares (`surface()`, built from its operation and
// settings tables) exists in the installed package, reaches the core, and
// dispatches to its own operation; the error classes are the core's list.
// A method or option missing from the package fails here.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { after, before, test } from 'node:test'

import * as pw from 'partner-webhooks'
import './helpers.mjs'

const { surface } = createRequire(import.meta.url)('../native.js')
const core = surface()

/** A non-default value per setting kind (durations in milliseconds, as Node takes them). */
const samples = {
  secret: 's3cret-value',
  text: 'someone@example.com',
  path: fileURLToPath(new URL('../../tests/fixtures/tls/ca.pem', import.meta.url)),
  url: 'http://127.0.0.1:9',
  callback: async () => 'token',
  duration: 7500,
  count: 7,
  flag: true,
}

let sb
before(async () => {
  sb = await pw.Sandbox.start()
})
after(async () => sb.stop())

/** What `Client` lacks of the core's operations. */
function operationFailures(Client) {
  const failures = []
  for (const op of core.operations) {
    const method = Client.prototype[op.method_name]
    if (typeof method !== 'function') failures.push(`${Client.name} lacks ${op.method_name}`)
    else if (method.length !== op.params.length + 1) {
      failures.push(`${Client.name}.${op.method_name} takes ${method.length - 1} arguments, the core's operation ${op.params.length}`)
    }
  }
  return failures
}

test('every operation of the core is a method of PartnerClient', () => {
  assert.ok(core.operations.length >= 4)
  assert.deepEqual(operationFailures(pw.PartnerClient), [])
})

test('the check fails when a method is missing', () => {
  class Lacking extends pw.PartnerClient {}
  Object.defineProperty(Lacking.prototype, 'setWebhookHeaders', { value: undefined })
  assert.deepEqual(operationFailures(Lacking), ['Lacking lacks setWebhookHeaders'])
})

/** An argument for a parameter of each kind that the sandbox accepts. */
function sample(param) {
  if (param.name === 'partner_id') return sb.partnerId
  return { string: 'text', url: 'https://hooks.example.com/parity', header_map: { 'X-Parity': '1' } }[param.kind]
}

for (const op of core.operations) {
  test(`${op.method_name} sends ${op.name} with every per-call option`, async () => {
    const client = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
    const options = Object.fromEntries(core.call_options.map((o) => [o.method_name, o.kind === 'duration' ? 5000 : 1]))
    const before = sb.stats().requests[op.name] ?? 0
    const result = await client[op.method_name](...op.params.map(sample), options)
    assert.equal(result.response.status, 200)
    assert.equal((sb.stats().requests[op.name] ?? 0) - before, 1, `${op.method_name} did not reach ${op.name}`)
  })
}

function constructorOptions(setting) {
  const options = { [setting.method_name]: samples[setting.kind] }
  if (setting.name === 'username') options.password = 'pw'
  else if (setting.name === 'password') options.username = 'someone'
  else if (setting.summary_key !== 'auth') options.apiKey = 'k'
  return options
}

for (const setting of core.settings) {
  test(`the option ${setting.method_name} reaches the core`, () => {
    const client = new pw.PartnerClient(constructorOptions(setting))
    const config = client.config()
    const expected =
      setting.summary_key === 'auth'
        ? ['username', 'password'].includes(setting.name) ? 'password' : setting.name
        : setting.kind === 'duration'
          ? samples.duration / 1000
          : samples[setting.kind]
    assert.deepEqual(config[setting.summary_key], expected, JSON.stringify(config))
  })
}

test('a misspelt option is refused with its name', () => {
  assert.throws(() => new pw.PartnerClient({ apiKey: 'k', timeoutSecs: 5 }), (e) => e instanceof pw.InvalidInputError && e.field === 'timeoutSecs')
  const client = new pw.PartnerClient({ apiKey: 'k' })
  return assert.rejects(client.getWebhookUrl('aPA', { retries: 1 }), (e) => e instanceof pw.InvalidInputError && e.field === 'retries')
})

test('the error classes are the core\'s list', () => {
  assert.deepEqual(Object.keys(pw.errorClasses), core.error_classes.map((c) => c.name))
  for (const { name, parent } of core.error_classes) {
    assert.equal(typeof pw[name], 'function', `${name} is not exported`)
    if (parent) assert.equal(Object.getPrototypeOf(pw[name]), pw[parent], `${name} should extend ${parent}`)
  }
})

test("the event table is the core's: names in its order, aliases, and each parsed to its type", () => {
  const events = core.events
  assert.ok(events.length >= 14)
  assert.deepEqual(pw.knownEventTypes, events.map((e) => e.name))
  const aliases = Object.fromEntries(events.flatMap((e) => e.aliases.map((a) => [a, e.name])))
  const { eventAliases } = createRequire(import.meta.url)('../dist/events.js')
  assert.deepEqual(eventAliases, aliases)
  for (const e of events) {
    for (const spelling of [e.name, ...e.aliases]) {
      const got = pw.parseEvent(JSON.stringify({ event: spelling, data: { id: 'x1' } }))
      assert.equal(got.type, e.name, spelling)
      assert.equal(got.channelId, e.payload === 'ChannelData' ? 'x1' : null, `${spelling}: channelId`)
      assert.equal(got.clientId, e.payload === 'ClientData' ? 'x1' : null, `${spelling}: clientId`)
    }
  }
})
