#!/usr/bin/env bash
# Builds the uniffi library, generates the Kotlin and Swift bindings, and
# tests/packages them. Usage (from the repository root, or via make):
#   bindings.sh generate      build the cdylib + uniffi-bindgen; generate Kotlin and Swift
#   bindings.sh test-kotlin   generate, check the site's Kotlin/Swift references, compile with kotlinc, run bindings/uniffi/tests/kotlin/Main.kt
#   bindings.sh reference     rewrite docs/site/reference/kotlin.md and swift.md from freshly generated bindings
#   bindings.sh kotlin-jar    target/kotlin/partner-webhooks.jar (classes + release .so as a JNA resource), then a smoke test using only that jar
#   bindings.sh jvm-jar LIBS OUT VERSION   OUT/partner-webhooks-VERSION.jar + .pom with every library under LIBS/<JNA prefix>/ (make dist)
#   bindings.sh swift-package assemble target/swift/PartnerWebhooks (Package.swift, sources, header, modulemap, XCTests)
#   bindings.sh test-swift    swift test where a Swift toolchain exists; otherwise says why it is skipped
#   bindings.sh bench-kotlin BASE_URL API_KEY PARTNER_ID RUNS CALLS
#                             run bench/kotlin/Bench.kt against the jar of `kotlin-jar` (samples as JSON lines)
# Needs: JDK 17, Debian's libjna-java and libjson-simple-java, and the npm package
# kotlin-compiler (installed under target/kotlin-tools by `make setup-kotlin`).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
KOTLIN_HOME=${KOTLIN_HOME:-$TARGET/kotlin-tools/node_modules/kotlin-compiler}
JNA=${JNA_JAR:-/usr/share/java/jna.jar}
JSON=${JSON_SIMPLE_JAR:-/usr/share/java/json-simple.jar}
CORO=${COROUTINES_JAR:-$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar}
# kotlin-reflect (from the same compiler): the tests find methods and settings by the core's names.
REFLECT=$KOTLIN_HOME/lib/kotlin-reflect.jar
LIB=libpartner_webhooks_uniffi.so
GEN=$TARGET/uniffi
OUT=$TARGET/kotlin

# Generates from the dev build: the release profile strips symbols, and with
# them the metadata uniffi-bindgen reads (the interface is the same).
# `generate` is the shipped interface; `generate test-hooks` adds the test hook
# (bindings generated from one build only match a library of the same features:
# uniffi checks every function's checksum when the library loads).
generate() {
  local features=${1:-}
  # The bindgen binary first: building it also rebuilds the library (with the
  # bindgen feature), so the library the bindings are read from comes last.
  cargo build --locked -p partner-webhooks-uniffi --features bindgen --bin uniffi-bindgen
  cargo build --locked -p partner-webhooks-uniffi --lib ${features:+--features "$features"}
  rm -rf "$GEN" && mkdir -p "$GEN"
  "$TARGET/debug/uniffi-bindgen" generate --no-format --library "$TARGET/debug/$LIB" --language kotlin --out-dir "$GEN/kotlin"
  "$TARGET/debug/uniffi-bindgen" generate --no-format --library "$TARGET/debug/$LIB" --language swift --out-dir "$GEN/swift"
  echo "generated${features:+ (with $features)}: $(find "$GEN" -type f | sed "s|$ROOT/||" | tr '\n' ' ')"
}

kotlinc() {
  "$KOTLIN_HOME/bin/kotlinc" -nowarn "$@"
}

