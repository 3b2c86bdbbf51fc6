// The event model: typed events as a discriminated union on `type`, and the
// parser that makes them from a body's text. Pure TypeScript (no Node API):
// the Node entry and the edge entry both use it, and `tests/vectors` holds it
// to the same rules as the Rust core's `events` module (see docs/decisions.md,
// "Receiving in JavaScript").
import { WebhookVerificationError } from './errors.js'

/** An open set of strings: the listed values, or any other the API may add. */
export type Open<T extends string> = T | (string & {})

/** A channel's `status`. */
export type ChannelStatus = Open<
  | 'created' | 'unverified' | 'verified' | 'ready' | 'running' | 'live' | 'modified' | 'imported'
  | 'new_name_requested' | 'certificate_declined' | 'consents_signed' | 'error' | 'porting_ready'
  | 'ready_for_migration' | 'waiting_for_migration_code' | 'migration_code_requested'
>
/** A message template's `status`, lower-case as sent. */
export type TemplateStatus = Open<
  | 'submitted' | 'pending' | 'approved' | 'rejected' | 'flagged' | 'paused' | 'disabled'
  | 'in_appeal' | 'reinstated' | 'pending_deletion' | 'deleted' | 'limit_exceeded' | 'archived'
>

/** Fields the SDK does not model stay readable, untyped. */
export interface Extra {
  [field: string]: unknown
}

/** The client a channel belongs to. */
export interface ClientRef extends Extra {
  id?: string
  name?: string
  partner_payload?: unknown
  contact_info?: unknown
}

/** `setup_info` of a channel. */
export interface SetupInfo extends Extra {
  phone_number?: string
  phone_name?: string
}

/** The WABA account of a channel. */
export interface WabaAccount extends Extra {
  id?: string
  external_id?: string
  fb_account_status?: Open<'verified' | 'not_verified' | 'rejected' | 'pending_submission' | 'failed' | 'pending' | 'pending_need_more_info'>
  status?: Open<'created' | 'consents_pending' | 'unverified' | 'pending' | 'approved' | 'account_violation' | 'account_restriction' | 'account_banned' | 'bsp_removed'>
  on_behalf_of_business_info?: unknown
}

/** `integration` of a channel. */
export interface Integration extends Extra {
  enabled?: boolean
  app_id?: string
  state?: string
}

/** `data` of the channel events (`channel_*`, `cancellation_*`): the channel. */
export interface ChannelData extends Extra {
  id?: string
  client_id?: string
  client?: ClientRef
  status?: ChannelStatus
  account_mode?: Open<'sandbox' | 'live'>
  created_at?: string
  modified_at?: string
  billing_started_at?: string
  terminated_at?: string
  setup_info?: SetupInfo
  waba_account?: WabaAccount
  integration?: Integration
  phone_number?: string
  phone_name?: string
}

/** `data` of `client_created`: the client. */
export interface ClientData extends Extra {
  id?: string
  name?: string
  status?: string
  partner_id?: string
  partner_payload?: unknown
  created_at?: string
  modified_at?: string
}

/** One restriction of an `account_restriction` event. */
export interface Restriction extends Extra {
  restriction_type?: string
  expiration?: string
}

/** `data` of `account_violation` and `account_restriction`. */
export interface AccountData extends Extra {
  phone_number?: string
  violation_type?: string
  restrictions?: Restriction[]
  waba_account_id?: string
  channel_id?: string
}

/** `data` of `template_messaging_enabled` / `_disabled`. */
export interface TemplateMessagingData extends Extra {
  channel_id?: string
  waba_account_id?: string
  phone_number?: string
}

/** `data` of the template status event: the template object. */
export interface TemplateStatusData extends Extra {
  id?: string
  external_id?: string
  waba_account_id?: string
  partner_id?: string
  name?: string
  language?: string
  category?: Open<'MARKETING' | 'UTILITY' | 'AUTHENTICATION'>
  namespace?: string
  status?: TemplateStatus
  rejected_reason?: string
}

/**
 * Each known event's canonical name and the type of its `data` (from the one
 * table of events below, which a test holds to the core's list).
 */
export type KnownEvents = { [T in keyof typeof SHAPES]: (typeof SHAPES)[T] extends Shape<infer D> ? D : never }

/** The canonical name of a known event. */
export type KnownEventType = keyof KnownEvents

