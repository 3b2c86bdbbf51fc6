// Type-checked with `tsc --noEmit -p test/tsconfig.json` against index.d.ts.
import {
  APIStatusError,
  NotFoundError,
  PartnerClient,
  Sandbox,
  WebhookVerificationError,
  WebhookVerifier,
  type PartnerEvent,
  type WebhookUrl,
} from 'partner-webhooks'

async function main(): Promise<void> {
  const sb: Sandbox = await Sandbox.start()
  const client = new PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, timeoutMs: 5_000, maxRetries: 1 })
  const url: WebhookUrl = await client.getWebhookUrl(sb.partnerId, { signal: AbortSignal.timeout(1_000) })
  const maybe: string | null | undefined = url.webhook_url
  const attempts: number = url.response.attempts
  const partner = await client.setWebhookHeaders(sb.partnerId, { 'X-Partner-Auth': 'shared' })
  const brand: string | undefined = partner.brand_name
  try {
    await client.getWebhookUrl('nopePA')
  } catch (e) {
    if (e instanceof NotFoundError) {
      const status: number | null = e.status
      const trace: string | null = e.traceId
      void [status, trace]
    } else if (e instanceof APIStatusError) {
      const kind: string = e.kind
      void kind
    }
  }
  const verifier = new WebhookVerifier({ secrets: [sb.platformSecret], requiredHeaders: { 'X-Partner-Auth': 'shared' } })
  try {
    const event: PartnerEvent = verifier.verify({ 'x-360dialog-signature': 'abc' }, Buffer.from('{}'))
    const type: string = event.type
    void type
  } catch (e) {
    if (e instanceof WebhookVerificationError) {
      const status: number = e.httpStatus
      void status
    }
  }
  void [maybe, attempts, brand]
  await sb.stop()
}

void main

// .withResponse() and the logger option type-check as documented.
async function withResponseUsage(client: PartnerClient): Promise<void> {
  const { data, response } = await client.getWebhookUrl('abcPA').withResponse()
  const url: string | null | undefined = data.webhook_url
  const contentType: string | undefined = response.headers['content-type']
  void [url, contentType, response.status, response.traceId, response.attempts]
  const logged = new PartnerClient({ apiKey: 'k', logger: console, logLevel: 'debug', caBundle: '/etc/ca.pem', proxy: 'http://proxy:3128' })
  void logged
}
void withResponseUsage
