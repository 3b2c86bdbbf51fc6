// No secret in any text form: `description`, `debugDescription`,
// `String(describing:)`, `String(reflecting:)`, `dump()` and, for errors,
// `localizedDescription`, of every record, object and error that holds one.
// Equality and hashing still compare every field.
import Foundation
import XCTest
@testable import PartnerWebhooks

/// Every text form Swift gives `value`.
func textForms(_ value: Any) -> String {
    var dumped = ""
    dump(value, to: &dumped)
    var all = [String(describing: value), String(reflecting: value), dumped, "\(value)"]
    if let v = value as? CustomStringConvertible { all.append(v.description) }
    if let v = value as? CustomDebugStringConvertible { all.append(v.debugDescription) }
    if let e = value as? Error { all.append(e.localizedDescription) }
    return all.joined(separator: "\n")
}

final class SecretTests: SandboxTestCase {
    /// Fails for each secret that shows in a text form of `value`, and when
    /// `shown` (something that is not secret) does not.
    func assertRedacted(_ value: Any, _ secrets: [String], shows shown: String, file: StaticString = #filePath, line: UInt = #line) {
        usedSecrets.add(secrets)
        let text = textForms(value)
        for s in secrets { XCTAssertFalse(text.contains(s), "\(type(of: value)) shows \(s): \(text)", file: file, line: line) }
        XCTAssertTrue(text.contains(shown), "\(type(of: value)) does not show \(shown): \(text)", file: file, line: line)
    }

    let headerInfo = ResponseInfo(status: 200, headers: ["set-cookie": "ck-secret-r1"], traceId: "t-1", attempts: 1,
                                  bodyJson: #"{"webhook_headers":{"X-A":"hdr-secret-r2"}}"#)

    func testClientSettings() {
        let s = ClientSettings(apiKey: "KEY-s1", bearerToken: "TOKEN-s2", username: "alice", password: "PW-s3",
                               baseUrl: "https://bob:URLPW-s4@hub.example", proxy: "http://user:PROXY-s5@proxy.example:3128")
        assertRedacted(s, ["KEY-s1", "TOKEN-s2", "PW-s3", "URLPW-s4", "PROXY-s5"], shows: "proxy.example")
        XCTAssertEqual(s, ClientSettings(apiKey: "KEY-s1", bearerToken: "TOKEN-s2", username: "alice", password: "PW-s3",
                                         baseUrl: "https://bob:URLPW-s4@hub.example", proxy: "http://user:PROXY-s5@proxy.example:3128"))
        XCTAssertNotEqual(s, ClientSettings(apiKey: "KEY-other"), "equality compares the secrets")
        XCTAssertEqual(Set([s, s]).count, 1, "hashable")
    }

    func testResultsAndTheirResponseInfo() {
        let secrets = ["ck-secret-r1", "hdr-secret-r2"]
        assertRedacted(headerInfo, secrets, shows: "set-cookie")
        assertRedacted(WebhookUrl(webhookUrl: "https://example.com/h", response: headerInfo), secrets, shows: "https://example.com/h")
        assertRedacted(WebhookHeadersResult(webhookHeaders: ["X-A": "hdr-secret-r2"], response: headerInfo), secrets, shows: "X-A")
        let partner = Partner(id: "abcPA", brandName: nil, webhookUrl: nil, partnerRedirectUrl: nil, country: nil, logoUrl: nil,
                              allowClientToAddPhoneNo: nil, webhookHeaders: ["X-A": "hdr-secret-r2"], response: headerInfo)
        assertRedacted(partner, secrets, shows: "abcPA")
        XCTAssertNotEqual(partner, Partner(id: "abcPA", brandName: nil, webhookUrl: nil, partnerRedirectUrl: nil, country: nil, logoUrl: nil,
                                           allowClientToAddPhoneNo: nil, webhookHeaders: ["X-A": "other"], response: headerInfo))
    }

    func testErrorsAndErrorInfo() {
        let info = ErrorInfo(kind: "Authentication", status: 401, traceId: "trace-e1", developerMessage: "bad key", detailsJson: #"{"k":"det-secret-e2"}"#,
                             body: #"{"echo":"body-secret-e3"}"#, retryAfterSeconds: nil, attempts: 1, headers: ["www-authenticate": "hdr-secret-e4"])
        let secrets = ["det-secret-e2", "body-secret-e3", "hdr-secret-e4"]
        assertRedacted(info, secrets, shows: "trace-e1")
        assertRedacted(PartnerError.Authentication(reason: "the API key was refused", info: info), secrets, shows: "the API key was refused")
        assertRedacted(PartnerError.Unknown(reason: "new", info: info), secrets, shows: "new")
    }

    func testTokenSandboxInfoAndHeader() throws {
        assertRedacted(Token(accessToken: "ACCESS-t1", expiresInSeconds: 60), ["ACCESS-t1"], shows: "60")
        assertRedacted(sb!, [sb.apiKey, sb.password, sb.platformSecret], shows: sb.baseUrl)
        assertRedacted(Header(name: "X-Partner-Auth", value: "HDR-h1"), ["HDR-h1"], shows: "X-Partner-Auth")
        XCTAssertNotEqual(Header(name: "a", value: "1"), Header(name: "a", value: "2"))
    }

    func testObjects() throws {
        let client = try PartnerClient(settings: ClientSettings(apiKey: "KEY-o1", baseUrl: sb.baseUrl, proxy: "http://u:PROXY-o2@127.0.0.1:9"))
        assertRedacted(client, ["KEY-o1", "PROXY-o2"], shows: sb.baseUrl)
        let pwd = try PartnerClient(settings: ClientSettings(username: "alice", password: "PW-o3", baseUrl: sb.baseUrl))
        assertRedacted(pwd, ["PW-o3"], shows: sb.baseUrl)
        let verifier = try WebhookVerifier(secrets: ["PLATFORM-o4"], requiredHeaders: ["X-Partner-Auth": "HDR-o5"])
        assertRedacted(verifier, ["PLATFORM-o4", "HDR-o5"], shows: "x-partner-auth")
        assertRedacted(sandbox!, [sb.apiKey, sb.password, sb.platformSecret], shows: sb.baseUrl)
    }

    func testErrorsOfRealCallsAndTheirMessages() async throws {
        var texts: [String] = []
        let calls: [() async throws -> Void] = [
            { _ = try await PartnerClient(settings: ClientSettings(username: self.sb.username, password: "PW-c1", baseUrl: self.sb.baseUrl)).getWebhookUrl(partnerId: self.sb.partnerId) },
            { _ = try await PartnerClient(settings: ClientSettings(bearerToken: "TOKEN-c2", baseUrl: self.sb.baseUrl)).getWebhookUrl(partnerId: self.sb.partnerId) },
            { _ = try await self.client().setWebhookHeaders(partnerId: self.sb.partnerId, headers: ["X-A": "HDR-c3\r\n"]) },
            { _ = try PartnerClient(settings: ClientSettings(apiKey: "KEY-c4\n")) },
        ]
        for call in calls {
            do {
                try await call()
                XCTFail("no error")
            } catch {
                texts.append(textForms(error))
            }
        }
        usedSecrets.add("PW-c1", "TOKEN-c2", "HDR-c3", "KEY-c4")
        for secret in ["PW-c1", "TOKEN-c2", "HDR-c3", "KEY-c4", sb.apiKey] {
            XCTAssertFalse(texts.joined().contains(secret), "\(secret) in an error's text")
        }
    }
}
