// PartnerClient: the Partner API webhook settings. Each method names its
// operation as the core's operation table does and passes its arguments in
// the table's order; the native layer looks the operation up and checks the
// arguments. An operation added to the core's table needs one method here.
import * as util from 'node:util'

import { fromNative, invalidInput, native } from './convert'
import { APIUserAbortError } from './errors'
import { binding, type NativeCallOptions, type NativeClientOptions } from './native'
import { typeOf } from './shapes'
import type { Partner, ResponseInfo, WebhookHeaders, WebhookUrl } from './types'

/** The levels of `logLevel`, most severe first; `'off'` takes nothing. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
const LOG_LEVELS: readonly string[] = ['off', 'error', 'warn', 'info', 'debug', 'trace']

/**
 * Where a client's records go: `console`, a pino logger, or anything with
 * these methods. Each is called as `logger[level](fields, message)`, the
 * fields being `{ operation, status, attempt, traceId, ... }` (pino merges
 * them into the line; console prints them before the message). `trace`
 * records go to `debug` (console's `trace` prints a stack).
 */
export interface Logger {
  /** A record at level `error`: its structured fields and its message. */
  error(fields: Record<string, unknown>, message: string): void
  /** A record at level `warn` (each retry is one). */
  warn(fields: Record<string, unknown>, message: string): void
  /** A record at level `info`. */
  info(fields: Record<string, unknown>, message: string): void
  /** A record at level `debug` or `trace` (a line per request and per response). */
  debug(fields: Record<string, unknown>, message: string): void
}

/** A call's answer with its HTTP metadata: what `.withResponse()` resolves to. */
export interface WithHttpResponse<T> {
  data: T
  response: ResponseInfo
}

/**
 * The Promise every method returns: await it for the result, or call
 * `.withResponse()` for `{ data, response }` (status, headers, trace id,
 * attempts). It is a plain `Promise` with one more method (no subclass, so
 * awaiting it costs what awaiting any Promise costs).
 *
 * ```ts
 * const { data, response } = await client.getWebhookUrl('yourPA').withResponse()
 * console.log(data.webhook_url, response.headers['content-type'])
 * ```
 */
export type APIPromise<T extends { response: ResponseInfo }> = Promise<T> & {
  /** The result with its HTTP metadata. */
  withResponse(): Promise<WithHttpResponse<T>>
}

function withResponse<T extends { response: ResponseInfo }>(this: Promise<T>): Promise<WithHttpResponse<T>> {
  return this.then((data) => ({ data, response: data.response }))
}

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
  /** Where this client's records go (default: none; `PARTNER_WEBHOOKS_LOG` still writes to stderr). */
  logger?: Logger
  /** The least severe level passed to `logger` (default `'warn'`). */
  logLevel?: LogLevel
}

/** Per-call overrides (the core's `RequestOptions`), and cancellation. */
export interface RequestOptions extends NativeCallOptions {
  /** Aborting it cancels the request in flight (`APIUserAbortError`). */
  signal?: AbortSignal
}

/** The option names the core declares, for refusing misspelt ones. */
const surface = binding.surface()
type Spec = { method_name: string; kind: string }
const optionKinds = new Map<string, string>([
  ...surface.settings.map((s: Spec) => [s.method_name, s.kind] as [string, string]),
  ['logger', 'logger'],
  ['logLevel', 'text'],
])
const callOptionKinds = new Map<string, string>([
  ...surface.call_options.map((s: Spec) => [s.method_name, s.kind] as [string, string]),
  ['signal', 'signal'],
])
const operationParams = new Map<string, Spec[]>(
  surface.operations.map((o: { name: string; params: { name: string; kind: string }[] }) => [
    o.name,
    o.params.map((p) => ({ method_name: camel(p.name), kind: p.kind })),
  ]),
)

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
}

/** What a value of each kind must be in JavaScript (its unit is checked by the core). */
const expected: Record<string, [string, (v: unknown) => boolean]> = {
  secret: ['a string', (v) => typeof v === 'string'],
  text: ['a string', (v) => typeof v === 'string'],
  url: ['a string', (v) => typeof v === 'string'],
  path: ['a string', (v) => typeof v === 'string'],
  callback: ['a function', (v) => typeof v === 'function'],
  duration: ['a number of milliseconds', (v) => typeof v === 'number'],
  count: ['a whole number', (v) => typeof v === 'number'],
  flag: ['a boolean', (v) => typeof v === 'boolean'],
  header_map: [
    'an object of header names to string values',
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  ],
  logger: [
    'an object with error, warn, info and debug methods (console, pino)',
    (v) =>
      typeof v === 'object' && v !== null && ['error', 'warn', 'info', 'debug'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  ],
  signal: ['an AbortSignal', (v) => typeof v === 'object' && v !== null && typeof (v as AbortSignal).addEventListener === 'function'],
}

/** Refuses unknown keys and values of the wrong type, naming the option. */
function checkOptions(options: unknown, kinds: Map<string, string>, what: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidInput(what === 'client option' ? 'options' : 'requestOptions', `must be an object (got ${typeOf(options)})`)
  }
  for (const [key, value] of Object.entries(options)) {
    const kind = kinds.get(key)
    if (kind === undefined) throw invalidInput(key, `is not a ${what} (known: ${[...kinds.keys()].join(', ')})`)
    if (value === undefined) continue
    const [want, ok] = expected[kind] ?? expected.text
    if (!ok(value)) throw invalidInput(key, `must be ${want} (got ${typeOf(value)})`)
  }
}

