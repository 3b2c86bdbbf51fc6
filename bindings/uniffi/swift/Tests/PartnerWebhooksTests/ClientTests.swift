// The client in Swift: errors by kind, Task cancellation, a Swift token
// provider called from Rust, many concurrent tasks on the one runtime, runtime
// threads and file descriptors after many failing calls, the signature
// helpers and typed payloads.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import PartnerWebhooks

/// Gets tokens the way an app's backend would: from the sandbox's token route.
final class BackendTokens: TokenProvider, Sendable {
    let info: SandboxInfo
    let calls = Locked<Bool>()
    init(info: SandboxInfo) { self.info = info }

    func token(refresh: Bool) throws -> Token {
        calls.append(refresh)
        var request = URLRequest(url: URL(string: "\(info.baseUrl)/api/v2/token")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["username": info.username, "password": info.password])
        let done = DispatchSemaphore(value: 0)
        let body = Locked<Data>()
        URLSession.shared.dataTask(with: request) { data, _, _ in
            body.append(data ?? Data())
            done.signal()
        }.resume()
        done.wait()
        let json = try JSON.parse(body.all.first ?? Data())
        return Token(accessToken: json["access_token"]?.string ?? "", expiresInSeconds: json["expires_in"]?.double)
    }
}

final class ClientTests: SandboxTestCase {
    func testErrorsByKind() async throws {
        let client = try client()
        do {
            _ = try await client.getWebhookUrl(partnerId: "nopePA")
            XCTFail("expected NotFound")
        } catch PartnerError.NotFound(_, let info) {
            XCTAssertEqual(info.status, 404)
            XCTAssertEqual(info.traceId?.count, 32)
        }
        do {
            _ = try await client.getWebhookUrl(partnerId: sb.otherPartnerId)
            XCTFail("expected PermissionDenied")
        } catch PartnerError.PermissionDenied(_, let info) {
            XCTAssertEqual(info.status, 403)
        }
        do {
            _ = try await client.setWebhookUrl(partnerId: sb.partnerId, webhookUrl: "http://example.com/x")
            XCTFail("expected InvalidInput")
        } catch PartnerError.InvalidInput(let reason, let field) {
            // Fields are named as the language spells the parameter: camelCase in Swift.
            XCTAssertEqual(field, "webhookUrl")
            XCTAssertFalse(reason.isEmpty)
        }
        do {
            _ = try await self.client { $0.apiKey = "wrong" }.getWebhookUrl(partnerId: sb.partnerId)
            XCTFail("expected Authentication")
        } catch let error as PartnerError {
            guard case .Authentication(_, let info) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(info.status, 401)
            // LocalizedError: the message, not the debug text.
            XCTAssertEqual(error.localizedDescription, (error as LocalizedError).errorDescription)
            XCTAssertFalse(error.localizedDescription.contains("ErrorInfo"), error.localizedDescription)
        }
    }

