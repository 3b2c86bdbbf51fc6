// PartnerClient: the Partner API webhook settings. Each method names its
// operation as the core's operation table does and passes its arguments in
// the table's order; the native layer looks the operation up and checks the
// arguments. An operation added to the core's table needs one method here.
import * as util from 'node:util'

import { fromNative, invalidInput, native } from './convert'
import { APIUserAbortError } from './errors'
import { binding, type NativeCallOptions, type NativeClientOptions } from './native'
import type { Partner, ResponseInfo, WebhookHeaders, WebhookUrl } from './types'

/** `refresh` is true when the server refused the previous token. */
export type TokenProvider = (
  refresh: boolean,
) => string | { accessToken: string; expiresIn?: number } | Promise<string | { accessToken: string; expiresIn?: number }>

/**
 * Client settings: the addon's options (the core's `ClientSettings`, which the
 * Rust side fills field by field, so an option cannot exist in one and not the
 * other), plus the token provider.
 */
export interface ClientOptions extends NativeClientOptions {
  /** Called for a token (again with `refresh = true` after a 401). */
  tokenProvider?: TokenProvider
}

/** Per-call overrides (the core's `RequestOptions`), and cancellation. */
export interface RequestOptions extends NativeCallOptions {
  /** Aborting it cancels the request in flight (`APIUserAbortError`). */
  signal?: AbortSignal
}

/** The option names the core declares, for refusing misspelt ones. */
const surface = binding.surface()
const knownOptions = new Set<string>([...surface.settings.map((s: { method_name: string }) => s.method_name), 'tokenProvider'])
const knownCallOptions = new Set<string>([...surface.call_options.map((s: { method_name: string }) => s.method_name), 'signal'])

function checkKeys(options: object, known: Set<string>, what: string): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw invalidInput(key, `is not a ${what} (known: ${[...known].join(', ')})`)
  }
}

/**
 * The Partner API webhook settings. Every method takes the partner id first
 * and accepts `{ timeoutMs, maxRetries, attemptTimeoutMs, signal }`; an aborted
 * `signal` cancels the request in flight.
 */
export class PartnerClient {
  #native: InstanceType<typeof binding.NativeClient>

  constructor(options: ClientOptions = {}) {
    checkKeys(options, knownOptions, 'client option')
    const { tokenProvider, ...rest } = options
    if (tokenProvider !== undefined && typeof tokenProvider !== 'function') {
      throw invalidInput('tokenProvider', 'must be a function')
    }
    const provider = tokenProvider && (async (refresh: boolean) => tokenProvider(refresh))
    this.#native = native(() => new binding.NativeClient(rest, provider))
  }

  get baseUrl(): string {
    return this.#native.baseUrl
  }

  get timeoutMs(): number {
    return this.#native.timeoutMs
  }

  get maxRetries(): number {
    return this.#native.maxRetries
  }

  /**
   * The resolved configuration with every secret left out, keyed by the
   * core's setting names (durations in seconds): for logs and support tickets.
   */
  config(): Record<string, unknown> {
    return this.#native.config()
  }

  /** `{ webhook_url? }` */
  getWebhookUrl(partnerId: string, options?: RequestOptions): Promise<WebhookUrl> {
    return this.#call('get_webhook_url', [partnerId], options)
  }

  /** Sets the webhook URL (https, or http on loopback); resolves to the partner object. */
  setWebhookUrl(partnerId: string, webhookUrl: string, options?: RequestOptions): Promise<Partner> {
    return this.#call('set_webhook_url', [partnerId, webhookUrl], options)
  }

  /** `{ webhook_headers? }` */
  getWebhookHeaders(partnerId: string, options?: RequestOptions): Promise<WebhookHeaders> {
    return this.#call('get_webhook_headers', [partnerId], options)
  }

  /** Replaces the custom headers as a whole (`{}` clears them); resolves to the partner object. */
  setWebhookHeaders(partnerId: string, headers: Record<string, string>, options?: RequestOptions): Promise<Partner> {
    return this.#call('set_webhook_headers', [partnerId, headers], options)
  }

  async #call<T>(op: string, args: unknown[], options?: RequestOptions): Promise<T> {
    // The common call has no options: nothing is allocated for them then.
    let callOptions: NativeCallOptions | undefined
    let signal: AbortSignal | undefined
    if (options !== undefined && options !== null) {
      checkKeys(options, knownCallOptions, 'request option')
      ;({ signal, ...callOptions } = options)
    }
    if (signal?.aborted) throw new APIUserAbortError('the request was aborted', { kind: 'Cancelled' })
    const token = signal ? new binding.CancelToken() : undefined
    const onAbort = () => token?.cancel()
    signal?.addEventListener('abort', onAbort, { once: true })
    for (let i = 0; i < args.length; i++) if (args[i] === undefined) args[i] = null
    try {
      const reply = await this.#native.call(op, args, callOptions, token)
      const body = reply.body && typeof reply.body === 'object' ? reply.body : {}
      // The HTTP metadata rides along without showing up in JSON.stringify or spreads.
      const response: ResponseInfo = { status: reply.status, traceId: reply.traceId, attempts: reply.attempts }
      Object.defineProperty(body, 'response', { value: response, enumerable: false })
      redactHeaderValues(body.webhook_headers)
      return body as T
    } catch (err) {
      throw fromNative(err)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  [util.inspect.custom](): string {
    return this.#native.describe()
  }

  toJSON(): { baseUrl: string; timeoutMs: number; maxRetries: number } {
    return { baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, maxRetries: this.maxRetries }
  }
}

/**
 * Header values are secrets (often credentials for the partner's endpoint):
 * `util.inspect` / `console.log` of a result shows their names only. The values
 * stay readable as properties and in `JSON.stringify`, which callers ask for
 * explicitly.
 */
function redactHeaderValues(headers: unknown): void {
  if (!headers || typeof headers !== 'object') return
  Object.defineProperty(headers, util.inspect.custom, {
    value: (_depth: number, options: util.InspectOptions, inspect: typeof util.inspect) =>
      inspect(Object.fromEntries(Object.keys(headers).map((name) => [name, '[redacted]'])), options),
    enumerable: false,
  })
}
