// Node benchmarks of `make bench` (run by bench/run.py, which starts the sandbox).
// Prints one JSON sample per line, one per run: ours next to the baseline measured
// in the same run. CPU time is process.cpuUsage(): every thread of the process,
// so the Rust runtime's workers count too.
//
//   node bench.mjs client --base-url URL --api-key K --partner-id P [--concurrency 1 64 512]
//   node bench.mjs verify --event ../fixtures/event-1k.json --secret S
//   node bench.mjs memory --base-url URL --api-key K --partner-id P --calls 10000
//   node bench.mjs count client --side ours|undici --n N --base-url URL --api-key K --partner-id P
//   node bench.mjs count verify --side ours|edge|hmac --n N --event ../fixtures/event-1k.json --secret S
// `count` runs exactly N operations of one side, one at a time, and prints
// nothing: the loops bench/instructions.py runs under callgrind.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { PartnerClient, WebhookVerifier, sign } from 'partner-webhooks'
import * as edge from 'partner-webhooks/edge'
import { Agent, request } from 'undici'

const HOOK = 'https://hooks.example.com/bench'
const HEADERS = { 'X-Bench': '1' }

// Goals live in bench/goals.py; a driver only measures.
function emit(name, baseline, metric, ours, theirs, extra = {}) {
  console.log(JSON.stringify({ name, baseline, metric, ours, theirs, extra }))
}

const cpuSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** `calls` calls from `concurrency` workers: [CPU s, wall s]. */
async function drive(one, calls, concurrency) {
  let next = 0
  const worker = async () => {
    while (next < calls) await one(next++)
  }
  const c = cpuSeconds()
  const w = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return [cpuSeconds() - c, (performance.now() - w) / 1000]
}

function ours(client, partner) {
  return (i) => {
    switch (i % 4) {
      case 0: return client.getWebhookUrl(partner)
      case 1: return client.setWebhookUrl(partner, HOOK)
      case 2: return client.getWebhookHeaders(partner)
      default: return client.setWebhookHeaders(partner, HEADERS)
    }
  }
}

/** The same 4 calls as a hand-written client: key header, JSON body, status check, decode. */
function plan(base, partner) {
  const url = `${base}/api/v2/partners/${partner}/webhook_url`
  const hdr = `${base}/api/v2/partners/${partner}/webhook_headers`
  return [['GET', url, null], ['POST', url, { webhook_url: HOOK }], ['GET', hdr, null], ['POST', hdr, { webhook_headers: HEADERS }]]
}

function viaFetch(base, key, partner) {
  const steps = plan(base, partner)
  return async (i) => {
    const [method, url, body] = steps[i % 4]
    const headers = { 'X-API-Key': key }
    if (body) headers['content-type'] = 'application/json'
    const r = await fetch(url, { method, headers, body: body && JSON.stringify(body) })
    if (!r.ok) throw new Error(`HTTP ${r.status}`)
    return r.json()
  }
}

function viaUndici(base, key, partner, dispatcher) {
  const steps = plan(base, partner)
  return async (i) => {
    const [method, url, body] = steps[i % 4]
    const headers = { 'X-API-Key': key }
    if (body) headers['content-type'] = 'application/json'
    const r = await request(url, { method, headers, body: body && JSON.stringify(body), dispatcher })
    if (r.statusCode >= 400) throw new Error(`HTTP ${r.statusCode}`)
    return r.body.json()
  }
}

