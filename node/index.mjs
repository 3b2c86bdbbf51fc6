// ESM entry: the same objects as the CommonJS entry.
import pkg from './index.js'

export const {
  PartnerClient,
  WebhookVerifier,
  Sandbox,
  parseEvent,
  verifySignature,
  sign,
  ioSignature,
  version,
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
} = pkg
export default pkg
