// What the Swift tests share: JSON values, the repository's test data, the
// core's surface, the operation table the runners dispatch through, and the
// record of every secret a test used (the run's trace log must hold none).
import Foundation
import XCTest
@testable import PartnerWebhooks

/// A JSON value, decoded strictly (a number is never a Bool).
enum JSON: Decodable, Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    static func parse(_ data: Data) throws -> JSON { try JSONDecoder().decode(JSON.self, from: data) }
    static func parse(_ text: String) throws -> JSON { try parse(Data(text.utf8)) }

    subscript(key: String) -> JSON? {
        if case .object(let o) = self, let v = o[key], v != .null { return v }
        return nil
    }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var double: Double? { if case .number(let n) = self { return n }; return nil }
    var int: Int? { double.map { Int($0) } }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var array: [JSON]? { if case .array(let a) = self { return a }; return nil }
    var object: [String: JSON]? { if case .object(let o) = self { return o }; return nil }

    /// A string as it is, anything else as its JSON text.
    var text: String {
        switch self {
        case .string(let s): return s
        default: return description
        }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .string(let s):
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            return (try? encoder.encode(s)).flatMap { String(data: $0, encoding: .utf8) } ?? "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { "\(JSON.string($0)):\(o[$0]!)" }.joined(separator: ",") + "}"
        }
    }
}

/// The repository's test data (tests/scenarios, tests/vectors, tests/fixtures,
/// README.md): `PARTNER_WEBHOOKS_REPO`, set by `make test-swift`.
let repo = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PARTNER_WEBHOOKS_REPO"] ?? "../../..")

/// The `.json` files of a folder of the repository, sorted.
func jsonFiles(_ folder: String) throws -> [URL] {
    let dir = repo.appendingPathComponent(folder)
    return try FileManager.default.contentsOfDirectory(atPath: dir.path)
        .filter { $0.hasSuffix(".json") }.sorted().map { dir.appendingPathComponent($0) }
}

/// The core's surface (operations, settings, call options, error kinds) with
/// Swift spellings, as the library itself reports it.
let surface: JSON = try! JSON.parse(surfaceJson())

/// An operation's result: what every typed result carries.
typealias Call = @Sendable (PartnerClient, [JSON?], CallOptions?) async throws -> ResponseInfo

/// The client's method for each operation of the core's table, by its name:
/// Swift cannot call a method by name, so this is the one place a new
/// operation needs a line (the parity test fails until it has one, and a
/// method the binding lacks does not compile).
let operationTable: [String: Call] = [
    "get_webhook_url": { c, a, o in try await c.getWebhookUrl(partnerId: text(a[0]), options: o).response },
    "set_webhook_url": { c, a, o in
        try await c.setWebhookUrl(partnerId: text(a[0]), webhookUrl: text(a[1]), options: o).response
    },
    "get_webhook_headers": { c, a, o in try await c.getWebhookHeaders(partnerId: text(a[0]), options: o).response },
    "set_webhook_headers": { c, a, o in
        try await c.setWebhookHeaders(partnerId: text(a[0]), headers: stringMap(a[1]), options: o).response
    },
]

func text(_ v: JSON?) -> String { v?.text ?? "" }
func stringMap(_ v: JSON?) -> [String: String] { (v?.object ?? [:]).mapValues(\.text) }

/// The core's operations, as listed in the surface.
var operations: [JSON] { surface["operations"]?.array ?? [] }

/// The operations of the surface that `table` lacks.
func missingOperations(_ table: [String: Call]) -> [String] {
    operations.compactMap { $0["name"]?.string }.filter { table[$0] == nil }
}

/// The error's kind: the core's kind name for API errors, the verification
/// kind for a refused webhook, else the case's name.
func kindOf(_ e: PartnerError) -> String {
    switch e {
    case .Verification(_, let kind, _): return kind
    default: return info(e)?.kind ?? caseName(e)
    }
}

/// The case's name (Mirror reports the case of an enum with associated values).
func caseName(_ e: PartnerError) -> String { Mirror(reflecting: e).children.first?.label ?? "\(e)" }

/// The server's side of an API error.
func info(_ e: PartnerError) -> ErrorInfo? {
    guard let payload = Mirror(reflecting: e).children.first?.value else { return nil }
    return Mirror(reflecting: payload).children.first { $0.label == "info" }?.value as? ErrorInfo
}

/// Every secret the tests used; `make test-swift` checks that none reached the
/// SDK's trace log of the whole run (PARTNER_WEBHOOKS_LOG=trace on stderr).
final class UsedSecrets: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: Set<String> = ["never-issued-token", "not-the-password"]

    func add(_ more: String...) { add(more) }

    func add(_ more: [String]) {
        lock.lock()
        secrets.formUnion(more.filter { !$0.isEmpty })
        let all = secrets.sorted().joined(separator: "\n") + "\n"
        lock.unlock()
        if let path = ProcessInfo.processInfo.environment["PARTNER_WEBHOOKS_SECRETS_FILE"] {
            try? all.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}

let usedSecrets = UsedSecrets()

/// A thread-safe list (log records, provider calls).
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
    func clear() { lock.lock(); items.removeAll(); lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return items }
}

/// A logger that keeps what it gets.
final class Collect: PartnerLogger, @unchecked Sendable {
    let records = Locked<LogRecord>()
    func log(record: LogRecord) throws { records.append(record) }
}

/// Milliseconds since `start` (a monotonic clock).
func millis(since start: UInt64) -> Int { Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000) }

/// Runs `body` on every element, at most `lanes` at a time, and returns the results in order.
func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], lanes: Int, _ body: @escaping @Sendable (T) async -> R) async -> [R] {
    await withTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        func add() {
            let i = next, item = items[i]
            group.addTask { (i, await body(item)) }
            next += 1
        }
        while next < min(lanes, items.count) { add() }
        for await (i, r) in group {
            results[i] = r
            if next < items.count { add() }
        }
        return results.map { $0! }
    }
}

/// Starts a sandbox for one test and stops it after.
class SandboxTestCase: XCTestCase {
    var sandbox: Sandbox!
    var sb: SandboxInfo!

    override func setUpWithError() throws {
        sandbox = try Sandbox.start()
        sb = try sandbox.info()
        usedSecrets.add(sb.apiKey, sb.password, sb.platformSecret)
    }

    override func tearDownWithError() throws {
        try sandbox.stop()
    }

    /// A client with the sandbox's key; `configure` changes the settings first.
    func client(_ configure: (inout ClientSettings) -> Void = { _ in }) throws -> PartnerClient {
        var settings = ClientSettings(apiKey: sb.apiKey, baseUrl: sb.baseUrl)
        configure(&settings)
        return try PartnerClient(settings: settings)
    }
}