async function client(a) {
  const mine = ours(new PartnerClient({ apiKey: a['api-key'], baseUrl: a['base-url'] }), a['partner-id'])
  const baselines = {
    fetch: viaFetch(a['base-url'], a['api-key'], a['partner-id']),
    'undici.request': viaUndici(a['base-url'], a['api-key'], a['partner-id'], new Agent()),
  }
  for (const conc of a.concurrency) {
    const calls = Math.max(a.calls, conc * 4)
    await drive(mine, conc * 2, conc)
    for (const fn of Object.values(baselines)) await drive(fn, conc * 2, conc)
    for (let run = 0; run < a.runs; run++) {
      for (const [name, theirs] of Object.entries(baselines)) {
        let o, t
        if (run % 2) {
          t = await drive(theirs, calls, conc)
          o = await drive(mine, calls, conc)
        } else {
          o = await drive(mine, calls, conc)
          t = await drive(theirs, calls, conc)
        }
        emit(`Node PartnerClient, concurrency ${conc}`, name, 'client CPU µs/call',
          (o[0] * 1e6) / calls, (t[0] * 1e6) / calls,
          { ours_calls_per_s: calls / o[1], theirs_calls_per_s: calls / t[1] })
      }
    }
  }
}

/** `rate` for an asynchronous fn (awaited one at a time). */
async function rateAsync(seconds, fn) {
  let n = 0
  const start = cpuSeconds()
  for (;;) {
    for (let i = 0; i < 200; i++) await fn()
    n += 200
    const spent = cpuSeconds() - start
    if (spent >= seconds) return n / spent
  }
}

/** Calls per second of fn for about `seconds` (single-threaded JS: wall ≈ CPU of the main thread). */
function rate(seconds, fn) {
  let n = 0
  const start = cpuSeconds()
  for (;;) {
    for (let i = 0; i < 200; i++) fn()
    n += 200
    const spent = cpuSeconds() - start
    if (spent >= seconds) return n / spent
  }
}

async function verify(a) {
  const body = readFileSync(a.event)
  const headers = { 'content-type': 'application/json', 'x-360dialog-signature': sign(body, a.secret) }
  const verifier = new WebhookVerifier({ secrets: [a.secret] })
  if (verifier.verify(headers, body).type !== 'channel_created') throw new Error('unexpected event')
  const mine = () => verifier.verify(headers, body)
  const theirs = () => {
    // A hand-written receiver: createHmac + timingSafeEqual, then JSON.parse.
    const expected = createHmac('sha256', a.secret).update(body).digest()
    const given = Buffer.from(headers['x-360dialog-signature'], 'hex')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature')
    return JSON.parse(body)
  }
  rate(a.seconds / 4, mine)
  rate(a.seconds / 4, theirs)
  for (let run = 0; run < a.runs; run++) {
    let o, t
    if (run % 2) {
      t = rate(a.seconds, theirs)
      o = rate(a.seconds, mine)
    } else {
      o = rate(a.seconds, mine)
      t = rate(a.seconds, theirs)
    }
    emit('Node verify+parse, 1 KiB event', 'crypto.createHmac + JSON.parse', 'events/s (throughput)', o, t)
  }
  // The edge build (WebCrypto, no addon; what Workers, Deno and Bun load), in Node.
  const edgeVerifier = new edge.WebhookVerifier({ secrets: [a.secret] })
  if ((await edgeVerifier.verify(headers, body)).type !== 'channel_created') throw new Error('unexpected event')
  const edgeMine = () => edgeVerifier.verify(headers, body)
  await rateAsync(a.seconds / 4, edgeMine)
  for (let run = 0; run < a.runs; run++) {
    let o, t
    if (run % 2) {
      t = rate(a.seconds, theirs)
      o = await rateAsync(a.seconds, edgeMine)
    } else {
      o = await rateAsync(a.seconds, edgeMine)
      t = rate(a.seconds, theirs)
    }
    emit('Node verify+parse, 1 KiB event, edge build (WebCrypto)', 'crypto.createHmac + JSON.parse', 'events/s (throughput)', o, t)
  }
}

