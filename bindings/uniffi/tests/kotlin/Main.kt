// Kotlin tests of the uniffi bindings: every file of tests/scenarios and
// tests/vectors, plus coroutine cancellation, a Kotlin token provider called
// from Rust, and exceptions by kind. Prints "N passed, M failed"; exit code 1
// on any failure.
import com.partnerwebhooks.*
import java.io.File
import java.math.BigDecimal
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.Base64
import kotlin.reflect.KClass
import kotlin.reflect.KFunction
import kotlin.reflect.full.callSuspend
import kotlin.reflect.full.memberFunctions
import kotlin.reflect.full.primaryConstructor
import kotlinx.coroutines.*
import org.json.simple.JsonArray
import org.json.simple.JsonObject
import org.json.simple.Jsoner

var passed = 0
var failed = 0

/** Every secret a check used: none may appear in the trace log (see main). */
val usedSecrets: MutableSet<String> = java.util.Collections.synchronizedSet(mutableSetOf("never-issued-token", "not-the-password"))

fun check(name: String, block: () -> Unit) {
    try {
        block()
        passed++
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: ${e.message ?: e}")
    }
}

fun assertEq(expected: Any?, actual: Any?, what: String) {
    if (expected != actual) throw AssertionError("$what: expected $expected, got $actual")
}

fun json(text: String): Any? = Jsoner.deserialize(text)

/** JSON numbers come back as BigDecimal; compare them as such. */
fun norm(v: Any?): Any? = when (v) {
    is BigDecimal -> v.stripTrailingZeros()
    is Number -> BigDecimal(v.toString()).stripTrailingZeros()
    is Map<*, *> -> v.mapValues { norm(it.value) }
    is List<*> -> v.map { norm(it) }
    else -> v
}

fun info(e: PartnerException): ErrorInfo? = when (e) {
    is PartnerException.Authentication -> e.info
    is PartnerException.PermissionDenied -> e.info
    is PartnerException.NotFound -> e.info
    is PartnerException.Validation -> e.info
    is PartnerException.RateLimited -> e.info
    is PartnerException.Server -> e.info
    is PartnerException.Timeout -> e.info
    is PartnerException.Connection -> e.info
    is PartnerException.Decode -> e.info
    is PartnerException.Unknown -> e.info
    else -> null
}

fun kindOf(e: PartnerException): String = when (e) {
    is PartnerException.InvalidInput -> "InvalidInput"
    is PartnerException.Verification -> e.kind
    is PartnerException.Runtime -> "Runtime"
    is PartnerException.Cancelled -> "Cancelled"
    else -> info(e)!!.kind
}

// ---------------------------------------------------------------- scenarios

fun subst(v: Any?, sb: SandboxInfo): Any? = when (v) {
    is String -> v.replace("{partner_id}", sb.partnerId).replace("{other_partner_id}", sb.otherPartnerId)
        .replace("{base_url}", sb.baseUrl).replace("{tls_base_url}", sb.baseUrl.replaceFirst("http://", "https://"))
    is Map<*, *> -> v.entries.associate { (k, x) -> subst(k, sb) to subst(x, sb) }
    is List<*> -> v.map { subst(it, sb) }
    else -> v
}

fun subset(expected: Any?, actual: Any?, path: String, failures: MutableList<String>) {
    when {
        expected == "\$absent" -> if (actual != null) failures.add("$path: expected absent, got $actual")
        expected == "\$present" -> if (actual == null) failures.add("$path: expected present")
        expected is Map<*, *> -> {
            if (actual !is Map<*, *>) { failures.add("$path: expected an object, got $actual"); return }
            for ((k, x) in expected) subset(x, actual[k], "$path.$k", failures)
        }
        norm(expected) != norm(actual) -> failures.add("$path: expected $expected, got $actual")
    }
}

sealed class Outcome {
    class Ok(val body: Any?, val attempts: Int) : Outcome()
    class Err(val e: PartnerException) : Outcome()
}

/** The core's surface (operations, settings, error kinds) with Kotlin spellings. */
val surface = json(surfaceJson()) as JsonObject

