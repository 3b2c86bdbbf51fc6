// The Kotlin tab of every example on the documentation site (docs/site): each
// `docs: NAME` ... `end docs` region below is shown there as it is here.
// Main.kt calls docsExamples(); each check runs its region against the
// sandbox and checks what it printed.
import com.partnerwebhooks.*
import java.io.File
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull

fun docsExamples(repo: File) {
    // The regions' println, recorded to be checked.
    val printed = mutableListOf<String>()
    fun println(line: Any?) { printed.add(line.toString()) }
    fun lastPrinted(): List<String> = printed.toList().also { printed.clear() }
    runBlocking { examples(repo, ::println, ::lastPrinted) }
}

private suspend fun examples(repo: File, println: (Any?) -> Unit, lastPrinted: () -> List<String>) {
    // docs: client
    val sandbox = Sandbox.start() // 127.0.0.1, a free port; sandbox.stop() ends it
    val info = sandbox.info()
    val client = PartnerClient(
        ClientSettings(
            apiKey = info.apiKey, // your Partner API key (or PARTNER_API_KEY)
            baseUrl = info.baseUrl, // leave out for https://hub.360dialog.io
        ),
    )
    val partnerId = info.partnerId
    // end docs
    try {
        check("docs: client") { assertEq(200, runBlocking { client.getWebhookUrl(partnerId) }.response.status.toInt(), "status") }

        // docs: webhook-settings
        client.setWebhookUrl(partnerId, "https://example.com/360dialog/events")
        // The map replaces the partner's custom headers as a whole.
        val secret = "a-long-random-value" // keep it in your secret store
        client.setWebhookHeaders(partnerId, mapOf("X-Partner-Auth" to secret))

        val url = client.getWebhookUrl(partnerId)
        val headers = client.getWebhookHeaders(partnerId)
        println("events go to ${url.webhookUrl} with headers ${headers.webhookHeaders.keys}")
        // end docs
        check("docs: webhook-settings") {
            assertEq(listOf("events go to https://example.com/360dialog/events with headers [X-Partner-Auth]"), lastPrinted(), "printed")
        }

        for (partnerId in listOf("noSuchPA", "")) {
            // docs: errors
            try {
                println(client.getWebhookUrl(partnerId).webhookUrl)
            } catch (e: PartnerException.InvalidInput) {
                println("bad ${e.field}: ${e.reason}") // nothing was sent
            } catch (e: PartnerException.NotFound) {
                println("no such partner (trace id ${e.info.traceId})") // quote it to 360dialog support
            } catch (e: PartnerException) {
                println("failed: ${e.message}") // Server, RateLimited, Timeout, Connection: retried already
            }
            // end docs
        }
        check("docs: errors") {
            val (notFound, invalid) = lastPrinted()
            if (!Regex("""no such partner \(trace id [0-9a-f]+\)""").matches(notFound)) throw AssertionError(notFound)
            if (!invalid.startsWith("bad partnerId: ")) throw AssertionError(invalid)
        }

        sandbox.injectFault(FaultSpec(route = "get_webhook_url", status = 503u, times = 1u))
        // docs: per-call-options
        // Settings for this call only: no retry and a 3 s budget. Cancelling the coroutine cancels the call.
        try {
            client.getWebhookUrl(partnerId, CallOptions(maxRetries = 0u, timeoutSeconds = 3.0))
        } catch (e: PartnerException.Server) {
            println("HTTP ${e.info.status} after ${e.info.attempts} attempt")
        }
        // end docs
        check("docs: per-call-options") { assertEq(listOf("HTTP 503 after 1 attempt"), lastPrinted(), "printed") }

        // docs: sandbox-faults
        // The next two calls get a 503; the client retries and the third attempt succeeds.
        sandbox.injectFault(FaultSpec(route = "get_webhook_url", status = 503u, times = 2u))
        val retried = client.getWebhookUrl(partnerId)
        println("${retried.response.attempts} attempts") // 3
        // end docs
        check("docs: sandbox-faults") { assertEq(listOf("3 attempts"), lastPrinted(), "printed") }

        val (username, password, baseUrl) = Triple(info.username, info.password, info.baseUrl)
        // docs: auth-password
        // The client exchanges them for a token at POST /api/v2/token, keeps it until
        // shortly before it expires, and fetches a new one once after a 401.
        val withPassword = PartnerClient(ClientSettings(username = username, password = password, baseUrl = baseUrl))
        val viaToken = withPassword.getWebhookUrl(partnerId)
        // end docs
        check("docs: auth-password") {
            assertEq(200, viaToken.response.status.toInt(), "status")
            assertEq(1uL, sandbox.tokensIssued(), "tokens issued")
        }

        sandbox.injectFault(FaultSpec(route = "get_webhook_url", delayMs = 5_000u))
        val startedAt = System.nanoTime()
        // docs: cancel
        // Cancelling the coroutine cancels the request in flight; no retry follows.
        val outcome = withTimeoutOrNull(200) { client.getWebhookUrl(partnerId) }
        if (outcome == null) println("gave up after 200 ms")
        // end docs
        check("docs: cancel") {
            assertEq(listOf("gave up after 200 ms"), lastPrinted(), "printed")
            if (System.nanoTime() - startedAt > 2_000_000_000L) throw AssertionError("the call was not cancelled")
        }

        // docs: response-metadata
        // Every result carries its HTTP answer: status, headers, trace id and attempts.
        val r = client.getWebhookUrl(partnerId)
        println("${r.response.status} ${r.response.headers["content-type"]} ${r.response.traceId} ${r.response.attempts}")
        // end docs
        check("docs: response-metadata") {
            if (!Regex("""200 application/json [0-9a-f]{32} 1""").matches(lastPrinted().single())) throw AssertionError("metadata")
        }

        val stderr = System.err
        val captured = java.io.ByteArrayOutputStream()
        System.setErr(java.io.PrintStream(captured, true))
        try {
            // docs: logging
            // One logger per process (forward to SLF4J, Logback, ...): records at the
            // level given and above, with their fields. setLogger(null, ...) stops it.
            setLogger(object : PartnerLogger {
                override fun log(record: LogRecord) = System.err.println("${record.level} ${record.message} ${record.fields}")
            }, LogLevel.DEBUG)
            client.getWebhookUrl(partnerId)
            // end docs
        } finally {
            setLogger(null, LogLevel.WARN)
            System.setErr(stderr)
        }
        check("docs: logging") {
            val text = captured.toString()
            if (!text.contains("DEBUG response")) throw AssertionError("no debug record: $text")
        }
    } finally {
        sandbox.stop()
    }

    val caFile = File(repo, "tests/fixtures/tls/ca.pem").path
    // docs: tls-proxy
    // Trust a TLS-inspecting proxy's CA (besides the bundled roots and the OS
    // store) and send every request through the proxy. Its password never shows.
    val behindProxy = PartnerClient(
        ClientSettings(
            apiKey = "a-partner-api-key",
            caBundle = caFile,
            proxy = "http://user:proxy-password@proxy.corp:3128",
        ),
    )
    println(behindProxy.configJson())
    // end docs
    check("docs: tls-proxy") {
        val shown = lastPrinted().joinToString("\n")
        if (!shown.contains("proxy.corp:3128") || shown.contains("proxy-password")) throw AssertionError(shown)
    }

    val delivery = parseDeliveryLog(File(repo, "tests/fixtures/deliveries.jsonl").readText())[0]
    val requestHeaders = delivery.headers + Header("X-Partner-Auth", "fixture-header-value")
    val body = delivery.body.toByteArray()
    val platformSecret = "fixture-platform-secret"
    val headerSecret = "fixture-header-value"
    // docs: receive
    // Once, at start-up: the platform secret (Partner Hub → Integration; add the
    // old one too while rotating) and the custom header you set.
    val verifier = WebhookVerifier(listOf(platformSecret), mapOf("X-Partner-Auth" to headerSecret))

    // Per request: the headers and the raw body bytes, never re-encoded JSON.
    try {
        val event = verifier.verify(requestHeaders, body)
        when (val p = event.payload) {
            is EventPayload.ChannelLive -> println("live: ${p.data.id}")
            else -> println("${event.eventType} ${event.dedupKey}")
        }
    } catch (e: PartnerException.Verification) {
        println("refused, answer ${e.httpStatus}") // 401 (signature, header), 413, 400
    }
    // end docs
    check("docs: receive") {
        val out = lastPrinted()
        if (out.size != 1 || !out[0].startsWith("live: ") || out[0] == "live: null") throw AssertionError(out.toString())
        try { verifier.verify(listOf(), body); throw AssertionError("verified without headers") } catch (e: PartnerException.Verification) {}
    }

    val deliveries = listOf(body, body) // the same delivery, twice
    var handled = 0
    // docs: dedup
    // 360dialog delivers at least once: remember what was handled (in your
    // database, for as long as re-deliveries can come) and skip it.
    val seen = mutableSetOf<String>()
    for (delivered in deliveries) {
        val event = verifier.verify(requestHeaders, delivered)
        if (!seen.add(event.dedupKey)) continue // answer 200 all the same
        handled += 1
    }
    // end docs
    check("docs: dedup") { assertEq(1, handled, "handled") }

    val (oldSecret, newSecret) = "the-previous-platform-secret" to "fixture-platform-secret"
    // docs: rotate-secrets
    // Both secrets while rotating: a delivery signed with either verifies.
    val rotating = WebhookVerifier(listOf(newSecret, oldSecret), mapOf("X-Partner-Auth" to "fixture-header-value"))
    val rotated = rotating.verify(requestHeaders, body)
    // end docs
    check("docs: rotate-secrets") { assertEq("channel_live", rotated.eventType, "event") }
}
