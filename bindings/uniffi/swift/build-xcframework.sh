#!/usr/bin/env bash
# Builds PartnerWebhooksFFI.xcframework for Apple platforms, without the
# sandbox (the app-side library), and the Swift source that goes with it; the
# root Package.swift's binary target points at the zip. Run on macOS with Xcode
# and rustup: the release workflow does; the development machines cannot (no
# Apple SDK; Swift itself runs here on Linux only, `make test-swift`).
#   rustup target add aarch64-apple-darwin x86_64-apple-darwin aarch64-apple-ios aarch64-apple-ios-sim
#   bindings/uniffi/swift/build-xcframework.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=target/apple
rm -rf "$OUT" && mkdir -p "$OUT/headers"
# Each library kind in its own rustc run, never beside the rlib (it would carry
# code the rlib exports: bindings/uniffi/Cargo.toml). macOS: the static library
# and the dylib uniffi-bindgen reads; iOS: the static library, size-optimized.
for t in aarch64-apple-darwin x86_64-apple-darwin; do
  cargo rustc --locked --release -p partner-webhooks-uniffi --lib --crate-type staticlib,cdylib --no-default-features --target "$t"
done
for t in aarch64-apple-ios aarch64-apple-ios-sim; do
  cargo rustc --locked --profile mobile -p partner-webhooks-uniffi --lib --crate-type staticlib \
    --no-default-features --features mobile --target "$t"
done
cargo build --locked -p partner-webhooks-uniffi --no-default-features --features bindgen --bin uniffi-bindgen
target/debug/uniffi-bindgen generate --no-format --library target/aarch64-apple-darwin/release/libpartner_webhooks_uniffi.dylib \
  --language swift --out-dir "$OUT/generated"
cp "$OUT/generated/PartnerWebhooksFFI.h" "$OUT/headers/"
cp "$OUT/generated/PartnerWebhooksFFI.modulemap" "$OUT/headers/module.modulemap"
lipo -create target/aarch64-apple-darwin/release/libpartner_webhooks_uniffi.a target/x86_64-apple-darwin/release/libpartner_webhooks_uniffi.a \
  -output "$OUT/libpartner_webhooks_uniffi-macos.a"
xcodebuild -create-xcframework \
  -library "$OUT/libpartner_webhooks_uniffi-macos.a" -headers "$OUT/headers" \
  -library target/aarch64-apple-ios/mobile/libpartner_webhooks_uniffi.a -headers "$OUT/headers" \
  -library target/aarch64-apple-ios-sim/mobile/libpartner_webhooks_uniffi.a -headers "$OUT/headers" \
  -output "$OUT/PartnerWebhooksFFI.xcframework"
mkdir -p target/swift Sources/PartnerWebhooks
cp "$OUT/generated/PartnerWebhooks.swift" Sources/PartnerWebhooks/
# Task cancellation, dump() redaction and the doc-comment check (as `make swift-package`),
# and the hand-written sources beside the generated one.
python3 bindings/uniffi/scripts/patch-swift.py Sources/PartnerWebhooks/PartnerWebhooks.swift
cp bindings/uniffi/swift/Sources/PartnerWebhooks/*.swift Sources/PartnerWebhooks/
(cd "$OUT" && ditto -c -k --sequesterRsrc --keepParent PartnerWebhooksFFI.xcframework ../swift/PartnerWebhooksFFI.xcframework.zip)
swift package compute-checksum target/swift/PartnerWebhooksFFI.xcframework.zip > target/swift/PartnerWebhooksFFI.xcframework.zip.sha256
echo "built target/swift/PartnerWebhooksFFI.xcframework.zip (checksum beside it) and Sources/PartnerWebhooks/PartnerWebhooks.swift"
