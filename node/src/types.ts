// The shapes of the Partner API's answers (the OpenAPI schemas), as the API
// sends them: snake_case fields, unknown fields kept.

/** HTTP metadata of a successful call. */
export interface ResponseInfo {
  /** HTTP status (2xx). */
  status: number
  /** The response headers, names lower-case (a repeated header's values joined by ", "). */
  headers: Record<string, string>
  /** Trace id from the response headers, if any. */
  traceId: string | null
  /** Attempts made (1 when the first succeeded). */
  attempts: number
}

/** What every result carries besides its schema's fields. */
export interface WithResponse {
  /** HTTP metadata (not enumerable: absent from JSON.stringify and spreads). */
  readonly response: ResponseInfo
  /** Fields this SDK does not model are kept. */
  [extra: string]: unknown
}

/** `PartnerGetWebhookUrlOut` */
export interface WebhookUrl extends WithResponse {
  webhook_url?: string | null
}

/** `PartnerGetWebhookHeadersOut`: values may be any JSON. */
export interface WebhookHeaders extends WithResponse {
  webhook_headers?: Record<string, unknown> | null
}

/** `PartnerOut` / `PartnerSetWebhookHeadersOut` */
export interface Partner extends WithResponse {
  id?: string
  brand_name?: string
  payment_required?: boolean
  payment_plan?: Record<string, unknown>
  logo_url?: string | null
  onboarding_deeplink_add_params?: boolean
  webhook_url?: string
  partner_redirect_url?: string
  country?: string
  blocked_new_submission?: boolean
  allow_client_to_add_phone_no?: boolean
  settings?: Record<string, unknown> | null
  billing_system?: string
  publishable_key?: string | null
  webhook_headers?: Record<string, unknown>
}
