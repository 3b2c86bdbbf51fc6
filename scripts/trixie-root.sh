#!/usr/bin/env bash
# A Debian 13 ("trixie") root under target/, made with debootstrap from
# Debian's own packages, for what Debian 12 cannot run: Swift 6.0.3
# (`swiftlang`) and wine 10 (`wine64`), both needing glibc >= 2.38.
#
#   trixie-root.sh ensure       make the root once (debootstrap + apt), reuse it after;
#                               re-run apt when the package list below changes
#   trixie-root.sh path         print the root's path
#   trixie-root.sh run CMD      run `sh -c CMD` inside the root, /proc mounted for the
#                               duration only (unmounted by a trap, whatever happens)
#   trixie-root.sh umount       unmount /proc if it is still mounted (`make clean` runs
#                               this before deleting anything under target/)
#
# Never bind-mount the checkout (or anything under it) into the root: a later
# `rm -rf target` would delete through the mount. Callers copy files in, under
# $ROOT/work, and copy results out. Needs root (chroot, mount) and the network
# to Debian's mirror for `ensure` the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
ROOT=$TARGET/trixie-root
# swiftlang: the Swift toolchain; libc6-dev/libstdc++-14-dev: what it links with;
# wine64: Windows programs; openssl: the TLS server of the Swift TLS check.
PACKAGES="swiftlang libc6-dev libstdc++-14-dev wine64 openssl"
MARKER=$ROOT/.partner-webhooks-packages
LOCK=$TARGET/trixie-root.lock

proc_mounted() { mountpoint -q "$ROOT/proc" 2>/dev/null; }

umount_proc() {
  if proc_mounted; then umount "$ROOT/proc" || umount -l "$ROOT/proc"; fi
}

ensure() {
  [ "$(id -u)" = 0 ] || { echo "trixie-root: needs root (debootstrap, chroot, mount)" >&2; return 1; }
  mkdir -p "$TARGET"
  if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$PACKAGES" ]; then return 0; fi
  # debian-archive-keyring: debootstrap checks Debian's signatures (Ubuntu hosts lack the keys).
  command -v debootstrap >/dev/null && [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] \
    || { apt-get update -q && apt-get install -y -q debootstrap debian-archive-keyring; }
  local started=$SECONDS
  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    umount_proc
    rm -rf "$ROOT" "$ROOT.partial"
    # --variant=minbase: essential packages and apt only (about 214 MB).
    debootstrap --variant=minbase trixie "$ROOT.partial" >"$TARGET/trixie-root.log" 2>&1 \
      || { tail -n 20 "$TARGET/trixie-root.log" >&2; echo "trixie-root: debootstrap failed (log: $TARGET/trixie-root.log)" >&2; return 1; }
    mv "$ROOT.partial" "$ROOT"
  fi
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  run "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PACKAGES" \
    >>"$TARGET/trixie-root.log" 2>&1 \
    || { tail -n 20 "$TARGET/trixie-root.log" >&2; echo "trixie-root: apt-get install $PACKAGES failed (log: $TARGET/trixie-root.log)" >&2; return 1; }
  echo "$PACKAGES" > "$MARKER"
  echo "trixie-root: $ROOT ready ($(run 'swift --version 2>&1 | head -n1'); $(run '/usr/lib/wine/wine64 --version 2>/dev/null')) in $((SECONDS - started)) s"
}

run() {
  # One user of the root at a time: /proc is mounted and unmounted around each command.
  exec 9>"$LOCK"
  flock 9
  trap umount_proc EXIT INT TERM
  proc_mounted || mount -t proc proc "$ROOT/proc"
  local status=0
  chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    ${ROOT_ENV:-} sh -c "$1" || status=$?
  umount_proc
  trap - EXIT INT TERM
  flock -u 9
  return $status
}

case "${1:-}" in
  ensure) ensure ;;
  path) echo "$ROOT" ;;
  run) shift; run "$*" ;;
  umount) umount_proc ;;
  *) echo "usage: $0 ensure|path|run CMD|umount" >&2; exit 2 ;;
esac
