// Secret hygiene: a whole run (secret-run.mjs) with the SDK's logs at trace level
// (PARTNER_WEBHOOKS_LOG=trace), every record of a client `logger` with its fields,
// and every inspect/JSON/error message printed: none of the API key, password,
// bearer token, secret header value or proxy password appears.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

test('no secret in trace logs, inspect, JSON or error messages', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'pw-secrets-')), 'secrets.json')
  const child = fileURLToPath(new URL('./secret-run.mjs', import.meta.url))
  const run = spawnSync(process.execPath, [child, file], {
    env: { ...process.env, PARTNER_WEBHOOKS_LOG: 'trace' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  assert.equal(run.status, 0, run.stderr.slice(-2000))
  const secrets = JSON.parse(readFileSync(file, 'utf8'))
  assert.equal(secrets.length, 5)
  assert.ok(run.stderr.includes('partner_webhooks.request') && run.stderr.includes('DEBUG'), 'stderr logs captured')
  assert.ok(run.stderr.includes('retrying'))
  for (const line of ['LOG warn retrying', 'LOG debug request', 'LOG debug response', '"status":503']) {
    assert.ok(run.stdout.includes(line), `the logger got ${line}`)
  }
  assert.ok(run.stdout.includes('AuthenticationError'))
  for (const s of secrets) {
    assert.ok(!run.stdout.includes(s), 'a secret reached inspect/JSON/an error message')
    assert.ok(!run.stderr.includes(s), 'a secret reached the logs')
  }
})
