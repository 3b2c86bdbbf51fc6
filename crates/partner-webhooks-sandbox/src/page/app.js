// The sandbox page: plain JavaScript, no build step. It reads the JSON API
// under /_sandbox/ and the live stream (/_sandbox/stream, server-sent events
// with ids: the browser resumes after the last one it saw), and acts through
// the same control routes as the CLI, sending the page's token.
'use strict'

const token = document.querySelector('meta[name="sandbox-token"]').content
const partnerId = document.querySelector('meta[name="partner-id"]').content
const responseLimit = document.querySelector('meta[name="response-limit"]').content
const $ = (id) => document.getElementById(id)
const deliveries = new Map() // id -> delivery
let selected = null

async function api(method, path, body) {
  const init = { method, headers: { 'x-sandbox-token': token } }
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
  }
  const r = await fetch(path, init)
  const text = await r.text()
  let json = null
  try { json = text ? JSON.parse(text) : null } catch { json = null }
  if (!r.ok) {
    const meta = json && json.meta
    const details = meta && meta.details ? ' ' + JSON.stringify(meta.details) : ''
    throw new Error(`${r.status}: ${(meta && meta.developer_message) || text}${details}`)
  }
  return json
}

function el(tag, text, cls) {
  const e = document.createElement(tag)
  if (text !== undefined) e.textContent = text
  if (cls) e.className = cls
  return e
}

function say(id, text, isError) {
  const p = $(id)
  p.textContent = text
  p.classList.toggle('error', !!isError)
}

// Configuration (secrets masked until revealed).
async function loadOverview() {
  const o = await api('GET', '/_sandbox/overview')
  $('webhook-url').textContent = o.webhook_url || '(none set: set one with the client, or `partner-webhooks dev`)'
  const list = $('webhook-headers')
  list.replaceChildren()
  if (o.webhook_header_names.length === 0) list.append(el('li', '(none)'))
  for (const name of o.webhook_header_names) {
    const li = el('li')
    const value = el('code', '••••••••')
    const b = el('button', 'Reveal')
    b.type = 'button'
    b.setAttribute('aria-label', `Reveal the value of ${name}`)
    b.addEventListener('click', async () => {
      value.textContent = (await api('GET', `/_sandbox/reveal?what=header&name=${encodeURIComponent(name)}`)).value
    })
    li.append(el('code', name + ': '), value, ' ', b)
    list.append(li)
  }
  renderFaults(o.faults)
}

function renderFaults(faults) {
  const ul = $('faults')
  ul.replaceChildren(...faults.map((f) => el('li', JSON.stringify(f))))
  if (faults.length === 0) ul.append(el('li', 'No fault pending.'))
}

$('reveal-secret').addEventListener('click', async () => {
  $('secret').textContent = (await api('GET', '/_sandbox/reveal?what=secret')).value
})
$('copy-secret').addEventListener('click', async () => {
  const v = (await api('GET', '/_sandbox/reveal?what=secret')).value
  await navigator.clipboard.writeText(v).catch(() => {})
})

// Trigger: the sample of the chosen kind, edited as JSON.
async function loadSample() {
  const kind = $('event-kind').value
  const s = await api('GET', `/_sandbox/samples/${encodeURIComponent(kind)}`)
  $('event-data').value = JSON.stringify(s.data, null, 2)
}
$('event-kind').addEventListener('change', loadSample)
$('trigger').addEventListener('submit', async (ev) => {
  ev.preventDefault()
  let data
  try {
    data = JSON.parse($('event-data').value)
  } catch (e) {
    return say('trigger-status', `The data is not JSON: ${e.message}`, true)
  }
  try {
    const faults = {
      delay_ms: Number($('fault-delay').value) || 0,
      timeout: $('fault-timeout').checked,
      drop: $('fault-drop').checked,
      duplicate: $('fault-duplicate').checked,
      out_of_order: $('fault-out-of-order').checked,
    }
    const r = await api('POST', `/_sandbox/partners/${encodeURIComponent(partnerId)}/events`, { event: $('event-kind').value, data, faults })
    say('trigger-status', `Queued delivery ${r.delivery_id}`)
  } catch (e) {
    say('trigger-status', e.message, true)
  }
})