@Suppress("UNCHECKED_CAST")
val operations: List<Map<String, Any?>> = surface["operations"] as List<Map<String, Any?>>

/** The client's method for an operation of the core's table, found by its Kotlin name. */
fun method(op: Map<String, Any?>): KFunction<*>? =
    PartnerClient::class.memberFunctions.find { it.name == op["method_name"] && it.isSuspend }

/** Any operation of the table, with the step's keys named after its parameters
 * as arguments: a new operation needs no change here. */
suspend fun call(client: PartnerClient, step: Map<*, *>, sb: SandboxInfo): Outcome {
    val opts = step["options"] as Map<*, *>?
    val options = CallOptions(
        timeoutSeconds = (opts?.get("timeout_ms") as BigDecimal?)?.toDouble()?.div(1000),
        maxRetries = (opts?.get("max_retries") as BigDecimal?)?.toInt()?.toUInt(),
    )
    val op = operations.first { it["name"] == step["call"] }
    @Suppress("UNCHECKED_CAST")
    val args = (op["params"] as List<Map<String, Any?>>).map { subst(step[it["name"]], sb) }
    return try {
        val fn = method(op) ?: throw AssertionError("PartnerClient lacks ${op["method_name"]}")
        // Reflection wraps what a call throws before it suspends.
        val result = try {
            fn.callSuspend(client, *args.toTypedArray(), options)!!
        } catch (e: java.lang.reflect.InvocationTargetException) {
            throw e.targetException
        }
        val info = result::class.members.first { it.name == "response" }.call(result) as ResponseInfo
        Outcome.Ok(json(info.bodyJson), info.attempts.toInt())
    } catch (e: PartnerException) {
        Outcome.Err(e)
    }
}

fun checkError(want: Map<*, *>, e: PartnerException, failures: MutableList<String>) {
    val i = info(e)
    for ((key, value) in want) {
        when (key) {
            "kind" -> if (kindOf(e) != value) failures.add("error.kind: expected $value, got ${kindOf(e)} (${e.message})")
            "status" -> if (norm(value) != norm(i?.status?.toInt())) failures.add("error.status: expected $value, got ${i?.status}")
            "trace_id" -> if ((value == true && i?.traceId == null) || (value is String && i?.traceId != value))
                failures.add("error.trace_id: expected $value, got ${i?.traceId}")
            "developer_message" -> if (value != i?.developerMessage) failures.add("error.developer_message: expected $value, got ${i?.developerMessage}")
            "field" -> if (kotlinField(value) != (e as? PartnerException.InvalidInput)?.field)
                failures.add("error.field: expected ${kotlinField(value)}, got ${(e as? PartnerException.InvalidInput)?.field}")
            "retry_after_ms" -> if (norm(value) != norm(i?.retryAfterSeconds?.let { Math.round(it * 1000) }))
                failures.add("error.retry_after_ms: expected $value, got ${i?.retryAfterSeconds}")
            "details" -> subset(value, i?.detailsJson?.let { json(it) }, "error.details", failures)
            "body_contains" -> if (i?.body?.contains(value as String) != true) failures.add("error.body: expected to contain $value")
            else -> failures.add("unknown error expectation $key")
        }
    }
}

