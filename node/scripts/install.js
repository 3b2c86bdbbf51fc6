// `npm install` hook: in a source checkout without a built addon and compiled
// TypeScript, build both (needs Rust); in an installed package they are already here.
'use strict'
const { existsSync, readdirSync } = require('node:fs')
const { join } = require('node:path')
const { spawnSync } = require('node:child_process')

const root = join(__dirname, '..')
const built = readdirSync(root).some((f) => f.endsWith('.node')) && existsSync(join(root, 'dist', 'index.js'))
const checkout = existsSync(join(root, '..', 'bindings', 'node', 'Cargo.toml'))
if (built || !checkout) process.exit(0)

const napi = join(root, 'node_modules', '.bin', 'napi')
if (!existsSync(napi)) {
  // Dependencies are installed after this hook on a first `npm install`:
  // the Makefile (or `npm run build`) builds the addon then.
  console.log('partner-webhooks: run `npm run build` to build the native addon')
  process.exit(0)
}
const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
