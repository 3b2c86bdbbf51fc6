// swift-tools-version:5.9
// Swift Package Manager entry for apps: `.package(url: "https://github.com/partner-webhooks/partner-webhooks", from: "0.1.0")`.
// The binary target is the xcframework the release workflow builds
// (bindings/uniffi/swift/build-xcframework.sh, on macOS); that workflow
// writes its URL and checksum here when it tags a release. Not built or tested
// on the development machines (no Apple SDK there; Swift runs there on Linux only, `make test-swift`).
import PackageDescription

let package = Package(
    name: "PartnerWebhooks",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "PartnerWebhooks", targets: ["PartnerWebhooks"]),
    ],
    targets: [
        .binaryTarget(
            name: "PartnerWebhooksFFI",
            path: "target/apple/PartnerWebhooksFFI.xcframework"
        ),
        .target(name: "PartnerWebhooks", dependencies: ["PartnerWebhooksFFI"], path: "Sources/PartnerWebhooks"),
    ]
)
