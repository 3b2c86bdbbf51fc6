// Sandbox: an in-process stand-in for the Partner API on 127.0.0.1, for tests.
import * as util from 'node:util'

import { invalidInput, native } from './convert'
import { binding } from './native'

/** A fault for the next calls of a route (see the sandbox README). */
export interface Fault {
  /** An operation name (`get_webhook_url`, ..., `token`) or `*`. */
  route: string
  times?: number
  status?: number
  retry_after?: number | string
  delay_ms?: number
  reset?: boolean
  body?: string
  trickle_ms?: number
  body_bytes?: number
}

/** How to start a {@link Sandbox}; everything is optional (random credentials, a free port). */
export interface SandboxOptions {
  /** The partner the credentials belong to (default `sandboxPA`). */
  partnerId?: string
  /** The API key the sandbox accepts (default: random). */
  apiKey?: string
  /** The secret that signs delivered events (default: random). */
  platformSecret?: string
  /** The port on 127.0.0.1 (0, the default, picks a free one). */
  port?: number
}

/** What a {@link Sandbox} has served: requests per route, faults applied, tokens issued. */
export interface SandboxStats {
  /** Requests per route name (`get_webhook_url`, ..., `token`). */
  requests: Record<string, number>
  /** Injected faults applied so far. */
  faults_applied: number
  /** Bearer tokens issued by the token exchange. */
  tokens_issued: number
}

/** An in-process stand-in for the Partner API on 127.0.0.1, for tests. */
export class Sandbox {
  readonly baseUrl!: string
  readonly partnerId!: string
  readonly otherPartnerId!: string
  readonly apiKey!: string
  readonly username!: string
  readonly password!: string
  readonly platformSecret!: string
  #native: InstanceType<typeof binding.NativeSandbox>

  private constructor(nativeSandbox: InstanceType<typeof binding.NativeSandbox>) {
    this.#native = nativeSandbox
    Object.assign(this, nativeSandbox.info())
  }

  /** Starts a sandbox: `{ baseUrl, partnerId, apiKey, platformSecret, ... }`. */
  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw invalidInput('options', 'must be an object')
    }
    return new Sandbox(native(() => new binding.NativeSandbox(options)))
  }

  /** Makes the next matching calls fail (see {@link Fault}); an invalid fault throws `InvalidInputError`. */
  injectFault(fault: Fault): void {
    native(() => this.#native.injectFault(fault))
  }

  /** Removes the faults not yet applied; returns how many there were. */
  clearFaults(): number {
    return this.#native.clearFaults()
  }

  /** Revokes every issued bearer token (the next call with one gets 401); returns how many. */
  revokeTokens(): number {
    return this.#native.revokeTokens()
  }

  /** What the sandbox has served so far. */
  stats(): SandboxStats {
    return this.#native.stats()
  }

  /** Delivers `event` to the partner's webhook URL, signed; returns the delivery id. */
  emit(event: string, data?: Record<string, unknown>): string {
    return native(() => this.#native.emit(event, data ?? null))
  }

  /** Every delivery so far, oldest first, with its attempts. */
  deliveries(): any[] {
    return this.#native.deliveries()
  }

  /** Resolves with the delivery once it is no longer pending (or at the timeout). */
  async waitForDelivery(id: string, timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const d = this.#native.delivery(id)
      if ((d && d.status !== 'pending') || Date.now() >= deadline) return d
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  /** Stops the sandbox; its address stops answering. */
  async stop(): Promise<void> {
    native(() => this.#native.stop())
  }

  [util.inspect.custom](): string {
    return `Sandbox { baseUrl: '${this.baseUrl}', partnerId: '${this.partnerId}' }`
  }

  /** What `JSON.stringify` shows: the address and the partner id, never a credential. */
  toJSON(): { baseUrl: string; partnerId: string } {
    return { baseUrl: this.baseUrl, partnerId: this.partnerId }
  }
}

/** A delivery recorded in a sandbox's exported log, to replay in a test. */
export interface RecordedDelivery {
  id: string
  event: string
  /** `pending`, `delivered` or `failed`. */
  status: string
  /** The exact body. */
  body: string
  /** The signature it was sent with. */
  signature: string
  /** `content-type` and `x-360dialog-signature` (add your custom headers). */
  headers: Record<string, string>
  /** The custom header names it was sent with (their values are not recorded). */
  headerNames: string[]
}

/**
 * The deliveries of a log exported by a sandbox (`GET /_sandbox/export`, the
 * page's "Export", JSON Lines): replay each against your receiver in a test.
 *
 * ```js
 * for (const d of parseDeliveryLog(readFileSync('deliveries.jsonl', 'utf8'))) {
 *   verifier.verify({ ...d.headers, 'X-Partner-Auth': secret }, Buffer.from(d.body))
 * }
 * ```
 */
export function parseDeliveryLog(text: string): RecordedDelivery[] {
  if (typeof text !== 'string') throw invalidInput('deliveryLog', 'must be a string (the JSON Lines text)')
  return native(() => binding.parseDeliveryLog(text)).map((d) => ({
    id: d.id,
    event: d.event,
    status: d.status,
    body: d.body,
    signature: d.signature,
    headers: Object.fromEntries(d.headers),
    headerNames: d.header_names,
  }))
}
