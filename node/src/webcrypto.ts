// The verifier without the native addon, on WebCrypto (`crypto.subtle`), for
// runtimes that cannot load one: Cloudflare Workers (workerd), Vercel Edge,
// Deno, Bun, browsers. The same checks in the same order as the core's
// `WebhookVerifier` (crates/partner-webhooks/src/verifier.rs), held to the
// same `tests/vectors`. Every comparison of a secret is constant-time:
// WebCrypto's `subtle.verify`, or `node:crypto`'s `timingSafeEqual` where the
// runtime has it (see `nodeCrypto`).
import { invalidInput } from './convert.js'
import { WebhookVerificationError } from './errors.js'
import { eventFromText, textOf, type PartnerEvent } from './events.js'
import {
  SIGNATURE_HEADER,
  bodyBytes,
  checkString,
  checkStrings,
  checkVerifierOptions,
  headerPairs,
  readBody,
  type BodyInput,
  type HeadersInput,
  type VerifierOptions,
} from './shapes.js'

const DEFAULT_MAX_BODY = 1024 * 1024
const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const encoder = new TextEncoder()

const subtle = (): SubtleCrypto => {
  const c = (globalThis as { crypto?: Crypto }).crypto
  if (!c?.subtle) throw new Error('partner-webhooks/edge needs WebCrypto (globalThis.crypto.subtle)')
  return c.subtle
}
// WebCrypto's types want ArrayBuffer-backed views; ours are (a SharedArrayBuffer never gets here).
const source = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>
const hmacKey = (secret: Uint8Array, usage: KeyUsage[]) => subtle().importKey('raw', source(secret), HMAC, false, usage)

/** The synchronous HMAC of `node:crypto`, where the runtime has it (Node, Bun, Deno). */
interface NodeCrypto {
  createHmac(algorithm: 'sha256', key: Uint8Array): { update(data: Uint8Array): { digest(): Uint8Array } }
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
}
// WebCrypto's `verify` is asynchronous, and in Node it runs each HMAC as a
// job on the thread pool: several times the cost of the HMAC itself. Where the
// runtime offers `node:crypto` without an import (`process.getBuiltinModule`),
// the signature is checked with it, in constant time (`timingSafeEqual`).
// Looked up when a verifier is made.
function nodeCrypto(): NodeCrypto | undefined {
  try {
    const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    const c = p?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined
    return typeof c?.createHmac === 'function' && typeof c.timingSafeEqual === 'function' ? (c as NodeCrypto) : undefined
  } catch {
    return undefined
  }
}

const refuse = (kind: string, message: string) => new WebhookVerificationError(message, { kind, httpStatus: 401 })

/**
 * Verifies incoming partner webhook requests with WebCrypto; `verify` is
 * asynchronous here (WebCrypto is).
 *
 * ```ts
 * import { WebhookVerifier, WebhookVerificationError } from 'partner-webhooks'  // edge build by condition
 * const verifier = new WebhookVerifier({ secrets: [env.PLATFORM_SECRET] })
 * export default {
 *   async fetch(request: Request) {
 *     try {
 *       const event = await verifier.verifyRequest(request)
 *       return new Response('ok')
 *     } catch (e) {
 *       if (e instanceof WebhookVerificationError) return new Response(e.kind, { status: e.httpStatus })
 *       throw e
 *     }
 *   },
 * }
 * ```
 */
export class WebhookVerifier {
  /** The largest body accepted, in bytes. */
  readonly maxBody: number
  readonly #requireSignature: boolean
  readonly #wanted: Set<string>
  readonly #required: Array<{ name: string; tag: Promise<ArrayBuffer> }>
  readonly #keys: Promise<CryptoKey[]>
  /** The secrets' bytes, for `node:crypto` where it is available. */
  readonly #secretBytes: Uint8Array[]
  readonly #node: NodeCrypto | undefined
  readonly #compareKey: Promise<CryptoKey>