// Faults.
$('fault').addEventListener('submit', async (ev) => {
  ev.preventDefault()
  const fault = { route: $('fault-route').value, status: Number($('fault-status').value), times: Number($('fault-times').value) }
  try {
    await api('POST', '/_sandbox/faults', fault)
    say('fault-status-line', `Injected: ${JSON.stringify(fault)}`)
    renderFaults((await api('GET', '/_sandbox/faults')).faults)
  } catch (e) {
    say('fault-status-line', e.message, true)
  }
})
$('clear-faults').addEventListener('click', async () => {
  const r = await api('DELETE', '/_sandbox/faults')
  say('fault-status-line', `Cleared ${r.cleared}`)
  renderFaults([])
})

// The live list.
function latency(d) {
  const last = d.attempts[d.attempts.length - 1]
  return last ? `${last.duration_ms} ms` : '—'
}

function row(d) {
  const tr = el('tr')
  tr.id = `row-${d.id}`
  tr.dataset.status = d.status
  const link = el('a', d.id.slice(0, 8))
  link.href = `/deliveries/${encodeURIComponent(d.id)}`
  link.setAttribute('aria-label', `Open delivery ${d.id}`)
  link.addEventListener('click', (ev) => {
    ev.preventDefault()
    history.pushState(null, '', link.href)
    openDetail(d.id)
  })
  const cells = [
    el('td', new Date(d.created_at_ms).toLocaleTimeString()),
    el('td', d.event),
    el('td', d.status, `status-${d.status}`),
    el('td', String(d.attempts.length)),
    el('td', latency(d)),
    el('td'),
  ]
  cells[5].append(link)
  tr.append(...cells)
  return tr
}

function upsert(d) {
  deliveries.set(d.id, d)
  const body = $('deliveries')
  const fresh = row(d)
  const old = document.getElementById(`row-${d.id}`)
  if (old) old.replaceWith(fresh)
  else body.prepend(fresh)
  if (selected === d.id) renderDetail(d)
}

async function loadDeliveries() {
  const r = await api('GET', '/_sandbox/deliveries')
  $('deliveries').replaceChildren()
  for (const d of r.deliveries) upsert(d)
  return r.last_seq
}

function connect(after) {
  const src = new EventSource(`/_sandbox/stream?after=${after}`)
  src.addEventListener('open', () => { $('live').textContent = 'live' })
  src.addEventListener('error', () => { $('live').textContent = 'reconnecting…' })
  src.addEventListener('delivery', (ev) => upsert(JSON.parse(ev.data)))
  src.addEventListener('reset', () => { loadDeliveries() })
}

// Detail.
let detailRequest = null
async function openDetail(id) {
  selected = id
  $('detail').hidden = false
  $('detail-id').textContent = id
  detailRequest = await api('GET', `/_sandbox/deliveries/${encodeURIComponent(id)}`)
  renderDetail(detailRequest.delivery)
  $('detail-h').scrollIntoView()
}

function renderDetail(d) {
  if (!detailRequest || detailRequest.delivery.id !== d.id) return
  const req = detailRequest.request
  $('detail-url').textContent = `${req.method} ${req.url} (${req.body_bytes} bytes)`
  $('detail-headers').replaceChildren(...req.headers.map((h) => {
    const tr = el('tr')
    tr.append(el('td', h.name), el('td'))
    tr.lastChild.append(el('code', h.value))
    return tr
  }))
  $('detail-body').textContent = d.body
  if (!$('replay-box').open) $('replay-body').value = d.body
  $('detail-note').textContent = d.note || ''
  $('detail-attempts').replaceChildren(...d.attempts.map((a) => {
    const tr = el('tr')
    const response = el('td')
    if (a.response_headers.length > 0) {
      response.append(el('pre', a.response_headers.map(([n, v]) => `${n}: ${v}`).join('\n')))
    }
    if (a.response_body) {
      response.append(el('pre', a.response_body + (a.response_truncated ? `\n… (cut at ${responseLimit} bytes)` : '')))
    }
    const next = a.next_attempt_at_ms ? new Date(a.next_attempt_at_ms).toLocaleTimeString() : '—'
    tr.append(
      el('td', String(a.attempt)),
      el('td', new Date(a.started_at_ms).toLocaleTimeString()),
      el('td', a.status != null ? `HTTP ${a.status}` : a.error || '—'),
      el('td', `${a.duration_ms} ms`),
      response,
      el('td', next),
    )
    return tr
  }))
  if (d.attempts.length === 0) {
    const tr = el('tr')
    tr.append(el('td', 'No attempt yet.'))
    $('detail-attempts').append(tr)
  }
  $('detail-next').textContent = d.status === 'pending' ? nextText(d) : ''
}

