// The Swift tab of every example on the documentation site (docs/site): each
// `docs: NAME` ... `end docs` region below is shown there as it is here, and
// each test runs it against the sandbox and checks what it printed (a nested
// `print` records the lines).
import Foundation
import XCTest
import PartnerWebhooks
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class DocsExamplesTests: XCTestCase {
    func start() async throws -> (Sandbox, PartnerClient, String) {
        // docs: client
        let sandbox = try Sandbox.start() // 127.0.0.1, a free port; try sandbox.stop() ends it
        let info = try sandbox.info()
        let client = try PartnerClient(settings: ClientSettings(
            apiKey: info.apiKey, // your Partner API key (or PARTNER_API_KEY)
            baseUrl: info.baseUrl // leave out for https://hub.360dialog.io
        ))
        let partnerId = info.partnerId
        // end docs
        let status = try await client.getWebhookUrl(partnerId: partnerId).response.status
        XCTAssertEqual(status, 200)
        return (sandbox, client, partnerId)
    }

    func testWebhookSettings() async throws {
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        let (sandbox, client, partnerId) = try await start()
        defer { try? sandbox.stop() }
        // docs: webhook-settings
        _ = try await client.setWebhookUrl(partnerId: partnerId, webhookUrl: "https://example.com/360dialog/events")
        // The dictionary replaces the partner's custom headers as a whole.
        let secret = "a-long-random-value" // keep it in your secret store
        _ = try await client.setWebhookHeaders(partnerId: partnerId, headers: ["X-Partner-Auth": secret])

        let url = try await client.getWebhookUrl(partnerId: partnerId)
        let headers = try await client.getWebhookHeaders(partnerId: partnerId)
        print("events go to \(url.webhookUrl ?? "nowhere") with headers \(headers.webhookHeaders.keys.sorted())")
        // end docs
        XCTAssertEqual(printed, ["events go to https://example.com/360dialog/events with headers [\"X-Partner-Auth\"]"])
    }

    func testErrors() async throws {
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        let (sandbox, client, _) = try await start()
        defer { try? sandbox.stop() }
        for partnerId in ["noSuchPA", ""] {
            // docs: errors
            do {
                print(try await client.getWebhookUrl(partnerId: partnerId).webhookUrl ?? "none")
            } catch PartnerError.InvalidInput(let reason, let field) {
                print("bad \(field ?? "input"): \(reason)") // nothing was sent
            } catch PartnerError.NotFound(_, let info) {
                print("no such partner (trace id \(info.traceId ?? "none"))") // quote it to 360dialog support
            } catch let error as PartnerError {
                print("failed: \(error.localizedDescription)") // Server, RateLimited, Timeout, Connection: retried already
            }
            // end docs
        }
        XCTAssertEqual(printed.count, 2)
        XCTAssertTrue(printed[0].hasPrefix("no such partner (trace id ") && !printed[0].hasSuffix("none)"), printed[0])
        XCTAssertTrue(printed[1].hasPrefix("bad partnerId: "), printed[1])
    }

    func testPerCallOptions() async throws {
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        let (sandbox, client, partnerId) = try await start()
        defer { try? sandbox.stop() }
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", times: 1, status: 503))
        // docs: per-call-options
        // Settings for this call only: no retry and a 3 s budget. Cancelling the Task cancels the call.
        do {
            _ = try await client.getWebhookUrl(partnerId: partnerId, options: CallOptions(timeoutSeconds: 3, maxRetries: 0))
        } catch PartnerError.Server(_, let info) {
            print("HTTP \(info.status ?? 0) after \(info.attempts) attempt")
        }
        // end docs
        XCTAssertEqual(printed, ["HTTP 503 after 1 attempt"])
    }

    func testSandboxFaults() async throws {
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        let (sandbox, client, partnerId) = try await start()
        defer { try? sandbox.stop() }
        // docs: sandbox-faults
        // The next two calls get a 503; the client retries and the third attempt succeeds.
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", times: 2, status: 503))
        let url = try await client.getWebhookUrl(partnerId: partnerId)
        print("\(url.response.attempts) attempts") // 3
        // end docs
        XCTAssertEqual(printed, ["3 attempts"])
    }

    func testReceive() throws {
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        let log = try String(contentsOf: repo.appendingPathComponent("tests/fixtures/deliveries.jsonl"), encoding: .utf8)
        let delivery = try parseDeliveryLog(text: log)[0]
        let requestHeaders = delivery.headers + [Header(name: "X-Partner-Auth", value: "fixture-header-value")]
        let body = Data(delivery.body.utf8)
        let platformSecret = "fixture-platform-secret"
        let headerSecret = "fixture-header-value"
        // docs: receive
        // Once, at start-up: the platform secret (Partner Hub → Integration; add the
        // old one too while rotating) and the custom header you set.
        let verifier = try WebhookVerifier(secrets: [platformSecret], requiredHeaders: ["X-Partner-Auth": headerSecret])

        // Per request: the headers and the raw body bytes, never re-encoded JSON.
        do {
            let event = try verifier.verify(headers: requestHeaders, body: body)
            switch event.payload {
            case .channelLive(let data): print("live: \(data.id ?? "?")")
            default: print("\(event.eventType) \(event.dedupKey)")
            }
        } catch PartnerError.Verification(let reason, _, let httpStatus) {
            print("refused (\(reason)), answer \(httpStatus)") // 401 (signature, header), 413, 400
        }
        // end docs
        XCTAssertEqual(printed.count, 1)
        XCTAssertTrue(printed[0].hasPrefix("live: ") && printed[0] != "live: ?", printed[0])
        XCTAssertThrowsError(try verifier.verify(headers: [], body: body))
    }

    /// The fixture's first delivery as a receiver gets it: headers (with the custom one) and the raw body.
    func captured() throws -> ([Header], Data) {
        let log = try String(contentsOf: repo.appendingPathComponent("tests/fixtures/deliveries.jsonl"), encoding: .utf8)
        let delivery = try parseDeliveryLog(text: log)[0]
        return (delivery.headers + [Header(name: "X-Partner-Auth", value: "fixture-header-value")], Data(delivery.body.utf8))
    }

    func testAuthPassword() async throws {
        let (sandbox, _, partnerId) = try await start()
        defer { try? sandbox.stop() }
        let info = try sandbox.info()
        let (username, password, baseUrl) = (info.username, info.password, info.baseUrl)
        // docs: auth-password
        // The client exchanges them for a token at POST /api/v2/token, keeps it until
        // shortly before it expires, and fetches a new one once after a 401.
        let withPassword = try PartnerClient(settings: ClientSettings(username: username, password: password, baseUrl: baseUrl))
        let viaToken = try await withPassword.getWebhookUrl(partnerId: partnerId)
        // end docs
        XCTAssertEqual(viaToken.response.status, 200)
        XCTAssertEqual(try sandbox.tokensIssued(), 1)
    }

    func testCancel() async throws {
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        let (sandbox, client, partnerId) = try await start()
        defer { try? sandbox.stop() }
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", delayMs: 5_000))
        let startedAt = Date()
        // docs: cancel
        // Cancelling the Task cancels the request in flight; no retry follows.
        let call = Task { try await client.getWebhookUrl(partnerId: partnerId) }
        try await Task.sleep(nanoseconds: 200_000_000)
        call.cancel()
        if case .failure(let error) = await call.result, error is CancellationError {
            print("gave up after 200 ms")
        }
        // end docs
        XCTAssertEqual(printed, ["gave up after 200 ms"])
        XCTAssertLessThan(Date().timeIntervalSince(startedAt), 2)
    }

    func testDedup() throws {
        let (requestHeaders, body) = try captured()
        let verifier = try WebhookVerifier(secrets: ["fixture-platform-secret"], requiredHeaders: ["X-Partner-Auth": "fixture-header-value"])
        let deliveries = [body, body] // the same delivery, twice
        var handled = 0
        // docs: dedup
        // 360dialog delivers at least once: remember what was handled (in your
        // database, for as long as re-deliveries can come) and skip it.
        var seen = Set<String>()
        for delivered in deliveries {
            let event = try verifier.verify(headers: requestHeaders, body: delivered)
            guard seen.insert(event.dedupKey).inserted else { continue } // answer 200 all the same
            handled += 1
        }
        // end docs
        XCTAssertEqual(handled, 1)
    }

    func testRotateSecrets() throws {
        let (requestHeaders, body) = try captured()
        let (oldSecret, newSecret) = ("the-previous-platform-secret", "fixture-platform-secret")
        // docs: rotate-secrets
        // Both secrets while rotating: a delivery signed with either verifies.
        let rotating = try WebhookVerifier(secrets: [newSecret, oldSecret], requiredHeaders: ["X-Partner-Auth": "fixture-header-value"])
        let rotated = try rotating.verify(headers: requestHeaders, body: body)
        // end docs
        XCTAssertEqual(rotated.eventType, "channel_live")
    }

    func testResponseMetadata() async throws {
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        let (sandbox, client, partnerId) = try await start()
        defer { try? sandbox.stop() }
        // docs: response-metadata
        // Every result carries its HTTP answer: status, headers, trace id and attempts.
        let r = try await client.getWebhookUrl(partnerId: partnerId)
        print("\(r.response.status) \(r.response.headers["content-type"] ?? "") \(r.response.traceId ?? "") \(r.response.attempts)")
        // end docs
        XCTAssertEqual(printed.count, 1)
        XCTAssertTrue(printed[0].hasPrefix("200 application/json ") && printed[0].hasSuffix(" 1"), printed[0])
    }

    func testTlsProxy() throws {
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        let caFile = repo.appendingPathComponent("tests/fixtures/tls/ca.pem").path
        // docs: tls-proxy
        // Trust a TLS-inspecting proxy's CA (besides the bundled roots and the OS
        // store) and send every request through the proxy. Its password never shows.
        let behindProxy = try PartnerClient(settings: ClientSettings(
            apiKey: "a-partner-api-key",
            caBundle: caFile,
            proxy: "http://user:proxy-password@proxy.corp:3128"
        ))
        print(behindProxy.configJson())
        // end docs
        XCTAssertTrue(printed[0].contains("proxy.corp:3128") && !printed[0].contains("proxy-password"), printed[0])
    }

    func testLogging() async throws {
        let (sandbox, client, partnerId) = try await start()
        defer { try? sandbox.stop() }
        // Standard error into a file while the region runs.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("docs-logging-\(UUID().uuidString)")
        XCTAssertTrue(FileManager.default.createFile(atPath: file.path, contents: nil))
        let handle = try FileHandle(forWritingTo: file)
        let saved = dup(2)
        _ = dup2(handle.fileDescriptor, 2)
        // docs: logging
        /// The SDK's records to standard error (forward them to your logging system).
        final class StderrLogger: PartnerLogger {
            func log(record: LogRecord) throws {
                FileHandle.standardError.write(Data("\(record.level) \(record.message) \(record.fields)\n".utf8))
            }
        }
        // One logger per process: records at the level given and above; setLogger(logger: nil, ...) stops it.
        setLogger(logger: StderrLogger(), level: .debug)
        _ = try await client.getWebhookUrl(partnerId: partnerId)
        // end docs
        setLogger(logger: nil, level: .warn)
        _ = dup2(saved, 2)
        _ = close(saved)
        try handle.close()
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.contains("debug response"), text)
    }
}
