// Every file of tests/vectors: a verifier, a request (headers, raw body) and
// the event or refusal it must give, as in every other language.
import Foundation
import XCTest
@testable import PartnerWebhooks

private func runVector(_ file: URL) throws -> [String] {
    let v = try JSON.parse(Data(contentsOf: file))
    let spec = v["verifier"] ?? .object([:])
    let verifier = try WebhookVerifier(
        secrets: (spec["secrets"]?.array ?? []).map(\.text),
        requiredHeaders: stringMap(spec["required_headers"]),
        maxBody: spec["max_body"]?.int.map(UInt64.init),
        requireSignature: spec["require_signature"]?.bool
    )
    let request = v["request"] ?? .object([:])
    let body = request["body"]?.string.map { Data($0.utf8) } ?? Data(base64Encoded: request["body_base64"]?.string ?? "") ?? Data()
    let headers = (request["headers"]?.array ?? []).map { Header(name: $0.array?[0].text ?? "", value: $0.array?[1].text ?? "") }
    let expect = v["expect"]?.object ?? [:]
    var failures: [String] = []
    if let want = expect["error"] {
        do {
            _ = try verifier.verify(headers: headers, body: body)
            failures.append("expected \(want)")
        } catch PartnerError.Verification(_, let kind, let httpStatus) {
            if .string(kind) != want { failures.append("kind: expected \(want), got \(kind)") }
            if expect["http_status"] != .number(Double(httpStatus)) { failures.append("http_status: expected \(expect["http_status"] ?? .null), got \(httpStatus)") }
        }
    } else {
        let e = try verifier.verify(headers: headers, body: body)
        let s = { (v: String?) -> JSON in v.map(JSON.string) ?? .null }
        let actual: [String: JSON] = [
            "event_type": .string(e.eventType), "known_type": s(e.knownType), "id": s(e.id), "channel_id": s(e.channelId),
            "client_id": s(e.clientId), "phone_number": s(e.phoneNumber), "phone_name": s(e.phoneName),
            "status": s(e.status), "signature_verified": .bool(e.signatureVerified),
        ]
        for (k, want) in expect where actual[k] != want {
            failures.append("\(k): expected \(want), got \(actual[k]?.description ?? "no such field")")
        }
    }
    return failures
}

final class VectorTests: XCTestCase {
    func testEveryVector() throws {
        let files = try jsonFiles("tests/vectors")
        XCTAssertGreaterThanOrEqual(files.count, 40, "too few vectors")
        for file in files {
            let failures: [String]
            do { failures = try runVector(file) } catch { failures = ["threw \(error)"] }
            XCTAssert(failures.isEmpty, "vector \(file.lastPathComponent): \(failures.joined(separator: "; "))")
        }
        print("vectors: \(files.count) run")
    }
}

final class DeliveryLogTests: XCTestCase {
    /// tests/fixtures/deliveries.jsonl: three deliveries, then one replayed with a wrong signature.
    func testAnExportedDeliveryLogReplaysAsFixtures() throws {
        let text = try String(contentsOf: repo.appendingPathComponent("tests/fixtures/deliveries.jsonl"), encoding: .utf8)
        let log = try parseDeliveryLog(text: text)
        XCTAssertEqual(log.map(\.event), ["channel_live", "waba_template_status_changed", "client_created", "channel_live"])
        XCTAssertEqual(log[0].headerNames, ["X-Partner-Auth"])
        let verifier = try WebhookVerifier(
            secrets: ["fixture-platform-secret"], requiredHeaders: ["X-Partner-Auth": "fixture-header-value"])
        let verdicts: [String] = log.map { d in
            do {
                let headers = d.headers + [Header(name: "X-Partner-Auth", value: "fixture-header-value")]
                return try verifier.verify(headers: headers, body: Data(d.body.utf8)).eventType
            } catch PartnerError.Verification(_, _, let httpStatus) {
                return String(httpStatus)
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(verdicts, ["channel_live", "waba_template_status_changed", "client_created", "401"])
        XCTAssertThrowsError(try parseDeliveryLog(text: "{\"id\": 1}\n"))
    }
}
