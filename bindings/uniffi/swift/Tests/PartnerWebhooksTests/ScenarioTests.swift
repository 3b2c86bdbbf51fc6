// Every file of tests/scenarios, run unchanged, as in every other language
// (format: tests/scenarios/README.md). Calls go through `operationTable` by the
// core's operation name, with the step's keys named after its parameters.
import Foundation
import XCTest
@testable import PartnerWebhooks

/// A core field name (the scenarios use them) as the Swift binding spells it:
/// a setting's Swift name (`timeout` → `timeoutSeconds`), camelCase otherwise,
/// environment variable names as they are.
func swiftField(_ field: String) -> String {
    if field.allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) { return field }
    let head = field.split(separator: ".", maxSplits: 1).first.map(String.init) ?? field
    let rest = field.dropFirst(head.count)
    let settings = (surface["settings"]?.array ?? []) + (surface["call_options"]?.array ?? [])
    if let s = settings.first(where: { $0["name"]?.string == head }), let name = s["method_name"]?.string {
        return name + rest
    }
    let words = head.split(separator: "_")
    return (words.first.map(String.init) ?? "") + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + rest
}

private func subst(_ v: JSON?, _ sb: SandboxInfo) -> JSON? {
    switch v {
    case .string(let s)?:
        return .string(s.replacingOccurrences(of: "{partner_id}", with: sb.partnerId)
            .replacingOccurrences(of: "{other_partner_id}", with: sb.otherPartnerId)
            .replacingOccurrences(of: "{base_url}", with: sb.baseUrl)
            .replacingOccurrences(of: "{tls_base_url}", with: sb.baseUrl.replacingOccurrences(of: "http://", with: "https://")))
    case .object(let o)?:
        var out: [String: JSON] = [:]
        for (k, x) in o { out[subst(.string(k), sb)!.string!] = subst(x, sb) ?? .null }
        return .object(out)
    case .array(let a)?: return .array(a.map { subst($0, sb) ?? .null })
    default: return v
    }
}

private func subset(_ expected: JSON?, _ actual: JSON?, _ path: String, _ failures: inout [String]) {
    let actual = actual == .null ? nil : actual
    switch expected {
    case .string("$absent")?: if actual != nil { failures.append("\(path): expected absent, got \(actual!)") }
    case .string("$present")?: if actual == nil { failures.append("\(path): expected present") }
    case .object(let o)?:
        guard let a = actual, case .object = a else { failures.append("\(path): expected an object, got \(actual?.description ?? "nothing")"); return }
        for (k, x) in o { subset(x, a[k], "\(path).\(k)", &failures) }
    default:
        if expected != actual && !(expected == .null && actual == nil) {
            failures.append("\(path): expected \(expected?.description ?? "nothing"), got \(actual?.description ?? "nothing")")
        }
    }
}

private enum Outcome: Sendable {
    case ok(body: JSON?, attempts: Int)
    case failed(PartnerError)
}

private func checkError(_ want: [String: JSON], _ e: PartnerError, _ failures: inout [String]) {
    let i = info(e)
    for (key, value) in want {
        switch key {
        case "kind":
            if kindOf(e) != value.string { failures.append("error.kind: expected \(value), got \(kindOf(e)) (\(e.localizedDescription))") }
        case "status":
            let got: JSON = i?.status.map { .number(Double($0)) } ?? .null
            if got != value { failures.append("error.status: expected \(value), got \(got)") }
        case "trace_id":
            if (value == .bool(true) && i?.traceId == nil) || (value.string != nil && i?.traceId != value.string) {
                failures.append("error.trace_id: expected \(value), got \(i?.traceId ?? "nothing")")
            }
        case "developer_message":
            if value.string != i?.developerMessage { failures.append("error.developer_message: expected \(value), got \(i?.developerMessage ?? "nothing")") }
        case "field":
            var got: String? = nil
            if case .InvalidInput(_, let field) = e { got = field }
            let expected = value.string.map(swiftField)
            if expected != got { failures.append("error.field: expected \(expected ?? "nothing"), got \(got ?? "nothing")") }
        case "retry_after_ms":
            let got: JSON = i?.retryAfterSeconds.map { .number(($0 * 1000).rounded()) } ?? .null
            if got != value { failures.append("error.retry_after_ms: expected \(value), got \(got)") }
        case "details":
            subset(value, i?.detailsJson.flatMap { try? JSON.parse($0) }, "error.details", &failures)
        case "body_contains":
            if !(i?.body?.contains(value.text) ?? false) { failures.append("error.body: expected to contain \(value)") }
        default:
            failures.append("unknown error expectation \(key)")
        }
    }
}

private func clientFor(_ spec: JSON, _ sb: SandboxInfo) throws -> PartnerClient {
    var settings: ClientSettings
    switch spec["auth"]?.string ?? "api_key" {
    case "api_key": settings = ClientSettings(apiKey: sb.apiKey)
    case "wrong_api_key": settings = ClientSettings(apiKey: "definitely-not-the-key")
    case "password": settings = ClientSettings(username: sb.username, password: sb.password)
    case "wrong_password": settings = ClientSettings(username: sb.username, password: "not-the-password")
    case "invalid_bearer": settings = ClientSettings(bearerToken: "never-issued-token")
    case let other: throw XCTSkip("unknown auth \(other)")
    }
    settings.baseUrl = subst(spec["base_url"], sb)?.string ?? sb.baseUrl
    settings.timeoutSeconds = spec["timeout_ms"]?.double.map { $0 / 1000 }
    settings.maxRetries = spec["max_retries"]?.int.map(UInt32.init)
    return try PartnerClient(settings: settings)
}

