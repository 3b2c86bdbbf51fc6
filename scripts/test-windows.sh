#!/usr/bin/env bash
# `make test-windows`: the x86_64-pc-windows-gnu build, cross-compiled with zig
# (cargo-zigbuild) and run under wine 10 in the Debian 13 root
# (scripts/trixie-root.sh; Debian 12's wine 8 cannot load Rust >= 1.78
# programs). Cargo runs each test binary through scripts/wine-runner.sh:
#   - the core crate's own tests (unit, integration, doc);
#   - the CLI's process checks (crates/partner-webhooks-cli/tests/portable.rs):
#     `demo`, `sandbox --state` restarted and keeping its state, `trigger` →
#     `listen --forward-to` → an app.
# With CI=true a root that cannot be set up fails the run; elsewhere the checks
# are skipped, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
if ! scripts/trixie-root.sh ensure; then
  if [ "${CI:-}" = true ]; then
    echo "test-windows: FAILED: the Debian 13 root with wine 10 could not be set up (the reason is above)" >&2
    exit 1
  fi
  echo "=================================================================================="
  echo "test-windows: SKIPPED: no Debian 13 root with wine 10 (needs root, debootstrap and"
  echo "Debian's mirror; the reason is above). The Windows build was NOT run."
  echo "=================================================================================="
  exit 0
fi
# Wine makes its prefix on first use; once, quietly, so that test output stays readable.
scripts/trixie-root.sh run 'test -d /root/.wine || WINEDEBUG=-all XDG_RUNTIME_DIR=/tmp /usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1 || true'
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$PWD/scripts/wine-runner.sh
for args in "-p partner-webhooks" "-p partner-webhooks-cli --test portable"; do
  # shellcheck disable=SC2086
  cargo-zigbuild test --locked --target x86_64-pc-windows-gnu $args 2>&1 \
    | grep -v -E '^(error: XDG_RUNTIME_DIR is invalid|wine: failed to open .*rundll32)' || exit 1
done
echo "test-windows: the core crate's tests and the CLI's process checks passed on x86_64-pc-windows-gnu under $(scripts/trixie-root.sh run '/usr/lib/wine/wine64 --version'), in $((SECONDS - started)) s"
