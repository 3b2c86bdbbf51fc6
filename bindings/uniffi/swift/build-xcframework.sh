#!/usr/bin/env bash
# Builds PartnerWebhooks.xcframework for Apple platforms. Run on macOS with
# Xcode and rustup; it is not run by CI (no Swift toolchain there).
#   rustup target add aarch64-apple-darwin x86_64-apple-darwin aarch64-apple-ios aarch64-apple-ios-sim
#   bindings/uniffi/swift/build-xcframework.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=target/apple
rm -rf "$OUT" && mkdir -p "$OUT/headers"
for t in aarch64-apple-darwin x86_64-apple-darwin aarch64-apple-ios aarch64-apple-ios-sim; do
  cargo build --locked --release -p partner-webhooks-uniffi --lib --target "$t"
done
cargo build --locked -p partner-webhooks-uniffi --features bindgen --bin uniffi-bindgen
target/debug/uniffi-bindgen generate --no-format --library target/aarch64-apple-darwin/release/libpartner_webhooks_uniffi.dylib \
  --language swift --out-dir "$OUT/generated"
cp "$OUT/generated/PartnerWebhooksFFI.h" "$OUT/headers/"
cp "$OUT/generated/PartnerWebhooksFFI.modulemap" "$OUT/headers/module.modulemap"
lipo -create target/aarch64-apple-darwin/release/libpartner_webhooks_uniffi.a target/x86_64-apple-darwin/release/libpartner_webhooks_uniffi.a \
  -output "$OUT/libpartner_webhooks_uniffi-macos.a"
xcodebuild -create-xcframework \
  -library "$OUT/libpartner_webhooks_uniffi-macos.a" -headers "$OUT/headers" \
  -library target/aarch64-apple-ios/release/libpartner_webhooks_uniffi.a -headers "$OUT/headers" \
  -library target/aarch64-apple-ios-sim/release/libpartner_webhooks_uniffi.a -headers "$OUT/headers" \
  -output "$OUT/PartnerWebhooksFFI.xcframework"
echo "built $OUT/PartnerWebhooksFFI.xcframework; add it with $OUT/generated/PartnerWebhooks.swift to your Xcode project"
