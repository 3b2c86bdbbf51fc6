// Hand-written beside the generated PartnerWebhooks.swift (the package and the
// xcframework build copy both): the SDK's errors as Foundation errors.
import Foundation

/// The `reason` every case of the SDK's errors carries (their one-line message).
private func reason(of error: Any) -> String? {
    guard let payload = Mirror(reflecting: error).children.first?.value else { return nil }
    if let single = payload as? String { return single }
    return Mirror(reflecting: payload).children.first { $0.label == "reason" }?.value as? String
}

/// `error.localizedDescription` is the error's message:
///
/// ```swift
/// do {
///     _ = try await client.getWebhookUrl(partnerId: "nopePA")
/// } catch let error as PartnerError {
///     print(error.localizedDescription)  // "no partner with this id (HTTP 404)"
/// }
/// ```
extension PartnerError: LocalizedError {
    public var errorDescription: String? { reason(of: self) }
}

/// `error.localizedDescription` is why the logger failed.
extension LoggerError: LocalizedError {
    public var errorDescription: String? { reason(of: self) }
}
