// Fastify receiver: node fastify.mjs
import Fastify from 'fastify'
import { WebhookVerificationError } from 'partner-webhooks'
import { handle, port, verifier } from './common.mjs'

const app = Fastify({ bodyLimit: 2 * 1024 * 1024 })

// readme: fastify
// Keep JSON bodies as raw Buffers for the signature check.
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => done(null, body))
app.post('/webhook', async (request, reply) => {
  try {
    handle(verifier.verify(request.headers, request.body))
    return reply.code(200).send()
  } catch (e) {
    if (e instanceof WebhookVerificationError) return reply.code(e.httpStatus).send() // 401, 413 or 400
    throw e
  }
})
// end readme

await app.listen({ port, host: '127.0.0.1' })
