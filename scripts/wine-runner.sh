#!/usr/bin/env bash
# Cargo's runner for x86_64-pc-windows-gnu (CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER):
# runs a Windows program under wine 10 inside the Debian 13 root of
# scripts/trixie-root.sh. Debian 12's wine 8 cannot load what Rust >= 1.78 builds.
#
#   wine-runner.sh PROGRAM.exe [ARGS...]
#
# Inside the root, paths mirror the checkout: its sources (not target/, .git or
# node_modules) and the Windows build outputs are copied (never mounted) to the
# same absolute paths, so the paths compiled into a test (CARGO_MANIFEST_DIR,
# CARGO_BIN_EXE_*) and the working directory cargo chose hold there too. Wine
# maps them through its Z: drive. CARGO_*, RUST_* and PARTNER_* variables are
# passed on.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
root=$("$repo/scripts/trixie-root.sh" path)
program=$(realpath "$1")
shift
[ -x "$root/usr/lib/wine/wine64" ] || { echo "wine-runner: no wine in $root (scripts/trixie-root.sh ensure)" >&2; exit 1; }

mkdir -p "$root$repo"
tar -C "$repo" --exclude=./target --exclude=./.git --exclude=node_modules -cf - . | tar -C "$root$repo" -xf -
out=$(dirname "$program")
[ "$(basename "$out")" = deps ] && out=$(dirname "$out")
mkdir -p "$root$out" "$root$(dirname "$program")"
cp "$program" "$root$program"
for exe in "$out"/*.exe; do [ -e "$exe" ] && cp "$exe" "$root$exe"; done

# Single-quoted for the root's sh (printf %q may write bash-only $'...').
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
vars=""
while IFS='=' read -r name value; do
  case "$name" in CARGO_*|RUST_*|PARTNER_*) vars+=" $name=$(q "$value")" ;; esac
done < <(env)
args=""
for a in "$@"; do args+=" $(q "$a")"; done
mkdir -p "$root$PWD"
exec "$repo/scripts/trixie-root.sh" run "cd $(q "$PWD") && exec env WINEDEBUG=-all$vars /usr/lib/wine/wine64 $(q "$program")$args"
