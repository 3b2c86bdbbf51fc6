// The addon as the napi CLI generated it (`native.js` + `native.d.ts` at the
// package root, committed and drift-checked). Everything else wraps it.
import binding = require('../native.js')

export { binding }
export type {
  CallOptions as NativeCallOptions,
  ClientOptions as NativeClientOptions,
  NativeClient,
  NativeSandbox,
  NativeVerifier,
  VerifierOptions as NativeVerifierOptions,
} from '../native.js'
