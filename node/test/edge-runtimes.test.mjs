// The whole vector suite (test/edge/suite.mjs) in the edge runtimes, with no
// native addon: Bun and Deno resolve `partner-webhooks` from a node_modules
// folder through the package's `bun` / `deno` export conditions; workerd (the
// runtime of Cloudflare Workers) runs it as a worker under `workerd test`, with
// the edge build's modules listed in its config as a bundler would. The
// binaries come from scripts/edge-tools (npm), installed by `make setup-edge`.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { dataFiles } from './helpers.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const pkgDir = join(here, '..')
const tools = join(pkgDir, '..', 'scripts', 'edge-tools', 'node_modules')
const binaries = {
  bun: join(tools, '@oven', 'bun-linux-x64', 'bin', 'bun'),
  deno: join(tools, '@deno', 'linux-x64-glibc', 'deno'),
  workerd: join(tools, '@cloudflare', 'workerd-linux-64', 'bin', 'workerd'),
}
const vectors = dataFiles('vectors')
const work = mkdtempSync(join(tmpdir(), 'pw-edge-'))
after(() => rmSync(work, { recursive: true, force: true }))

// A project that depends on the package: node_modules/partner-webhooks is this folder.
mkdirSync(join(work, 'node_modules'))
symlinkSync(pkgDir, join(work, 'node_modules', 'partner-webhooks'), 'dir')
writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', dependencies: { 'partner-webhooks': '*' } }))
writeFileSync(join(work, 'vectors.json'), JSON.stringify(vectors))
cpSync(join(here, 'edge', 'suite.mjs'), join(work, 'suite.mjs'))
writeFileSync(
  join(work, 'run.mjs'),
  `import * as pkg from 'partner-webhooks'
import { runVectors } from './suite.mjs'
import vectors from './vectors.json' with { type: 'json' }
const result = await runVectors(pkg, vectors)
console.log(JSON.stringify({ runtime: pkg.runtime, ...result }))
`,
)

function run(name, args) {
  assert.ok(existsSync(binaries[name]), `${binaries[name]} is missing: run make setup-edge`)
  const r = spawnSync(binaries[name], args, {
    cwd: work,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH, HOME: work, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(work, '.deno'), NO_COLOR: '1' },
  })
  assert.equal(r.status, 0, `${name} exited ${r.status}\n${r.stdout}\n${r.stderr}`)
  return r
}

function assertSuite(stdout) {
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()
  const result = JSON.parse(line)
  assert.equal(result.runtime, 'edge', 'the edge build was chosen, not the native one')
  assert.deepEqual(result.failures, [])
  assert.equal(result.total, vectors.length)
  assert.ok(result.checks >= vectors.length * 8)
}

test('Bun: the bun condition picks the edge build; every vector passes', () => {
  const r = run('bun', ['run', 'run.mjs'])
  assertSuite(r.stdout)
  const version = run('bun', ['--version']).stdout.trim()
  assert.match(version, /^\d+\.\d+\.\d+$/)
})

test('Deno: the deno condition picks the edge build; every vector passes', () => {
  const r = run('deno', ['run', '--no-remote', '--allow-read=.', 'run.mjs'])
  assertSuite(r.stdout)
})

test('workerd: the edge build as a Worker; every vector passes', () => {
  const dir = join(work, 'worker')
  mkdirSync(join(dir, 'pw'), { recursive: true })
  const edgeDir = join(pkgDir, 'dist', 'edge')
  const modules = readdirSync(edgeDir).filter((f) => f.endsWith('.js'))
  for (const f of modules) cpSync(join(edgeDir, f), join(dir, 'pw', f))
  cpSync(join(here, 'edge', 'suite.mjs'), join(dir, 'suite.mjs'))
  cpSync(join(work, 'vectors.json'), join(dir, 'vectors.json'))
  writeFileSync(
    join(dir, 'main.mjs'),
    `import * as pkg from 'pw/edge.js'
import { runVectors } from 'suite.mjs'
import vectors from 'vectors.json'
export default {
  async test() {
    const result = await runVectors(pkg, vectors)
    console.log(JSON.stringify({ runtime: pkg.runtime, ...result }))
    if (result.failures.length) throw new Error(result.failures.join('\\n'))
  },
}
`,
  )
  const list = [
    '(name = "main.mjs", esModule = embed "main.mjs")',
    '(name = "suite.mjs", esModule = embed "suite.mjs")',
    '(name = "vectors.json", json = embed "vectors.json")',
    ...modules.map((f) => `(name = "pw/${f}", esModule = embed "pw/${f}")`),
  ]
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
);
const worker :Workerd.Worker = (
  modules = [
    ${list.join(',\n    ')}
  ],
  compatibilityDate = "2026-11-01",
);
`,
  )
  const r = run('workerd', ['test', join(dir, 'config.capnp')])
  const out = r.stdout + r.stderr
  assert.match(out, /PASS/, out)
  assertSuite(out.split('\n').map((l) => l.replace(/^.*?(\{"runtime")/, '$1')).join('\n'))
})
