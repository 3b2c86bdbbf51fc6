#!/usr/bin/env bash
# Cross-builds the release artifacts from this Linux machine into target/dist/,
# with zig as the cross linker (PyPI `ziglang` + `cargo-zigbuild`, maturin
# `--zig`). Usage (from the repository root, or via make):
#   dist.sh all              every artifact for every target that builds here (by hand: ~1 h on 2 cores)
#   dist.sh host             this machine's packages only (what `make test-dist` installs)
#   dist.sh python|node|cli|jvm|mobile [TARGET...]   one kind of artifact
#   dist.sh report           target/dist/REPORT.md: every artifact with its size, format and check
# Layout of target/dist/:
#   python/   abi3 wheels and the sdist
#   npm/      partner-webhooks-VERSION.tgz (the main package) and one tarball per platform package
#   cli/      partner-webhooks-VERSION-TARGET.tar.gz|.zip and SHA256SUMS
#   jvm/      partner-webhooks-VERSION.jar (every desktop library under JNA's prefixes) and its .pom
#   mobile/   the uniffi library without the sandbox (profile and feature `mobile`), stripped: its size per CPU
# Needs: `make setup-dist` (rustup targets, and a venv with ziglang, cargo-zigbuild,
# maturin, auditwheel). What cannot build here is left to .github/workflows/release.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
DIST=$TARGET_DIR/dist
VENV=$TARGET_DIR/venv-dist
export PATH="$VENV/bin:$PATH"
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
HOST=$(rustc -vV | sed -n 's/^host: //p')

# Rust target → the names each ecosystem gives it.
#            triple                       python compatibility   npm platform        JNA prefix
PLATFORMS=(
  "x86_64-unknown-linux-gnu            manylinux2014          linux-x64-gnu       linux-x86-64"
  "aarch64-unknown-linux-gnu           manylinux2014          linux-arm64-gnu     linux-aarch64"
  "x86_64-unknown-linux-musl           musllinux_1_2          linux-x64-musl      -"
  "aarch64-unknown-linux-musl          musllinux_1_2          linux-arm64-musl    -"
  "x86_64-apple-darwin                 -                      darwin-x64          darwin-x86-64"
  "aarch64-apple-darwin                -                      darwin-arm64        darwin-aarch64"
  "x86_64-pc-windows-gnu               -                      -                   win32-x86-64"
)
# The CLI ships static on Linux (musl), and for macOS and Windows.
CLI_TARGETS=(x86_64-unknown-linux-musl aarch64-unknown-linux-musl x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-gnu)

field() { # field TRIPLE COLUMN
  local row
  for row in "${PLATFORMS[@]}"; do
    read -r t py npm jna <<<"$row"
    if [ "$t" = "$1" ]; then
      case $2 in py) echo "$py" ;; npm) echo "$npm" ;; jna) echo "$jna" ;; esac
      return
    fi
  done
  echo "-"
}

# glibc targets are built against glibc 2.17 (zig's versioned libc).
zig_target() {
  case $1 in *-linux-gnu) echo "$1.2.17" ;; *) echo "$1" ;; esac
}

# zig ships no Apple frameworks (Security, CoreFoundation), which the OS trust
# store links: the macOS builds here leave that feature out; release.yml's
# macOS builds, on macOS, have it.
feature_flags() { # feature_flags TRIPLE python|node|cli|uniffi
  case $1 in
    *-apple-darwin)
      case $2 in
        uniffi) echo "--no-default-features --features sandbox,receiving,stderr-log,host-log" ;;
        *) echo "--no-default-features" ;;
      esac ;;
  esac
}

# A musl shared library needs the C runtime linked dynamically; the static CLI does not.
dynamic_flags() {
  case $1 in *-musl) echo "-C target-feature=-crt-static" ;; *) echo "" ;; esac
}

