// Smoke test of an installed tarball, ESM: receiving with the verifier.
import { WebhookVerifier, sign, version } from 'partner-webhooks'

const body = Buffer.from('{"event":"channel_live","data":{"id":"c1"}}')
const verifier = new WebhookVerifier({ secrets: ['s'] })
const event = verifier.verify({ 'x-360dialog-signature': sign(body, 's') }, body)
if (event.channelId !== 'c1' || !event.signatureVerified) throw new Error('unexpected event')
console.log(`import 'partner-webhooks' ${version}: ok`)