/** Exactly `a.n` operations of one side (after a fixed warm-up), printing nothing. */
async function count(a) {
  const [, path] = positionals
  const n = Number(a.n)
  if (path === 'client') {
    const sides = {
      ours: () => ours(new PartnerClient({ apiKey: a['api-key'], baseUrl: a['base-url'] }), a['partner-id']),
      undici: () => viaUndici(a['base-url'], a['api-key'], a['partner-id'], new Agent()),
    }
    if (!sides[a.side]) throw new Error(`--side must be ${Object.keys(sides).join(' or ')}`)
    const one = sides[a.side]()
    for (let i = 0; i < 16; i++) await one(i)
    for (let i = 0; i < n; i++) await one(i)
    return
  }
  const body = readFileSync(a.event)
  const signature = sign(body, a.secret)
  const headers = { 'content-type': 'application/json', 'x-360dialog-signature': signature }
  if (a.side === 'ours') {
    const verifier = new WebhookVerifier({ secrets: [a.secret] })
    for (let i = 0; i < n; i++) verifier.verify(headers, body)
  } else if (a.side === 'edge') {
    const verifier = new edge.WebhookVerifier({ secrets: [a.secret] })
    for (let i = 0; i < n; i++) await verifier.verify(headers, body)
  } else if (a.side === 'hmac') {
    const given = Buffer.from(signature, 'hex')
    for (let i = 0; i < n; i++) {
      const expected = createHmac('sha256', a.secret).update(body).digest()
      if (!timingSafeEqual(given, expected)) throw new Error('bad signature')
    }
  } else {
    throw new Error('--side must be ours, edge or hmac')
  }
}

function procStatus() {
  const out = {}
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const [k, v] = line.split(':')
    if (k === 'VmRSS' || k === 'VmHWM' || k === 'Threads') out[k] = parseInt(v, 10)
  }
  return out
}

async function memory(a) {
  const c = new PartnerClient({ apiKey: a['api-key'], baseUrl: a['base-url'], timeoutMs: 120_000 })
  await c.getWebhookUrl(a['partner-id']) // the runtime is up: this is "before"
  const before = procStatus()
  const during = []
  const timer = setInterval(() => during.push(procStatus()), 10)
  const w = performance.now()
  const results = await Promise.allSettled(Array.from({ length: a.calls }, () => c.getWebhookUrl(a['partner-id'])))
  const wall = (performance.now() - w) / 1000
  clearInterval(timer)
  during.push(procStatus())
  await new Promise((r) => setTimeout(r, 500))
  const after = procStatus()
  const failed = results.filter((r) => r.status === 'rejected')
  emit(`Node PartnerClient, ${a.calls} concurrent Promises`, 'none', 'peak RSS MB',
    after.VmHWM / 1024, null, {
      rss_before_mb: before.VmRSS / 1024, rss_after_mb: after.VmRSS / 1024,
      threads_before: before.Threads, threads_during_max: Math.max(...during.map((d) => d.Threads)),
      threads_during_min: Math.min(...during.map((d) => d.Threads)), threads_after: after.Threads,
      failed: failed.length, first_failure: failed.length ? String(failed[0].reason) : null, wall_s: wall,
    })
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'base-url': { type: 'string' }, 'api-key': { type: 'string' }, 'partner-id': { type: 'string' },
    event: { type: 'string' }, secret: { type: 'string' },
    runs: { type: 'string', default: '5' }, calls: { type: 'string' }, seconds: { type: 'string', default: '1' },
    concurrency: { type: 'string', multiple: true },
    side: { type: 'string' }, n: { type: 'string' },
  },
})
const a = {
  ...values,
  runs: Number(values.runs),
  seconds: Number(values.seconds),
  calls: Number(values.calls ?? (positionals[0] === 'memory' ? 10000 : 2000)),
  concurrency: (values.concurrency ?? ['1', '64', '512']).map(Number),
}
const commands = { client, verify, memory, count }
const cmd = commands[positionals[0]]
if (!cmd) {
  console.error(`usage: node bench.mjs ${Object.keys(commands).join('|')} [options]`)
  process.exit(2)
}
await cmd(a)
