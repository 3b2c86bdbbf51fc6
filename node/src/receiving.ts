// Receiving on Node: the addon checks a request (body size, required headers,
// signature: the core's verifier), the package builds the typed event
// (`events.ts`). The edge entry (`edge.ts`) does the same checks with WebCrypto.
import * as util from 'node:util'

import { native } from './convert.js'
import { eventFromText, textOf, type PartnerEvent } from './events.js'
import { binding } from './native'
import {
  SIGNATURE_HEADER,
  bodyBytes,
  checkString,
  checkStrings,
  checkVerifierOptions,
  checkWhole,
  headerPairs,
  readBody,
  type BodyInput,
  type HeadersInput,
  type VerifierOptions,
} from './shapes.js'

export { SIGNATURE_HEADER } from './shapes.js'
export type { BodyInput, HeadersInput, RequestInput, VerifierOptions } from './shapes.js'


/**
 * Verifies incoming partner webhook requests and parses them into typed events.
 *
 * ```ts
 * const verifier = new WebhookVerifier({ secrets: [process.env.PLATFORM_SECRET!] })
 * app.post('/hook', express.raw({ type: '*\/*' }), (req, res) => {
 *   try {
 *     const event = verifier.verify(req.headers, req.body)
 *     res.sendStatus(200)
 *   } catch (e) {
 *     if (e instanceof WebhookVerificationError) res.sendStatus(e.httpStatus)
 *     else throw e
 *   }
 * })
 * ```
 */
export class WebhookVerifier {
  #native: InstanceType<typeof binding.NativeVerifier>
  #wanted: Set<string>
  #signs: boolean

  constructor(options: VerifierOptions = {}) {
    const { secrets, requiredHeaders, maxBody, requireSignature } = checkVerifierOptions(options)
    this.#native = native(() => new binding.NativeVerifier({ secrets, requiredHeaders, maxBody, requireSignature }))
    this.#wanted = new Set([SIGNATURE_HEADER, ...Object.keys(requiredHeaders ?? {}).map((n) => n.toLowerCase())])
    this.#signs = (secrets?.length ?? 0) > 0
  }

  /**
   * Checks a delivery and returns its event. `headers`: a plain object, fetch
   * `Headers`, `Map` or `[name, value]` pairs; `body`: the raw bytes (Buffer,
   * Uint8Array, ArrayBuffer) or text. Throws `WebhookVerificationError` (answer
   * with its `httpStatus`: 401, 413 or 400) or `InvalidInputError`.
   */
  verify(headers: HeadersInput, body: BodyInput): PartnerEvent {
    const pairs = headerPairs(headers, this.#wanted)
    const buffer = toBuffer(body)
    native(() => this.#native.authenticate(pairs, buffer))
    // Checked (UTF-8 too): signed when a signature came and there is a secret to check it with.
    return eventFromText(buffer.toString('utf8'), this.#signs && hasName(pairs, SIGNATURE_HEADER))
  }

  /**
   * Checks a fetch `Request` (Next.js route handlers, Hono, `Request` of
   * Node 18+), reading its raw body at most `maxBody` bytes far.
   */
  async verifyRequest(request: Request): Promise<PartnerEvent> {
    const { headers, body } = await readBody(request, this.maxBody)
    return this.verify(headers, body)
  }

  /** The largest body accepted, in bytes. */
  get maxBody(): number {
    return this.#native.maxBody
  }

  [util.inspect.custom](): string {
    return this.#native.describe()
  }

  /** Shows the settings, never a secret. */
  toJSON(): { maxBody: number } {
    return { maxBody: this.maxBody }
  }
}

/** Parses an event body without verifying it (for tests and replays). */
export function parseEvent(body: BodyInput): PartnerEvent {
  return eventFromText(textOf(bodyBytes(body)), false)
}

/** Whether `headerValue` (`x-360dialog-signature`) signs `body` under any of `secrets`. */
export function verifySignature(body: BodyInput, headerValue: string, secrets: string[]): boolean {
  const bytes = toBuffer(body)
  return native(() => binding.verifySignature(bytes, checkString('headerValue', headerValue), checkStrings('secrets', secrets)))
}

/** The `x-360dialog-signature` value for `body` (for tests). */
export function sign(body: BodyInput, secret: string): string {
  const bytes = toBuffer(body)
  return native(() => binding.sign(bytes, checkString('secret', secret)))
}

/** The Integrated Onboarding signature (now, when `unixSeconds` is absent). */
export function ioSignature(partnerId: string, secret: string, unixSeconds?: number): string {
  checkString('partnerId', partnerId)
  checkString('secret', secret)
  checkWhole('unixSeconds', unixSeconds, 0)
  return native(() => binding.ioSignature(partnerId, secret, unixSeconds))
}

function toBuffer(body: BodyInput): Buffer {
  const bytes = bodyBytes(body)
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function hasName(pairs: string[], name: string): boolean {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === name) return true
  return false
}
