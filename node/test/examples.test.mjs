// The receiver examples (examples/receivers: Express, Fastify, Hono, a Next.js
// route handler), each started as a real server and fed by the sandbox: a
// signed delivery (200), an oversized one (413), one without the custom header
// (401), and a forged request (401). The site's framework page
// (docs/site/receivers/node.md) includes each file's marked region.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { PartnerClient, Sandbox, sign } from 'partner-webhooks'

const here = dirname(fileURLToPath(import.meta.url))
const examples = join(here, '..', 'examples', 'receivers')
const sitePage = readFileSync(join(here, '..', '..', 'docs', 'site', 'receivers', 'node.md'), 'utf8')
const HEADER = ['X-Partner-Auth', 'hdr-secret-for-examples']
const MAX_BODY = 64 * 1024
const apps = { express: 'express.mjs', fastify: 'fastify.mjs', hono: 'hono.mjs', 'next route handler': 'next-route-server.mjs' }

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

async function listening(port, child, output) {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited: ${output.join('')}`)
    const up = await new Promise((resolve) => {
      const c = connect(port, '127.0.0.1', () => (c.end(), resolve(true))).on('error', () => resolve(false))
    })
    if (up) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the app did not start listening')
}

/** The HTTP status of a delivery's first attempt (not waiting for the retries). */
async function firstStatus(sb, id) {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    const d = sb.deliveries().find((x) => x.id === id)
    if (d?.attempts?.length) return d.attempts[0].status
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no attempt for ${id}`)
}

for (const [name, file] of Object.entries(apps)) {
  test(`${name} example as a server, fed by the sandbox`, async () => {
    const sb = await Sandbox.start()
    const port = await freePort()
    const output = []
    const child = spawn(process.execPath, [file], {
      cwd: examples,
      env: { ...process.env, PLATFORM_SECRET: sb.platformSecret, PARTNER_HEADER_NAME: HEADER[0], PARTNER_HEADER_VALUE: HEADER[1], MAX_BODY: String(MAX_BODY), PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout.on('data', (d) => output.push(String(d)))
    child.stderr.on('data', (d) => output.push(String(d)))
    try {
      await listening(port, child, output)
      const url = `http://127.0.0.1:${port}/webhook`
      const client = new PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
      await client.setWebhookUrl(sb.partnerId, url)
      await client.setWebhookHeaders(sb.partnerId, { [HEADER[0]]: HEADER[1] })

      const signed = sb.emit('channel_live')
      assert.equal(await firstStatus(sb, signed), 200)
      assert.equal(await firstStatus(sb, sb.emit('brand_new_event', { x: 1 })), 200)
      assert.equal(await firstStatus(sb, sb.emit('channel_live', { blob: 'x'.repeat(MAX_BODY + 1) })), 413)

      // Forged: the signed body changed after signing, sent straight to the app.
      const body = sb.deliveries().find((d) => d.id === signed).body
      const forged = await fetch(url, {
        method: 'POST',
        headers: { [HEADER[0]]: HEADER[1], 'x-360dialog-signature': sign(body, sb.platformSecret), 'content-type': 'application/json' },
        body: body.replace('live', 'lost'),
      })
      assert.equal(forged.status, 401)

      await client.setWebhookHeaders(sb.partnerId, {})
      assert.equal(await firstStatus(sb, sb.emit('channel_live')), 401)
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)))
      await sb.stop()
    }
    const received = output.join('').split('\n').filter((l) => l.startsWith('{"received"')).map((l) => JSON.parse(l))
    assert.deepEqual(received.map((r) => r.received), ['channel_live', 'unknown'], output.join(''))
    assert.equal(received[0].detail, '+4915123456789', 'typed data reached the handler')
  })
}

test("the site's framework page includes every example", () => {
  const regions = readdirSync(examples)
    .filter((f) => f.endsWith('.mjs'))
    .flatMap((f) => [...readFileSync(join(examples, f), 'utf8').matchAll(/\/\/ readme: (\w+)\n([\s\S]*?)\/\/ end readme\n/g)])
  assert.deepEqual(regions.map((m) => m[1]).sort(), ['express', 'fastify', 'hono', 'next'])
  for (const [, name] of regions) assert.ok(sitePage.includes(`"// readme: ${name}"`), `docs/site/receivers/node.md does not include the ${name} example`)
})
