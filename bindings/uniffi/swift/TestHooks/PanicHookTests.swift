// The test hook of the `test-hooks` build (`make test-swift` adds this file;
// the shipped package has neither the hook nor this test): a panic inside a
// runtime call is PartnerError.Runtime, never a crash, and calls go on.
import XCTest
@testable import PartnerWebhooks

final class PanicHookTests: SandboxTestCase {
    func testAPanicOnTheRuntimeIsARuntimeErrorAndLaterCallsWork() async throws {
        for _ in 0..<3 {
            do {
                try await panicInRuntimeForTests()
                XCTFail("no error")
            } catch PartnerError.Runtime(let reason) {
                XCTAssertTrue(reason.contains("forced by the test hook"), reason)
            }
        }
        let later = try await client().getWebhookUrl(partnerId: sb.partnerId)
        XCTAssertEqual(later.response.status, 200)
    }
}
