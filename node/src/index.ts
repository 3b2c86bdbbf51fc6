// partner-webhooks: configure and receive 360dialog partner webhooks.
import { binding } from './native'

export * from './client'
export * from './errors'
export * from './receiving'
export * from './sandbox'
export * from './types'

/** The core's version. */
export const version: string = binding.version()
