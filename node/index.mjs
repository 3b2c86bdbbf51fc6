// ESM entry: the very objects of the CommonJS entry (one copy of every class,
// so `instanceof` holds across require and import).
import pkg from './dist/index.js'

export * from './dist/index.js'
export default pkg
