// The README's receiver, as a user's app holds it.
import Foundation
import PartnerWebhooks

// readme: swift-receiver
/// Verifies and handles partner webhooks. Make one at start-up; call `receive`
/// from your HTTP framework's route (Vapor, Hummingbird, ...) with the request's
/// headers and raw body (never re-encoded JSON), and answer with its status.
struct WebhookReceiver: Sendable {
    let verifier: WebhookVerifier

    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        verifier = try WebhookVerifier(
            secrets: [environment["PARTNER_PLATFORM_SECRET"] ?? ""],  // add the old one too while rotating
            requiredHeaders: ["X-Partner-Auth": environment["PARTNER_WEBHOOK_HEADER_SECRET"] ?? ""]
        )
    }

    func receive(headers: [(name: String, value: String)], body: Data) -> Int {
        do {
            let event = try verifier.verify(headers: headers.map { Header(name: $0.name, value: $0.value) }, body: body)
            switch event.payload {
            case .channelLive(let data):
                print("channel \(data.id ?? "?") is live: \(data.setupInfo?.phoneNumber ?? "?")")
            case .templateStatusChanged(let data):
                print("template \(data.name ?? "?") is \(data.status ?? "?")")
            case .unknown:
                print("an event this SDK does not know yet: \(event.eventType) \(event.dataJson)")
            default:
                print("event \(event.eventType)")
            }
            return 200
        } catch PartnerError.Verification(let reason, _, let httpStatus) {
            print("refused: \(reason)")
            return Int(httpStatus)  // 401, 413 or 400
        } catch {
            return 500
        }
    }
}
// end readme