test_kotlin() {
  generate test-hooks
  # The site's Kotlin and Swift references are current, and every public item has a doc comment.
  python3 bindings/uniffi/scripts/reference.py "$GEN"/kotlin/com/partnerwebhooks/partner_webhooks_uniffi.kt "$GEN"/swift/PartnerWebhooks.swift
  mkdir -p "$OUT"
  kotlinc -cp "$JNA:$CORO:$JSON:$REFLECT" "$GEN"/kotlin/com/partnerwebhooks/*.kt \
    bindings/uniffi/tests/kotlin/Main.kt bindings/uniffi/tests/kotlin/Ecosystem.kt bindings/uniffi/tests/kotlin/Secrets.kt bindings/uniffi/tests/kotlin/DocsExamples.kt bindings/uniffi/tests/kotlin/PanicHook.kt \
    -include-runtime -d "$OUT/kotlin-test.jar"
  # The SDK's trace log goes to a file the last check reads: no secret may be in it.
  local log=$OUT/kotlin-test-trace.log
  local cp="$OUT/kotlin-test.jar:$JNA:$CORO:$JSON:$REFLECT"
  PARTNER_WEBHOOKS_LOG=trace java -Djna.library.path="$TARGET/debug" -cp "$cp" \
    MainKt "$ROOT" "--trace-log=$log" 2>"$log" || { tail -n 40 "$log" >&2; exit 1; }
  java -Djna.library.path="$TARGET/debug" -cp "$cp" hooks.PanicHookKt 2>/dev/null
}

# assemble_jar LIBS_DIR JAR VERSION: the generated Kotlin classes plus every
# native library under LIBS_DIR/<JNA resource prefix>/, a manifest with the
# version, and the POM beside the jar; then a JVM program using only the jar
# (JNA finds this machine's library inside it).
assemble_jar() {
  local libs=$1 jar=$2 version=$3 stage=$OUT/jar-stage
  rm -rf "$stage" && mkdir -p "$stage" "$(dirname "$jar")"
  kotlinc -cp "$JNA:$CORO" "$GEN"/kotlin/com/partnerwebhooks/*.kt -d "$stage"
  cp -r "$libs"/. "$stage/"
  cp LICENSE "$stage/META-INF/LICENSE"
  printf 'Implementation-Title: partner-webhooks\nImplementation-Version: %s\n' "$version" > "$OUT/manifest.txt"
  (cd "$stage" && jar --create --file "$jar" --manifest "$OUT/manifest.txt" .)
  sed -e "s/@VERSION@/$version/" -e "s/@KOTLIN@/$(kotlin_version)/" bindings/uniffi/pom.xml.in > "${jar%.jar}.pom"
  echo "built $(du -h "$jar" | cut -f1) $jar with $(cd "$libs" && find . -type f | sort | tr '\n' ' ')"
  # A JVM program with only the jar, JNA and kotlinx-coroutines (json-simple for the test itself):
  kotlinc -cp "$jar:$JNA:$CORO:$JSON:$REFLECT" bindings/uniffi/tests/kotlin/Main.kt bindings/uniffi/tests/kotlin/Ecosystem.kt bindings/uniffi/tests/kotlin/Secrets.kt bindings/uniffi/tests/kotlin/DocsExamples.kt -d "$OUT/smoke-classes"
  java -cp "$OUT/smoke-classes:$jar:$JNA:$CORO:$JSON:$REFLECT:$KOTLIN_HOME/lib/kotlin-stdlib.jar" MainKt "$ROOT" --jar-smoke
  # The jar is the shipped interface: no test hook in the sources it was compiled from.
  if grep -q panicInRuntimeForTests "$GEN"/kotlin/com/partnerwebhooks/*.kt; then
    echo "kotlin-jar: the jar's bindings contain the test hook" >&2; exit 1
  fi
}

kotlin_version() {
  "$KOTLIN_HOME/bin/kotlinc" -version 2>&1 | sed -n 's/.*kotlinc-jvm \([0-9.]*\).*/\1/p'
}

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)

kotlin_jar() {
  generate
  # The cdylib alone, as it ships (beside the rlib it comes out larger: ../Cargo.toml).
  cargo rustc --locked --release -p partner-webhooks-uniffi --lib --crate-type cdylib
  local libs=$OUT/jar-libs
  rm -rf "$libs" && mkdir -p "$libs/linux-x86-64"
  cp "$TARGET/release/$LIB" "$libs/linux-x86-64/$LIB"
  assemble_jar "$libs" "$OUT/partner-webhooks.jar" "$VERSION"
}

