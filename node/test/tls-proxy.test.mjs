// TLS trust (OS store, caBundle, PARTNER_API_CA_BUNDLE) and proxies (proxy option,
// HTTPS_PROXY / NO_PROXY) against a local HTTPS server with a test-CA certificate
// and a local CONNECT proxy.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { after, before, test } from 'node:test'
import { inspect } from 'node:util'

import './helpers.mjs'
import * as pw from 'partner-webhooks'
import { CA, startConnectProxy, startTlsServer } from './local-servers.mjs'

let server, proxy
before(async () => {
  server = await startTlsServer()
  proxy = await startConnectProxy()
})
after(async () => {
  await proxy.close()
  await server.close()
})

test('a server from an unknown CA is refused, and trusted with caBundle', async () => {
  const refused = new pw.PartnerClient({ apiKey: 'k', baseUrl: server.baseUrl, maxRetries: 0 })
  await assert.rejects(refused.getWebhookUrl('abcPA'), (e) => e instanceof pw.APIConnectionError && /certificate|UnknownIssuer/i.test(e.message))
  const trusted = new pw.PartnerClient({ apiKey: 'k', baseUrl: server.baseUrl, caBundle: CA })
  const { data, response } = await trusted.getWebhookUrl('abcPA').withResponse()
  assert.equal(data.webhook_url, 'https://example.com/events')
  assert.equal(response.headers['x-request-id'], 'node-tls-1')
  assert.equal(trusted.config().ca_bundle, CA)
})

test('a CA bundle that is not one is refused by name', () => {
  assert.throws(() => new pw.PartnerClient({ apiKey: 'k', caBundle: '/nonexistent/ca.pem' }), (e) => e instanceof pw.InvalidInputError && e.field === 'caBundle')
})

test('the proxy option tunnels with its credentials, which never show', async () => {
  const url = `http://alice:proxy-pw-93e1@127.0.0.1:${proxy.port}`
  const before = proxy.tunnels.length
  const client = new pw.PartnerClient({ apiKey: 'k', baseUrl: server.baseUrl, caBundle: CA, proxy: url })
  assert.equal((await client.getWebhookUrl('abcPA')).response.status, 200)
  assert.deepEqual(proxy.tunnels.slice(before), [`127.0.0.1:${server.port}`])
  assert.equal(proxy.authorizations.at(-1), 'Basic YWxpY2U6cHJveHktcHctOTNlMQ==')
  const shown = inspect(client) + JSON.stringify(client) + JSON.stringify(client.config())
  assert.ok(!shown.includes('proxy-pw-93e1') && !shown.includes('alice'), shown)
  const dead = new pw.PartnerClient({ apiKey: 'k', baseUrl: server.baseUrl, proxy: 'http://alice:proxy-pw-93e1@127.0.0.1:9', maxRetries: 0 })
  const e = await dead.getWebhookUrl('abcPA').catch((err) => err)
  assert.ok(e instanceof pw.APIConnectionError)
  assert.ok(!(e.message + inspect(e, { depth: 9 })).includes('proxy-pw-93e1'))
  assert.ok(e.cause instanceof Error, 'a connection error carries its cause')
})

// Asynchronous: the servers answering the child run in this process.
async function run(code, env) {
  try {
    return await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
      env: { ...process.env, ...env },
      timeout: 60_000,
      cwd: new URL('.', import.meta.url).pathname,
    })
  } catch (e) {
    return { stdout: e.stdout ?? '', stderr: String(e.stderr ?? e) }
  }
}

test('HTTPS_PROXY and NO_PROXY from the environment', async () => {
  const code = `import * as pw from 'partner-webhooks'
const c = new pw.PartnerClient({ apiKey: 'k', baseUrl: '${server.baseUrl}', caBundle: ${JSON.stringify(CA)} })
console.log((await c.getWebhookUrl('abcPA')).response.status)`
  const before = proxy.tunnels.length
  const via = await run(code, { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: '' })
  assert.equal(via.stdout.trim(), '200', via.stderr)
  assert.equal(proxy.tunnels.length, before + 1)
  const bypass = await run(code, { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: '127.0.0.1' })
  assert.equal(bypass.stdout.trim(), '200', bypass.stderr)
  assert.equal(proxy.tunnels.length, before + 1, 'NO_PROXY was not honoured')
})

test('the OS trust store is used (SSL_CERT_FILE names it here)', async () => {
  const code = `import * as pw from 'partner-webhooks'
console.log((await new pw.PartnerClient({ apiKey: 'k', baseUrl: '${server.baseUrl}' }).getWebhookUrl('abcPA')).response.status)`
  const r = await run(code, { SSL_CERT_FILE: CA })
  assert.equal(r.stdout.trim(), '200', r.stderr)
})
