// Kotlin benchmarks of `make bench` (run by bench/run.py, which starts the sandbox):
// the uniffi PartnerClient against java.net.http.HttpClient doing the same 4 calls,
// sequential and from 64 coroutines. Prints one JSON sample per line, one per run.
// CPU time is the whole JVM process's (OperatingSystemMXBean.processCpuTime).
//
//   java -cp ... BenchKt BASE_URL API_KEY PARTNER_ID RUNS CALLS
import com.partnerwebhooks.ClientSettings
import com.partnerwebhooks.PartnerClient
import java.lang.management.ManagementFactory
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import org.json.simple.Jsoner

const val HOOK = "https://hooks.example.com/bench"
val HEADERS = mapOf("X-Bench" to "1")

val os = ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean

/** `calls` calls from `concurrency` coroutines on one thread: (CPU s, wall s). */
fun drive(calls: Int, concurrency: Int, one: suspend (Int) -> Unit): Pair<Double, Double> {
    var next = 0
    val c = os.processCpuTime
    val w = System.nanoTime()
    runBlocking {
        (1..concurrency).map {
            async {
                while (next < calls) one(next++)
            }
        }.awaitAll()
    }
    return Pair((os.processCpuTime - c) / 1e9, (System.nanoTime() - w) / 1e9)
}

fun main(args: Array<String>) {
    val (base, key, partner) = args
    val runs = args[3].toInt()
    val calls = args[4].toInt()
    val client = PartnerClient(ClientSettings(apiKey = key, baseUrl = base))
    val ours: suspend (Int) -> Unit = { i ->
        when (i % 4) {
            0 -> client.getWebhookUrl(partner)
            1 -> client.setWebhookUrl(partner, HOOK)
            2 -> client.getWebhookHeaders(partner)
            else -> client.setWebhookHeaders(partner, HEADERS)
        }
    }
    // What a hand-written client does: key header, JSON body, status check, decode.
    val http = HttpClient.newHttpClient()
    val url = "$base/api/v2/partners/$partner/webhook_url"
    val hdr = "$base/api/v2/partners/$partner/webhook_headers"
    val plan = listOf(
        Pair(url, null),
        Pair(url, Jsoner.serialize(mapOf("webhook_url" to HOOK))),
        Pair(hdr, null),
        Pair(hdr, Jsoner.serialize(mapOf("webhook_headers" to HEADERS))),
    )
    val theirs: suspend (Int) -> Unit = { i ->
        val (u, body) = plan[i % 4]
        val b = HttpRequest.newBuilder(URI.create(u)).header("X-API-Key", key)
        val req = if (body == null) b.GET().build()
        else b.header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build()
        val r = http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).await()
        if (r.statusCode() >= 400) error("HTTP ${r.statusCode()}")
        Jsoner.deserialize(r.body())
    }
    for (conc in listOf(1, 64)) {
        // JIT warm-up for both.
        drive(calls, conc, ours)
        drive(calls, conc, theirs)
        for (run in 0 until runs) {
            val o: Pair<Double, Double>
            val t: Pair<Double, Double>
            if (run % 2 == 1) {
                t = drive(calls, conc, theirs); o = drive(calls, conc, ours)
            } else {
                o = drive(calls, conc, ours); t = drive(calls, conc, theirs)
            }
            val name = if (conc == 1) "Kotlin PartnerClient, sequential" else "Kotlin PartnerClient, $conc coroutines"
            println(
                """{"name":"$name","baseline":"java.net.http.HttpClient","metric":"client CPU µs/call",""" +
                    """"ours":${o.first * 1e6 / calls},"theirs":${t.first * 1e6 / calls},""" +
                    """"extra":{"ours_calls_per_s":${calls / o.second},"theirs_calls_per_s":${calls / t.second}}}""",
            )
        }
    }
    client.destroy()
}
