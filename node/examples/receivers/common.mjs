// What every receiver example shares: the verifier (from the environment) and
// the handler. Your code goes in `handle`: keep it quick (answer 200 within 5
// seconds; queue slow work) and skip redeliveries (360dialog delivers at least once).
import { WebhookVerifier } from 'partner-webhooks'

export const verifier = new WebhookVerifier({
  secrets: [process.env.PLATFORM_SECRET],
  requiredHeaders: { [process.env.PARTNER_HEADER_NAME ?? 'X-Partner-Auth']: process.env.PARTNER_HEADER_VALUE },
  maxBody: Number(process.env.MAX_BODY ?? 1024 * 1024),
})
export const port = Number(process.env.PORT ?? 3000)
const seen = new Set()

export function handle(event) {
  if (seen.has(event.dedupKey)) return
  seen.add(event.dedupKey)
  let detail
  switch (event.type) {
    case 'channel_live':
      detail = event.data.setup_info?.phone_number
      break
    case 'waba_template_status_changed':
      detail = event.data.rejected_reason ?? event.data.status
      break
    default:
      detail = event.status
  }
  console.log(JSON.stringify({ received: event.type, detail, dedupKey: event.dedupKey }))
}
