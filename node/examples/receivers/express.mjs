// Express receiver: node express.mjs
import express from 'express'
import { WebhookVerificationError } from 'partner-webhooks'
import { handle, port, verifier } from './common.mjs'

const app = express()

// readme: express
// The raw body (express.raw), never express.json: the signature is over the bytes.
app.post('/webhook', express.raw({ type: '*/*', limit: '2mb' }), (req, res) => {
  try {
    handle(verifier.verify(req.headers, req.body))
    res.sendStatus(200)
  } catch (e) {
    if (e instanceof WebhookVerificationError) res.sendStatus(e.httpStatus) // 401, 413 or 400
    else throw e
  }
})
// end readme

app.listen(port, '127.0.0.1')
