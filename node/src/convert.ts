// The one place where native errors become the typed classes (internal: not
// exported from the package).
import { InvalidInputError, PartnerWebhooksError, errorClasses, type ErrorFields } from './errors.js'

const PREFIX = 'partner-webhooks:'

/** Turns an error thrown by the native addon into its typed class (others pass through). */
export function fromNative(err: unknown): unknown {
  if (!(err instanceof Error) || !err.message.startsWith(PREFIX)) return err
  let payload: ErrorFields & { class?: string; message?: string }
  try {
    payload = JSON.parse(err.message.slice(PREFIX.length))
  } catch {
    return err
  }
  const Class = errorClasses[payload.class as keyof typeof errorClasses] ?? PartnerWebhooksError
  return new Class(payload.message ?? err.message, payload)
}

/** Calls `fn`, rethrowing native errors as typed ones. */
export function native<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw fromNative(err)
  }
}

/** An `InvalidInputError` raised by the wrapper itself, before the native layer. */
export function invalidInput(field: string, rule: string): InvalidInputError {
  return new InvalidInputError(`InvalidInput: ${field}: ${rule}`, { kind: 'InvalidInput', field })
}
