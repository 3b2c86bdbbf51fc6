// Type-checked with usage.ts: the ESM entry's types (dist/index.d.mts) give the
// same names, and the default export, as the CommonJS entry's.
import pw, { NotFoundError, PartnerClient, type PartnerEvent } from 'partner-webhooks'

const client: PartnerClient = new pw.PartnerClient({ apiKey: 'k' })
const same: typeof NotFoundError = pw.NotFoundError
const check = (e: PartnerEvent): string => e.type
void [client, same, check]