fun runScenario(file: File): List<String> = runBlocking {
    val scenario = json(file.readText()) as JsonObject
    val failures = mutableListOf<String>()
    val sandbox = Sandbox.start()
    try {
        val sb = sandbox.info()
        usedSecrets += listOf(sb.apiKey, sb.password)
        val spec = scenario["client"] as Map<*, *>
        val cfg = when (spec["auth"] ?: "api_key") {
            "api_key" -> ClientSettings(apiKey = sb.apiKey)
            "wrong_api_key" -> ClientSettings(apiKey = "definitely-not-the-key")
            "password" -> ClientSettings(username = sb.username, password = sb.password)
            "wrong_password" -> ClientSettings(username = sb.username, password = "not-the-password")
            "invalid_bearer" -> ClientSettings(bearerToken = "never-issued-token")
            else -> error("unknown auth")
        }.copy(
            baseUrl = subst(spec["base_url"] ?: sb.baseUrl, sb) as String,
            timeoutSeconds = (spec["timeout_ms"] as BigDecimal?)?.toDouble()?.div(1000),
            maxRetries = (spec["max_retries"] as BigDecimal?)?.toInt()?.toUInt(),
        )
        val client = PartnerClient(cfg)
        for ((i, s) in (scenario["steps"] as JsonArray).withIndex()) {
            val step = s as Map<*, *>
            when (step["sandbox"]) {
                "revoke_tokens" -> { sandbox.revokeTokens(); continue }
                "clear_faults" -> { sandbox.clearFaults(); continue }
            }
            for (f in (step["faults"] as JsonArray?) ?: JsonArray()) {
                val fault = subst(f, sb) as Map<*, *>
                sandbox.injectFault(FaultSpec(
                    route = fault["route"] as String,
                    times = ((fault["times"] as BigDecimal?)?.toInt() ?: 1).toUInt(),
                    status = (fault["status"] as BigDecimal?)?.toInt()?.toUShort(),
                    retryAfter = fault["retry_after"]?.let { if (it is BigDecimal) it.toBigInteger().toString() else it as String },
                    delayMs = (fault["delay_ms"] as BigDecimal?)?.toLong()?.toULong(),
                    reset = fault["reset"] == true,
                    body = fault["body"] as String?,
                    trickleMs = (fault["trickle_ms"] as BigDecimal?)?.toLong()?.toULong(),
                    bodyBytes = (fault["body_bytes"] as BigDecimal?)?.toLong()?.toULong(),
                ))
            }
            val expect = subst(step["expect"], sb) as Map<*, *>
            val n = (step["concurrency"] as BigDecimal?)?.toInt() ?: 1
            @Suppress("UNCHECKED_CAST")
            val routes = surface["routes"] as List<String>
            val before = routes.associateWith { sandbox.requestCount(it) }
            val tokensBefore = sandbox.tokensIssued()
            val started = System.nanoTime()
            val outcomes = (1..n).map { async { call(client, step, sb) } }.awaitAll()
            val elapsed = (System.nanoTime() - started) / 1_000_000
            val stepFailures = mutableListOf<String>()
            for (o in outcomes) {
                val attempts = when (o) { is Outcome.Ok -> o.attempts; is Outcome.Err -> info(o.e)?.attempts?.toInt() ?: 0 }
                expect["attempts"]?.let { if (norm(it) != norm(attempts)) stepFailures.add("attempts: expected $it, got $attempts") }
                when {
                    expect.containsKey("ok") && o is Outcome.Ok -> subset(expect["ok"], o.body, "ok", stepFailures)
                    expect.containsKey("ok") && o is Outcome.Err -> stepFailures.add("expected success, got ${o.e::class.simpleName}: ${o.e.message}")
                    o is Outcome.Err -> checkError(expect["error"] as Map<*, *>, o.e, stepFailures)
                    else -> stepFailures.add("expected an error, got success")
                }
            }
            (expect["elapsed_ms"] as Map<*, *>?)?.let { b ->
                (b["min"] as BigDecimal?)?.let { if (elapsed < it.toLong()) stepFailures.add("elapsed $elapsed ms < min $it") }
                (b["max"] as BigDecimal?)?.let { if (elapsed > it.toLong()) stepFailures.add("elapsed $elapsed ms > max $it") }
            }
            (expect["requests"] as Map<*, *>?)?.forEach { (route, want) ->
                val got = sandbox.requestCount(route as String) - before.getValue(route)
                if (norm(want) != norm(got.toLong())) stepFailures.add("requests.$route: expected $want, got $got")
            }
            expect["tokens_issued"]?.let {
                val got = sandbox.tokensIssued() - tokensBefore
                if (norm(it) != norm(got.toLong())) stepFailures.add("tokens_issued: expected $it, got $got")
            }
            failures.addAll(stepFailures.distinct().map { "step ${i + 1}: $it" })
        }
    } finally {
        sandbox.stop()
    }
    failures
}

// ---------------------------------------------------------------- parity with the core

