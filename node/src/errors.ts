// The error classes, and the one place where native errors become them.
//
//   PartnerWebhooksError
//   ├── APIError
//   │   ├── APIStatusError (status, headers, traceId, developerMessage, details, body; every other 4xx)
//   │   │   ├── BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError,
//   │   │   ├── ConflictError, UnprocessableEntityError, RateLimitError (retryAfter), InternalServerError
//   │   ├── APIConnectionError
//   │   │   └── APITimeoutError
//   │   ├── APIResponseValidationError
//   │   └── APIUserAbortError
//   ├── InvalidInputError (field)
//   └── WebhookVerificationError (kind, httpStatus)
//
// The tree is the core's list (`ERROR_CLASSES` in partner-webhooks-runtime);
// test/parity.test.mjs checks that `errorClasses` below matches it.

/** What the native layer reports about an error (see `bindings/node/src/error.rs`). */
export interface ErrorFields {
  kind?: string
  status?: number | null
  traceId?: string | null
  developerMessage?: string | null
  details?: unknown
  body?: string | null
  retryAfter?: number | null
  attempts?: number
  field?: string | null
  httpStatus?: number
  headers?: Record<string, string>
  /** The messages of the errors beneath, outermost first (they become `cause`). */
  causes?: string[]
}

/** `causes` as a chain of `Error`s for the standard `cause` property. */
function causeChain(causes: string[] | undefined): Error | undefined {
  let cause: Error | undefined
  for (const message of [...(causes ?? [])].reverse()) cause = new Error(message, cause ? { cause } : undefined)
  return cause
}

/** Base class of every error the package throws. */
export class PartnerWebhooksError extends Error {
  /** The language-independent kind: "NotFound", "Timeout", "BadSignature", "InvalidInput", ... */
  readonly kind: string

  constructor(message: string, fields: ErrorFields = {}) {
    const cause = causeChain(fields.causes)
    super(message, cause ? { cause } : undefined)
    this.name = new.target.name
    this.kind = fields.kind ?? 'Unknown'
  }
}

/** A call to the Partner API failed. */
export class APIError extends PartnerWebhooksError {
  /** HTTP status, when the server answered. */
  readonly status: number | null
  /** 360dialog's `360dialog_trace_id`: quote it to support. */
  readonly traceId: string | null
  /** `meta.developer_message` of the error body. */
  readonly developerMessage: string | null
  /** `meta.details`: which fields were refused and why. */
  readonly details: unknown
  /** The start of the raw error body. */
  readonly body: string | null
  /** The server's `Retry-After`, in seconds. */
  readonly retryAfter: number | null
  /** HTTP attempts made (0: nothing was sent). */
  readonly attempts: number
  /** The response headers (lower-case names) when the server answered; `{}` otherwise. */
  readonly headers: Record<string, string>

  constructor(message: string, fields: ErrorFields = {}) {
    super(message, fields)
    this.status = fields.status ?? null
    this.traceId = fields.traceId ?? null
    this.developerMessage = fields.developerMessage ?? null
    this.details = fields.details ?? null
    this.body = fields.body ?? null
    this.retryAfter = fields.retryAfter ?? null
    this.attempts = fields.attempts ?? 0
    this.headers = fields.headers ?? {}
  }
}

/** The API answered with an error status. */
export class APIStatusError extends APIError {}
/** HTTP 400: the payload was refused; `details` says why. */
export class BadRequestError extends APIStatusError {}
/** HTTP 401: the API key, token or password was refused. */
export class AuthenticationError extends APIStatusError {}
/** HTTP 403: these credentials may not act on this partner. */
export class PermissionDeniedError extends APIStatusError {}
/** HTTP 404: no such partner. */
export class NotFoundError extends APIStatusError {}
/** HTTP 409: the request conflicts with the partner's current state. */
export class ConflictError extends APIStatusError {}
/** HTTP 422. */
export class UnprocessableEntityError extends APIStatusError {}
/** HTTP 429; `retryAfter` is the server's delay in seconds, if sent. */
export class RateLimitError extends APIStatusError {}
/** HTTP 5xx, after the retries. */
export class InternalServerError extends APIStatusError {}
/** No answer: the connection failed or broke (after the retries). */
export class APIConnectionError extends APIError {}
/** The call's time budget ran out. */
export class APITimeoutError extends APIConnectionError {}
/** A successful answer whose body is not what the API promises. */
export class APIResponseValidationError extends APIError {}
/** The call was aborted through its `AbortSignal`. */
export class APIUserAbortError extends APIError {}

/** An argument broke a rule or has the wrong type; `field` names it (durations in
 * milliseconds, as the options take them). Nothing was sent. */
export class InvalidInputError extends PartnerWebhooksError {
  readonly field: string | null

  constructor(message: string, fields: ErrorFields = {}) {
    super(message, fields)
    this.field = fields.field ?? null
  }
}

/** An incoming webhook request was refused; answer with `httpStatus`. */
export class WebhookVerificationError extends PartnerWebhooksError {
  readonly httpStatus: number

  constructor(message: string, fields: ErrorFields = {}) {
    super(message, fields)
    this.httpStatus = fields.httpStatus ?? 400
  }
}

/** Every error class by name: the one list `fromNative` picks from. */
export const errorClasses = {
  PartnerWebhooksError,
  APIError,
  APIStatusError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  APIResponseValidationError,
  APIUserAbortError,
  InvalidInputError,
  WebhookVerificationError,
} as const
