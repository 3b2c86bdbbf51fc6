// Child process of secret-logs.test.mjs (does nothing without an argument): a run
// with an API key, a password, a bearer token and a secret header value, printing
// every inspect/JSON/error message it sees; the SDK's own logs go to stderr at
// trace level. Writes the four secrets to the file named by its argument.
import { writeFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { PartnerClient, Sandbox, WebhookVerifier } from 'partner-webhooks'

const file = process.argv[2]
if (file) {
  const [bearer, header, proxyPw] = ['bearer-secret-5c1d7a', 'header-secret-8e2f4b', 'proxy-secret-77a0c3']
  const sb = await Sandbox.start()
  writeFileSync(file, JSON.stringify([sb.apiKey, sb.password, bearer, header, proxyPw]))
  const shown = []
  // Every record a `logger` receives, with its fields.
  const record = (level) => (fields, message) => shown.push(`LOG ${level} ${message} ${JSON.stringify(fields)}`)
  const logger = { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') }
  const attempt = (p) => p.then((v) => shown.push(inspect(v, { depth: 5 })), (e) => shown.push(e.message, inspect(e), JSON.stringify(e)))
  const key = new PartnerClient({ apiKey: sb.apiKey, baseUrl: sb.baseUrl, maxRetries: 1, logger, logLevel: 'trace' })
  const pwd = new PartnerClient({ username: sb.username, password: sb.password, baseUrl: sb.baseUrl, maxRetries: 1, logger, logLevel: 'trace' })
  const bc = new PartnerClient({ bearerToken: bearer, baseUrl: sb.baseUrl })
  for (const c of [key, pwd, bc]) shown.push(inspect(c), JSON.stringify(c))
  await attempt(key.setWebhookHeaders(sb.partnerId, { Authorization: header }))
  await attempt(pwd.getWebhookHeaders(sb.partnerId))
  sb.injectFault({ route: '*', status: 503 })
  sb.revokeTokens()
  await attempt(pwd.getWebhookHeaders(sb.partnerId)) // a retry and a token refresh, logged
  await attempt(bc.getWebhookUrl(sb.partnerId)) // 401
  await attempt(key.setWebhookHeaders(sb.partnerId, { 'X-A': header + '\r\n' })) // invalid input
  await attempt(new PartnerClient({ username: sb.username, password: sb.password + '-x', baseUrl: sb.baseUrl }).getWebhookUrl(sb.partnerId))
  await attempt(
    new PartnerClient({ apiKey: sb.apiKey, baseUrl: 'https://127.0.0.1:9', maxRetries: 0, proxy: `http://user:${proxyPw}@127.0.0.1:9`, logger, logLevel: 'trace' })
      .getWebhookUrl(sb.partnerId),
  )
  const v = new WebhookVerifier({ secrets: [sb.platformSecret], requiredHeaders: { 'X-A': header } })
  shown.push(inspect(v), JSON.stringify(v))
  try {
    v.verify({ 'x-a': 'wrong' }, Buffer.from('{}'))
  } catch (e) {
    shown.push(e.message, inspect(e))
  }
  await sb.stop()
  console.log(shown.join('\n'))
}
