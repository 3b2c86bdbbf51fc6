// Kotlin checks of issue-16 surface: the log callback, response and error
// headers, TLS trust (caBundle) against a JDK HTTPS server with the test CA's
// certificate, the proxy option through a local CONNECT proxy, and the
// bad-input sweep (every ClientSettings field, method argument and call
// option; InvalidInput naming the Kotlin parameter; nothing sent).
import com.partnerwebhooks.*
import com.sun.net.httpserver.HttpsConfigurator
import com.sun.net.httpserver.HttpsServer
import java.io.File
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.security.KeyStore
import java.util.Collections
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import kotlin.concurrent.thread
import kotlinx.coroutines.runBlocking

class Collect : PartnerLogger {
    val records: MutableList<LogRecord> = Collections.synchronizedList(mutableListOf())
    override fun log(record: LogRecord) {
        records.add(record)
    }
}

/** An HTTPS server (JDK) answering a webhook URL body, its certificate from the test CA. */
fun startTlsServer(tls: File): HttpsServer {
    val keys = KeyStore.getInstance("PKCS12").apply { File(tls, "server.p12").inputStream().use { load(it, "test-only".toCharArray()) } }
    val kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply { init(keys, "test-only".toCharArray()) }
    val ctx = SSLContext.getInstance("TLS").apply { init(kmf.keyManagers, null, null) }
    val server = HttpsServer.create(InetSocketAddress("127.0.0.1", 0), 0)
    server.httpsConfigurator = HttpsConfigurator(ctx)
    server.createContext("/") { ex ->
        val body = "{\"webhook_url\":\"https://example.com/events\"}".toByteArray()
        ex.responseHeaders.add("content-type", "application/json")
        ex.responseHeaders.add("x-request-id", "kt-tls-1")
        ex.sendResponseHeaders(200, body.size.toLong())
        ex.responseBody.use { it.write(body) }
    }
    server.start()
    return server
}

/** A CONNECT-only proxy; `tunnels` and `authorizations` record what it saw. */
class ConnectProxy : AutoCloseable {
    private val server = ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))
    val port = server.localPort
    val tunnels: MutableList<String> = Collections.synchronizedList(mutableListOf())
    val authorizations: MutableList<String?> = Collections.synchronizedList(mutableListOf())

    init {
        thread(isDaemon = true) {
            while (!server.isClosed) {
                val client = runCatching { server.accept() }.getOrNull() ?: break
                thread(isDaemon = true) { tunnel(client) }
            }
        }
    }

    private fun tunnel(client: Socket) = client.use {
        val input = client.getInputStream()
        fun line(): String {
            val b = StringBuilder()
            while (true) {
                val c = input.read()
                if (c < 0 || c == '\n'.code) break
                if (c != '\r'.code) b.append(c.toChar())
            }
            return b.toString()
        }
        val request = line().split(" ")
        var auth: String? = null
        while (true) {
            val h = line()
            if (h.isEmpty()) break
            if (h.lowercase().startsWith("proxy-authorization:")) auth = h.substringAfter(":").trim()
        }
        if (request.size < 2 || request[0] != "CONNECT") return
        tunnels.add(request[1]); authorizations.add(auth)
        Socket(request[1].substringBeforeLast(":"), request[1].substringAfterLast(":").toInt()).use { upstream ->
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".toByteArray())
            val back = thread(isDaemon = true) { runCatching { upstream.getInputStream().copyTo(client.getOutputStream()) }; runCatching { client.shutdownOutput() } }
            runCatching { input.copyTo(upstream.getOutputStream()) }
            runCatching { upstream.shutdownOutput() }
            back.join(10_000)
        }
    }

    override fun close() = server.close()
}

fun expectInvalid(field: String, what: String, block: suspend () -> Unit) {
    val e = runCatching { runBlocking { block() } }.exceptionOrNull()
        ?: throw AssertionError("$what: accepted")
    if (e !is PartnerException.InvalidInput) throw AssertionError("$what: ${e::class.simpleName} $e")
    if (e.field?.substringBefore('.') != field && e.field != "credentials") throw AssertionError("$what: field ${e.field} (${e.message})")
    if (field.endsWith("Seconds") && !e.message!!.contains("seconds")) throw AssertionError("$what: not in seconds: ${e.message}")
}

