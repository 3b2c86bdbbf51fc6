// tests/vectors against one build of the package (the Node-API build or the
// WebCrypto edge build), in any runtime: no Node API here, so Bun, Deno and
// workerd run this same file. Each vector is checked with every header shape
// a framework hands over (pairs, fetch Headers, Map, plain object) and every
// body shape (Uint8Array, ArrayBuffer, string where the body is text).
const names = {
  event_type: 'eventType',
  known_type: 'knownType',
  signature_verified: 'signatureVerified',
  channel_id: 'channelId',
  client_id: 'clientId',
  phone_number: 'phoneNumber',
  phone_name: 'phoneName',
}

function bytesOf(request) {
  if ('body' in request) return new TextEncoder().encode(request.body)
  return Uint8Array.from(atob(request.body_base64), (c) => c.charCodeAt(0))
}

/** The same headers in each shape; repeats grouped where the shape needs it. */
function headerShapes(pairs) {
  const grouped = (key) => {
    const out = new Map()
    for (const [n, v] of pairs) {
      const k = key(n)
      out.set(k, [...(out.get(k) ?? []), v])
    }
    return out
  }
  const shapes = [['pairs', pairs], ['Map', grouped((n) => n)], ['object', Object.fromEntries(grouped((n) => n.toLowerCase()))]]
  if (typeof Headers === 'function') shapes.push(['Headers', new Headers(pairs)])
  return shapes
}

function bodyShapes(v) {
  const bytes = bytesOf(v.request)
  const shapes = [['Uint8Array', bytes], ['ArrayBuffer', bytes.slice().buffer]]
  if ('body' in v.request) shapes.push(['string', v.request.body])
  return shapes
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Throws when the outcome differs from the vector's `expect`. */
async function check(pkg, v, headers, body) {
  const verifier = new pkg.WebhookVerifier({
    secrets: v.verifier.secrets ?? [],
    requiredHeaders: v.verifier.required_headers,
    maxBody: v.verifier.max_body,
    requireSignature: v.verifier.require_signature,
  })
  let event
  try {
    event = await verifier.verify(headers, body)
  } catch (e) {
    if (!('error' in v.expect)) throw new Error(`refused: ${e?.name} ${e?.kind}: ${e?.message}`)
    if (!(e instanceof pkg.WebhookVerificationError)) throw new Error(`not a WebhookVerificationError: ${e?.name}: ${e?.message}`)
    if (e.kind !== v.expect.error || e.httpStatus !== v.expect.http_status) {
      throw new Error(`got ${e.kind}/${e.httpStatus}, want ${v.expect.error}/${v.expect.http_status}`)
    }
    return
  }
  if ('error' in v.expect) throw new Error(`accepted, want ${v.expect.error}`)
  for (const [key, want] of Object.entries(v.expect)) {
    const got = event[names[key] ?? key]
    if (!same(got, want)) throw new Error(`${key}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`)
  }
  const wantType = v.expect.known_type ?? 'unknown'
  if (event.type !== wantType) throw new Error(`type: got ${event.type}, want ${wantType}`)
  if (typeof event.raw !== 'string' || typeof event.dedupKey !== 'string' || typeof event.data !== 'object') {
    throw new Error('raw, dedupKey or data missing')
  }
}

/**
 * Runs every vector (`[{ name, data }]`) against `pkg`; resolves to
 * `{ total, checks, failures: [message] }`.
 */
export async function runVectors(pkg, vectors) {
  const failures = []
  let checks = 0
  for (const { name, data: v } of vectors) {
    for (const [hName, headers] of headerShapes(v.request.headers)) {
      for (const [bName, body] of bodyShapes(v)) {
        checks++
        try {
          await check(pkg, v, headers, body)
        } catch (e) {
          failures.push(`${name} (headers as ${hName}, body as ${bName}): ${e.message}`)
        }
      }
    }
  }
  return { total: vectors.length, checks, failures }
}
