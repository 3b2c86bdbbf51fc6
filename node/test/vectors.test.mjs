// Every file of tests/vectors, run unchanged (format: tests/vectors/README.md).
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { WebhookVerificationError, WebhookVerifier } from 'partner-webhooks'
import { dataFiles } from './helpers.mjs'

const vectors = dataFiles('vectors')
const names = {
  event_type: 'type',
  known_type: 'knownType',
  signature_verified: 'signatureVerified',
  channel_id: 'channelId',
  client_id: 'clientId',
  phone_number: 'phoneNumber',
  phone_name: 'phoneName',
}

test('there are enough vectors', () => assert.ok(vectors.length >= 40))

for (const { name, data: v } of vectors) {
  test(`vector ${name}`, () => {
    const verifier = new WebhookVerifier({
      secrets: v.verifier.secrets ?? [],
      requiredHeaders: v.verifier.required_headers,
      maxBody: v.verifier.max_body,
      requireSignature: v.verifier.require_signature,
    })
    const body = 'body' in v.request ? Buffer.from(v.request.body, 'utf8') : Buffer.from(v.request.body_base64, 'base64')
    const headers = v.request.headers
    if ('error' in v.expect) {
      assert.throws(
        () => verifier.verify(headers, body),
        (e) => e instanceof WebhookVerificationError && e.kind === v.expect.error && e.httpStatus === v.expect.http_status,
      )
    } else {
      const event = verifier.verify(headers, body)
      for (const [key, want] of Object.entries(v.expect)) assert.deepEqual(event[names[key] ?? key], want, key)
    }
  })
}
