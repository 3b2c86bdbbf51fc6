// Smoke test of an installed package, CommonJS: the four operations against
// the in-process sandbox, a typed error, a verified event. Run from a project
// that installed the package.
const pw = require('partner-webhooks')

;(async () => {
  const sb = await pw.Sandbox.start()
  const client = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
  const partner = await client.setWebhookUrl(sb.partnerId, 'https://hooks.example.com/360dialog')
  if (partner.id !== sb.partnerId) throw new Error(`unexpected ${partner.id}`)
  const { webhook_url } = await client.getWebhookUrl(sb.partnerId)
  if (webhook_url !== 'https://hooks.example.com/360dialog') throw new Error(`unexpected ${webhook_url}`)
  await client.setWebhookHeaders(sb.partnerId, { 'X-Partner-Auth': 'shared' })
  const { webhook_headers } = await client.getWebhookHeaders(sb.partnerId)
  if (webhook_headers['X-Partner-Auth'] !== 'shared') throw new Error('headers not set')
  await client.getWebhookUrl('unknownPA').then(
    () => { throw new Error('expected NotFoundError') },
    (e) => { if (!(e instanceof pw.NotFoundError) || e.status !== 404) throw e },
  )
  const body = Buffer.from('{"event":"channel_live","data":{"id":"c1"}}')
  const event = new pw.WebhookVerifier({ secrets: [sb.platformSecret] }).verify({ 'x-360dialog-signature': pw.sign(body, sb.platformSecret) }, body)
  if (event.channelId !== 'c1' || !event.signatureVerified) throw new Error('unexpected event')
  await sb.stop()
  // A release addon carries no test hook (cargo feature `test-hooks`).
  const addon = require(require('node:path').join(require.resolve('partner-webhooks'), '..', '..', 'native.js'))
  if (typeof addon.NativeClient.prototype.panicForTests !== 'undefined') throw new Error('the addon has the test hooks')
  console.log(`node smoke passed: require('partner-webhooks') ${pw.version} (${require.resolve('partner-webhooks')})`)
})().catch((e) => { console.error(e); process.exit(1) })
