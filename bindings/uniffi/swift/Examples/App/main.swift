// A Swift app as a user writes one: `make test-swift` makes a fresh
// `swift package init --type executable` project that depends on the
// PartnerWebhooks package by path, puts this folder's files in it, builds it
// (strict concurrency checking, warnings as errors) and runs it. The regions
// between `readme:` markers are the README's Swift snippets, word for word (a
// test checks that).
import Foundation
import PartnerWebhooks

// Not in the README: a sandbox stands in for hub.360dialog.io, and the
// environment points the SDK at it, as a deployment's environment would.
let sandbox = try Sandbox.start()
let sb = try sandbox.info()
setenv("PARTNER_API_KEY", sb.apiKey, 1)
setenv("PARTNER_API_BASE_URL", sb.baseUrl, 1)
setenv("PARTNER_ID", sb.partnerId, 1)
setenv("PARTNER_PLATFORM_SECRET", sb.platformSecret, 1)
setenv("PARTNER_WEBHOOK_HEADER_SECRET", "hdr-secret-for-the-swift-app", 1)
let checks = Checks()

// readme: swift-first-call
// PARTNER_API_KEY (and the other PARTNER_API_* variables) come from the environment.
let client = try PartnerClient(settings: ClientSettings())
let partnerId = ProcessInfo.processInfo.environment["PARTNER_ID"] ?? "yourPA"

_ = try await client.setWebhookUrl(partnerId: partnerId, webhookUrl: "https://example.com/360dialog/events")
_ = try await client.setWebhookHeaders(
    partnerId: partnerId,
    headers: ["X-Partner-Auth": ProcessInfo.processInfo.environment["PARTNER_WEBHOOK_HEADER_SECRET"] ?? ""]
)
let url = try await client.getWebhookUrl(partnerId: partnerId)
print("events go to \(url.webhookUrl ?? "nowhere") (HTTP \(url.response.status), trace id \(url.response.traceId ?? "none"))")
// end readme
let headers = try await client.getWebhookHeaders(partnerId: partnerId)
checks.expect(url.webhookUrl == "https://example.com/360dialog/events" && headers.webhookHeaders.keys.contains("X-Partner-Auth"),
              "the four operations against the sandbox")

// readme: swift-errors
do {
    _ = try await client.setWebhookUrl(partnerId: "unknownPA", webhookUrl: "https://example.com/360dialog/events")
} catch PartnerError.NotFound(let reason, let info) {
    print("no such partner: \(reason) (trace id \(info.traceId ?? "none"))")
} catch PartnerError.InvalidInput(let reason, let field) {
    print("bad \(field ?? "input"): \(reason)")  // nothing was sent
} catch let error as PartnerError {
    print(error.localizedDescription)
}
// end readme

do {
    _ = try await client.setWebhookUrl(partnerId: partnerId, webhookUrl: "http://example.com/plain-http")
    checks.expect(false, "a typed error for a plain-http webhook URL")
} catch PartnerError.InvalidInput(_, let field) {
    checks.expect(field == "webhookUrl", "a typed error for a plain-http webhook URL names webhookUrl")
}

// The sandbox delivers a signed event to a local listener that calls the receiver.
let receiver = try WebhookReceiver()
let listener = try Listener(receiver: receiver, checks: checks)
_ = try await client.setWebhookUrl(partnerId: partnerId, webhookUrl: "http://127.0.0.1:\(listener.port)/webhook")
let delivery = try sandbox.emit(event: "channel_live")
let status = try await sandbox.waitForDelivery(id: delivery, timeoutSeconds: 10)
checks.expect(status == "delivered", "the sandbox's delivery was accepted (\(status))")
let forged = Data(#"{"event":"channel_live"}"#.utf8)
checks.expect(receiver.receive(headers: [("x-360dialog-signature", sign(body: forged, secret: "forged"))], body: forged) == 401,
              "a forged request is refused with 401")
listener.stop()
try sandbox.stop()

checks.finish()
