/**
 * partner-webhooks for runtimes without the native addon (Cloudflare Workers,
 * Vercel Edge, Deno, Bun, browsers): receiving only, on WebCrypto. Chosen by the
 * package's `exports` conditions (`workerd`, `edge-light`, `deno`, `bun`,
 * `browser`), or imported as `partner-webhooks/edge` anywhere.
 *
 * @packageDocumentation
 */
export * from './errors.js'
export type * from './events.js'
export { knownEventTypes } from './events.js'
export { SIGNATURE_HEADER } from './shapes.js'
export type { BodyInput, HeadersInput, RequestInput, VerifierOptions } from './shapes.js'
export { WebhookVerifier, parseEvent, sign, verifySignature } from './webcrypto.js'

/** Which build this is: `'edge'` (WebCrypto) here, `'native'` in the Node-API build. */
export const runtime = 'edge' as const
