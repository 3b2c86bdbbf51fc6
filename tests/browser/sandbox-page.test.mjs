// The sandbox page in a real browser: Debian's chromium driven by
// playwright-core (never a downloaded browser), against the CLI's sandbox
// service and a receiver on 127.0.0.1. `make test-browser` runs it.
//
// Steps: open the page; trigger an event from the form by keyboard and see
// its row appear without a reload; open its detail; resend it by keyboard
// and see the second delivery; inject a fault; run the signature debugger
// on a re-serialized body and read the cause; check that
// `partner-webhooks deliveries --follow` printed the same deliveries; run
// axe-core on each page. The "copy as" curl command and the Node and Python
// code it gives run here (the Rust, Kotlin and Swift code is only generated). Screenshots go to target/browser/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { once } from 'node:events'
import { chromium } from 'playwright-core'

const root = new URL('../../', import.meta.url).pathname
const target = process.env.CARGO_TARGET_DIR || `${root}target`
const cli = process.env.PARTNER_WEBHOOKS_CLI || `${target}/debug/partner-webhooks`
const shots = `${target}/browser`
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

let sandbox, info, receiver, received, follower, followed, browser
const children = []

/** A child process whose stdout lines are collected. */
function run(args) {
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const lines = []
  let rest = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk) => {
    rest += chunk
    const parts = rest.split('\n')
    rest = parts.pop()
    lines.push(...parts.filter((l) => l.trim() !== ''))
  })
  return { child, lines }
}