function nextText(d) {
  const last = d.attempts[d.attempts.length - 1]
  if (!last) return 'The first attempt is being made.'
  return last.next_attempt_at_ms ? `Next attempt at ${new Date(last.next_attempt_at_ms).toLocaleTimeString()}.` : ''
}

$('resend').addEventListener('click', async () => {
  try {
    const r = await api('POST', `/_sandbox/partners/${encodeURIComponent(partnerId)}/deliveries/${encodeURIComponent(selected)}/resend`)
    say('resend-status', `Resent as delivery ${r.delivery_id}`)
  } catch (e) {
    say('resend-status', e.message, true)
  }
})

// Replay with edits.
$('replay').addEventListener('submit', async (ev) => {
  ev.preventDefault()
  const q = {
    body: $('replay-body').value,
    wrong_signature: $('replay-wrong-signature').checked,
    without_custom_headers: $('replay-without-headers').checked,
  }
  try {
    const r = await api('POST', `/_sandbox/deliveries/${encodeURIComponent(selected)}/replay`, q)
    say('replay-status', `Replayed as delivery ${r.delivery_id}`)
  } catch (e) {
    say('replay-status', e.message, true)
  }
})

// The receiver check.
$('run-check').addEventListener('click', async () => {
  const out = $('check-result')
  out.replaceChildren(el('p', 'Checking…'))
  try {
    const r = await api('POST', '/_sandbox/receiver-check')
    const table = el('table')
    const head = el('tr')
    for (const h of ['Case', 'Answer', 'Expected', 'Verdict']) {
      const th = el('th', h)
      th.scope = 'col'
      head.append(th)
    }
    table.append(head)
    for (const c of r.cases) {
      const tr = el('tr')
      tr.append(
        el('td', c.case.replaceAll('_', ' ')),
        el('td', c.status != null ? `HTTP ${c.status}` : c.error || 'no answer'),
        el('td', c.expected),
        el('td', c.ok ? 'right' : `wrong: ${c.problem}`, c.ok ? 'status-delivered' : 'status-failed'),
      )
      table.append(tr)
    }
    const verdict = el('p', r.ok ? 'Every answer was right.' : 'Some answers were wrong.', r.ok ? 'status-delivered' : 'status-failed')
    verdict.id = 'check-verdict'
    out.replaceChildren(verdict, table)
  } catch (e) {
    out.replaceChildren(el('p', e.message, 'error'))
  }
})

// Import a log exported here or elsewhere (nothing is sent).
$('import-file').addEventListener('change', async () => {
  const file = $('import-file').files[0]
  if (!file) return
  try {
    const r = await api('POST', '/_sandbox/import', await file.text())
    say('import-status', `Imported ${r.imported}, skipped ${r.skipped} already here`)
  } catch (e) {
    say('import-status', e.message, true)
  }
})

// Copy as: curl, and the code that verifies this delivery in each language.
// String literals are made from JSON's (valid in Python and JavaScript), with
// what Kotlin and Swift spell differently rewritten.
const jsonLit = (s) => JSON.stringify(s)
const kotlinLit = (s) => jsonLit(s).replaceAll('$', '\\$').replaceAll('\\f', '\\u000c')
const swiftLit = (s) => jsonLit(s).replace(/\\u([0-9a-fA-F]{4})/g, '\\u{$1}').replaceAll('\\b', '\\u{8}').replaceAll('\\f', '\\u{c}')
const rustLit = swiftLit // Rust spells escapes as Swift does: \u{...}
const shellLit = (s) => `'${s.replaceAll("'", "'\\''")}'`