interface EventFields<T, D> {
  /** The canonical name of a known event, or `'unknown'`: narrow on it. */
  readonly type: T
  /** The `event` value exactly as sent (e.g. `wabaTemplateStatusChanged`). */
  readonly eventType: string
  /** The canonical name, or `null` for an unknown event. */
  readonly knownType: T extends KnownEventType ? T : null
  /** The `data` object (or the top level when there is none); modelled fields of the wrong JSON type are `undefined`. */
  readonly data: D
  /** The top-level `id`, when sent. */
  readonly id: string | null
  /** The channel id (`data.channel_id`, or `data.id` of channel events). */
  readonly channelId: string | null
  /** The client id (`data.client_id`, `data.client.id`, or `data.id` of `client_created`). */
  readonly clientId: string | null
  /** The phone number (top of `data` or under `setup_info`). */
  readonly phoneNumber: string | null
  /** The phone's display name. */
  readonly phoneName: string | null
  /** `data.status` as sent. */
  readonly status: string | null
  /** Whether a signature was present and verified. */
  readonly signatureVerified: boolean
  /** A key to de-duplicate redeliveries on (360dialog delivers at least once). */
  readonly dedupKey: string
  /** The body exactly as received. */
  readonly raw: string
}

/** A known event: `type` narrows `data`. */
export type KnownEvent<T extends KnownEventType = KnownEventType> = T extends KnownEventType
  ? EventFields<T, KnownEvents[T]>
  : never
/** An event this SDK does not know: `data` is the raw object, `raw` the whole body. */
export type UnknownEvent = EventFields<'unknown', Extra>
/**
 * A verified (or parsed) partner webhook event.
 *
 * ```ts
 * const event = verifier.verify(req.headers, rawBody)
 * switch (event.type) {
 *   case 'channel_live': console.log(event.data.setup_info?.phone_number); break
 *   case 'waba_template_status_changed': console.log(event.data.rejected_reason); break
 *   case 'unknown': console.log(event.eventType, event.raw); break
 * }
 * ```
 */
export type PartnerEvent = KnownEvent | UnknownEvent

// --- what each payload models, to leave out fields of the wrong type (as the core does)

/** Whether a value fits a modelled field; an object check also clears its own misfits. */
type Check = (value: unknown) => boolean
/** The check of a payload, carrying the payload's type. */
type Shape<D> = Check & { readonly __data?: D }
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const S: Check = (v) => typeof v === 'string'
const B: Check = (v) => typeof v === 'boolean'
const ANY: Check = (v) => v !== null
/** An object with these modelled fields: a misfit becomes `undefined` (kept: no shape change for V8). */
function obj(fields: Record<string, Check>): Check {
  const keys = Object.keys(fields)
  const checks = keys.map((k) => fields[k]!)
  return (v) => {
    if (!isObject(v)) return false
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]!]
      if (x !== undefined && !checks[i]!(x)) v[keys[i]!] = undefined
    }
    return true
  }
}
/** A list: items that do not fit are dropped. */
const list = (item: Check): Check => (v) => {
  if (!Array.isArray(v)) return false
  for (let i = v.length - 1; i >= 0; i--) if (!item(v[i])) v.splice(i, 1)
  return true
}
const CLIENT_REF = obj({ id: S, name: S, partner_payload: ANY, contact_info: ANY })
const CHANNEL: Shape<ChannelData> = obj({
  id: S, client_id: S, client: CLIENT_REF, status: S, account_mode: S, created_at: S,
  modified_at: S, billing_started_at: S, terminated_at: S,
  setup_info: obj({ phone_number: S, phone_name: S }),
  waba_account: obj({ id: S, external_id: S, fb_account_status: S, status: S, on_behalf_of_business_info: ANY }),
  integration: obj({ enabled: B, app_id: S, state: S }),
  phone_number: S, phone_name: S,
})
const CLIENT: Shape<ClientData> = obj({
  id: S, name: S, status: S, partner_id: S, partner_payload: ANY, created_at: S, modified_at: S,
})
const ACCOUNT: Shape<AccountData> = obj({
  phone_number: S, violation_type: S, restrictions: list(obj({ restriction_type: S, expiration: S })),
  waba_account_id: S, channel_id: S,
})
const TEMPLATE_MESSAGING: Shape<TemplateMessagingData> = obj({ channel_id: S, waba_account_id: S, phone_number: S })
const TEMPLATE_STATUS: Shape<TemplateStatusData> = obj({
  id: S, external_id: S, waba_account_id: S, partner_id: S, name: S, language: S,
  category: S, namespace: S, status: S, rejected_reason: S,
})
/** Every known event, once: its canonical name (in the core's order) and its payload. */
const SHAPES = {
  client_created: CLIENT,
  channel_created: CHANNEL,
  channel_submitted: CHANNEL,
  channel_ready: CHANNEL,
  channel_running: CHANNEL,
  channel_live: CHANNEL,
  account_violation: ACCOUNT,
  account_restriction: ACCOUNT,
  template_messaging_enabled: TEMPLATE_MESSAGING,
  template_messaging_disabled: TEMPLATE_MESSAGING,
  waba_template_status_changed: TEMPLATE_STATUS,
  cancellation_request: CHANNEL,
  cancellation_revoke: CHANNEL,
  cancellation_processed: CHANNEL,
} as const
/** The canonical names, in the core's order. */
export const knownEventTypes = Object.keys(SHAPES) as KnownEventType[]
/** Other names 360dialog sends for a known event (the core's aliases). */
export const eventAliases: Readonly<Record<string, KnownEventType>> = {
  template_status_changed: 'waba_template_status_changed',
  message_template_status_changed: 'waba_template_status_changed',
  message_template_status_update: 'waba_template_status_changed',
}
/** Events whose `data.id` is a channel id, and the one whose `data.id` is a client id (by payload, as the core reads them). */
const CHANNEL_EVENTS = new Set<string>(knownEventTypes.filter((t) => SHAPES[t] === CHANNEL))
const CLIENT_EVENTS = new Set<string>(knownEventTypes.filter((t) => SHAPES[t] === CLIENT))

