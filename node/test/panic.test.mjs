// A panic inside a binding call (forced by a test hook on the shared runtime)
// surfaces as a rejected Promise with a typed error, and the process goes on.
// The hook exists in the dev build `make test-node` makes (cargo feature
// `test-hooks`) only.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { PartnerClient, PartnerWebhooksError, Sandbox } from 'partner-webhooks'

const require = createRequire(import.meta.url)
const { fromNative } = require('../dist/convert.js')
const binding = require('../native.js')

test('a panic inside a call rejects with PartnerWebhooksError and later calls work', async () => {
  const sb = await Sandbox.start()
  try {
    const native = new binding.NativeClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
    for (let i = 0; i < 3; i++) {
      const err = await native.panicForTests().then(
        () => assert.fail('resolved'),
        (e) => fromNative(e),
      )
      assert.ok(err instanceof PartnerWebhooksError, String(err))
      assert.equal(err.kind, 'Runtime')
      assert.match(err.message, /panicked: forced by the test hook/)
    }
    const client = new PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
    const after = await client.getWebhookUrl(sb.partnerId)
    assert.equal(after.webhook_url ?? null, null)
  } finally {
    await sb.stop()
  }
})
