// The documentation site (`make docs` builds it into target/site) in a real
// browser: Debian's chromium driven by playwright-core, with the sandbox
// page's flags. The site is served on 127.0.0.1 by a static server started
// here; nothing else is reachable. `make test-docs` runs it.
//
// Steps: open a guide and pick "Swift" in its examples; open another guide
// and find Swift already picked; search for "rotate" and find the rotation
// guide. Screenshots of a quickstart and a guide go to target/browser/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { chromium } from 'playwright-core'

const root = new URL('../../', import.meta.url).pathname
const target = process.env.CARGO_TARGET_DIR || `${root}target`
const site = `${target}/site`
const shots = `${target}/browser`
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json', '.woff2': 'font/woff2' }

let server, base, browser
const outside = []

before(async () => {
  assert.ok(existsSync(`${site}/index.html`), `${site} is not built: run make docs`)
  mkdirSync(shots, { recursive: true })
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    let file = join(site, path)
    if (file.endsWith('/') || (existsSync(file) && statSync(file).isDirectory())) file = join(file, 'index.html')
    if (!file.startsWith(site) || !existsSync(file)) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file))
  })
  server.listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  base = `http://127.0.0.1:${server.address().port}`
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
})

after(async () => {
  await browser?.close()
  server?.close()
})

test('the reader picks Swift once, search finds the rotation guide, nothing loads from elsewhere', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  // Every request must stay on this server: no CDN, no font service.
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url()) })

  await page.goto(`${base}/guides/errors-and-retries.html`)
  // sphinx-design's tabs: a radio input and its label per language.
  const swift = page.locator('label.sd-tab-label[data-sync-id="swift"]').first()
  await swift.click()
  const shown = page.locator('.sd-tab-set').first().locator('.sd-tab-content:visible')
  assert.match(await shown.innerText(), /PartnerError/, 'the Swift code shows after the click')
  await page.screenshot({ path: `${shots}/docs-guide.png`, fullPage: true })

  await page.goto(`${base}/guides/webhook-settings.html`)
  for (const set of await page.locator('.sd-tab-set').all()) {
    const checked = set.locator('input:checked + label')
    assert.equal((await checked.innerText()).trim(), 'Swift', 'the choice is remembered on another guide')
    assert.match(await set.locator('.sd-tab-content:visible').innerText(), /try await|Sandbox\.start/)
  }

  await page.goto(`${base}/quickstart/python.html`)
  await page.screenshot({ path: `${shots}/docs-quickstart.png`, fullPage: true })

  await page.goto(`${base}/search.html?q=rotate`)
  const result = page.locator('#search-results a', { hasText: 'Rotating secrets' })
  await result.first().waitFor({ timeout: 15_000 })
  await result.first().click()
  await page.waitForURL(/rotating-secrets\.html/)
  assert.match(await page.locator('h1').innerText(), /Rotating secrets/)

  assert.deepEqual(outside, [], 'every request went to the site itself')
  await context.close()
})

test('the Swift reference rendered by DocC opens offline', async (t) => {
  // `make test` runs test-swift (which renders it in the Debian 13 root) before test-docs;
  // a lone `make test-docs` without it says so here, and CI requires it.
  if (!existsSync(`${site}/reference/swift-docc/index.html`)) {
    assert.ok(!process.env.CI, 'with CI=true the DocC reference must be there (make test-swift makes it)')
    t.diagnostic('no DocC reference in the site: run make test-swift before make docs')
    return
  }
  const page = await browser.newPage()
  const away = []
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) away.push(r.url()) })
  await page.goto(`${base}/reference/swift-docc/documentation/partnerwebhooks/partnerclient/`)
  await page.getByRole('heading', { name: 'PartnerClient', level: 1 }).waitFor({ timeout: 15_000 })
  assert.match(await page.locator('main').innerText(), /share one per process/)
  assert.deepEqual(away, [], 'every request went to the site itself')
  await page.close()
})
