/**
 * partner-webhooks: configure and receive 360dialog partner webhooks. The
 * Partner API client ({@link PartnerClient}), signature verification
 * ({@link WebhookVerifier}), typed events, and a local sandbox for tests.
 *
 * @packageDocumentation
 */
export * from './client'
export * from './errors'
export type * from './events'
export { knownEventTypes } from './events'
export * from './receiving'
export * from './sandbox'

import { binding } from './native'
export * from './types'

/** The core's version. */
export const version: string = binding.version()

/** Which build this is: `'native'` (the Node-API addon) here, `'edge'` in the WebCrypto build. */
export const runtime = 'native' as const