/** A program's exit status and output, without blocking this process's event loop. */
function exec(program, args, options) {
  return new Promise((resolve) => {
    const child = spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

async function until(what, check, ms = 10_000) {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

before(async () => {
  mkdirSync(shots, { recursive: true })
  received = []
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  receiver.listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  sandbox = run(['sandbox', '--json'])
  info = JSON.parse(await until('the sandbox', () => sandbox.lines[0]))
  const api = (path, body) => fetch(`${info.base_url}/api/v2/partners/${info.partner_id}/${path}`, {
    method: 'POST', headers: { 'x-api-key': info.api_key, 'content-type': 'application/json' }, body: JSON.stringify(body),
  })
  assert.equal((await api('webhook_url', { webhook_url: `http://127.0.0.1:${receiver.address().port}/hook` })).status, 200)
  assert.equal((await api('webhook_headers', { webhook_headers: { 'X-Partner-Auth': 'browser-test-header-secret' } })).status, 200)
  follower = run(['--base-url', info.base_url, '--partner-id', info.partner_id, '--json', 'deliveries', '--follow'])
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
}, { timeout: 60_000 })

after(async () => {
  await browser?.close()
  for (const c of children) c.kill('SIGTERM')
  receiver?.close()
})

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core on the page as it is: the serious and critical violations. */
async function axe(page) {
  await page.evaluate(axeSource) // evaluated by the driver: the page's CSP allows no inline script
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }))
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}

test('the page: trigger, live row, detail, resend, fault, and the CLI saw the same', { timeout: 120_000 }, async () => {
  const page = await browser.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${info.base_url}/`)
  await page.locator('#live', { hasText: 'live' }).waitFor()
  const html = await (await fetch(`${info.base_url}/`)).text()
  for (const secret of [info.platform_secret, 'browser-test-header-secret', info.api_key]) {
    assert.ok(!html.includes(secret), 'a secret is in the page source')
  }
  assert.deepEqual(await axe(page), [], 'axe: serious or critical violations on /')

  // 1. Trigger from the form, by keyboard alone: the kind, then Tab to the data, Tab to the button, Enter.
  await page.locator('#event-kind').focus()
  await page.keyboard.press('End') // the last kind in the list
  const kind = await page.locator('#event-kind').inputValue()
  await until('the sample', async () => (await page.locator('#event-data').inputValue()).includes('{'))
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  const started = performance.now()
  await page.keyboard.press('Enter')
  // 2. The row arrives without a reload.
  const row = page.locator('#deliveries tr').first()
  await row.waitFor()
  const rowMs = performance.now() - started
  await page.locator('#deliveries tr[data-status="delivered"]').first().waitFor()
  assert.match(await row.innerText(), new RegExp(kind))
  assert.equal(received.length, 1)
  assert.equal(JSON.parse(received[0].body).event, kind)
  await page.screenshot({ path: `${shots}/sandbox-page.png`, fullPage: true })

  // Its detail, at a link of its own.
  await row.locator('a').click()
  await page.locator('#detail-attempts', { hasText: 'HTTP 200' }).waitFor()
  const id = (await page.locator('#detail-id').innerText()).trim()
  assert.equal(new URL(page.url()).pathname, `/deliveries/${id}`)
  const headers = await page.locator('#detail-headers').innerText()
  assert.match(headers, /x-360dialog-signature\s+[0-9a-f]{64}/)
  assert.ok(!headers.includes('browser-test-header-secret'), 'the custom header value is masked')
  assert.equal(await page.locator('#detail-body').innerText(), received[0].body)
  // The receiver's answer: its headers and body.
  const attempts = await page.locator('#detail-attempts').innerText()
  assert.match(attempts, /content-type: application\/json/)
  assert.match(attempts, /\{"ok":true\}/)
  await page.screenshot({ path: `${shots}/sandbox-delivery.png`, fullPage: true })

  // Copy as: the curl command replays it byte for byte, and the Node and Python code verifies it.
  await page.locator('#copy-box summary').click()
  const copied = async (lang) => {
    await page.locator(`.copy-as[data-lang="${lang}"]`).click()
    await page.locator(`#copy-text[data-lang="${lang}"]`).waitFor()
    return page.locator('#copy-text').innerText()
  }
  const env = { ...process.env, PARTNER_PLATFORM_SECRET: info.platform_secret, PARTNER_WEBHOOK_HEADER_SECRET: 'browser-test-header-secret' }
  const curl = await copied('curl')
  assert.ok(!curl.includes('browser-test-header-secret') && !curl.includes(info.platform_secret), 'no secret in the text')
  const replayed = await exec('bash', ['-c', curl], { env }) // async: the receiver answers from this process
  assert.equal(replayed.status, 0, replayed.stderr)
  const replayedReq = received[received.length - 1]
  assert.equal(replayedReq.body, received[0].body, 'curl sends the exact bytes')
  assert.equal(replayedReq.headers['x-360dialog-signature'], received[0].headers['x-360dialog-signature'])
  assert.equal(replayedReq.headers['x-partner-auth'], 'browser-test-header-secret')
  received.pop()
  const nodeCode = spawnSync(process.execPath, ['-e', await copied('node')], { cwd: `${root}node`, env, encoding: 'utf8' })
  assert.equal(nodeCode.status, 0, nodeCode.stderr)
  assert.equal(nodeCode.stdout.trim(), `verified: ${kind}`)
  const python = spawnSync(`${target}/venv-python/bin/python`, ['-c', await copied('python')], { env, encoding: 'utf8' })
  assert.equal(python.status, 0, python.stderr)
  assert.equal(python.stdout.trim(), `verified: ${kind}`)
  for (const lang of ['rust', 'kotlin', 'swift']) assert.match(await copied(lang), /x-360dialog-signature/)
  // The link opens the same detail in a fresh tab.
  const direct = await browser.newPage()
  await direct.goto(`${info.base_url}/deliveries/${id}`)
  await direct.locator('#detail-attempts', { hasText: 'HTTP 200' }).waitFor()
  assert.deepEqual(await axe(direct), [], 'axe: serious or critical violations on /deliveries/{id}')
  await direct.close()

  // 3. Resend, by keyboard: a second delivery of the same event arrives.
  await page.locator('#resend').focus()
  await page.keyboard.press('Enter')
  await page.locator('#resend-status', { hasText: 'Resent as delivery' }).waitFor()
  await until('the second delivery', async () => (await page.locator('#deliveries tr[data-status="delivered"]').count()) === 2)
  assert.equal(received.length, 2)
  assert.equal(received[1].body, received[0].body, 'a resend sends the same bytes')

  // 4. A Partner API fault, from the page.
  await page.locator('#fault-route').selectOption('get_webhook_url')
  await page.locator('#fault-status').fill('503')
  await page.locator('#fault button[type="submit"]').click()
  await page.locator('#faults', { hasText: '"status":503' }).waitFor()
  const faults = await (await fetch(`${info.base_url}/_sandbox/faults`)).json()
  assert.equal(faults.faults.length, 1)
  assert.equal(faults.faults[0].route, 'get_webhook_url')
  await page.locator('#clear-faults').click()
  await page.locator('#fault-status-line', { hasText: 'Cleared 1' }).waitFor()

  // 5. The signature debugger on a re-serialized body names the cause.
  await page.locator('#deliveries tr a').last().click()
  await page.locator('#detail-attempts', { hasText: 'HTTP 200' }).waitFor()
  await page.locator('#debug-this').click()
  const original = await page.locator('#debug-body').inputValue()
  await page.locator('#debug-body').fill(JSON.stringify(JSON.parse(original), null, 2))
  await page.locator('#debug button[type="submit"]').click()
  await page.locator('#debug-verdict').waitFor()
  assert.equal(await page.locator('#debug-verdict').innerText(), 'Not verified: reserialized.')
  assert.match(await page.locator('#debug-result').innerText(), /parsed and serialized again/)
  await page.locator('#debug-body').fill(original)
  await page.locator('#debug button[type="submit"]').click()
  await page.locator('#debug-verdict', { hasText: 'Verified.' }).waitFor()
  await page.screenshot({ path: `${shots}/sandbox-debugger.png`, fullPage: true })

  // The receiver check: this test's receiver answers 200 to everything, so the
  // forged and the header-less deliveries are reported.
  await page.locator('#run-check').click()
  await page.locator('#check-verdict').waitFor()
  assert.equal(await page.locator('#check-verdict').innerText(), 'Some answers were wrong.')
  const report = await page.locator('#check-result').innerText()
  assert.match(report, /wrong signature\s+HTTP 200\s+not 2xx\s+wrong: /)
  assert.match(report, /without custom headers\s+HTTP 200\s+not 2xx\s+wrong: /)
  assert.match(report, /duplicate\s+HTTP 200\s+2xx\s+right/)
  await until('the check deliveries', async () => (await page.locator('#deliveries tr[data-status="delivered"]').count()) === 6)

  // 6. `deliveries --follow` printed the same deliveries, with the same final state.
  const pageIds = await page.locator('#deliveries tr a').evaluateAll((as) => as.map((a) => a.getAttribute('href').split('/').pop()))
  const last = await until('the follower', () => {
    const m = new Map()
    for (const l of follower.lines) {
      const d = JSON.parse(l)
      m.set(d.id, d.status)
    }
    return m.size === 6 && [...m.values()].every((s) => s === 'delivered') && m
  })
  assert.deepEqual([...last.keys()].sort(), [...pageIds].sort())
  // Export the log, and import it back from the page: everything is already there.
  const exported = await (await fetch(`${info.base_url}/_sandbox/export`)).text()
  assert.equal(exported.trim().split('\n').length, 6)
  await page.locator('#import-file').setInputFiles({ name: 'deliveries.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(exported) })
  await page.locator('#import-status', { hasText: 'Imported 0, skipped 6' }).waitFor()
  assert.deepEqual(errors, [], 'no script error on the page')
  writeFileSync(`${shots}/timings.json`, JSON.stringify({ trigger_to_row_ms: Math.round(rowMs) }))
  console.log(`trigger to row: ${rowMs.toFixed(0)} ms; screenshots in ${shots}`)
  await page.close()
})