targets_or_all() { if [ $# -gt 0 ]; then echo "$@"; else for row in "${PLATFORMS[@]}"; do echo "${row%% *}"; done; fi; }

log() { echo "dist: $*" >&2; }

python_wheels() {
  mkdir -p "$DIST/python"
  local t compat args
  for t in $(targets_or_all "$@"); do
    if [[ $t == *-windows-gnu ]]; then
      # maturin --zig links a windows-gnu module without its PyInit export
      # (maturin issue 922): the Windows wheel is release.yml's (MSVC runner).
      log "python: no wheel for $t here (release.yml builds win_amd64)"; continue
    fi
    compat=$(field "$t" py)
    args=(--release --locked --zig --target "$t" --out "$DIST/python")
    [ "$compat" != - ] && args+=(--compatibility "$compat")
    # shellcheck disable=SC2207
    args+=($(feature_flags "$t" python))
    log "python wheel for $t"
    (cd python && RUSTFLAGS="$(dynamic_flags "$t")" maturin build "${args[@]}")
    case $t in *-musl) musl_soname "$DIST/python/partner_webhooks-$VERSION-cp39-abi3-musllinux_1_2_${t%%-*}.whl" "${t%%-*}" ;; esac
  done
}

# zig links a musl module against musl's own soname, `libc.so`; the musllinux
# policy (auditwheel) wants Alpine's `libc.musl-ARCH.so.1`. musl's loader takes
# either name for itself, so the NEEDED entry is renamed (patchelf) and the
# wheel repacked with a fresh RECORD (`wheel pack`).
musl_soname() { # musl_soname WHEEL ARCH
  local whl=$1 arch=$2 tmp so
  tmp=$(mktemp -d)
  wheel unpack -d "$tmp" "$whl" >/dev/null
  for so in "$tmp"/*/partner_webhooks/*.so; do
    patchelf --replace-needed libc.so "libc.musl-$arch.so.1" "$so"
  done
  rm "$whl"
  wheel pack -d "$(dirname "$whl")" "$tmp"/*/ >/dev/null
  rm -rf "$tmp"
  [ -f "$whl" ] || { echo "dist: $whl was not repacked" >&2; exit 1; }
}

python_sdist() {
  mkdir -p "$DIST/python"
  log "python sdist"
  (cd python && maturin sdist --out "$DIST/python")
}

# The .node of one target, named as napi's loader expects it.
node_addon() {
  local t=$1 npm
  npm=$(field "$t" npm)
  [ "$npm" = - ] && { log "node: no addon for $t here (release.yml builds win32-x64-msvc)"; return; }
  log "node addon for $t"
  # shellcheck disable=SC2046
  RUSTFLAGS="$(dynamic_flags "$t")" cargo zigbuild --locked --release -p partner-webhooks-node --target "$(zig_target "$t")" \
    $(feature_flags "$t" node)
  local lib
  case $t in *-apple-*) lib=libpartner_webhooks_node.dylib ;; *) lib=libpartner_webhooks_node.so ;; esac
  mkdir -p "$DIST/node-addons"
  cp "$TARGET_DIR/$t/release/$lib" "$DIST/node-addons/partner-webhooks.$npm.node"
}

node_packages() {
  local t
  for t in $(targets_or_all "$@"); do node_addon "$t"; done
  (cd node && npm run --silent build:ts)
  node scripts/npm-packages.mjs "$DIST/node-addons" "$DIST/npm"
}

cli_archives() {
  mkdir -p "$DIST/cli"
  local t targets name bin
  if [ $# -gt 0 ]; then targets=("$@"); else targets=("${CLI_TARGETS[@]}"); fi
  for t in "${targets[@]}"; do
    log "cli for $t"
    # shellcheck disable=SC2046
    cargo zigbuild --locked --release -p partner-webhooks-cli --target "$(zig_target "$t")" $(feature_flags "$t" cli)
    name=partner-webhooks-$VERSION-$t
    rm -rf "${DIST:?}/cli/$name" && mkdir -p "$DIST/cli/$name"
    case $t in *-windows-*) bin=partner-webhooks.exe ;; *) bin=partner-webhooks ;; esac
    cp "$TARGET_DIR/$t/release/$bin" LICENSE README.md "$DIST/cli/$name/"
    case $t in
      *-windows-*) (cd "$DIST/cli" && rm -f "$name.zip" && python3 -m zipfile -c "$name.zip" "$name") ;;
      *) tar -C "$DIST/cli" -czf "$DIST/cli/$name.tar.gz" "$name" ;;
    esac
    rm -rf "${DIST:?}/cli/$name"
  done
  (cd "$DIST/cli" && sha256sum partner-webhooks-* > SHA256SUMS)
}

