// What surrounds the calls: setLogger, response and error headers, TLS trust
// (caBundle) against an HTTPS server with the test CA's certificate, the proxy
// option through a local CONNECT proxy, and the bad-input sweep (every
// ClientSettings field, method argument and call option refused as an
// InvalidInput naming the Swift parameter, with nothing sent).
import Foundation
import XCTest
@testable import PartnerWebhooks

final class EcosystemTests: SandboxTestCase {
    override func tearDownWithError() throws {
        setLogger(logger: nil, level: .trace)
        try super.tearDownWithError()
    }

    func testSetLoggerRetryWarningsAndDebugLinesWithFieldsNilStopsThem() async throws {
        let client = try client()
        let logger = Collect()
        setLogger(logger: logger, level: .warn)
        try sandbox.injectFault(fault: FaultSpec(route: "*", times: 1, status: 503))
        _ = try await client.getWebhookUrl(partnerId: sb.partnerId)
        let warn = logger.records.all.filter { $0.level == .warn }
        XCTAssertEqual(warn.map(\.message), ["retrying"])
        XCTAssertEqual(warn.first?.fields["operation"], "get_webhook_url")
        XCTAssertEqual(warn.first?.fields["status"], "503")
        XCTAssertEqual(warn.first?.fields["attempt"], "1")
        XCTAssertEqual(logger.records.all.filter { $0.level == .debug }.count, 0, "no debug at warn")

        setLogger(logger: logger, level: .debug)
        logger.records.clear()
        _ = try await client.getWebhookUrl(partnerId: sb.partnerId)
        XCTAssertEqual(logger.records.all.map(\.message), ["request", "response"])
        XCTAssertEqual(logger.records.all.last?.fields["status"], "200")

        // Every record of calls with a key, a password and a token refresh: no secret in any.
        setLogger(logger: logger, level: .trace)
        let pwd = try PartnerClient(settings: ClientSettings(username: sb.username, password: sb.password, baseUrl: sb.baseUrl))
        usedSecrets.add("hdr-secret-swift-5")
        _ = try await client.setWebhookHeaders(partnerId: sb.partnerId, headers: ["X-A": "hdr-secret-swift-5"])
        _ = try await pwd.getWebhookHeaders(partnerId: sb.partnerId)
        _ = try sandbox.revokeTokens()
        _ = try await pwd.getWebhookUrl(partnerId: sb.partnerId)
        let text = logger.records.all.map { "\($0.message) \($0.target) \($0.fields) \($0)" }.joined(separator: "\n")
        XCTAssertTrue(text.contains("response"), "no records captured")
        for secret in [sb.apiKey, sb.password, "hdr-secret-swift-5"] {
            XCTAssertFalse(text.contains(secret), "a secret reached a log record")
        }

        setLogger(logger: nil, level: .trace)
        logger.records.clear()
        _ = try await client.getWebhookUrl(partnerId: sb.partnerId)
        XCTAssertEqual(logger.records.all.count, 0, "records after setLogger(nil)")
    }

    func testALoggerThatThrowsLosesTheRecordNotTheCall() async throws {
        struct LoggerDown: Error {}
        final class Throwing: PartnerLogger, Sendable {
            func log(record: LogRecord) throws { throw LoggerDown() }
        }
        setLogger(logger: Throwing(), level: .trace)
        let got = try await client().getWebhookUrl(partnerId: sb.partnerId)
        XCTAssertEqual(got.response.status, 200)
    }

    func testResponseHeadersAndErrorHeaders() async throws {
        let client = try client()
        let got = try await client.getWebhookUrl(partnerId: sb.partnerId)
        XCTAssertTrue(got.response.headers["content-type"]?.hasPrefix("application/json") ?? false, "\(got.response.headers)")
        XCTAssertTrue(got.response.headers.values.contains(got.response.traceId ?? "-"), "the trace id is among the headers")
        try sandbox.injectFault(fault: FaultSpec(route: "*", status: 409))
        do {
            _ = try await client.getWebhookUrl(partnerId: sb.partnerId)
            XCTFail("no error")
        } catch PartnerError.Validation(_, let info) {
            XCTAssertEqual(info.status, 409)
            XCTAssertTrue(info.headers["content-type"]?.hasPrefix("application/json") ?? false, "\(info.headers)")
        }
    }

