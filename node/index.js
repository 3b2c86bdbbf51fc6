'use strict'
// partner-webhooks: configure and receive 360dialog partner webhooks.
const util = require('node:util')
const binding = require('./native.js')
const errors = require('./errors.js')

const { fromNative, native } = errors

function callOptions(opts = {}) {
  const { timeoutMs, maxRetries } = opts
  return { timeoutMs: timeoutMs ?? undefined, maxRetries: maxRetries ?? undefined }
}

/**
 * The Partner API webhook settings. Every method takes the partner id first
 * and accepts `{ timeoutMs, maxRetries, signal }`; an aborted `signal` cancels
 * the request in flight.
 */
class PartnerClient {
  #native

  constructor(options = {}) {
    const { apiKey, bearerToken, username, password, tokenProvider, baseUrl, timeoutMs, maxRetries } = options
    if (tokenProvider !== undefined && typeof tokenProvider !== 'function') {
      throw new errors.InvalidInputError('InvalidInput: tokenProvider: must be a function', {
        kind: 'InvalidInput',
        field: 'tokenProvider',
      })
    }
    const provider = tokenProvider && (async (refresh) => tokenProvider(refresh))
    this.#native = native(
      () => new binding.NativeClient({ apiKey, bearerToken, username, password, baseUrl, timeoutMs, maxRetries }, provider),
    )
  }

  get baseUrl() {
    return this.#native.baseUrl
  }

  get timeoutMs() {
    return this.#native.timeoutMs
  }

  get maxRetries() {
    return this.#native.maxRetries
  }

  async #call(op, partnerId, arg, opts = {}) {
    const { signal } = opts
    if (signal?.aborted) throw new errors.APIUserAbortError('the request was aborted', { kind: 'Aborted' })
    const token = signal ? new binding.CancelToken() : undefined
    const onAbort = () => token.cancel()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const reply = await native(() => this.#native.call(op, partnerId, arg ?? null, callOptions(opts), token))
      const body = reply.body && typeof reply.body === 'object' ? reply.body : {}
      // The HTTP metadata rides along without showing up in JSON.stringify or spreads.
      Object.defineProperty(body, 'response', {
        value: { status: reply.status, traceId: reply.traceId, attempts: reply.attempts },
        enumerable: false,
      })
      redactHeaderValues(body.webhook_headers)
      return body
    } catch (err) {
      throw fromNative(err)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** `{ webhook_url? }` */
  getWebhookUrl(partnerId, opts) {
    return this.#call('getWebhookUrl', partnerId, null, opts)
  }

  /** Sets the webhook URL (https, or http on loopback); resolves to the partner object. */
  setWebhookUrl(partnerId, webhookUrl, opts) {
    return this.#call('setWebhookUrl', partnerId, webhookUrl, opts)
  }

  /** `{ webhook_headers? }` */
  getWebhookHeaders(partnerId, opts) {
    return this.#call('getWebhookHeaders', partnerId, null, opts)
  }

  /** Replaces the custom headers as a whole (`{}` clears them); resolves to the partner object. */
  setWebhookHeaders(partnerId, headers, opts) {
    return this.#call('setWebhookHeaders', partnerId, headers, opts)
  }

  [util.inspect.custom]() {
    return this.#native.describe()
  }

  toJSON() {
    return { baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, maxRetries: this.maxRetries }
  }
}

/** Verifies incoming partner webhook requests and parses them into events. */
class WebhookVerifier {
  #native

  constructor({ secrets, requiredHeaders, maxBody, requireSignature } = {}) {
    this.#native = native(() => new binding.NativeVerifier({ secrets, requiredHeaders, maxBody, requireSignature }))
  }