/** What `cls` lacks of the core's operations (suspend methods taking the parameters and options). */
fun operationFailures(cls: KClass<*>): List<String> = operations.mapNotNull { op ->
    val fn = cls.memberFunctions.find { it.name == op["method_name"] && it.isSuspend }
    val params = (op["params"] as List<*>).size
    when {
        fn == null -> "${cls.simpleName} lacks ${op["method_name"]}"
        fn.parameters.size != params + 2 -> "${cls.simpleName}.${op["method_name"]} takes ${fn.parameters.size - 2} arguments, the core's operation $params"
        else -> null
    }
}

/** The repository (the first argument). */
var repoDir = File("../..")

/** A non-default value per setting kind (durations in seconds, as Kotlin takes them). */
val samples: Map<String, Any> by lazy {
    mapOf(
        "secret" to "s3cret-value", "text" to "someone@example.com", "url" to "http://127.0.0.1:9",
        "duration" to 7.5, "count" to 7u, "flag" to true, "path" to File(repoDir, "tests/fixtures/tls/ca.pem").path,
    )
}

/** A core field name (the scenarios use them) as the Kotlin binding spells it. */
fun kotlinField(field: Any?): Any? {
    if (field !is String || field.all { it.isUpperCase() || it == '_' || it.isDigit() }) return field
    val head = field.substringBefore('.')
    val camel = head.split('_').mapIndexed { i, w -> if (i == 0) w else w.replaceFirstChar { it.uppercase() } }.joinToString("")
    val spelled = if (head in listOf("timeout", "attempt_timeout", "connect_timeout")) camel + "Seconds" else camel
    return if (field.contains('.')) spelled + "." + field.substringAfter('.') else spelled
}

fun parity(sandbox: Sandbox, sb: SandboxInfo) {
    @Suppress("UNCHECKED_CAST")
    val settings = surface["settings"] as List<Map<String, Any?>>
    check("every operation of the core is a suspend method of PartnerClient") {
        if (operations.size < 4) throw AssertionError("too few operations")
        val failures = operationFailures(PartnerClient::class)
        if (failures.isNotEmpty()) throw AssertionError(failures.joinToString("; "))
    }
    check("the check fails for a class without the methods") {
        assertEq(operations.size, operationFailures(Sandbox::class).size, "failures")
    }
    check("every method sends its own operation") {
        val client = PartnerClient(ClientSettings(apiKey = sb.apiKey, baseUrl = sb.baseUrl))
        for (op in operations) {
            @Suppress("UNCHECKED_CAST")
            val args = (op["params"] as List<Map<String, Any?>>).map { p ->
                when {
                    p["name"] == "partner_id" -> sb.partnerId
                    p["kind"] == "url" -> "https://hooks.example.com/parity"
                    p["kind"] == "header_map" -> mapOf("X-Parity" to "1")
                    else -> "text"
                }
            }
            val before = sandbox.requestCount(op["name"] as String)
            val fn = method(op) ?: throw AssertionError("PartnerClient lacks ${op["method_name"]}")
            runBlocking { fn.callSuspend(client, *args.toTypedArray(), CallOptions(timeoutSeconds = 5.0, maxRetries = 1u, attemptTimeoutSeconds = 5.0)) }
            assertEq(before + 1uL, sandbox.requestCount(op["name"] as String), "requests to ${op["name"]}")
        }
    }
    check("every setting of the core is a field of ClientSettings (or the token provider) and reaches the core") {
        val ctor = ClientSettings::class.primaryConstructor!!
        for (s in settings) {
            val name = s["method_name"] as String
            val client = if (s["kind"] == "callback") {
                val param = PartnerClient::class.constructors.flatMap { it.parameters }.find { it.name == name }
                    ?: throw AssertionError("PartnerClient takes no $name")
                if (param.type.classifier != TokenProvider::class) throw AssertionError("$name is not a TokenProvider")
                PartnerClient(ClientSettings(), object : TokenProvider { override fun token(refresh: Boolean) = Token("t", null) })
            } else {
                val param = ctor.parameters.find { it.name == name } ?: throw AssertionError("ClientSettings lacks $name")
                val extra = when (s["name"]) {
                    "username" -> mapOf("password" to "pw")
                    "password" -> mapOf("username" to "someone")
                    else -> if (s["summary_key"] == "auth") emptyMap() else mapOf("apiKey" to "k")
                }
                val args = mapOf(param to samples.getValue(s["kind"] as String)) +
                    extra.map { (k, v) -> ctor.parameters.first { it.name == k } to v }
                PartnerClient(ctor.callBy(args))
            }
            val config = json(client.configJson()) as Map<*, *>
            val key = s["summary_key"] as String
            val expected: Any = when {
                key == "auth" -> if (s["name"] == "username" || s["name"] == "password") "password" else s["name"]!!
                s["kind"] == "count" -> 7
                else -> samples.getValue(s["kind"] as String)
            }
            if (norm(expected) != norm(config[key])) throw AssertionError("$name did not reach the core: $config")
        }
    }
    check("the per-call options are the core's") {
        @Suppress("UNCHECKED_CAST")
        val want = (surface["call_options"] as List<Map<String, Any?>>).map { it["method_name"] }
        assertEq(want, CallOptions::class.primaryConstructor!!.parameters.map { it.name }, "CallOptions")
    }
    check("PartnerException has a case per error kind of the core, and Unknown") {
        @Suppress("UNCHECKED_CAST")
        val kinds = (surface["error_kinds"] as List<String>) + "Unknown"
        assertEq(kinds.sorted(), PartnerException::class.sealedSubclasses.map { it.simpleName ?: "?" }.sorted(), "cases")
    }
}