# Only the cdylib, in its own rustc run: built beside the rlib (the crate's
# other types) it carries code the rlib exports (bindings/uniffi/Cargo.toml).
uniffi_library() { # uniffi_library TRIPLE OUT_DIR PROFILE [cargo args...]
  local t=$1 out=$2 profile=$3 lib
  shift 3
  RUSTFLAGS="$(dynamic_flags "$t")" cargo-zigbuild rustc --locked --profile "$profile" -p partner-webhooks-uniffi --lib \
    --crate-type cdylib --target "$(zig_target "$t")" "$@"
  case $t in
    *-apple-*) lib=libpartner_webhooks_uniffi.dylib ;;
    *-windows-*) lib=partner_webhooks_uniffi.dll ;;
    *) lib=libpartner_webhooks_uniffi.so ;;
  esac
  mkdir -p "$out"
  cp "$TARGET_DIR/$t/$profile/$lib" "$out/"
}

jvm_jar() {
  local t jna stage=$TARGET_DIR/dist-jar-stage
  rm -rf "$stage" && mkdir -p "$stage"
  for t in $(targets_or_all "$@"); do
    jna=$(field "$t" jna)
    [ "$jna" = - ] && continue
    log "uniffi library for $t ($jna)"
    # shellcheck disable=SC2046
    uniffi_library "$t" "$stage/$jna" release $(feature_flags "$t" uniffi)
  done
  bindings/uniffi/scripts/bindings.sh jvm-jar "$stage" "$DIST/jvm" "$VERSION"
}

mobile_libraries() {
  # The mobile targets themselves cannot build here: iOS needs the Apple SDK's
  # headers for ring's C code (zig ships macOS headers only; cargo-zigbuild does
  # not take iOS targets) and the iOS simulator's standard library is not
  # downloadable here; Android needs the NDK. release.yml builds both. What is
  # built here is the same library, without the sandbox, for Linux on the same
  # CPUs, linked and stripped, to measure what an app carries.
  local t
  for t in aarch64-unknown-linux-gnu x86_64-unknown-linux-gnu; do
    log "mobile uniffi library for $t (profile mobile: no sandbox, no log call sites, opt-level z, stripped)"
    uniffi_library "$t" "$DIST/mobile/$t" mobile --no-default-features --features mobile
  done
}

report() {
  python3 scripts/dist-report.py "$DIST" > "$DIST/REPORT.md"
  cat "$DIST/REPORT.md"
}

case "${1:-}" in
  all)
    python_wheels; python_sdist; node_packages; cli_archives; jvm_jar; mobile_libraries; report ;;
  rest)  # all but the wheels (when they are already built)
    python_sdist; node_packages; cli_archives; jvm_jar; mobile_libraries; report ;;
  mobile) mobile_libraries ;;
  host)
    # This machine's wheel and sdist, and its npm packages; on glibc Linux also
    # the musl twin of its addon, so that the registry test sees npm choose by libc.
    python_wheels "$HOST"; python_sdist
    case $HOST in *-linux-gnu) node_packages "$HOST" "${HOST%-gnu}-musl" ;; *) node_packages "$HOST" ;; esac ;;
  python) shift; python_wheels "$@"; [ $# -gt 0 ] || python_sdist ;;
  node) shift; node_packages "$@" ;;
  cli) shift; cli_archives "$@" ;;
  jvm) shift; jvm_jar "$@" ;;
  report) report ;;
  *) echo "usage: $0 all|host|python|node|cli|jvm|mobile|report [TARGET...]" >&2; exit 2 ;;
esac