    func testTaskCancellationStopsTheCall() async throws {
        let client = try client { $0.maxRetries = 5 }
        let before = try sandbox.requestCount(route: "get_webhook_url")
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", times: 10, status: 503))
        let pid: String = sb.partnerId
        let task = Task { try await client.getWebhookUrl(partnerId: pid) }
        try await Task.sleep(nanoseconds: 200_000_000)
        XCTAssertEqual(try sandbox.requestCount(route: "get_webhook_url"), before + 1, "first attempt")
        let cancelled = DispatchTime.now().uptimeNanoseconds
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the cancelled call succeeded")
        } catch is CancellationError {
            XCTAssertLessThan(millis(since: cancelled), 250, "the Task ends promptly")
        }
        try await Task.sleep(nanoseconds: 2_000_000_000)  // longer than the back-off: a live call would retry
        XCTAssertEqual(try sandbox.requestCount(route: "get_webhook_url"), before + 1, "no attempt after the cancel")
        _ = try sandbox.clearFaults()
        let again = try await client.getWebhookUrl(partnerId: sb.partnerId)
        XCTAssertEqual(again.response.status, 200, "the client still works")
    }

    func testACallInAnAlreadyCancelledTaskSendsNothing() async throws {
        let client = try client()
        let before = try sandbox.requestCount(route: "get_webhook_url")
        let pid: String = sb.partnerId
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.getWebhookUrl(partnerId: pid)
        }
        do {
            _ = try await task.value
            XCTFail("succeeded")
        } catch is CancellationError {}
        XCTAssertEqual(try sandbox.requestCount(route: "get_webhook_url"), before)
    }

    func testManyCancelledCallsLeaveTheClientWorking() async throws {
        let client = try client()
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_headers", times: 200, delayMs: 2_000))
        let pid: String = sb.partnerId
        let tasks = (0..<50).map { _ in Task { try await client.getWebhookHeaders(partnerId: pid) } }
        try await Task.sleep(nanoseconds: 100_000_000)
        for t in tasks { t.cancel() }
        for t in tasks {
            do { _ = try await t.value; XCTFail("succeeded") } catch is CancellationError {}
        }
        _ = try sandbox.clearFaults()
        let got = try await client.getWebhookUrl(partnerId: sb.partnerId)
        XCTAssertEqual(got.response.status, 200)
    }

    func testTokenProviderImplementedInSwiftCalledFromRust() async throws {
        let provider = BackendTokens(info: sb)
        let client = try PartnerClient(settings: ClientSettings(baseUrl: sb.baseUrl), tokenProvider: provider)
        let pid: String = sb.partnerId
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { _ = try await client.getWebhookUrl(partnerId: pid) } }
            try await group.waitForAll()
        }
        XCTAssertEqual(provider.calls.all, [false], "one fetch")
        _ = try sandbox.revokeTokens()
        let again = try await client.getWebhookUrl(partnerId: sb.partnerId)
        XCTAssertEqual(again.response.attempts, 2, "refetched after 401")
        XCTAssertEqual(provider.calls.all, [false, true], "refresh flag")
    }

    func testATokenProviderThatThrowsFailsTheCallWithItsMessage() async throws {
        struct BackendDown: Error, CustomStringConvertible { var description: String { "backend down" } }
        final class Failing: TokenProvider, Sendable {
            let typed: Bool
            init(typed: Bool) { self.typed = typed }
            func token(refresh: Bool) throws -> Token {
                if typed { throw PartnerError.Runtime(reason: "backend down") }
                throw BackendDown()  // not a PartnerError: still an error, never a crash
            }
        }
        for typed in [true, false] {
            let client = try PartnerClient(settings: ClientSettings(baseUrl: sb.baseUrl), tokenProvider: Failing(typed: typed))
            do {
                _ = try await client.getWebhookUrl(partnerId: sb.partnerId)
                XCTFail("succeeded without a token")
            } catch let e as PartnerError {
                XCTAssertTrue(e.localizedDescription.contains("backend down"), e.localizedDescription)
            }
        }
        XCTAssertEqual(try sandbox.requestCount(route: "get_webhook_url"), 0, "nothing sent without a token")
    }

    func testManyConcurrentTasksShareTheOneRuntime() async throws {
        let client = try client()
        let pid: String = sb.partnerId
        let statuses = try await withThrowingTaskGroup(of: UInt16.self) { group in
            for _ in 0..<100 { group.addTask { try await client.getWebhookHeaders(partnerId: pid).response.status } }
            return try await group.reduce(into: [UInt16]()) { $0.append($1) }
        }
        XCTAssertEqual(statuses, [UInt16](repeating: 200, count: 100))
    }

    func testRuntimeThreadsAndFileDescriptorsReturnToTheirBaselineAfterFailingCalls() async throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/proc/self/task"), "counts threads and descriptors in /proc (Linux)")
        func runtimeThreads() -> Int {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.filter { ((try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8)) ?? "").hasPrefix("partner-webhook") }.count
        }
        func fds() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count }
        let failing = try client { $0.maxRetries = 0 }
        let refused = try PartnerClient(settings: ClientSettings(apiKey: "k", baseUrl: "http://127.0.0.1:1", maxRetries: 0))
        func failMany(_ c: PartnerClient, _ n: Int, _ kind: String) async {
            for _ in 0..<(n / 20) {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            do {
                                _ = try await c.getWebhookUrl(partnerId: "abcPA")
                                XCTFail("succeeded")
                            } catch let e as PartnerError {
                                XCTAssertEqual(caseName(e), kind)
                            } catch { XCTFail("\(error)") }
                        }
                    }
                }
            }
        }
        await failMany(refused, 20, "Connection")  // loads what the calls need
        let threads0 = runtimeThreads(), fds0 = fds()
        await failMany(refused, 400, "Connection")
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", times: 400, status: 503))
        await failMany(failing, 400, "Server")
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", times: 200, reset: true))
        await failMany(failing, 200, "Connection")
        var waited = 0
        while fds() > fds0 && waited < 100 { try await Task.sleep(nanoseconds: 50_000_000); waited += 1 }
        XCTAssertEqual(runtimeThreads(), threads0, "runtime threads")
        XCTAssertLessThanOrEqual(fds(), fds0, "file descriptors")
    }

    func testSignatureHelpersAndParseEvent() throws {
        let body = Data("{\"event\":\"channel_live\",\"data\":{\"id\":\"c1\"}}".utf8)
        let signature = sign(body: body, secret: "s")
        XCTAssertTrue(verifySignature(body: body, headerValue: "sha256=" + signature.uppercased(), secrets: ["old", "s"]))
        XCTAssertFalse(verifySignature(body: body, headerValue: signature, secrets: ["other"]))
        XCTAssertEqual(ioSignature(partnerId: "abcPA", secret: "s", unixSeconds: 1_775_653_748).count, 128)
        XCTAssertEqual(try parseEvent(body: body).channelId, "c1")
        let verifier = try WebhookVerifier(secrets: ["s"], requiredHeaders: [:])
        let event = try verifier.verify(headers: [Header(name: "x-360dialog-signature", value: signature)], body: body)
        XCTAssertTrue(event.signatureVerified)
        do {
            _ = try verifier.verify(headers: [Header(name: "x-360dialog-signature", value: sign(body: body, secret: "forged"))], body: body)
            XCTFail("a forged signature verified")
        } catch PartnerError.Verification(_, let kind, let httpStatus) {
            XCTAssertEqual(kind, "BadSignature")
            XCTAssertEqual(httpStatus, 401)
        }
    }

    func testTypedPayloadsSwitch() throws {
        func describe(_ e: Event) -> String {
            switch e.payload {
            case .channelLive(let data): return "live \(data.id ?? "-") \(data.setupInfo?.phoneNumber ?? "-")"
            case .templateStatusChanged(let data): return "template \(data.status ?? "-") \(data.rejectedReason ?? "-") \(data.category ?? "-")"
            case .accountRestriction(let data): return "restricted \(data.restrictions.map { $0.restrictionType ?? "-" })"
            case .unknown: return "unknown \(e.eventType) \(e.dataJson)"
            default: return "other \(e.knownType ?? "-")"
            }
        }
        let parse = { (s: String) in try parseEvent(body: Data(s.utf8)) }
        XCTAssertEqual(describe(try parse(#"{"event":"channel_live","data":{"id":"c1","setup_info":{"phone_number":"+49151"}}}"#)), "live c1 +49151")
        XCTAssertEqual(describe(try parse(#"{"event":"wabaTemplateStatusChanged","data":{"status":"rejected","rejected_reason":"INVALID_FORMAT","category":"UTILITY"}}"#)), "template rejected INVALID_FORMAT UTILITY")
        XCTAssertEqual(describe(try parse(#"{"event":"account_restriction","data":{"restrictions":[{"restriction_type":"SPAM_LIMIT"}]}}"#)), #"restricted ["SPAM_LIMIT"]"#)
        XCTAssertEqual(describe(try parse(#"{"event":"brand_new","data":{"a":1}}"#)), #"unknown brand_new {"a":1}"#)
        XCTAssertEqual(describe(try parse(#"{"event":"channel_created"}"#)), "other channel_created")
        // A field of the wrong type is left out of the record and kept in dataJson.
        guard case .channelLive(let data) = try parse(#"{"event":"channel_live","data":{"id":7,"status":"live"}}"#).payload else {
            return XCTFail("not channelLive")
        }
        XCTAssertNil(data.id)
        XCTAssertEqual(data.status, "live")
        // Codable: an event stored as JSON reads back equal.
        let event = try parse(#"{"event":"channel_live","data":{"id":"c1"}}"#)
        XCTAssertEqual(try JSONDecoder().decode(Event.self, from: JSONEncoder().encode(event)), event)
    }

    func testTheSandboxDeliversAndItsFaultsAreTyped() async throws {
        let client = try client { $0.maxRetries = 0 }
        for (status, kind) in [(429, "RateLimited"), (500, "Server"), (409, "Validation"), (404, "NotFound")] {
            try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", status: UInt16(status), retryAfter: "1"))
            do {
                _ = try await client.getWebhookUrl(partnerId: sb.partnerId)
                XCTFail("\(status) succeeded")
            } catch let e as PartnerError {
                XCTAssertEqual(caseName(e), kind, "\(status)")
                XCTAssertEqual(info(e)?.status, UInt16(status))
            }
        }
        try sandbox.injectFault(fault: FaultSpec(route: "get_webhook_url", status: 200, body: "{not json"))
        do { _ = try await client.getWebhookUrl(partnerId: sb.partnerId); XCTFail("malformed body accepted") } catch PartnerError.Decode {}
        XCTAssertThrowsError(try sandbox.emit(event: "channel_live", dataJson: "{not json")) { e in
            guard case PartnerError.InvalidInput(_, let field) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(field, "dataJson")
        }
    }
}