bench_kotlin() {
  [ -f "$OUT/partner-webhooks.jar" ] || { echo "bench-kotlin: build the jar first (bindings.sh kotlin-jar)" >&2; exit 1; }
  kotlinc -cp "$OUT/partner-webhooks.jar:$JNA:$CORO:$JSON" bench/kotlin/Bench.kt -d "$OUT/bench-classes"
  java -cp "$OUT/bench-classes:$OUT/partner-webhooks.jar:$JNA:$CORO:$JSON:$KOTLIN_HOME/lib/kotlin-stdlib.jar" BenchKt "$@"
}

# assemble_swift_package DIR [hooks]: a source package (Package.swift, the
# generated Swift patched by patch-swift.py, the hand-written sources, the C
# header and modulemap, the XCTests) from the bindings last generated; with
# `hooks`, the test of the test hook too (bindings generated with test-hooks).
assemble_swift_package() {
  local pkg=$1 hooks=${2:-}
  rm -rf "$pkg" && mkdir -p "$pkg/Sources/PartnerWebhooks" "$pkg/Sources/PartnerWebhooksFFI/include" "$pkg/Tests"
  cp bindings/uniffi/swift/Package.swift "$pkg/"
  cp -r bindings/uniffi/swift/Tests/. "$pkg/Tests/"
  [ -z "$hooks" ] || cp bindings/uniffi/swift/TestHooks/*.swift "$pkg/Tests/PartnerWebhooksTests/"
  cp "$GEN/swift/PartnerWebhooks.swift" "$pkg/Sources/PartnerWebhooks/"
  python3 bindings/uniffi/scripts/patch-swift.py "$pkg/Sources/PartnerWebhooks/PartnerWebhooks.swift"
  cp bindings/uniffi/swift/Sources/PartnerWebhooks/*.swift "$pkg/Sources/PartnerWebhooks/"
  cp "$GEN/swift/PartnerWebhooksFFI.h" "$pkg/Sources/PartnerWebhooksFFI/include/"
  cp "$GEN/swift/PartnerWebhooksFFI.modulemap" "$pkg/Sources/PartnerWebhooksFFI/include/module.modulemap"
}

swift_package() {
  generate  # the shipped interface (a test build's bindings would carry the test hook)
  assemble_swift_package "$TARGET/swift/PartnerWebhooks"
  echo "swift package: $TARGET/swift/PartnerWebhooks"
}

# Swift runs in a Debian 13 root under target/ (scripts/trixie-root.sh): Debian
# 12 has no Swift toolchain. With CI=true a root that cannot be set up fails
# the run; elsewhere the Swift checks are skipped, loudly.
swift_root() {
  if scripts/trixie-root.sh ensure; then return 0; fi
  if [ "${CI:-}" = true ]; then
    echo "test-swift: FAILED: the Debian 13 root with Swift 6.0.3 could not be set up (the reason is above)" >&2
    exit 1
  fi
  echo "=================================================================================="
  echo "test-swift: SKIPPED: no Debian 13 root with Swift (needs root, debootstrap and Debian's"
  echo "mirror; the reason is above). The Swift package and its tests were NOT compiled or run."
  echo "=================================================================================="
  return 1
}

# Copies what the root needs into ROOT/work (never a bind mount: an `rm -rf
# target` would delete through it), keeping the package's .build for the next run.
copy_into_root() {
  local pkg=$1 work
  work=$(scripts/trixie-root.sh path)/work
  mkdir -p "$work/pkg"
  rm -rf "$work/pkg/Sources" "$work/pkg/Tests" "$work/pkg/Package.swift" "$work/lib" "$work/repo" "$work/run"
  cp -r "$pkg"/. "$work/pkg/"
  mkdir -p "$work/lib" "$work/repo" "$work/run"
  cp "$TARGET/debug/$LIB" "$work/lib/"
  cp -r tests README.md "$work/repo/"
  mkdir -p "$work/repo/bindings/uniffi/swift" "$work/repo/docs/site/quickstart"
  cp docs/site/quickstart/swift.md "$work/repo/docs/site/quickstart/"
  cp -r bindings/uniffi/swift/Examples "$work/repo/bindings/uniffi/swift/"
}

# Swift flags of every build here: strict concurrency checking, warnings as errors.
SWIFT_FLAGS="-Xswiftc -strict-concurrency=complete -Xswiftc -warnings-as-errors -Xlinker -L/work/lib -Xlinker -lpartner_webhooks_uniffi"

test_swift() {
  generate test-hooks
  local pkg=$TARGET/swift/PartnerWebhooksTest started=$SECONDS
  assemble_swift_package "$pkg" hooks
  copy_into_root "$pkg"
  local work
  work=$(scripts/trixie-root.sh path)/work
  # The XCTest bundle runs directly (not through `swift test`, which mixes the
  # SDK's stderr into its own output): the SDK's trace log goes to a file, and
  # no secret a test used may be in it. A hung test fails after 15 minutes.
  scripts/trixie-root.sh run "cd /work/pkg && { swift build --build-tests $SWIFT_FLAGS >/work/run/build.log 2>&1 || { tail -n 60 /work/run/build.log; exit 1; }; } && \
    LD_LIBRARY_PATH=/work/lib PARTNER_WEBHOOKS_REPO=/work/repo PARTNER_WEBHOOKS_LOG=trace \
    PARTNER_WEBHOOKS_SECRETS_FILE=/work/run/secrets.txt timeout 900 .build/debug/PartnerWebhooksPackageTests.xctest \
    >/work/run/xctest.log 2>/work/run/trace.log; status=\$?; grep -v -E '^Test (Case|Suite) .*(started|passed)' /work/run/xctest.log; exit \$status" \
    || { echo "test-swift: the XCTests failed (the SDK's trace log: $work/run/trace.log)" >&2; exit 1; }
  grep -q "partner_webhooks" "$work/run/trace.log" || { echo "test-swift: no trace log captured" >&2; exit 1; }
  if grep -n -F -f "$work/run/secrets.txt" "$work/run/trace.log" >/dev/null; then
    echo "test-swift: a secret a test used is in the SDK's trace log ($work/run/trace.log)" >&2; exit 1
  fi
  # The Swift API reference, rendered by DocC (Debian 13's toolchain has it): the module's symbol
  # graph, then `docc convert` for static hosting; `make docs` adds it to the site when it is there.
  scripts/trixie-root.sh run "rm -rf /work/symbols /work/docc-out && mkdir -p /work/symbols && cd /work/pkg && \
    swift build --target PartnerWebhooks $SWIFT_FLAGS -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc /work/symbols >/work/run/docc.log 2>&1 && \
    /usr/libexec/swift/bin/docc convert --additional-symbol-graph-dir /work/symbols --fallback-display-name PartnerWebhooks \
      --fallback-bundle-identifier com.partnerwebhooks.PartnerWebhooks --fallback-bundle-version $VERSION \
      --output-path /work/docc-out --transform-for-static-hosting --hosting-base-path reference/swift-docc >>/work/run/docc.log 2>&1" \
    || { tail -n 30 "$work/run/docc.log" >&2; echo "test-swift: DocC could not render the Swift reference" >&2; exit 1; }
  rm -rf "$TARGET/swift-docc" && cp -r "$work/docc-out" "$TARGET/swift-docc"
  test -f "$TARGET/swift-docc/documentation/partnerwebhooks/partnerclient/index.html" \
    || { echo "test-swift: DocC's output has no page for PartnerClient" >&2; exit 1; }
  echo "test-swift: the Swift reference rendered by DocC into $TARGET/swift-docc"
  echo "test-swift: the XCTests passed in the Debian 13 root, Swift $(scripts/trixie-root.sh run 'swift --version 2>&1' | sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -n1), in $((SECONDS - started)) s; no secret in the trace log"
}

# macOS (the hosted release workflow; never run here): the same XCTests with
# the host's Swift, against the dylib of this checkout.
test_swift_macos() {
  generate test-hooks
  local pkg=$TARGET/swift/PartnerWebhooksTest
  assemble_swift_package "$pkg" hooks
  (cd "$pkg" && swift build --build-tests -Xlinker -L"$TARGET/debug" -Xlinker -lpartner_webhooks_uniffi &&
    DYLD_LIBRARY_PATH="$TARGET/debug" PARTNER_WEBHOOKS_REPO="$ROOT" swift test --skip-build)
}

# A Swift app as a user writes one, against the shipped package (no test hook):
# `swift package init --type executable`, a path dependency on the package, the
# files of bindings/uniffi/swift/Examples/App (the README's Swift snippets),
# built in the Swift 6 language mode (strict concurrency) with warnings as
# errors, then run: the four operations, typed errors, a delivery verified
# and switched on by its payload.
swift_app() {
  generate
  local pkg=$TARGET/swift/PartnerWebhooks work started=$SECONDS
  assemble_swift_package "$pkg"
  work=$(scripts/trixie-root.sh path)/work
  rm -rf "$work/PartnerWebhooks" "$work/lib-shipped" "$work/app"
  mkdir -p "$work/lib-shipped"
  cp -r "$pkg" "$work/PartnerWebhooks"
  cp "$TARGET/debug/$LIB" "$work/lib-shipped/"
  scripts/trixie-root.sh run "mkdir -p /work/app && cd /work/app && swift package init --type executable --name PartnerApp >/dev/null && \
    sed -i 's|^    name: \"PartnerApp\",|&\n    dependencies: [.package(path: \"../PartnerWebhooks\")],|' Package.swift && \
    swift package add-target-dependency PartnerWebhooks PartnerApp --package PartnerWebhooks >/dev/null && \
    rm Sources/main.swift && cp /work/repo/bindings/uniffi/swift/Examples/App/*.swift Sources/ && \
    { swift build -Xswiftc -warnings-as-errors -Xlinker -L/work/lib-shipped -Xlinker -lpartner_webhooks_uniffi >/work/run/app-build.log 2>&1 \
      || { tail -n 60 /work/run/app-build.log; exit 1; }; } && \
    LD_LIBRARY_PATH=/work/lib-shipped timeout 120 .build/debug/PartnerApp" \
    || { echo "test-swift: the Swift app failed" >&2; exit 1; }
  echo "test-swift: the Swift app (swift package init, the README's snippets) built and ran in $((SECONDS - started)) s"
}

case "${1:-}" in
  generate) generate ;;
  test-kotlin) test_kotlin ;;
  reference) generate && python3 bindings/uniffi/scripts/reference.py "$GEN"/kotlin/com/partnerwebhooks/partner_webhooks_uniffi.kt "$GEN"/swift/PartnerWebhooks.swift --write ;;
  kotlin-jar) kotlin_jar ;;
  jvm-jar) generate; assemble_jar "$2" "$3/partner-webhooks-$4.jar" "$4" ;;
  swift-package) swift_package ;;
  test-swift)
    if [ "$(uname -s)" = Darwin ]; then test_swift_macos
    elif swift_root; then test_swift; swift_app; fi ;;
  bench-kotlin) shift; bench_kotlin "$@" ;;
  *) echo "usage: $0 generate|test-kotlin|reference|kotlin-jar|swift-package|test-swift|bench-kotlin" >&2; exit 2 ;;
esac
