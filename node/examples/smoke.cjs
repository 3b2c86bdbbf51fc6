// Smoke test of an installed tarball, CommonJS: the README's first calls
// against the in-process sandbox. Run from a project that installed the package.
const pw = require('partner-webhooks')

;(async () => {
  const sb = await pw.Sandbox.start()
  const client = new pw.PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl })
  await client.setWebhookUrl(sb.partnerId, 'https://hooks.example.com/360dialog')
  const { webhook_url } = await client.getWebhookUrl(sb.partnerId)
  if (webhook_url !== 'https://hooks.example.com/360dialog') throw new Error(`unexpected ${webhook_url}`)
  await client.getWebhookUrl('unknownPA').then(
    () => { throw new Error('expected NotFoundError') },
    (e) => { if (!(e instanceof pw.NotFoundError)) throw e },
  )
  await sb.stop()
  // A release addon carries no test hook (cargo feature `test-hooks`).
  const addon = require(require('node:path').join(require.resolve('partner-webhooks'), '..', '..', 'native.js'))
  if (typeof addon.NativeClient.prototype.panicForTests !== 'undefined') throw new Error('the packed addon has the test hooks')
  console.log(`require('partner-webhooks') ${pw.version}: ok (${require.resolve('partner-webhooks')})`)
})().catch((e) => { console.error(e); process.exit(1) })