type Json = Record<string, unknown>

/** `channelCreated` / `Channel-Created` / `CHANNEL_CREATED` → `channel_created` (the core's rule). */
function normalize(event: string): string {
  let out = ''
  let prevLower = false
  for (const c of event.trim()) {
    const upper = c >= 'A' && c <= 'Z'
    if (upper && prevLower) out += '_'
    prevLower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
    out += c === '-' || c === ' ' || c === '.' ? '_' : upper ? c.toLowerCase() : c
  }
  return out
}

function exact(event: string): KnownEventType | null {
  if (Object.prototype.hasOwnProperty.call(SHAPES, event)) return event as KnownEventType
  return eventAliases[event] ?? null
}

/** The canonical name an `event` value selects, or `null`. */
export function knownTypeOf(event: string): KnownEventType | null {
  return exact(event) ?? exact(normalize(event))
}

function str(o: Json | undefined, key: string): string | null {
  const v = o?.[key]
  return typeof v === 'string' ? v : null
}

function nested(o: Json, object: string, key: string): string | null {
  const inner = o[object]
  return isObject(inner) ? str(inner, key) : null
}

const refused = (kind: string, message: string) =>
  new WebhookVerificationError(message, { kind, httpStatus: 400 })

/**
 * The event in `text` (a body already checked for size and signature), as the
 * core parses it: a JSON object with a string `event`; `data` is the `data`
 * object or else the top level.
 */
export function eventFromText(text: string, signatureVerified: boolean): PartnerEvent {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (e) {
    throw refused('MalformedJson', `the body is not valid JSON: ${(e as Error).message}`)
  }
  if (!isObject(body)) throw refused('NotAnObject', 'the body is JSON but not an object')
  const eventType = body.event
  if (typeof eventType !== 'string') throw refused('MissingEventField', 'the body has no string "event" field')
  const rawId = body.id
  const id = typeof rawId === 'string' ? rawId : typeof rawId === 'number' ? String(rawId) : null
  const known = knownTypeOf(eventType)
  const data = isObject(body.data) ? body.data : body
  if (known) SHAPES[known](data)
  const phoneNumber = str(data, 'phone_number') ?? nested(data, 'setup_info', 'phone_number')
  const status = str(data, 'status')
  return {
    type: known ?? 'unknown',
    eventType,
    knownType: known,
    data,
    id,
    channelId: str(data, 'channel_id') ?? (known && CHANNEL_EVENTS.has(known) ? str(data, 'id') : null),
    clientId:
      str(data, 'client_id') ?? nested(data, 'client', 'id') ?? (known && CLIENT_EVENTS.has(known) ? str(data, 'id') : null),
    phoneNumber,
    phoneName: str(data, 'phone_name') ?? nested(data, 'setup_info', 'phone_name'),
    status,
    signatureVerified,
    dedupKey: id !== null ? `${eventType}:${id}` : `${eventType}:${str(data, 'id') ?? phoneNumber ?? ''}:${status ?? ''}`,
    raw: text,
  } as PartnerEvent
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The body as text; bytes that are not UTF-8 are `MalformedJson` (as in the core). */
export function textOf(body: Uint8Array): string {
  try {
    return strictUtf8.decode(body)
  } catch {
    throw refused('MalformedJson', 'the body is not valid JSON: invalid UTF-8')
  }
}
