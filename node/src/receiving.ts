// Receiving: verify incoming partner webhook requests and parse them into events.
import * as util from 'node:util'

import { invalidInput, native } from './convert'
import { binding, type NativeEvent } from './native'

/** A verified (or parsed) partner webhook event: the addon's fields, plus `data`. */
export interface PartnerEvent extends NativeEvent {
  /** The `data` object of the body (or the top level when there is none), parsed on first use. */
  data: Record<string, unknown>
}

/** `req.headers` of `node:http`, or `[name, value]` pairs. */
export type IncomingHeaders = Record<string, string | string[] | undefined> | Array<[string, string]>

/** A request body as received. */
export type RawBody = Buffer | Uint8Array | string

export interface VerifierOptions {
  secrets?: string[]
  requiredHeaders?: Record<string, string>
  /** Default 1 MiB. */
  maxBody?: number
  /** Default: true when a secret is given. */
  requireSignature?: boolean
}

/** Verifies incoming partner webhook requests and parses them into events. */
export class WebhookVerifier {
  #native: InstanceType<typeof binding.NativeVerifier>

  constructor({ secrets, requiredHeaders, maxBody, requireSignature }: VerifierOptions = {}) {
    this.#native = native(() => new binding.NativeVerifier({ secrets, requiredHeaders, maxBody, requireSignature }))
  }

  /** Throws `WebhookVerificationError` (401, 413 or 400 in `httpStatus`). */
  verify(headers: IncomingHeaders, rawBody: RawBody): PartnerEvent {
    return withData(native(() => this.#native.verify(headers, toBuffer(rawBody))))
  }

  get maxBody(): number {
    return this.#native.maxBody
  }

  [util.inspect.custom](): string {
    return this.#native.describe()
  }

  toJSON(): { maxBody: number } {
    return { maxBody: this.maxBody }
  }
}

/** Parses an event body without verifying it. */
export function parseEvent(body: RawBody): PartnerEvent {
  return withData(native(() => binding.parseEvent(toBuffer(body))))
}

/** Whether `headerValue` (`x-360dialog-signature`) signs `body` under any of `secrets`. */
export function verifySignature(body: RawBody, headerValue: string, secrets: string[]): boolean {
  return native(() => binding.verifySignature(toBuffer(body), headerValue, secrets))
}

/** The `x-360dialog-signature` value for `body` (for tests). */
export function sign(body: RawBody, secret: string): string {
  return binding.sign(toBuffer(body), secret)
}

/** The Integrated Onboarding signature (now, when `unixSeconds` is absent). */
export function ioSignature(partnerId: string, secret: string, unixSeconds?: number): string {
  return binding.ioSignature(partnerId, secret, unixSeconds)
}

/**
 * Adds `data` to a native event: the `data` object of the body (or the top
 * level when there is none), parsed from `raw` on first access and then kept.
 */
function withData(event: NativeEvent): PartnerEvent {
  Object.defineProperty(event, 'data', {
    enumerable: true,
    configurable: true,
    get(this: NativeEvent) {
      const body = JSON.parse(this.raw)
      const isObject = (v: unknown): v is Record<string, unknown> =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
      const data = isObject(body?.data) ? body.data : isObject(body) ? body : {}
      Object.defineProperty(this, 'data', { value: data, enumerable: true, configurable: true, writable: true })
      return data
    },
  })
  return event as PartnerEvent
}

function toBuffer(body: RawBody): Buffer {
  if (Buffer.isBuffer(body)) return body
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  throw invalidInput('body', 'must be a Buffer (the raw request body)')
}