    func testTLSAnUnknownCAIsRefusedTrustedWithCaBundleAndReachedThroughAProxy() async throws {
        let fixtures = repo.appendingPathComponent("tests/fixtures/tls")
        let ca = fixtures.appendingPathComponent("ca.pem").path
        let server = try TLSServer(fixtures: fixtures)
        defer { server.stop() }
        let base = "https://127.0.0.1:\(server.port)"
        do {
            _ = try await PartnerClient(settings: ClientSettings(apiKey: "k", baseUrl: base, maxRetries: 0)).getWebhookUrl(partnerId: "abcPA")
            XCTFail("a server from an unknown CA was trusted")
        } catch PartnerError.Connection {}
        let got = try await PartnerClient(settings: ClientSettings(apiKey: "k", baseUrl: base, caBundle: ca)).getWebhookUrl(partnerId: "abcPA")
        XCTAssertEqual(got.webhookUrl, "https://example.com/events")
        XCTAssertEqual(got.response.headers["x-request-id"], "swift-tls-1")

        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        usedSecrets.add("proxy-pw-5w1f7")
        let viaProxy = try PartnerClient(settings: ClientSettings(apiKey: "k", baseUrl: base, caBundle: ca, proxy: "http://alice:proxy-pw-5w1f7@127.0.0.1:\(proxy.port)"))
        let proxied = try await viaProxy.getWebhookUrl(partnerId: "abcPA")
        XCTAssertEqual(proxied.response.status, 200, "through the proxy")
        XCTAssertEqual(proxy.tunnels, ["127.0.0.1:\(server.port)"])
        XCTAssertEqual(proxy.authorizations.first ?? nil, "Basic " + Data("alice:proxy-pw-5w1f7".utf8).base64EncodedString())
        let shown = viaProxy.describe() + viaProxy.configJson() + "\(viaProxy)" + String(reflecting: viaProxy)
        XCTAssertFalse(shown.contains("proxy-pw-5w1f7"), "the proxy password shows")
    }

    /// `block` must fail with InvalidInput naming `field` (the Swift parameter).
    func expectInvalid(_ field: String, _ what: String, file: StaticString = #filePath, line: UInt = #line,
                       _ block: () async throws -> Void) async {
        do {
            try await block()
            XCTFail("\(what): accepted", file: file, line: line)
        } catch PartnerError.InvalidInput(let reason, let got) {
            let head = got?.split(separator: ".").first.map(String.init)
            XCTAssert(head == field || got == "credentials", "\(what): field \(got ?? "none") (\(reason))", file: file, line: line)
            if field.hasSuffix("Seconds") {
                XCTAssert(reason.contains("seconds"), "\(what): not in seconds: \(reason)", file: file, line: line)
            }
        } catch {
            XCTFail("\(what): \(error)", file: file, line: line)
        }
    }