// ---------------------------------------------------------------- vectors

fun runVector(file: File) {
    val v = json(file.readText(Charsets.UTF_8)) as JsonObject
    val spec = v["verifier"] as Map<*, *>
    @Suppress("UNCHECKED_CAST")
    val verifier = WebhookVerifier(
        (spec["secrets"] as List<String>?) ?: emptyList(),
        (spec["required_headers"] as Map<String, String>?) ?: emptyMap(),
        (spec["max_body"] as BigDecimal?)?.toLong()?.toULong(),
        spec["require_signature"] as Boolean?,
    )
    val req = v["request"] as Map<*, *>
    val body = (req["body"] as String?)?.toByteArray(Charsets.UTF_8) ?: Base64.getDecoder().decode(req["body_base64"] as String)
    val headers = (req["headers"] as List<*>).map { val p = it as List<*>; Header(p[0] as String, p[1] as String) }
    val expect = v["expect"] as Map<*, *>
    if (expect.containsKey("error")) {
        try {
            verifier.verify(headers, body)
            throw AssertionError("expected ${expect["error"]}")
        } catch (e: PartnerException.Verification) {
            assertEq(expect["error"], e.kind, "kind")
            assertEq(norm(expect["http_status"]), norm(e.httpStatus.toInt()), "http_status")
        }
    } else {
        val ev = verifier.verify(headers, body)
        val actual = mapOf(
            "event_type" to ev.eventType, "known_type" to ev.knownType, "id" to ev.id, "channel_id" to ev.channelId,
            "client_id" to ev.clientId, "phone_number" to ev.phoneNumber, "phone_name" to ev.phoneName,
            "status" to ev.status, "signature_verified" to ev.signatureVerified,
        )
        for ((k, want) in expect) assertEq(want, actual[k], k as String)
    }
}

// ---------------------------------------------------------------- Kotlin-specific

class BackendTokens(private val sb: SandboxInfo) : TokenProvider {
    val calls = mutableListOf<Boolean>()
    override fun token(refresh: Boolean): Token {
        synchronized(calls) { calls.add(refresh) }
        val body = "{\"username\":\"${sb.username}\",\"password\":\"${sb.password}\"}"
        val req = HttpRequest.newBuilder(URI.create("${sb.baseUrl}/api/v2/token"))
            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build()
        val res = json(HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body()) as JsonObject
        return Token(res["access_token"] as String, (res["expires_in"] as BigDecimal).toDouble())
    }
}

