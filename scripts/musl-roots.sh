#!/usr/bin/env bash
# Unpacks Debian's musl (1.2.3) for x86_64 and arm64 into DIR/x86_64 and
# DIR/aarch64 (`dpkg -x`, nothing installed on the host): the libc that
# scripts/auditwheel-musl.py checks the musllinux wheels against.
# Usage: scripts/musl-roots.sh DIR
set -euo pipefail
dir=$1
[ -e "$dir/aarch64/lib/aarch64-linux-musl/libc.so" ] && [ -e "$dir/x86_64/lib/ld-musl-x86_64.so.1" ] && exit 0
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
apt-get update -q >/dev/null
rm -rf "$dir" && mkdir -p "$dir/debs"
(cd "$dir/debs" && apt-get download musl:amd64 musl:arm64)
dpkg -x "$dir"/debs/musl_*_amd64.deb "$dir/x86_64"
dpkg -x "$dir"/debs/musl_*_arm64.deb "$dir/aarch64"
