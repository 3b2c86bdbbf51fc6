// The request shapes receivers are handed, made into what the verifier reads:
// header pairs and body bytes. Pure TypeScript (the Node and edge entries share it).
import { invalidInput } from './convert.js'
import { WebhookVerificationError } from './errors.js'

/**
 * Request headers in any of the shapes frameworks hand you: `req.headers` of
 * `node:http` / Express / Fastify (a plain object), a fetch `Headers` (Next.js
 * route handlers, Hono, Bun, Deno, Workers), a `Map`, or `[name, value]` pairs.
 */
export type HeadersInput =
  | Record<string, string | string[] | undefined>
  | Headers
  | ReadonlyMap<string, string | readonly string[]>
  | Iterable<readonly [string, string]>

/** A raw request body: the bytes as received (never parsed JSON). */
export type BodyInput = Uint8Array | ArrayBuffer | ArrayBufferView | string

/** The header 360dialog signs deliveries in. */
export const SIGNATURE_HEADER = 'x-360dialog-signature'

/** How a `WebhookVerifier` checks requests (the same options on Node and on the edge). */
export interface VerifierOptions {
  /** Platform secrets the signature may be made with (several while rotating). */
  secrets?: string[]
  /** Headers every delivery must carry with exactly this value (the ones set with `setWebhookHeaders`). */
  requiredHeaders?: Record<string, string>
  /** Largest body accepted, in bytes (default 1 MiB; larger is `BodyTooLarge`, 413). */
  maxBody?: number
  /** Refuse unsigned deliveries (default: true when a secret is given). */
  requireSignature?: boolean
}

/** The parts of a fetch `Request` the verifier reads. */
export interface RequestInput {
  readonly headers: Headers
  readonly body: ReadableStream<Uint8Array> | null
}

const HEADERS_RULE = 'must be a plain object, a Headers, a Map or an iterable of [name, value] pairs'
const BODY_RULE = 'must be the raw body: a Buffer, Uint8Array, ArrayBuffer or string (not parsed JSON)'
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * `[name, value, name, value, ...]` for the headers whose names, compared
 * without ASCII case, are in `wanted` (lower-case): the only ones a verifier
 * reads. A repeated header stays repeated.
 */
export function headerPairs(headers: unknown, wanted: ReadonlySet<string>): string[] {
  const out: string[] = []
  const add = (name: unknown, value: unknown, where: string) => {
    if (typeof name !== 'string') throw invalidInput('headers', `${HEADERS_RULE}: a header name is not a string`)
    const lower = wanted.has(name) ? name : name.toLowerCase()
    // `toLowerCase` folds beyond ASCII (the Kelvin sign becomes "k"); names are ASCII tokens.
    if (!wanted.has(lower) || !TOKEN.test(name)) return
    if (typeof value === 'string') out.push(lower, value)
    else if (Array.isArray(value)) {
      for (const v of value) {
        if (typeof v !== 'string') throw invalidInput(`headers.${name}`, 'values must be strings')
        out.push(lower, v)
      }
    } else if (value !== undefined && value !== null) {
      throw invalidInput(`headers.${name}`, `must be a string or an array of strings (${where})`)
    }
  }
  if (headers === null || typeof headers !== 'object') throw invalidInput('headers', HEADERS_RULE)
  const h = headers as Record<PropertyKey, unknown>
  if (typeof h.get === 'function' && typeof h.has === 'function' && !(headers instanceof Map)) {
    // fetch Headers: names are case-insensitive, repeats come joined with ", ".
    const fetchHeaders = headers as Headers
    for (const name of wanted) {
      const value = fetchHeaders.get(name)
      if (value !== null) out.push(name, value)
    }
    return out
  }
  if (headers instanceof Map) {
    for (const [name, value] of headers) add(name, value, 'Map')
    return out
  }
  if (typeof h[Symbol.iterator] === 'function') {
    for (const pair of headers as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'string') {
        throw invalidInput('headers', `${HEADERS_RULE}: each pair must be [name, value] strings`)
      }
      add(pair[0], pair[1], 'pair')
    }
    return out
  }
  for (const name in h) {
    if (Object.prototype.hasOwnProperty.call(h, name)) add(name, h[name], 'object')
  }
  return out
}

