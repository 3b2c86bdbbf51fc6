// Parity with the core's surface (`surfaceJson()`): a missing operation,
// setting, call option or error kind fails here, as in the Kotlin, Python and
// Node tests. Swift has no reflection of methods, so operations go through
// `operationTable`; settings are set by name through the records' Codable
// conformance; error cases are decoded by name.
import Foundation
import XCTest
@testable import PartnerWebhooks

final class FixedToken: TokenProvider, Sendable {
    func token(refresh: Bool) throws -> Token { Token(accessToken: "t", expiresInSeconds: nil) }
}

final class ParityTests: SandboxTestCase {
    var settings: [JSON] { surface["settings"]?.array ?? [] }

    func testEveryOperationOfTheCoreIsAMethod() {
        XCTAssertGreaterThanOrEqual(operations.count, 4, "too few operations")
        XCTAssertEqual(missingOperations(operationTable), [])
    }

    func testTheCheckFailsForATableWithoutTheMethods() {
        XCTAssertEqual(missingOperations([:]).count, operations.count)
    }

    func testEveryMethodSendsItsOwnOperation() async throws {
        let client = try client()
        for op in operations {
            let name = op["name"]?.string ?? ""
            let args: [JSON?] = (op["params"]?.array ?? []).map { p in
                switch (p["name"]?.string, p["kind"]?.string) {
                case ("partner_id"?, _): return .string(sb.partnerId)
                case (_, "url"?): return .string("https://hooks.example.com/parity")
                case (_, "header_map"?): return .object(["X-Parity": .string("1")])
                default: return .string("text")
                }
            }
            let before = try sandbox.requestCount(route: name)
            let fn = try XCTUnwrap(operationTable[name], "no method for \(name)")
            _ = try await fn(client, args, CallOptions(timeoutSeconds: 5, maxRetries: 1, attemptTimeoutSeconds: 5))
            XCTAssertEqual(try sandbox.requestCount(route: name), before + 1, "requests to \(name)")
        }
    }

    /// A non-default value per setting kind (durations in seconds, as Swift takes them).
    func sample(_ kind: String) -> Any {
        switch kind {
        case "secret": return "s3cret-value"
        case "text": return "someone@example.com"
        case "url": return "http://127.0.0.1:9"
        case "duration": return 7.5
        case "count": return 7
        case "flag": return true
        case "path": return repo.appendingPathComponent("tests/fixtures/tls/ca.pem").path
        default: return "?"
        }
    }

    func testEverySettingIsAFieldOfClientSettingsAndReachesTheCore() throws {
        XCTAssertGreaterThanOrEqual(settings.count, 10, "too few settings")
        for s in settings {
            let name = s["method_name"]?.string ?? "", kind = s["kind"]?.string ?? ""
            let key = s["summary_key"]?.string ?? ""
            let client: PartnerClient
            if kind == "callback" {
                client = try PartnerClient(settings: ClientSettings(), tokenProvider: FixedToken())
            } else {
                var fields: [String: Any] = [name: sample(kind)]
                switch s["name"]?.string {
                case "username": fields["password"] = "pw"
                case "password": fields["username"] = "someone"
                default: if key != "auth" { fields["apiKey"] = "k" }
                }
                let json = try JSONSerialization.data(withJSONObject: fields)
                client = try PartnerClient(settings: JSONDecoder().decode(ClientSettings.self, from: json))
            }
            let config = try JSON.parse(client.configJson())
            let expected: JSON
            switch (key, kind) {
            case ("auth", _): expected = .string(["username", "password"].contains(s["name"]?.string ?? "") ? "password" : s["name"]?.string ?? "")
            case (_, "count"): expected = .number(7)
            case (_, "duration"): expected = .number(7.5)
            case (_, "flag"): expected = .bool(true)
            default: expected = .string(sample(kind) as? String ?? "")
            }
            XCTAssertEqual(config[key], expected, "\(name) did not reach the core: \(config)")
        }
    }

    func testThePerCallOptionsAreTheCores() {
        let want = (surface["call_options"]?.array ?? []).compactMap { $0["method_name"]?.string }
        XCTAssertEqual(Mirror(reflecting: CallOptions()).children.compactMap(\.label), want)
    }

    func testPartnerErrorHasACasePerErrorKindOfTheCoreAndUnknown() throws {
        let kinds = (surface["error_kinds"]?.array ?? []).compactMap(\.string) + ["Unknown"]
        XCTAssertGreaterThanOrEqual(kinds.count, 14)
        // Every field any case has: decoding takes the ones of the named case.
        let fields = #"{"reason":"r","field":null,"kind":"k","httpStatus":400,"info":{"kind":"k","attempts":0,"headers":{}}}"#
        for kind in kinds {
            let e = try JSONDecoder().decode(PartnerError.self, from: Data(#"{"\#(kind)":\#(fields)}"#.utf8))
            XCTAssertEqual(caseName(e), kind)
        }
        XCTAssertThrowsError(try JSONDecoder().decode(PartnerError.self, from: Data(#"{"NoSuchKind":\#(fields)}"#.utf8)))
    }
}