fun kotlinSpecific() {
    val sandbox = Sandbox.start()
    val sb = sandbox.info()
    val client = PartnerClient(ClientSettings(apiKey = sb.apiKey, baseUrl = sb.baseUrl, maxRetries = 5u))
    try {
        check("exceptions by kind") {
            runBlocking {
                try { client.getWebhookUrl("nopePA"); throw AssertionError("no error") } catch (e: PartnerException.NotFound) {
                    assertEq(404, e.info.status?.toInt(), "status"); assertEq(32, e.info.traceId?.length, "trace id")
                }
                try { client.getWebhookUrl(sb.otherPartnerId) } catch (e: PartnerException.PermissionDenied) { assertEq(403, e.info.status?.toInt(), "status") }
                try { client.setWebhookUrl(sb.partnerId, "http://example.com/x") } catch (e: PartnerException.InvalidInput) { assertEq("webhookUrl", e.field, "field") }
                try { PartnerClient(ClientSettings(apiKey = "wrong", baseUrl = sb.baseUrl)).getWebhookUrl(sb.partnerId) } catch (e: PartnerException.Authentication) { assertEq(401, e.info.status?.toInt(), "status") }
            }
        }
        check("coroutine cancellation drops the request") {
            runBlocking {
                val before = sandbox.requestCount("get_webhook_url")
                sandbox.injectFault(FaultSpec(route = "get_webhook_url", status = 503u, times = 10u))
                val job = launch { client.getWebhookUrl(sb.partnerId) }
                delay(200)
                assertEq(before + 1uL, sandbox.requestCount("get_webhook_url"), "first attempt")
                job.cancelAndJoin()
                delay(2000) // longer than the back-off: a live call would retry
                assertEq(before + 1uL, sandbox.requestCount("get_webhook_url"), "no attempt after cancel")
                sandbox.clearFaults()
                assertEq(200, client.getWebhookUrl(sb.partnerId).response.status.toInt(), "still works")
            }
        }
        check("token provider implemented in Kotlin, called from Rust") {
            runBlocking {
                val provider = BackendTokens(sb)
                val c = PartnerClient(ClientSettings(baseUrl = sb.baseUrl), provider)
                (1..10).map { async { c.getWebhookUrl(sb.partnerId) } }.awaitAll()
                assertEq(listOf(false), provider.calls, "one fetch")
                sandbox.revokeTokens()
                assertEq(2u, c.getWebhookUrl(sb.partnerId).response.attempts, "refetched after 401")
                assertEq(listOf(false, true), provider.calls, "refresh flag")
            }
        }
        check("many concurrent coroutines share the one runtime") {
            runBlocking { (1..100).map { async { client.getWebhookHeaders(sb.partnerId) } }.awaitAll() }
        }
        check("secrets stay out of describe() and messages") {
            val text = client.describe() + PartnerClient(ClientSettings(username = "u", password = "pw-secret-1", baseUrl = sb.baseUrl)).describe() +
                WebhookVerifier(listOf("platform-secret-2"), mapOf("X-A" to "hdr-secret-3"), null, null).describe()
            val errors = runBlocking {
                listOf(
                    runCatching { PartnerClient(ClientSettings(username = sb.username, password = "pw-secret-1", baseUrl = sb.baseUrl)).getWebhookUrl(sb.partnerId) },
                    runCatching { PartnerClient(ClientSettings(bearerToken = "bearer-secret-4", baseUrl = sb.baseUrl)).getWebhookUrl(sb.partnerId) },
                    runCatching { client.setWebhookHeaders(sb.partnerId, mapOf("X-A" to "hdr-secret-3\r\n")) },
                ).map { r -> r.exceptionOrNull()?.let { e -> "${e.message} $e" } ?: throw AssertionError("no error") }
            }
            val all = text + errors.joinToString(" ")
            val secrets = listOf(sb.apiKey, "pw-secret-1", "platform-secret-2", "hdr-secret-3", "bearer-secret-4")
            usedSecrets += secrets
            for (s in secrets) if (all.contains(s)) throw AssertionError("a secret leaked into describe() or a message")
        }
        check("runtime threads and fds return to their baseline after 1000 failing calls") {
            fun runtimeThreads() = File("/proc/self/task").listFiles()!!.count {
                runCatching { File(it, "comm").readText().trim().startsWith("partner-webhook") }.getOrDefault(false)
            }
            fun fds() = File("/proc/self/fd").list()!!.size
            val failing = PartnerClient(ClientSettings(apiKey = sb.apiKey, baseUrl = sb.baseUrl, maxRetries = 0u))
            runBlocking { (1..20).map { async { failing.getWebhookUrl(sb.partnerId) } }.awaitAll() }
            val refused = PartnerClient(ClientSettings(apiKey = "k", baseUrl = "http://127.0.0.1:1", maxRetries = 0u))
            fun failMany(c: PartnerClient, n: Int, expected: Class<*>) = runBlocking {
                repeat(n / 20) {
                    (1..20).map {
                        async {
                            try {
                                c.getWebhookUrl(sb.partnerId)
                                throw AssertionError("succeeded")
                            } catch (e: PartnerException) {
                                if (!expected.isInstance(e)) throw AssertionError("got $e")
                            }
                        }
                    }.awaitAll()
                }
            }
            failMany(refused, 20, PartnerException.Connection::class.java) // loads the classes involved
            val threads0 = runtimeThreads()
            val fds0 = fds()
            failMany(refused, 400, PartnerException.Connection::class.java)
            sandbox.injectFault(FaultSpec(route = "get_webhook_url", times = 400u, status = 503u))
            failMany(failing, 400, PartnerException.Server::class.java)
            sandbox.injectFault(FaultSpec(route = "get_webhook_url", times = 200u, reset = true))
            failMany(failing, 200, PartnerException.Connection::class.java)
            var i = 0
            while (fds() > fds0 && i++ < 100) Thread.sleep(50)
            assertEq(threads0, runtimeThreads(), "runtime threads")
            if (fds() > fds0) throw AssertionError("file descriptors: $fds0 before, ${fds()} after")
            refused.destroy()
            failing.destroy()
        }
        check("signature helpers and parseEvent") {
            val body = "{\"event\":\"channel_live\",\"data\":{\"id\":\"c1\"}}".toByteArray()
            val sig = sign(body, "s")
            if (!verifySignature(body, "sha256=" + sig.uppercase(), listOf("old", "s"))) throw AssertionError("verify")
            assertEq(128, ioSignature("abcPA", "s", 1775653748uL).length, "io signature")
            assertEq("c1", parseEvent(body).channelId, "parse")
        }
        check("a delivery log exported by a sandbox replays as fixtures") {
            // tests/fixtures/deliveries.jsonl: three deliveries, then one replayed with a wrong signature.
            val log = parseDeliveryLog(File(repoDir, "tests/fixtures/deliveries.jsonl").readText())
            assertEq(listOf("channel_live", "waba_template_status_changed", "client_created", "channel_live"), log.map { it.event }, "events")
            assertEq(listOf("X-Partner-Auth"), log[0].headerNames, "header names")
            val v = WebhookVerifier(listOf("fixture-platform-secret"), mapOf("X-Partner-Auth" to "fixture-header-value"))
            val verdicts = log.map { d ->
                try {
                    v.verify(d.headers + Header("X-Partner-Auth", "fixture-header-value"), d.body.toByteArray()).eventType
                } catch (e: PartnerException.Verification) {
                    e.httpStatus.toString()
                }
            }
            assertEq(listOf("channel_live", "waba_template_status_changed", "client_created", "401"), verdicts, "verdicts")
            val bad = runCatching { parseDeliveryLog("{\"id\": 1}\n") }.exceptionOrNull()
            if (bad !is PartnerException.InvalidInput || !bad.message!!.contains("line 1")) throw AssertionError("bad log: $bad")
        }
        check("typed payloads: a sealed class narrowed with when") {
            fun describe(e: Event): String = when (val p = e.payload) {
                is EventPayload.ChannelLive -> "live ${p.data.id} ${p.data.setupInfo?.phoneNumber}"
                is EventPayload.TemplateStatusChanged -> "template ${p.data.status} ${p.data.rejectedReason} ${p.data.category}"
                is EventPayload.AccountRestriction -> "restricted ${p.data.restrictions.map { it.restrictionType }}"
                is EventPayload.Unknown -> "unknown ${e.eventType} ${e.dataJson}"
                else -> "other ${e.knownType}"
            }
            assertEq("live c1 +49151", describe(parseEvent("{\"event\":\"channel_live\",\"data\":{\"id\":\"c1\",\"setup_info\":{\"phone_number\":\"+49151\"}}}".toByteArray())), "channel_live")
            assertEq("template rejected INVALID_FORMAT UTILITY", describe(parseEvent("{\"event\":\"wabaTemplateStatusChanged\",\"data\":{\"status\":\"rejected\",\"rejected_reason\":\"INVALID_FORMAT\",\"category\":\"UTILITY\"}}".toByteArray())), "template")
            assertEq("restricted [SPAM_LIMIT]", describe(parseEvent("{\"event\":\"account_restriction\",\"data\":{\"restrictions\":[{\"restriction_type\":\"SPAM_LIMIT\"}]}}".toByteArray())), "restriction")
            assertEq("unknown brand_new {\"a\":1}", describe(parseEvent("{\"event\":\"brand_new\",\"data\":{\"a\":1}}".toByteArray())), "unknown")
            assertEq("other channel_created", describe(parseEvent("{\"event\":\"channel_created\"}".toByteArray())), "other")
            // A field of the wrong type is left out of the record, kept in dataJson.
            val odd = parseEvent("{\"event\":\"channel_live\",\"data\":{\"id\":7,\"status\":\"live\"}}".toByteArray())
            val live = odd.payload as EventPayload.ChannelLive
            assertEq(null, live.data.id, "wrong-typed id")
            assertEq("live", live.data.status, "status")
        }
    } finally {
        sandbox.stop()
    }
}