    func testBadInputEverySettingArgumentAndOptionRefusedByItsSwiftNameNothingSent() async throws {
        let seconds: [Double] = [-1, 0, -0.5, .nan, .infinity, -.infinity, 86_401, 1e300]
        var settings: [(String, ClientSettings)] = []
        settings += ["", "   ", "ключ", "a\r\nb"].map { ("apiKey", ClientSettings(apiKey: $0)) }
        settings += ["", "tök", "a\nb"].map { ("bearerToken", ClientSettings(bearerToken: $0)) }
        settings += ["", " "].map { ("username", ClientSettings(username: $0, password: "pw-1")) }
        settings += ["", "a\nb"].map { ("password", ClientSettings(username: "u", password: $0)) }
        settings += ["", "hub.360dialog.io", "ftp://hub.360dialog.io", "http://example.com", "https://", "https://hüb.example:99999"]
            .map { ("baseUrl", ClientSettings(apiKey: "k", baseUrl: $0)) }
        settings += seconds.map { ("timeoutSeconds", ClientSettings(apiKey: "k", timeoutSeconds: $0)) }
        settings += seconds.map { ("attemptTimeoutSeconds", ClientSettings(apiKey: "k", attemptTimeoutSeconds: $0)) }
        settings += seconds.map { ("connectTimeoutSeconds", ClientSettings(apiKey: "k", connectTimeoutSeconds: $0)) }
        settings += [11, UInt32.max].map { ("maxRetries", ClientSettings(apiKey: "k", maxRetries: $0)) }
        settings += [0, 10_001, UInt32.max].map { ("maxConnections", ClientSettings(apiKey: "k", maxConnections: $0)) }
        settings += ["", "/nonexistent/ca.pem", "/nonexistent/çå.pem", repo.appendingPathComponent("README.md").path]
            .map { ("caBundle", ClientSettings(apiKey: "k", caBundle: $0)) }
        settings += ["", "proxy:3128", "socks5://h:1080", "ftp://h", "http://", "not a url"].map { ("proxy", ClientSettings(apiKey: "k", proxy: $0)) }
        let names = Set((surface["settings"]?.array ?? []).filter { !["callback", "flag"].contains($0["kind"]?.string ?? "") }.compactMap { $0["method_name"]?.string })
        XCTAssertEqual(Set(settings.map(\.0)), names, "swept settings")
        for (field, s) in settings {
            await expectInvalid(field, "\(field) in \(s)") { _ = try PartnerClient(settings: s) }
        }

        let client = try client()
        let routes = ["get_webhook_url", "set_webhook_url", "get_webhook_headers", "set_webhook_headers"]
        let before = try routes.map { try sandbox.requestCount(route: $0) }.reduce(0, +)
        for id in ["", " ", String(repeating: "x", count: 10_000), "a\nb"] {
            await expectInvalid("partnerId", "getWebhookUrl") { _ = try await client.getWebhookUrl(partnerId: id) }
            await expectInvalid("partnerId", "setWebhookUrl") { _ = try await client.setWebhookUrl(partnerId: id, webhookUrl: "https://example.com/h") }
            await expectInvalid("partnerId", "getWebhookHeaders") { _ = try await client.getWebhookHeaders(partnerId: id) }
            await expectInvalid("partnerId", "setWebhookHeaders") { _ = try await client.setWebhookHeaders(partnerId: id, headers: ["X-A": "b"]) }
        }
        for url in ["", "not a url", "ftp://example.com", "http://example.com/hook", "https://", "https://exa mple.com"] {
            await expectInvalid("webhookUrl", "setWebhookUrl(\(url))") { _ = try await client.setWebhookUrl(partnerId: self.sb.partnerId, webhookUrl: url) }
        }
        for h in [["bad name": "v"], ["X-A": "a\r\nb"], ["": "v"], ["X-Ä": "v"]] {
            await expectInvalid("webhookHeaders", "setWebhookHeaders(\(h.keys))") { _ = try await client.setWebhookHeaders(partnerId: self.sb.partnerId, headers: h) }
        }
        var options: [(String, CallOptions)] = []
        options += seconds.map { ("timeoutSeconds", CallOptions(timeoutSeconds: $0)) }
        options += seconds.map { ("attemptTimeoutSeconds", CallOptions(attemptTimeoutSeconds: $0)) }
        options += [11, UInt32.max].map { ("maxRetries", CallOptions(maxRetries: $0)) }
        for (field, o) in options {
            await expectInvalid(field, "\(field) in \(o)") { _ = try await client.getWebhookUrl(partnerId: self.sb.partnerId, options: o) }
        }
        // Receiving: the verifier's arguments.
        await expectInvalid("secrets", "empty secret") { _ = try WebhookVerifier(secrets: [""], requiredHeaders: [:]) }
        await expectInvalid("secrets", "no secret and no header") { _ = try WebhookVerifier(secrets: [], requiredHeaders: [:]) }
        await expectInvalid("requiredHeaders", "bad header name") { _ = try WebhookVerifier(secrets: ["s"], requiredHeaders: ["bad name": "v"]) }
        await expectInvalid("maxBody", "zero max body") { _ = try WebhookVerifier(secrets: ["s"], requiredHeaders: [:], maxBody: 0) }
        await expectInvalid("requireSignature", "signature without a secret") {
            _ = try WebhookVerifier(secrets: [], requiredHeaders: ["X-A": "v"], requireSignature: true)
        }
        let after = try routes.map { try sandbox.requestCount(route: $0) }.reduce(0, +)
        XCTAssertEqual(after, before, "requests sent by refused calls")
    }
}
