// Hono receiver (the same code runs on Workers, Deno and Bun, where the
// package's edge build is chosen): node hono.mjs
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { WebhookVerificationError } from 'partner-webhooks'
import { handle, port, verifier } from './common.mjs'

const app = new Hono()

// readme: hono
app.post('/webhook', async (c) => {
  try {
    handle(await verifier.verifyRequest(c.req.raw)) // the fetch Request, raw body read with the cap
    return c.body(null, 200)
  } catch (e) {
    if (e instanceof WebhookVerificationError) return c.body(null, e.httpStatus) // 401, 413 or 400
    throw e
  }
})
// end readme

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