fun main(args: Array<String>) {
    val repo = File(args.firstOrNull() ?: "../..")
    repoDir = repo
    if (args.getOrNull(1) == "--jar-smoke") {
        // Only the jar, JNA and coroutines on the classpath: the library comes from the jar.
        check("library loads from the jar") {
            val sandbox = Sandbox.start()
            val sb = sandbox.info()
            runBlocking { assertEq(200, PartnerClient(ClientSettings(apiKey = sb.apiKey, baseUrl = sb.baseUrl)).getWebhookUrl(sb.partnerId).response.status.toInt(), "status") }
            sandbox.stop()
        }
    } else {
        val scenarios = File(repo, "tests/scenarios").listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
        val vectors = File(repo, "tests/vectors").listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
        check("enough scenarios and vectors") { if (scenarios.size < 25 || vectors.size < 40) throw AssertionError("too few") }
        runBlocking {
            // A few at a time: all 56 at once on two cores made timing bounds flaky.
            val lanes = Dispatchers.IO.limitedParallelism(6)
            scenarios.map { f -> async(lanes) { f to runCatching { runScenario(f) }.getOrElse { listOf("crashed: $it") } } }.awaitAll()
        }.forEach { (f, failures) -> check("scenario ${f.name}") { if (failures.isNotEmpty()) throw AssertionError(failures.joinToString("; ")) } }
        for (f in vectors) check("vector ${f.name}") { runVector(f) }
        kotlinSpecific()
        docsExamples(repo)
        ecosystem(repo)
        val secretsSandbox = Sandbox.start()
        try {
            secrets(secretsSandbox, secretsSandbox.info())
        } finally {
            secretsSandbox.stop()
        }
        val paritySandbox = Sandbox.start()
        try {
            parity(paritySandbox, paritySandbox.info())
        } finally {
            paritySandbox.stop()
        }
        val log = args.getOrNull(1)?.takeIf { it.startsWith("--trace-log=") }?.removePrefix("--trace-log=")
        if (log != null) check("no secret in the trace log of the whole run (PARTNER_WEBHOOKS_LOG=trace)") {
            val text = File(log).readText()
            if (!text.contains("partner_webhooks.request") || !text.contains("DEBUG")) throw AssertionError("no trace log captured")
            for (s in usedSecrets) if (text.contains(s)) throw AssertionError("a secret reached the log")
        }
    }
    println("$passed passed, $failed failed")
    if (failed > 0) kotlin.system.exitProcess(1)
}
