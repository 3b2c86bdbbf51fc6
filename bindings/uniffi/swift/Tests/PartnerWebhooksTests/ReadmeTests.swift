// The Swift blocks of the README and of the site's Swift quickstart
// (docs/site/quickstart/swift.md) are the code the Swift app of `make
// test-swift` compiles and runs (bindings/uniffi/swift/Examples/App): each
// marked region of the app is in one of them, and each Swift block of them is
// one such region (after its import lines) or the Package.swift dependency line.
import Foundation
import XCTest

final class ReadmeTests: XCTestCase {
    func regions() throws -> [String: String] {
        let dir = repo.appendingPathComponent("bindings/uniffi/swift/Examples/App")
        var found: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".swift") {
            var current: (String, [Substring])? = nil
            for line in try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("// readme: ") {
                    current = (String(line.dropFirst("// readme: ".count)), [])
                } else if line == "// end readme", let (region, lines) = current {
                    found[region] = lines.joined(separator: "\n") + "\n"
                    current = nil
                } else if current != nil {
                    current!.1.append(line)
                }
            }
        }
        return found
    }

    func testTheReadmesSwiftBlocksAreTheAppsCode() throws {
        let readme = try ["README.md", "docs/site/quickstart/swift.md"].map {
            try String(contentsOf: repo.appendingPathComponent($0), encoding: .utf8)
        }.joined(separator: "\n")
        let regions = try regions()
        XCTAssertEqual(Set(regions.keys), ["swift-first-call", "swift-errors", "swift-receiver"])
        for (name, code) in regions {
            XCTAssertTrue(readme.contains(code), "the README lacks the app's \(name) code as it is in Examples/App")
        }
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```\n")[0] }
        XCTAssertGreaterThanOrEqual(blocks.count, 4)
        for block in blocks where !block.hasPrefix("// Package.swift") {
            let code = block.split(separator: "\n", omittingEmptySubsequences: false)
                .drop { $0.hasPrefix("import ") || $0.isEmpty }.joined(separator: "\n")
            XCTAssertTrue(regions.values.contains(code), "a Swift block of the README that the app does not compile:\n\(block)")
        }
    }
}