  /** `headers`: `req.headers` or `[name, value]` pairs; `rawBody`: the body as received (Buffer). */
  verify(headers, rawBody) {
    return withData(native(() => this.#native.verify(headers, toBuffer(rawBody))))
  }

  get maxBody() {
    return this.#native.maxBody
  }

  [util.inspect.custom]() {
    return this.#native.describe()
  }

  toJSON() {
    return { maxBody: this.maxBody }
  }
}

/**
 * Header values are secrets (often credentials for the partner's endpoint):
 * `util.inspect` / `console.log` of a result shows their names only. The values
 * stay readable as properties and in `JSON.stringify`, which callers ask for
 * explicitly.
 */
function redactHeaderValues(headers) {
  if (!headers || typeof headers !== 'object') return
  Object.defineProperty(headers, util.inspect.custom, {
    value: (depth, options, inspect) =>
      inspect(Object.fromEntries(Object.keys(headers).map((name) => [name, '[redacted]'])), options),
    enumerable: false,
  })
}

/**
 * Adds `data` to a native event: the `data` object of the body (or the top
 * level when there is none), parsed from `raw` on first access and then kept.
 */
function withData(event) {
  Object.defineProperty(event, 'data', {
    enumerable: true,
    configurable: true,
    get() {
      const body = JSON.parse(this.raw)
      const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
      const data = isObject(body?.data) ? body.data : isObject(body) ? body : {}
      Object.defineProperty(this, 'data', { value: data, enumerable: true, configurable: true, writable: true })
      return data
    },
  })
  return event
}

function toBuffer(body) {
  if (Buffer.isBuffer(body)) return body
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  throw new errors.InvalidInputError('InvalidInput: body: must be a Buffer (the raw request body)', {
    kind: 'InvalidInput',
    field: 'body',
  })
}

/** An in-process stand-in for the Partner API on 127.0.0.1, for tests. */
class Sandbox {
  #native

  constructor(nativeSandbox) {
    this.#native = nativeSandbox
    Object.assign(this, nativeSandbox.info())
  }

  /** Starts a sandbox: `{ baseUrl, partnerId, apiKey, platformSecret, ... }`. */
  static async start(options = {}) {
    return new Sandbox(native(() => new binding.NativeSandbox(options)))
  }

  /** `{ route, times?, status?, retry_after?, delay_ms?, reset?, body? }` (see the sandbox README). */
  injectFault(fault) {
    native(() => this.#native.injectFault(fault))
  }

  clearFaults() {
    return this.#native.clearFaults()
  }

  revokeTokens() {
    return this.#native.revokeTokens()
  }

  stats() {
    return this.#native.stats()
  }

  /** Delivers `event` to the partner's webhook URL, signed; returns the delivery id. */
  emit(event, data) {
    return native(() => this.#native.emit(event, data ?? null))
  }

  deliveries() {
    return this.#native.deliveries()
  }

  /** Resolves with the delivery once it is no longer pending (or at the timeout). */
  async waitForDelivery(id, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const d = this.#native.delivery(id)
      if ((d && d.status !== 'pending') || Date.now() >= deadline) return d
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  async stop() {
    native(() => this.#native.stop())
  }

  [util.inspect.custom]() {
    return `Sandbox { baseUrl: '${this.baseUrl}', partnerId: '${this.partnerId}' }`
  }

  toJSON() {
    return { baseUrl: this.baseUrl, partnerId: this.partnerId }
  }
}

module.exports = {
  PartnerClient,
  WebhookVerifier,
  Sandbox,
  parseEvent: (body) => withData(native(() => binding.parseEvent(toBuffer(body)))),
  verifySignature: (body, headerValue, secrets) =>
    native(() => binding.verifySignature(toBuffer(body), headerValue, secrets)),
  sign: (body, secret) => binding.sign(toBuffer(body), secret),
  ioSignature: (partnerId, secret, unixSeconds) => binding.ioSignature(partnerId, secret, unixSeconds),
  version: binding.version(),
  ...Object.fromEntries(Object.entries(errors).filter(([k]) => k !== 'fromNative' && k !== 'native')),
}
