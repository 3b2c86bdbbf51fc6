// No secret in any text form in Kotlin: toString() (and string templates) of
// every record, object and exception that holds one, and exception messages.
// Equality and hashing still compare every field.
import com.partnerwebhooks.*
import kotlinx.coroutines.runBlocking

/** Fails for each secret that shows in `value`'s text, and when `shown` does not. */
fun assertRedacted(value: Any, secrets: List<String>, shown: String) {
    usedSecrets += secrets
    val text = listOf(value.toString(), "$value", (value as? Throwable)?.message ?: "", (value as? Throwable)?.localizedMessage ?: "")
        .joinToString("\n")
    for (s in secrets) if (text.contains(s)) throw AssertionError("${value::class.simpleName} shows $s: $text")
    if (!text.contains(shown)) throw AssertionError("${value::class.simpleName} does not show $shown: $text")
}

fun secrets(sandbox: Sandbox, sb: SandboxInfo) {
    val response = ResponseInfo(200u, mapOf("set-cookie" to "ck-secret-r1"), "t-1", 1u, "{\"webhook_headers\":{\"X-A\":\"hdr-secret-r2\"}}")
    check("ClientSettings: no key, token, password or proxy credentials in toString(); equality and hashing work") {
        val s = ClientSettings(apiKey = "KEY-s1", bearerToken = "TOKEN-s2", username = "alice", password = "PW-s3",
            baseUrl = "https://bob:URLPW-s4@hub.example", proxy = "http://user:PROXY-s5@proxy.example:3128")
        assertRedacted(s, listOf("KEY-s1", "TOKEN-s2", "PW-s3", "URLPW-s4", "PROXY-s5"), "proxy.example")
        assertEq(s, s.copy(), "equal")
        assertEq(1, setOf(s, s.copy()).size, "hashing")
        if (s == s.copy(apiKey = "KEY-other")) throw AssertionError("equality ignores the key")
    }
    check("results: header names, body lengths, never their values") {
        val secrets = listOf("ck-secret-r1", "hdr-secret-r2")
        assertRedacted(response, secrets, "set-cookie")
        assertRedacted(WebhookUrl("https://example.com/h", response), secrets, "https://example.com/h")
        assertRedacted(WebhookHeadersResult(mapOf("X-A" to "hdr-secret-r2"), response), secrets, "X-A")
        val partner = Partner("abcPA", null, null, null, null, null, null, mapOf("X-A" to "hdr-secret-r2"), response)
        assertRedacted(partner, secrets, "abcPA")
        if (partner == partner.copy(webhookHeaders = mapOf("X-A" to "other"))) throw AssertionError("equality ignores header values")
    }
    check("exceptions and ErrorInfo: no body, details or header values") {
        val info = ErrorInfo("Authentication", 401u, "trace-e1", "bad key", "{\"k\":\"det-secret-e2\"}", "{\"echo\":\"body-secret-e3\"}",
            null, 1u, mapOf("www-authenticate" to "hdr-secret-e4"))
        val secrets = listOf("det-secret-e2", "body-secret-e3", "hdr-secret-e4")
        assertRedacted(info, secrets, "trace-e1")
        assertRedacted(PartnerException.Authentication("the API key was refused", info), secrets, "the API key was refused")
        assertRedacted(PartnerException.Unknown("new", info), secrets, "new")
    }
    check("Token, SandboxInfo and Header") {
        assertRedacted(Token("ACCESS-t1", 60.0), listOf("ACCESS-t1"), "60")
        assertRedacted(sb, listOf(sb.apiKey, sb.password, sb.platformSecret), sb.baseUrl)
        assertRedacted(Header("X-Partner-Auth", "HDR-h1"), listOf("HDR-h1"), "X-Partner-Auth")
        if (Header("a", "1") == Header("a", "2")) throw AssertionError("equality ignores the value")
    }
    check("objects: PartnerClient, WebhookVerifier, Sandbox") {
        assertRedacted(PartnerClient(ClientSettings(apiKey = "KEY-o1", baseUrl = sb.baseUrl, proxy = "http://u:PROXY-o2@127.0.0.1:9")), listOf("KEY-o1", "PROXY-o2"), sb.baseUrl)
        assertRedacted(PartnerClient(ClientSettings(username = "alice", password = "PW-o3", baseUrl = sb.baseUrl)), listOf("PW-o3"), sb.baseUrl)
        assertRedacted(WebhookVerifier(listOf("PLATFORM-o4"), mapOf("X-Partner-Auth" to "HDR-o5"), null, null), listOf("PLATFORM-o4", "HDR-o5"), "x-partner-auth")
        assertRedacted(sandbox, listOf(sb.apiKey, sb.password, sb.platformSecret), sb.baseUrl)
    }
    check("errors of real calls: no secret in toString() or message") {
        val texts = runBlocking {
            listOf<suspend () -> Unit>(
                { PartnerClient(ClientSettings(username = sb.username, password = "PW-c1", baseUrl = sb.baseUrl)).getWebhookUrl(sb.partnerId) },
                { PartnerClient(ClientSettings(bearerToken = "TOKEN-c2", baseUrl = sb.baseUrl)).getWebhookUrl(sb.partnerId) },
                { PartnerClient(ClientSettings(apiKey = sb.apiKey, baseUrl = sb.baseUrl)).setWebhookHeaders(sb.partnerId, mapOf("X-A" to "HDR-c3\r\n")) },
                { PartnerClient(ClientSettings(apiKey = "KEY-c4\n")) },
            ).map { call ->
                val e = runCatching { call() }.exceptionOrNull() ?: throw AssertionError("no error")
                "$e ${e.message} ${e.stackTraceToString()}"
            }
        }
        usedSecrets += listOf("PW-c1", "TOKEN-c2", "HDR-c3", "KEY-c4")
        for (s in listOf("PW-c1", "TOKEN-c2", "HDR-c3", "KEY-c4", sb.apiKey)) if (texts.joinToString().contains(s)) throw AssertionError("$s in an error's text")
    }
    check("a token provider that throws something else than PartnerException fails the call with its message") {
        val failing = object : TokenProvider {
            override fun token(refresh: Boolean): Token = throw IllegalStateException("backend down")
        }
        val e = runCatching { runBlocking { PartnerClient(ClientSettings(baseUrl = sb.baseUrl), failing).getWebhookUrl(sb.partnerId) } }.exceptionOrNull()
        if (e !is PartnerException || e.message?.contains("backend down") != true) throw AssertionError("got $e")
    }
}
