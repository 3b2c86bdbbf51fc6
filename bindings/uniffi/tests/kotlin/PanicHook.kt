// The test hook of the `test-hooks` build (never in the jar): a panic inside a
// runtime call is PartnerException.Runtime, and calls go on. Its own program,
// so that Main.kt also compiles against the jar, which has no hook.
package hooks

import com.partnerwebhooks.*
import kotlinx.coroutines.runBlocking

fun main() {
    runBlocking {
        repeat(3) {
            try {
                panicInRuntimeForTests()
                throw AssertionError("no exception")
            } catch (e: PartnerException.Runtime) {
                if (!e.reason.contains("forced by the test hook")) throw AssertionError(e.reason)
            }
        }
        val sandbox = Sandbox.start()
        try {
            val sb = sandbox.info()
            val status = PartnerClient(ClientSettings(apiKey = sb.apiKey, baseUrl = sb.baseUrl)).getWebhookUrl(sb.partnerId).response.status.toInt()
            if (status != 200) throw AssertionError("a later call answered $status")
        } finally {
            sandbox.stop()
        }
    }
    println("panic hook: 1 passed, 0 failed")
}