function copyAs(lang, d, sig, headerNames) {
  const custom = headerNames.filter((n) => n.toLowerCase() !== 'content-type')
  switch (lang) {
    case 'curl':
      return [
        `curl -sS -X POST ${shellLit(d.url)} \\`,
        `  -H 'content-type: application/json' \\`,
        `  -H ${shellLit('x-360dialog-signature: ' + sig)} \\`,
        ...custom.map((n) => `  -H "${n}: $PARTNER_WEBHOOK_HEADER_SECRET" \\`),
        `  --data-raw ${shellLit(d.body)}`,
      ].join('\n')
    case 'rust':
      return `// cargo add partner-webhooks
use partner_webhooks::WebhookVerifier;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body: &str = ${rustLit(d.body)};
    let verifier = WebhookVerifier::builder()
        .secret(std::env::var("PARTNER_PLATFORM_SECRET")?)
        .build()?;
    let event = verifier.verify([("x-360dialog-signature", ${rustLit(sig)})], body.as_bytes())?;
    println!("verified: {}", event.event().event_type());
    Ok(())
}`
    case 'python':
      return `# pip install partner-webhooks
import os
import partner_webhooks as pw

body = ${jsonLit(d.body)}.encode()
verifier = pw.WebhookVerifier([os.environ["PARTNER_PLATFORM_SECRET"]])
event = verifier.verify([("x-360dialog-signature", ${jsonLit(sig)})], body)
print("verified:", event.event_type)`
    case 'node':
      return `// npm install partner-webhooks
const { WebhookVerifier } = require('partner-webhooks')

const body = Buffer.from(${jsonLit(d.body)})
const verifier = new WebhookVerifier({ secrets: [process.env.PARTNER_PLATFORM_SECRET] })
const event = verifier.verify({ 'x-360dialog-signature': ${jsonLit(sig)} }, body)
console.log('verified:', event.eventType)`
    case 'kotlin':
      return `import com.partnerwebhooks.*

fun main() {
    val body = ${kotlinLit(d.body)}.toByteArray()
    val verifier = WebhookVerifier(listOf(System.getenv("PARTNER_PLATFORM_SECRET")), mapOf())
    val event = verifier.verify(listOf(Header("x-360dialog-signature", ${kotlinLit(sig)})), body)
    println("verified: \${event.eventType}")
}`
    case 'swift':
      return `import Foundation
import PartnerWebhooks

let body = Data(${swiftLit(d.body)}.utf8)
let verifier = try WebhookVerifier(
    secrets: [ProcessInfo.processInfo.environment["PARTNER_PLATFORM_SECRET"] ?? ""],
    requiredHeaders: [:]
)
let event = try verifier.verify(headers: [Header(name: "x-360dialog-signature", value: ${swiftLit(sig)})], body: body)
print("verified: \\(event.eventType)")`
    default:
      return ''
  }
}

for (const b of document.querySelectorAll('.copy-as')) {
  b.addEventListener('click', () => {
    const d = deliveries.get(selected)
    const headers = detailRequest.request.headers
    const sig = headers.find((h) => h.name === 'x-360dialog-signature').value
    const names = headers.filter((h) => h.masked).map((h) => h.name)
    $('copy-text').textContent = copyAs(b.dataset.lang, d, sig, names)
    $('copy-text').dataset.lang = b.dataset.lang
  })
}
$('copy-copy').addEventListener('click', () => navigator.clipboard.writeText($('copy-text').textContent).catch(() => {}))

// The signature debugger.
$('debug-this').addEventListener('click', () => {
  const d = deliveries.get(selected)
  const sig = detailRequest.request.headers.find((h) => h.name === 'x-360dialog-signature')
  $('debug-body').value = d.body
  $('debug-signature').value = sig ? sig.value : ''
  $('debug-body').focus()
})
$('debug').addEventListener('submit', async (ev) => {
  ev.preventDefault()
  const out = $('debug-result')
  const q = { body: $('debug-body').value, signature: $('debug-signature').value }
  if ($('debug-secret').value) q.secret = $('debug-secret').value
  try {
    const r = await api('POST', '/_sandbox/debug/signature', q)
    const verdict = el('p', r.verified ? 'Verified.' : `Not verified: ${r.cause.replaceAll('_', ' ')}.`, r.verified ? 'status-delivered' : 'status-failed')
    verdict.id = 'debug-verdict'
    const dl = el('dl')
    const add = (k, v) => { dl.append(el('dt', k)); const dd = el('dd'); dd.append(el('code', v)); dl.append(dd) }
    add('Expected (HMAC of this body)', r.expected)
    add('Received', r.received)
    if (r.delivery_id) add('Signature of delivery', r.delivery_id)
    out.replaceChildren(verdict, el('p', r.message), dl)
  } catch (e) {
    out.replaceChildren(el('p', e.message, 'error'))
  }
})

window.addEventListener('popstate', () => route())
function route() {
  const m = location.pathname.match(/^\/deliveries\/(.+)$/)
  if (m) openDetail(decodeURIComponent(m[1])).catch((e) => say('resend-status', e.message, true))
  else $('detail').hidden = true
}

;(async () => {
  await loadOverview()
  await loadSample()
  connect(await loadDeliveries())
  route()
})()