  constructor(options: VerifierOptions = {}) {
    const { secrets = [], requiredHeaders = {}, maxBody, requireSignature } = checkVerifierOptions(options)
    if (secrets.some((s) => s.length === 0)) throw invalidInput('secrets', 'a signing secret must not be empty')
    const require = requireSignature ?? secrets.length > 0
    if (require && secrets.length === 0) {
      throw invalidInput('requireSignature', 'a signature can only be required with a secret')
    }
    const entries = Object.entries(requiredHeaders ?? {})
    if (secrets.length === 0 && entries.length === 0) {
      throw invalidInput('secrets', 'give at least one signing secret or required header; use parseEvent to parse without verifying')
    }
    for (const [name, value] of entries) {
      if (!TOKEN.test(name)) throw invalidInput('requiredHeaders', 'header name must be an RFC 9110 token')
      if (typeof value !== 'string' || value.length === 0) {
        throw invalidInput(`requiredHeaders.${name}`, 'value must not be empty')
      }
    }
    const max = maxBody ?? DEFAULT_MAX_BODY
    if (!Number.isSafeInteger(max) || max <= 0) throw invalidInput('maxBody', 'must be greater than 0')
    this.maxBody = max
    this.#requireSignature = require
    // A random key for comparing header values: HMAC both, compare the MACs.
    this.#compareKey = subtle()
      .generateKey(HMAC, false, ['sign', 'verify'])
      .then((k) => k as CryptoKey)
    this.#required = entries.map(([name, value]) => ({
      name: name.toLowerCase(),
      tag: this.#compareKey.then((k) => subtle().sign('HMAC', k, encoder.encode(value))),
    }))
    this.#wanted = new Set([SIGNATURE_HEADER, ...this.#required.map((r) => r.name)])
    this.#secretBytes = secrets.map((s) => encoder.encode(s))
    this.#node = nodeCrypto()
    this.#keys = Promise.all(this.#secretBytes.map((s) => hmacKey(s, ['verify'])))
  }

  /** Checks a delivery given its headers (any shape) and raw body; resolves to its event. */
  async verify(headers: HeadersInput, body: BodyInput): Promise<PartnerEvent> {
    const pairs = headerPairs(headers, this.#wanted)
    const bytes = bodyBytes(body)
    if (bytes.byteLength > this.maxBody) {
      throw new WebhookVerificationError(`the body is larger than ${this.maxBody} bytes`, { kind: 'BodyTooLarge', httpStatus: 413 })
    }
    const signed = await this.#authenticate(pairs, bytes)
    return eventFromText(textOf(bytes), signed)
  }

  /** Checks a fetch `Request`, reading its raw body at most `maxBody` bytes far. */
  async verifyRequest(request: Request): Promise<PartnerEvent> {
    const { headers, body } = await readBody(request, this.maxBody)
    return this.verify(headers, body)
  }

  /** Required headers, then the signature; whether a signature was verified. */
  async #authenticate(pairs: string[], body: Uint8Array): Promise<boolean> {
    const values = new Map<string, string[]>()
    for (let i = 0; i < pairs.length; i += 2) {
      const list = values.get(pairs[i]!)
      if (list) list.push(pairs[i + 1]!)
      else values.set(pairs[i]!, [pairs[i + 1]!])
    }
    for (const { name, tag } of this.#required) {
      const got = values.get(name)
      if (!got) throw refuse('MissingHeader', `missing header ${name}`)
      if (got.length > 1) throw refuse('BadHeader', `header ${name} sent more than once`)
      const same = await subtle().verify('HMAC', await this.#compareKey, await tag, encoder.encode(got[0]!))
      if (!same) throw refuse('BadHeader', `wrong value for header ${name}`)
    }
    const signature = values.get(SIGNATURE_HEADER)
    if (signature && signature.length > 1) throw refuse('BadSignature', `${SIGNATURE_HEADER} sent more than once`)
    if (!signature) {
      if (this.#requireSignature) throw refuse('MissingSignature', `missing ${SIGNATURE_HEADER}`)
      return false
    }
    if (this.#secretBytes.length === 0) return false // a headers-only verifier ignores a signature it cannot check
    const mac = decodeSignature(signature[0]!)
    if (!mac) throw refuse('BadSignature', MALFORMED)
    const node = this.#node
    if (node) {
      for (const secret of this.#secretBytes) {
        if (node.timingSafeEqual(node.createHmac('sha256', secret).update(body).digest(), mac)) return true
      }
      throw refuse('BadSignature', 'the signature does not match the body')
    }
    const keys = await this.#keys
    for (const key of keys) {
      if (await subtle().verify('HMAC', key, source(mac), source(body))) return true
    }
    throw refuse('BadSignature', 'the signature does not match the body')
  }

  /** Shows the settings, never a secret. */
  toJSON(): { maxBody: number } {
    return { maxBody: this.maxBody }
  }
}

const MALFORMED = 'the signature is not 64 hex digits or the base64 of 32 bytes (optionally prefixed with sha256=)'
const HEX = /^[0-9a-fA-F]{64}$/
const BASE64 = /^[A-Za-z0-9+/]{43}=?$/

/** The 32-byte MAC of a header value: hex or standard base64, optional `sha256=` (the core's rule). */
function decodeSignature(header: string): Uint8Array | null {
  let v = header.trim()
  if (v.slice(0, 7).toLowerCase() === 'sha256=') v = v.slice(7)
  if (HEX.test(v)) {
    const out = new Uint8Array(32)
    for (let i = 0; i < 32; i++) out[i] = parseInt(v.slice(2 * i, 2 * i + 2), 16)
    return out
  }
  if (!BASE64.test(v)) return null
  const binary = atob(v.endsWith('=') ? v : v + '=')
  if (binary.length !== 32) return null
  // Canonical only (no stray bits in the last character), as the core's decoder.
  if (btoa(binary).replace(/=$/, '') !== v.replace(/=$/, '')) return null
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/** The `x-360dialog-signature` value for `body`: lower-case hex HMAC-SHA256 (for tests). */
export async function sign(body: BodyInput, secret: string): Promise<string> {
  if (checkString('secret', secret).length === 0) throw invalidInput('secret', 'must be a non-empty string')
  const mac = new Uint8Array(await subtle().sign('HMAC', await hmacKey(encoder.encode(secret), ['sign']), source(bodyBytes(body))))
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Whether `headerValue` signs `body` under any of `secrets`. */
export async function verifySignature(body: BodyInput, headerValue: string, secrets: string[]): Promise<boolean> {
  if (checkStrings('secrets', secrets).length === 0) throw invalidInput('secrets', 'give at least one secret')
  const mac = decodeSignature(checkString('headerValue', headerValue))
  if (!mac) return false
  const bytes = bodyBytes(body)
  for (const s of secrets) {
    if (await subtle().verify('HMAC', await hmacKey(encoder.encode(s), ['verify']), source(mac), source(bytes))) return true
  }
  return false
}

/** Parses an event body without verifying it (for tests and replays). */
export function parseEvent(body: BodyInput): PartnerEvent {
  return eventFromText(textOf(bodyBytes(body)), false)
}
