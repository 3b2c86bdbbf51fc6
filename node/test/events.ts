// Compiled by `npm run typecheck` (tsc --strict): narrowing on `type` types
// `data`; the @ts-expect-error lines must stay errors.
import { parseEvent, type KnownEvent, type PartnerEvent } from 'partner-webhooks'

export function describe(event: PartnerEvent): string {
  switch (event.type) {
    case 'channel_live':
    case 'channel_ready': {
      const phone: string | undefined = event.data.setup_info?.phone_number
      const mode: string | undefined = event.data.account_mode
      // @ts-expect-error a phone number is a string
      const wrong: number | undefined = event.data.setup_info?.phone_number
      return `${event.type} ${phone} ${mode} ${wrong}`
    }
    case 'waba_template_status_changed': {
      const reason: string | undefined = event.data.rejected_reason
      const status: 'approved' | 'rejected' | (string & {}) | undefined = event.data.status
      return `${event.data.name} ${status} ${reason}`
    }
    case 'account_restriction':
      return (event.data.restrictions ?? []).map((r) => r.restriction_type).join(',')
    case 'unknown': {
      const known: null = event.knownType
      const sent: string = event.eventType
      // @ts-expect-error an unknown event's data is untyped
      const guess: string = event.data.status
      return `${sent} ${known} ${guess} ${event.raw.length}`
    }
    default: {
      const other: KnownEvent = event
      return other.type
    }
  }
}

const any = parseEvent('{"event":"channel_live"}')
// @ts-expect-error not narrowed yet: data may be any payload
const reason: string | undefined = any.data.rejected_reason
void reason
