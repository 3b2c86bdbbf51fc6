// XCTests mirroring bindings/uniffi/tests/kotlin/Main.kt (exceptions by kind,
// cancellation, a Swift token provider called from Rust, signature helpers).
// Not run on the Linux machines this project is built on (no Swift toolchain).
import Foundation
import XCTest
@testable import PartnerWebhooks

final class BackendTokens: TokenProvider, @unchecked Sendable {
    let info: SandboxInfo
    var calls: [Bool] = []
    init(info: SandboxInfo) { self.info = info }

    func token(refresh: Bool) throws -> Token {
        calls.append(refresh)
        var request = URLRequest(url: URL(string: "\(info.baseUrl)/api/v2/token")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["username": info.username, "password": info.password])
        let semaphore = DispatchSemaphore(value: 0)
        var result: [String: Any] = [:]
        URLSession.shared.dataTask(with: request) { data, _, _ in
            result = (try? JSONSerialization.jsonObject(with: data ?? Data())) as? [String: Any] ?? [:]
            semaphore.signal()
        }.resume()
        semaphore.wait()
        return Token(accessToken: result["access_token"] as? String ?? "", expiresInSeconds: result["expires_in"] as? Double)
    }
}

final class Collect: PartnerLogger, @unchecked Sendable {
    var records: [LogRecord] = []
    let lock = NSLock()
    func log(record: LogRecord) throws {
        lock.lock(); records.append(record); lock.unlock()
    }
}

final class PartnerWebhooksTests: XCTestCase {
    var sandbox: Sandbox!
    var info: SandboxInfo!

    override func setUpWithError() throws {
        sandbox = try Sandbox.start()
        info = try sandbox.info()
    }

    override func tearDownWithError() throws {
        try sandbox.stop()
    }

    func testLoggerHeadersAndBadInput() async throws {
        let logger = Collect()
        setLogger(logger: logger, level: .debug)
        defer { setLogger(logger: nil, level: .warn) }
        let client = try PartnerClient(settings: ClientSettings(apiKey: info.apiKey, baseUrl: info.baseUrl))
        let got = try await client.getWebhookUrl(partnerId: info.partnerId)
        XCTAssertEqual(logger.records.map { $0.message }, ["request", "response"])
        XCTAssertTrue(got.response.headers["content-type"]?.hasPrefix("application/json") ?? false)
        do {
            _ = try PartnerClient(settings: ClientSettings(apiKey: "k", timeoutSeconds: -1))
            XCTFail("accepted a negative timeout")
        } catch PartnerError.InvalidInput(_, let field) {
            XCTAssertEqual(field, "timeoutSeconds")
        }
    }

    func testErrorsByKind() async throws {
        let client = try PartnerClient(settings: ClientSettings(apiKey: info.apiKey, baseUrl: info.baseUrl))
        do {
            _ = try await client.getWebhookUrl(partnerId: "nopePA")
            XCTFail("expected NotFound")
        } catch PartnerError.NotFound(_, let info) {
            XCTAssertEqual(info.status, 404)
            XCTAssertEqual(info.traceId?.count, 32)
        }
        do {
            _ = try await client.setWebhookUrl(partnerId: info.partnerId, webhookUrl: "http://example.com/x")
            XCTFail("expected InvalidInput")
        } catch PartnerError.InvalidInput(_, let field) {
            XCTAssertEqual(field, "webhook_url")
        }
    }

    func testTaskCancellationDropsTheRequest() async throws {
        let client = try PartnerClient(settings: ClientSettings(apiKey: info.apiKey, baseUrl: info.baseUrl, maxRetries: 5))
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", times: 10, status: 503))
        let task = Task { try await client.getWebhookUrl(partnerId: info.partnerId) }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        _ = try? await task.value
        try await Task.sleep(nanoseconds: 2_000_000_000)
        XCTAssertEqual(try sandbox.requestCount(route: "get_webhook_url"), 1)
    }

    func testTokenProviderCalledFromRust() async throws {
        let provider = BackendTokens(info: info)
        let client = try PartnerClient(settings: ClientSettings(baseUrl: info.baseUrl), tokenProvider: provider)
        _ = try await client.getWebhookUrl(partnerId: info.partnerId)
        _ = try await client.getWebhookUrl(partnerId: info.partnerId)
        XCTAssertEqual(provider.calls, [false])
        _ = try sandbox.revokeTokens()
        let again = try await client.getWebhookUrl(partnerId: info.partnerId)
        XCTAssertEqual(again.response.attempts, 2)
        XCTAssertEqual(provider.calls, [false, true])
    }

    func testSignatureHelpers() throws {
        let body = Data("{\"event\":\"channel_live\",\"data\":{\"id\":\"c1\"}}".utf8)
        let signature = sign(body: body, secret: "s")
        XCTAssertTrue(verifySignature(body: body, headerValue: "sha256=" + signature.uppercased(), secrets: ["old", "s"]))
        XCTAssertEqual(try parseEvent(body: body).channelId, "c1")
        let verifier = try WebhookVerifier(secrets: ["s"], requiredHeaders: [:])
        let event = try verifier.verify(headers: [Header(name: "x-360dialog-signature", value: signature)], body: body)
        XCTAssertTrue(event.signatureVerified)
    }

    // Written for the hosted macOS runner: never compiled here (no Swift toolchain).
    func testTypedPayloadsSwitch() throws {
        let body = Data("{\"event\":\"wabaTemplateStatusChanged\",\"data\":{\"status\":\"rejected\",\"rejected_reason\":\"INVALID_FORMAT\"}}".utf8)
        switch try parseEvent(body: body).payload {
        case .templateStatusChanged(let data):
            XCTAssertEqual(data.status, "rejected")
            XCTAssertEqual(data.rejectedReason, "INVALID_FORMAT")
        default:
            XCTFail("not narrowed to templateStatusChanged")
        }
        guard case .unknown = try parseEvent(body: Data("{\"event\":\"brand_new\"}".utf8)).payload else {
            return XCTFail("an unknown event is .unknown")
        }
    }
}