const encoder = new TextEncoder()

/** The body's bytes, without copying when it already is bytes. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body
  if (typeof body === 'string') return encoder.encode(body)
  if (body instanceof ArrayBuffer || Object.prototype.toString.call(body) === '[object ArrayBuffer]') {
    return new Uint8Array(body as ArrayBuffer)
  }
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  throw invalidInput('body', BODY_RULE)
}

const tooLarge = (max: number) =>
  new WebhookVerificationError(`the body is larger than ${max} bytes`, { kind: 'BodyTooLarge', httpStatus: 413 })

/**
 * The raw body of a fetch `Request`, read at most `maxBody` bytes far: a
 * larger `Content-Length` is refused before reading, a longer stream is
 * cancelled at the cap (`BodyTooLarge`, 413).
 */
export async function readBody(request: unknown, maxBody: number): Promise<{ headers: Headers; body: Uint8Array }> {
  const r = request as Partial<RequestInput> | null
  if (r === null || typeof r !== 'object' || !r.headers || typeof (r.headers as Headers).get !== 'function' || !('body' in r)) {
    throw invalidInput('request', 'must be a fetch Request (with headers and a body stream)')
  }
  const headers = r.headers as Headers
  const declared = Number(headers.get('content-length') ?? NaN)
  if (declared > maxBody) throw tooLarge(maxBody)
  const stream = r.body
  if (!stream) return { headers, body: new Uint8Array(0) }
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const step = await reader.read().catch(() => {
      throw new WebhookVerificationError('the body could not be read completely', { kind: 'MalformedJson', httpStatus: 400 })
    })
    if (step.done) break
    size += step.value.byteLength
    if (size > maxBody) {
      await reader.cancel().catch(() => {})
      throw tooLarge(maxBody)
    }
    chunks.push(step.value)
  }
  if (chunks.length === 1) return { headers, body: chunks[0]! }
  const body = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    body.set(c, at)
    at += c.byteLength
  }
  return { headers, body }
}

/** How an error message names a value's type: `null`, `an array`, else `typeof`. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/** A required string argument, refused with its name. */
export function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidInput(name, `must be a string (got ${typeOf(value)})`)
  return value
}

/** An array of strings, refused with its name (an element by its index). */
export function checkStrings(name: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw invalidInput(name, `must be an array of strings (got ${typeOf(value)})`)
  value.forEach((v, i) => checkString(`${name}[${i}]`, v))
  return value
}

/** An optional whole number from `min` up (safe integers only), refused with its name. */
export function checkWhole(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidInput(name, `must be a whole number >= ${min} (got ${typeof value === 'number' ? value : typeOf(value)})`)
  }
  return value
}

const VERIFIER_OPTIONS = ['secrets', 'requiredHeaders', 'maxBody', 'requireSignature']

/** The verifier's options, each checked by type (both builds check the values). */
export function checkVerifierOptions(options: unknown): VerifierOptions {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidInput('options', `must be an object (got ${typeOf(options)})`)
  }
  const o = options as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!VERIFIER_OPTIONS.includes(key)) throw invalidInput(key, `is not a verifier option (known: ${VERIFIER_OPTIONS.join(', ')})`)
  }
  if (o.secrets !== undefined) checkStrings('secrets', o.secrets)
  if (o.requiredHeaders !== undefined) {
    const h = o.requiredHeaders
    if (typeof h !== 'object' || h === null || Array.isArray(h)) {
      throw invalidInput('requiredHeaders', `must be an object of header names to string values (got ${typeOf(h)})`)
    }
    for (const [name, value] of Object.entries(h)) checkString(`requiredHeaders.${name}`, value)
  }
  checkWhole('maxBody', o.maxBody, 1)
  if (o.requireSignature !== undefined && typeof o.requireSignature !== 'boolean') {
    throw invalidInput('requireSignature', `must be a boolean (got ${typeOf(o.requireSignature)})`)
  }
  return o as VerifierOptions
}
