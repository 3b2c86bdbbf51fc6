// Every file of tests/vectors (format: tests/vectors/README.md) against both
// builds of the package in Node: the Node-API one and the WebCrypto edge one.
// test/edge-runtimes.test.mjs runs the same suite in Bun, Deno and workerd.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import * as native from 'partner-webhooks'
import * as edge from 'partner-webhooks/edge'
import { dataFiles } from './helpers.mjs'
import { runVectors } from './edge/suite.mjs'

const vectors = dataFiles('vectors')

test('there are enough vectors', () => assert.ok(vectors.length >= 60))

for (const [name, pkg, runtime] of [['native', native, 'native'], ['edge', edge, 'edge']]) {
  test(`every vector, every header and body shape: ${name} build`, async () => {
    assert.equal(pkg.runtime, runtime)
    const { total, checks, failures } = await runVectors(pkg, vectors)
    assert.deepEqual(failures, [])
    assert.equal(total, vectors.length)
    assert.ok(checks >= total * 8, `${checks} checks`)
  })
}

// In Node (and Bun, Deno) the edge build checks signatures with node:crypto;
// in workerd and browsers it has WebCrypto alone. Both paths pass every vector.
test('every vector: edge build on WebCrypto alone (no process.getBuiltinModule)', async () => {
  const calls = { webcrypto: 0 }
  const verify = SubtleCrypto.prototype.verify
  SubtleCrypto.prototype.verify = function (...args) {
    calls.webcrypto++
    return verify.apply(this, args)
  }
  const builtin = process.getBuiltinModule
  try {
    const { failures: withNode } = await runVectors(edge, vectors)
    assert.deepEqual(withNode, [])
    const before = calls.webcrypto
    process.getBuiltinModule = undefined
    const { total, failures } = await runVectors(edge, vectors)
    assert.deepEqual(failures, [])
    assert.equal(total, vectors.length)
    assert.ok(calls.webcrypto - before > before, `WebCrypto verified ${calls.webcrypto - before} times alone, ${before} with node:crypto`)
  } finally {
    process.getBuiltinModule = builtin
    SubtleCrypto.prototype.verify = verify
  }
})