private func fault(_ f: JSON) -> FaultSpec {
    FaultSpec(
        route: f["route"]?.string ?? "*",
        times: UInt32(f["times"]?.int ?? 1),
        status: f["status"]?.int.map(UInt16.init),
        retryAfter: f["retry_after"].map(\.text),
        delayMs: f["delay_ms"]?.int.map(UInt64.init),
        reset: f["reset"]?.bool ?? false,
        body: f["body"]?.string,
        trickleMs: f["trickle_ms"]?.int.map(UInt64.init),
        bodyBytes: f["body_bytes"]?.int.map(UInt64.init)
    )
}

private func call(_ client: PartnerClient, _ step: JSON, _ sb: SandboxInfo) async -> Outcome {
    let opts = step["options"]
    let options = CallOptions(
        timeoutSeconds: opts?["timeout_ms"]?.double.map { $0 / 1000 },
        maxRetries: opts?["max_retries"]?.int.map(UInt32.init)
    )
    let name = step["call"]?.string ?? ""
    guard let op = operations.first(where: { $0["name"]?.string == name }), let fn = operationTable[name] else {
        return .failed(.InvalidInput(reason: "no operation \(name) in the table", field: nil))
    }
    let args = (op["params"]?.array ?? []).map { subst(step[$0["name"]?.string ?? ""], sb) }
    do {
        let response = try await fn(client, args, options)
        return .ok(body: try? JSON.parse(response.bodyJson), attempts: Int(response.attempts))
    } catch let e as PartnerError {
        return .failed(e)
    } catch {
        return .failed(.Runtime(reason: "\(error)"))
    }
}

/// Runs one scenario file; the failures, empty when it passed.
private func runScenario(_ file: URL) async throws -> [String] {
    let scenario = try JSON.parse(Data(contentsOf: file))
    var failures: [String] = []
    let sandbox = try Sandbox.start()
    defer { try? sandbox.stop() }
    let sb = try sandbox.info()
    usedSecrets.add(sb.apiKey, sb.password)
    let client = try clientFor(scenario["client"] ?? .object([:]), sb)
    let routes = (surface["routes"]?.array ?? []).compactMap(\.string)
    for (i, step) in (scenario["steps"]?.array ?? []).enumerated() {
        switch step["sandbox"]?.string {
        case "revoke_tokens": _ = try sandbox.revokeTokens(); continue
        case "clear_faults": _ = try sandbox.clearFaults(); continue
        default: break
        }
        for f in step["faults"]?.array ?? [] { try sandbox.injectFault(fault: fault(subst(f, sb)!)) }
        let expect = subst(step["expect"], sb) ?? .object([:])
        let n = step["concurrency"]?.int ?? 1
        var before: [String: UInt64] = [:]
        for r in routes { before[r] = try sandbox.requestCount(route: r) }
        let tokensBefore = try sandbox.tokensIssued()
        let started = DispatchTime.now().uptimeNanoseconds
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for _ in 0..<n { group.addTask { await call(client, step, sb) } }
            var all: [Outcome] = []
            for await o in group { all.append(o) }
            return all
        }
        let elapsed = millis(since: started)
        var stepFailures: [String] = []
        for o in outcomes {
            let attempts: Int
            switch o {
            case .ok(_, let a): attempts = a
            case .failed(let e): attempts = Int(info(e)?.attempts ?? 0)
            }
            if let want = expect["attempts"], want != .number(Double(attempts)) {
                stepFailures.append("attempts: expected \(want), got \(attempts)")
            }
            switch (expect["ok"], o, expect["error"]) {
            case (let ok?, .ok(let body, _), _): subset(ok, body, "ok", &stepFailures)
            case (_?, .failed(let e), _): stepFailures.append("expected success, got \(caseName(e)): \(e.localizedDescription)")
            case (nil, .failed(let e), let want?): checkError(want.object ?? [:], e, &stepFailures)
            default: stepFailures.append("expected an error, got success")
            }
        }
        if let bounds = expect["elapsed_ms"] {
            if let min = bounds["min"]?.int, elapsed < min { stepFailures.append("elapsed \(elapsed) ms < min \(min)") }
            if let max = bounds["max"]?.int, elapsed > max { stepFailures.append("elapsed \(elapsed) ms > max \(max)") }
        }
        for (route, want) in expect["requests"]?.object ?? [:] {
            let got = try sandbox.requestCount(route: route) - (before[route] ?? 0)
            if want != .number(Double(got)) { stepFailures.append("requests.\(route): expected \(want), got \(got)") }
        }
        if let want = expect["tokens_issued"] {
            let got = try sandbox.tokensIssued() - tokensBefore
            if want != .number(Double(got)) { stepFailures.append("tokens_issued: expected \(want), got \(got)") }
        }
        var seen = Set<String>()
        failures += stepFailures.filter { seen.insert($0).inserted }.map { "step \(i + 1): \($0)" }
    }
    return failures
}

final class ScenarioTests: XCTestCase {
    func testEveryScenario() async throws {
        let files = try jsonFiles("tests/scenarios")
        XCTAssertGreaterThanOrEqual(files.count, 25, "too few scenarios")
        // A few at a time: all at once on two cores makes the timing bounds flaky.
        let results = await concurrentMap(files, lanes: 6) { file in
            do { return (file.lastPathComponent, try await runScenario(file)) } catch { return (file.lastPathComponent, ["crashed: \(error)"]) }
        }
        for (name, failures) in results {
            XCTAssert(failures.isEmpty, "scenario \(name): \(failures.joined(separator: "; "))")
        }
        print("scenarios: \(results.count) run, \(results.filter { $0.1.isEmpty }.count) passed")
    }
}
