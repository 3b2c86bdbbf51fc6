// Every file of tests/scenarios, run unchanged (format: tests/scenarios/README.md).
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { createRequire } from 'node:module'

import { PartnerClient, PartnerWebhooksError, Sandbox } from 'partner-webhooks'
import { dataFiles } from './helpers.mjs'

const { surface } = createRequire(import.meta.url)('../native.js')

const scenarios = dataFiles('scenarios')

function subst(value, sb) {
  if (typeof value === 'string') {
    return value
      .replaceAll('{partner_id}', sb.partnerId)
      .replaceAll('{other_partner_id}', sb.otherPartnerId)
      .replaceAll('{base_url}', sb.baseUrl)
      .replaceAll('{tls_base_url}', sb.baseUrl.replace('http://', 'https://'))
  }
  if (Array.isArray(value)) return value.map((v) => subst(v, sb))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [subst(k, sb), subst(v, sb)]))
  }
  return value
}

function makeClient(spec, sb) {
  const options = { baseUrl: subst(spec.base_url ?? sb.baseUrl, sb) }
  switch (spec.auth ?? 'api_key') {
    case 'api_key': options.apiKey = sb.apiKey; break
    case 'wrong_api_key': options.apiKey = 'definitely-not-the-key'; break
    case 'password': Object.assign(options, { username: sb.username, password: sb.password }); break
    case 'wrong_password': Object.assign(options, { username: sb.username, password: 'not-the-password' }); break
    case 'invalid_bearer': options.bearerToken = 'never-issued-token'; break
    default: throw new Error(`unknown auth ${spec.auth}`)
  }
  if ('timeout_ms' in spec) options.timeoutMs = spec.timeout_ms
  if ('max_retries' in spec) options.maxRetries = spec.max_retries
  return new PartnerClient(options)
}

// The core's operations by name, with their parameters in method order and
// their JavaScript method names: a new operation needs no change here.
const operations = Object.fromEntries(surface().operations.map((op) => [op.name, op]))

function checkSubset(expected, actual, path, failures) {
  if (expected === '$absent') {
    if (actual !== undefined && actual !== null) failures.push(`${path}: expected absent, got ${JSON.stringify(actual)}`)
  } else if (expected === '$present') {
    if (actual === undefined || actual === null) failures.push(`${path}: expected present`)
  } else if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!actual || typeof actual !== 'object') {
      failures.push(`${path}: expected an object, got ${JSON.stringify(actual)}`)
      return
    }
    for (const [k, v] of Object.entries(expected)) checkSubset(v, actual[k], `${path}.${k}`, failures)
  } else {
    try {
      assert.deepStrictEqual(actual ?? null, expected)
    } catch {
      failures.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
    }
  }
}

/** A core field name as JavaScript spells it (the scenarios use the core's names). */
function jsField(field) {
  if (field == null || /^[A-Z0-9_]+$/.test(field)) return field
  const [head, ...rest] = field.split('.')
  const camel = head.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
  const durations = { timeout: 'timeoutMs', attempt_timeout: 'attemptTimeoutMs', connect_timeout: 'connectTimeoutMs' }
  return [durations[head] ?? camel, ...rest].join('.')
}

function checkError(want, e, failures) {
  if ('field' in want) want = { ...want, field: jsField(want.field) }
  const actual = {
    kind: e.kind,
    status: e.status ?? null,
    developer_message: e.developerMessage ?? null,
    field: e.field ?? null,
    retry_after_ms: e.retryAfter == null ? null : Math.round(e.retryAfter * 1000),
  }
  for (const [key, value] of Object.entries(want)) {
    if (key === 'trace_id') {
      if ((value === true && !e.traceId) || (typeof value === 'string' && e.traceId !== value)) {
        failures.push(`error.trace_id: expected ${value}, got ${e.traceId}`)
      }
    } else if (key === 'body_contains') {
      if (!(e.body ?? '').includes(value)) failures.push(`error.body: expected to contain ${value}`)
    } else if (key === 'details') {
      checkSubset(value, e.details, 'error.details', failures)
    } else if (actual[key] !== value) {
      failures.push(`error.${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(actual[key])} (${e.message})`)
    }
  }
}

async function runScenario(scenario) {
  const failures = []
  const sb = await Sandbox.start()
  try {
    const client = makeClient(scenario.client, sb)
    for (const [i, step] of scenario.steps.entries()) {
      if (step.sandbox) {
        ;({ revoke_tokens: () => sb.revokeTokens(), clear_faults: () => sb.clearFaults() })[step.sandbox]()
        continue
      }
      for (const fault of step.faults ?? []) sb.injectFault(subst(fault, sb))
      const expect = subst(step.expect, sb)
      const op = operations[step.call]
      const args = op.params.map((p) => subst(step[p.name], sb))
      const opts = {}
      if (step.options?.timeout_ms !== undefined) opts.timeoutMs = step.options.timeout_ms
      if (step.options?.max_retries !== undefined) opts.maxRetries = step.options.max_retries
      const before = sb.stats()
      const started = performance.now()
      const outcomes = await Promise.all(
        Array.from({ length: step.concurrency ?? 1 }, () =>
          client[op.method_name](...args, opts).then(
            (result) => ({ result }),
            (error) => ({ error }),
          ),
        ),
      )
      const elapsed = performance.now() - started
      const stepFailures = []
      for (const { result, error } of outcomes) {
        if (error && !(error instanceof PartnerWebhooksError)) throw error
        const attempts = result ? result.response.attempts : error.attempts ?? 0
        if ('attempts' in expect && attempts !== expect.attempts) {
          stepFailures.push(`attempts: expected ${expect.attempts}, got ${attempts} (${error?.message ?? 'ok'})`)
        }
        if ('ok' in expect) {
          if (error) stepFailures.push(`expected success, got ${error.name}: ${error.message}`)
          else checkSubset(expect.ok, result, 'ok', stepFailures)
        } else if (!error) {
          stepFailures.push(`expected an error, got ${JSON.stringify(result)}`)
        } else {
          checkError(expect.error, error, stepFailures)
        }
      }
      const bounds = expect.elapsed_ms ?? {}
      if (bounds.min !== undefined && elapsed < bounds.min) stepFailures.push(`elapsed ${elapsed | 0} ms < min ${bounds.min}`)
      if (bounds.max !== undefined && elapsed > bounds.max) stepFailures.push(`elapsed ${elapsed | 0} ms > max ${bounds.max}`)
      const after = sb.stats()
      for (const [route, want] of Object.entries(expect.requests ?? {})) {
        const got = (after.requests[route] ?? 0) - (before.requests[route] ?? 0)
        if (got !== want) stepFailures.push(`requests.${route}: expected ${want}, got ${got}`)
      }
      if ('tokens_issued' in expect) {
        const got = after.tokens_issued - before.tokens_issued
        if (got !== expect.tokens_issued) stepFailures.push(`tokens_issued: expected ${expect.tokens_issued}, got ${got}`)
      }
      failures.push(...[...new Set(stepFailures)].map((f) => `step ${i + 1}: ${f}`))
    }
  } finally {
    await sb.stop()
  }
  return failures
}

test('there are enough scenarios', () => assert.ok(scenarios.length >= 25))

for (const { name, data } of scenarios) {
  test(`scenario ${name}`, async () => {
    const failures = await runScenario(data)
    assert.deepEqual(failures, [], failures.join('\n'))
  })
}
