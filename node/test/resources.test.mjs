// After 1,000 failing calls (refused connections, 503s, resets) the process
// has the threads and file descriptors it had before.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { test } from 'node:test'
import { APIConnectionError, InternalServerError, PartnerClient, Sandbox } from 'partner-webhooks'

const threads = () => readdirSync('/proc/self/task').length
const fds = () => readdirSync('/proc/self/fd').length
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function failMany(client, partnerId, n, errorClass) {
  for (let i = 0; i < n; i += 20) {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.getWebhookUrl(partnerId)))
    for (const r of results) {
      assert.equal(r.status, 'rejected')
      assert.ok(r.reason instanceof errorClass, String(r.reason))
    }
  }
}

test('threads and file descriptors return to their baseline after 1000 failing calls', async () => {
  const sb = await Sandbox.start()
  try {
    // Warm: the runtime, and the pool of the client that will fail (20 connections,
    // as many as it will ever use at once), so that they are part of the baseline.
    const failing = new PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, maxRetries: 0 })
    await Promise.all(Array.from({ length: 20 }, () => failing.getWebhookUrl(sb.partnerId)))
    const [threads0, fds0] = [threads(), fds()]
    const refused = new PartnerClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1', maxRetries: 0 })
    await failMany(refused, sb.partnerId, 400, APIConnectionError)
    sb.injectFault({ route: 'get_webhook_url', status: 503, times: 400 })
    await failMany(failing, sb.partnerId, 400, InternalServerError)
    sb.injectFault({ route: 'get_webhook_url', reset: true, times: 200 })
    await failMany(failing, sb.partnerId, 200, APIConnectionError)
    // Closed sockets leave the fd table asynchronously: wait up to 5 s.
    for (let i = 0; i < 100 && fds() > fds0; i++) await sleep(50)
    assert.equal(threads(), threads0)
    assert.ok(fds() <= fds0, `file descriptors: ${fds0} before, ${fds()} after`)
  } finally {
    await sb.stop()
  }
})