fun ecosystem(repo: File) {
    val tls = File(repo, "tests/fixtures/tls")
    val ca = File(tls, "ca.pem").path
    val sandbox = Sandbox.start()
    val sb = sandbox.info()
    val client = PartnerClient(ClientSettings(apiKey = sb.apiKey, baseUrl = sb.baseUrl))
    try {
        check("setLogger: retry warnings and debug lines arrive with fields; null stops them") {
            val logger = Collect()
            setLogger(logger, LogLevel.WARN)
            sandbox.injectFault(FaultSpec(route = "*", status = 503u, times = 1u))
            runBlocking { client.getWebhookUrl(sb.partnerId) }
            val warn = logger.records.filter { it.level == LogLevel.WARN }
            assertEq(listOf("retrying"), warn.map { it.message }, "warnings")
            assertEq("get_webhook_url", warn[0].fields["operation"], "operation")
            assertEq("503", warn[0].fields["status"], "status")
            assertEq("1", warn[0].fields["attempt"], "attempt")
            assertEq(0, logger.records.count { it.level == LogLevel.DEBUG }, "no debug at WARN")
            setLogger(logger, LogLevel.DEBUG)
            logger.records.clear()
            runBlocking { client.getWebhookUrl(sb.partnerId) }
            assertEq(listOf("request", "response"), logger.records.map { it.message }, "debug lines")
            assertEq("200", logger.records[1].fields["status"], "response status")
            // Every record of calls with a key, a password and a token refresh: no secret in any.
            setLogger(logger, LogLevel.TRACE)
            val pwd = PartnerClient(ClientSettings(username = sb.username, password = sb.password, baseUrl = sb.baseUrl))
            runBlocking {
                client.setWebhookHeaders(sb.partnerId, mapOf("X-A" to "hdr-secret-kt-5"))
                pwd.getWebhookHeaders(sb.partnerId)
                sandbox.revokeTokens()
                pwd.getWebhookUrl(sb.partnerId)
            }
            val text = logger.records.joinToString("\n") { "${it.message} ${it.target} ${it.fields}" }
            if (!text.contains("response")) throw AssertionError("no records captured")
            for (secret in listOf(sb.apiKey, sb.password, "hdr-secret-kt-5")) if (text.contains(secret)) throw AssertionError("a secret reached a log record")
            setLogger(null, LogLevel.TRACE)
            logger.records.clear()
            runBlocking { client.getWebhookUrl(sb.partnerId) }
            assertEq(0, logger.records.size, "records after setLogger(null)")
        }
        check("a logger that throws loses the record, not the call") {
            setLogger(object : PartnerLogger { override fun log(record: LogRecord) = throw IllegalStateException("logger down") }, LogLevel.TRACE)
            try {
                assertEq(200, runBlocking { client.getWebhookUrl(sb.partnerId) }.response.status.toInt(), "status")
            } finally {
                setLogger(null, LogLevel.TRACE)
            }
        }
        check("response.headers and error headers") {
            val got = runBlocking { client.getWebhookUrl(sb.partnerId) }
            if (got.response.headers["content-type"]?.startsWith("application/json") != true) throw AssertionError("${got.response.headers}")
            if (!got.response.headers.values.contains(got.response.traceId)) throw AssertionError("trace id not among the headers")
            sandbox.injectFault(FaultSpec(route = "*", status = 409u))
            val e = runCatching { runBlocking { client.getWebhookUrl(sb.partnerId) } }.exceptionOrNull() as PartnerException.Validation
            assertEq(409, e.info.status?.toInt(), "status")
            if (e.info.headers["content-type"]?.startsWith("application/json") != true) throw AssertionError("${e.info.headers}")
        }
        check("TLS: a server from an unknown CA is refused, trusted with caBundle") {
            val server = startTlsServer(tls)
            try {
                val base = "https://127.0.0.1:${server.address.port}"
                val refused = runCatching { runBlocking { PartnerClient(ClientSettings(apiKey = "k", baseUrl = base, maxRetries = 0u)).getWebhookUrl("abcPA") } }.exceptionOrNull()
                if (refused !is PartnerException.Connection) throw AssertionError("not refused: $refused")
                val got = runBlocking { PartnerClient(ClientSettings(apiKey = "k", baseUrl = base, caBundle = ca)).getWebhookUrl("abcPA") }
                assertEq("https://example.com/events", got.webhookUrl, "webhook url")
                assertEq("kt-tls-1", got.response.headers["x-request-id"], "header")
                ConnectProxy().use { proxy ->
                    val c = PartnerClient(ClientSettings(apiKey = "k", baseUrl = base, caBundle = ca, proxy = "http://alice:proxy-pw-93e1@127.0.0.1:${proxy.port}"))
                    assertEq(200, runBlocking { c.getWebhookUrl("abcPA") }.response.status.toInt(), "through the proxy")
                    assertEq(listOf("127.0.0.1:${server.address.port}"), proxy.tunnels.toList(), "tunnels")
                    assertEq("Basic YWxpY2U6cHJveHktcHctOTNlMQ==", proxy.authorizations[0], "proxy credentials")
                    usedSecrets += "proxy-pw-93e1"
                    if ((c.describe() + c.configJson()).contains("proxy-pw-93e1")) throw AssertionError("the proxy password shows")
                }
            } finally {
                server.stop(0)
            }
        }
        check("bad input: every setting, argument and option refused by its Kotlin name; nothing sent") {
            val seconds = listOf(-1.0, 0.0, -0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 86_401.0, 1e300)
            val settings: List<Pair<String, ClientSettings>> =
                listOf("", "   ", "ключ", "a\r\nb").map { "apiKey" to ClientSettings(apiKey = it) } +
                    listOf("", "tök", "a\nb").map { "bearerToken" to ClientSettings(bearerToken = it) } +
                    listOf("", " ").map { "username" to ClientSettings(username = it, password = "pw-1") } +
                    listOf("", "a\nb").map { "password" to ClientSettings(username = "u", password = it) } +
                    listOf("", "hub.360dialog.io", "ftp://hub.360dialog.io", "http://example.com", "https://", "https://hüb.example:99999").map { "baseUrl" to ClientSettings(apiKey = "k", baseUrl = it) } +
                    seconds.map { "timeoutSeconds" to ClientSettings(apiKey = "k", timeoutSeconds = it) } +
                    seconds.map { "attemptTimeoutSeconds" to ClientSettings(apiKey = "k", attemptTimeoutSeconds = it) } +
                    seconds.map { "connectTimeoutSeconds" to ClientSettings(apiKey = "k", connectTimeoutSeconds = it) } +
                    listOf(11u, UInt.MAX_VALUE).map { "maxRetries" to ClientSettings(apiKey = "k", maxRetries = it) } +
                    listOf(0u, 10_001u, UInt.MAX_VALUE).map { "maxConnections" to ClientSettings(apiKey = "k", maxConnections = it) } +
                    listOf("", "/nonexistent/ca.pem", "/nonexistent/çå.pem", File(repo, "LICENSE").path).map { "caBundle" to ClientSettings(apiKey = "k", caBundle = it) } +
                    listOf("", "proxy:3128", "socks5://h:1080", "ftp://h", "http://", "not a url").map { "proxy" to ClientSettings(apiKey = "k", proxy = it) }
            @Suppress("UNCHECKED_CAST")
            val names = (surface["settings"] as List<Map<String, Any?>>).filter { it["kind"] !in listOf("callback", "flag") }.map { it["method_name"] }
            assertEq(names.toSet(), settings.map { it.first }.toSet(), "swept settings")
            for ((field, s) in settings) expectInvalid(field, "$field in $s") { PartnerClient(s) }
            val before = listOf("get_webhook_url", "set_webhook_url", "get_webhook_headers", "set_webhook_headers").sumOf { sandbox.requestCount(it) }
            for (id in listOf("", " ", "x".repeat(10_000), "a\nb")) {
                expectInvalid("partnerId", "getWebhookUrl(${id.take(5)})") { client.getWebhookUrl(id) }
                expectInvalid("partnerId", "setWebhookUrl(${id.take(5)})") { client.setWebhookUrl(id, "https://example.com/h") }
                expectInvalid("partnerId", "getWebhookHeaders(${id.take(5)})") { client.getWebhookHeaders(id) }
                expectInvalid("partnerId", "setWebhookHeaders(${id.take(5)})") { client.setWebhookHeaders(id, mapOf("X-A" to "b")) }
            }
            for (url in listOf("", "not a url", "ftp://example.com", "http://example.com/hook", "https://", "https://exa mple.com")) {
                expectInvalid("webhookUrl", "setWebhookUrl($url)") { client.setWebhookUrl(sb.partnerId, url) }
            }
            for (h in listOf(mapOf("bad name" to "v"), mapOf("X-A" to "a\r\nb"), mapOf("" to "v"), mapOf("X-Ä" to "v"))) {
                expectInvalid("webhookHeaders", "setWebhookHeaders($h)") { client.setWebhookHeaders(sb.partnerId, h) }
            }
            val options = seconds.map { "timeoutSeconds" to CallOptions(timeoutSeconds = it) } +
                seconds.map { "attemptTimeoutSeconds" to CallOptions(attemptTimeoutSeconds = it) } +
                listOf(11u, UInt.MAX_VALUE).map { "maxRetries" to CallOptions(maxRetries = it) }
            for ((field, o) in options) expectInvalid(field, "$field in $o") { client.getWebhookUrl(sb.partnerId, o) }
            // Receiving: the verifier's arguments.
            expectInvalid("secrets", "empty secret") { WebhookVerifier(listOf(""), emptyMap(), null, null) }
            expectInvalid("secrets", "no secret and no header") { WebhookVerifier(emptyList(), emptyMap(), null, null) }
            expectInvalid("requiredHeaders", "bad header name") { WebhookVerifier(listOf("s"), mapOf("bad name" to "v"), null, null) }
            expectInvalid("maxBody", "zero max body") { WebhookVerifier(listOf("s"), emptyMap(), 0uL, null) }
            expectInvalid("requireSignature", "signature without secret") { WebhookVerifier(emptyList(), mapOf("X-A" to "v"), null, true) }
            val after = listOf("get_webhook_url", "set_webhook_url", "get_webhook_headers", "set_webhook_headers").sumOf { sandbox.requestCount(it) }
            assertEq(before, after, "requests sent by refused calls")
        }
    } finally {
        sandbox.stop()
    }
}
