// A Next.js route handler (app/webhook/route.js): Next calls POST with the
// fetch Request. next-route-server.mjs serves it the same way for the tests.
import { WebhookVerificationError } from 'partner-webhooks'
import { handle, verifier } from './common.mjs'

// readme: next
export async function POST(request) {
  try {
    handle(await verifier.verifyRequest(request))
    return new Response(null, { status: 200 })
  } catch (e) {
    if (e instanceof WebhookVerificationError) return new Response(null, { status: e.httpStatus }) // 401, 413 or 400
    throw e
  }
}
// end readme