/** Refuses arguments of the wrong type (the core checks their values), naming the parameter. */
function checkArgs(op: string, args: unknown[]): void {
  const params = operationParams.get(op) ?? []
  for (let i = 0; i < params.length; i++) {
    const [want, ok] = expected[params[i].kind === 'header_map' ? 'header_map' : 'text']
    if (!ok(args[i])) throw invalidInput(params[i].method_name, `must be ${want} (got ${typeOf(args[i])})`)
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
    checkOptions(options, optionKinds, 'client option')
    const { tokenProvider, logger, logLevel, ...rest } = options
    if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
      throw invalidInput('logLevel', `must be one of ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')} (got '${logLevel}')`)
    }
    const provider = tokenProvider && (async (refresh: boolean) => tokenProvider(refresh))
    const sink = logger && toSink(logger)
    this.#native = native(() => new binding.NativeClient(rest, provider, sink, logLevel))
  }

  /** The API's base URL this client calls (`https://hub.360dialog.io` by default). */
  get baseUrl(): string {
    return this.#native.baseUrl
  }

  /** The time budget of each call in milliseconds, retries included. */
  get timeoutMs(): number {
    return this.#native.timeoutMs
  }

  /** Retries after a call's first attempt. */
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
  getWebhookUrl(partnerId: string, options?: RequestOptions): APIPromise<WebhookUrl> {
    return this.#call('get_webhook_url', [partnerId], options)
  }

  /** Sets the webhook URL (https, or http on loopback); resolves to the partner object. */
  setWebhookUrl(partnerId: string, webhookUrl: string, options?: RequestOptions): APIPromise<Partner> {
    return this.#call('set_webhook_url', [partnerId, webhookUrl], options)
  }

  /** `{ webhook_headers? }` */
  getWebhookHeaders(partnerId: string, options?: RequestOptions): APIPromise<WebhookHeaders> {
    return this.#call('get_webhook_headers', [partnerId], options)
  }

  /** Replaces the custom headers as a whole (`{}` clears them); resolves to the partner object. */
  setWebhookHeaders(partnerId: string, headers: Record<string, string>, options?: RequestOptions): APIPromise<Partner> {
    return this.#call('set_webhook_headers', [partnerId, headers], options)
  }

  #call<T extends { response: ResponseInfo }>(op: string, args: unknown[], options?: RequestOptions): APIPromise<T> {
    const promise = this.#run<T>(op, args, options) as APIPromise<T>
    promise.withResponse = withResponse
    return promise
  }

  async #run<T>(op: string, args: unknown[], options?: RequestOptions): Promise<T> {
    checkArgs(op, args)
    // The common call has no options: nothing is allocated for them then.
    let callOptions: NativeCallOptions | undefined
    let signal: AbortSignal | undefined
    if (options !== undefined) {
      checkOptions(options, callOptionKinds, 'request option')
      ;({ signal, ...callOptions } = options)
    }
    if (signal?.aborted) throw new APIUserAbortError('the request was aborted', { kind: 'Cancelled' })
    const token = signal ? new binding.CancelToken() : undefined
    const onAbort = () => token?.cancel()
    signal?.addEventListener('abort', onAbort, { once: true })
    for (let i = 0; i < args.length; i++) if (args[i] === undefined) args[i] = null
    try {
      const reply = await this.#native.call(op, args, callOptions, token)
      // The core checked the text's shape; JSON.parse builds the object.
      const parsed: unknown = JSON.parse(reply.body)
      const body = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, any>
      // The HTTP metadata rides along without showing up in JSON.stringify or spreads.
      const response: ResponseInfo = {
        status: reply.status,
        headers: parseHeaderLines(reply.headers),
        traceId: reply.traceId,
        attempts: reply.attempts,
      }
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

  /** What `JSON.stringify` shows of a client: its settings, never a secret. */
  toJSON(): { baseUrl: string; timeoutMs: number; maxRetries: number } {
    return { baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, maxRetries: this.maxRetries }
  }
}

/** `name: value` lines (the addon's compact form) as an object. */
function parseHeaderLines(lines: string): Record<string, string> {
  const headers: Record<string, string> = {}
  let start = 0
  while (start < lines.length) {
    const end = lines.indexOf('\n', start)
    const colon = lines.indexOf(': ', start)
    headers[lines.slice(start, colon)] = lines.slice(colon + 2, end)
    start = end + 1
  }
  return headers
}

/** The native sink's callback: a record to `logger[level](fields, message)`; a
 * logger that throws loses the record, never the call. */
function toSink(logger: Logger): (record: { level: string; message: string; fields: Record<string, unknown> }) => void {
  return ({ level, message, fields }) => {
    const method = level === 'error' || level === 'warn' || level === 'info' ? level : 'debug'
    try {
      logger[method](fields, message)
    } catch {
      // the application's logger failed; the SDK's call goes on
    }
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
