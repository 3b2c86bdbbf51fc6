// swift-tools-version:5.9
// Swift package for partner-webhooks. `make swift-package` assembles it under
// target/swift/PartnerWebhooks with the generated sources, header and modulemap;
// link it against libpartner_webhooks_uniffi (see build-xcframework.sh for Apple platforms).
import PackageDescription

let package = Package(
    name: "PartnerWebhooks",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "PartnerWebhooks", targets: ["PartnerWebhooks"]),
    ],
    targets: [
        .target(name: "PartnerWebhooksFFI", path: "Sources/PartnerWebhooksFFI"),
        .target(name: "PartnerWebhooks", dependencies: ["PartnerWebhooksFFI"], path: "Sources/PartnerWebhooks"),
        .testTarget(name: "PartnerWebhooksTests", dependencies: ["PartnerWebhooks"], path: "Tests/PartnerWebhooksTests"),
    ]
)
