'use strict'
// The error classes, and the one place where native errors become them.
//
//   PartnerWebhooksError
//   ├── APIError
//   │   ├── APIStatusError (status, traceId, developerMessage, details, body)
//   │   │   ├── BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError,
//   │   │   ├── UnprocessableEntityError, RateLimitError (retryAfter), InternalServerError
//   │   ├── APIConnectionError
//   │   │   └── APITimeoutError
//   │   ├── APIResponseValidationError
//   │   └── APIUserAbortError
//   ├── InvalidInputError (field)
//   └── WebhookVerificationError (kind, httpStatus)

class PartnerWebhooksError extends Error {
  constructor(message, fields = {}) {
    super(message)
    this.name = new.target.name
    /** The language-independent kind: "NotFound", "Timeout", "BadSignature", ... */
    this.kind = fields.kind ?? 'Unknown'
  }
}

class APIError extends PartnerWebhooksError {
  constructor(message, fields = {}) {
    super(message, fields)
    this.status = fields.status ?? null
    this.traceId = fields.traceId ?? null
    this.developerMessage = fields.developerMessage ?? null
    this.details = fields.details ?? null
    this.body = fields.body ?? null
    this.retryAfter = fields.retryAfter ?? null
    this.attempts = fields.attempts ?? 0
  }
}

class APIStatusError extends APIError {}
class BadRequestError extends APIStatusError {}
class AuthenticationError extends APIStatusError {}
class PermissionDeniedError extends APIStatusError {}
class NotFoundError extends APIStatusError {}
class UnprocessableEntityError extends APIStatusError {}
class RateLimitError extends APIStatusError {}
class InternalServerError extends APIStatusError {}
class APIConnectionError extends APIError {}
class APITimeoutError extends APIConnectionError {}
class APIResponseValidationError extends APIError {}
class APIUserAbortError extends APIError {}

class InvalidInputError extends PartnerWebhooksError {
  constructor(message, fields = {}) {
    super(message, fields)
    this.field = fields.field ?? null
  }
}

class WebhookVerificationError extends PartnerWebhooksError {
  constructor(message, fields = {}) {
    super(message, fields)
    this.httpStatus = fields.httpStatus ?? 400
  }
}

const classes = {
  PartnerWebhooksError,
  APIError,
  APIStatusError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  APIResponseValidationError,
  APIUserAbortError,
  InvalidInputError,
  WebhookVerificationError,
}

const PREFIX = 'partner-webhooks:'

/** Turns an error thrown by the native addon into its typed class. */
function fromNative(err) {
  if (!(err instanceof Error) || typeof err.message !== 'string' || !err.message.startsWith(PREFIX)) {
    return err
  }
  let payload
  try {
    payload = JSON.parse(err.message.slice(PREFIX.length))
  } catch {
    return err
  }
  const Class = classes[payload.class] ?? PartnerWebhooksError
  return new Class(payload.message, payload)
}

/** Calls `fn`, rethrowing native errors as typed ones. */
function native(fn) {
  try {
    return fn()
  } catch (err) {
    throw fromNative(err)
  }
}

module.exports = { ...classes, fromNative, native }
