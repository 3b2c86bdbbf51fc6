#!/usr/bin/env bash
# The Rust crates installed by name from a real cargo registry on loopback
# (part of `make test-dist`, beside verdaccio and pypiserver):
#   1. `cargo package` the three published crates and check each .crate's file
#      list (scripts/check-crates.py);
#   2. start cargo-http-registry on 127.0.0.1 and `cargo publish` the crates to
#      it (cargo orders them by their dependencies: core, sandbox, CLI);
#   3. in an empty project, `cargo add partner-webhooks` and
#      `cargo add --dev partner-webhooks-sandbox` by name from that registry, copy
#      in tests/cargo-project and run its smoke example and its tests;
#   4. `cargo install partner-webhooks-cli` from the registry and run its `demo`;
#   5. stop the registry: adding or installing by name must then fail loudly,
#      with nothing taken from the public registry instead.
# Its own CARGO_HOME keeps the registry's index cache out of the user's.
# Needs: cargo-http-registry (the Makefile installs it under target/tools).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
REGISTRY_BIN=${CARGO_HTTP_REGISTRY:-$TARGET_DIR/tools/bin/cargo-http-registry}
WORK=$TARGET_DIR/registries/cargo
CRATES=(partner-webhooks partner-webhooks-sandbox partner-webhooks-cli)
say() { echo "test-cargo-registry: $*"; }
started=$(date +%s)

rm -rf "$WORK" && mkdir -p "$WORK"
# The crates.io cache is shared with the user's (only downloads); everything
# about the local registry lives under $WORK.
USER_CARGO_HOME=${CARGO_HOME:-${HOME:-/root}/.cargo}
export CARGO_HOME=$WORK/cargo-home
mkdir -p "$CARGO_HOME"
for kind in index cache src; do
  mkdir -p "$CARGO_HOME/registry/$kind"
  for d in "$USER_CARGO_HOME/registry/$kind"/index.crates.io-*; do
    [ -d "$d" ] && ln -s "$d" "$CARGO_HOME/registry/$kind/"
  done
done
PACKAGES=(); for c in "${CRATES[@]}"; do PACKAGES+=(-p "$c"); done

# --- the registry
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
"$REGISTRY_BIN" --addr "127.0.0.1:$PORT" "$WORK/registry" >"$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!
# The user's projects live outside this checkout: inside it, cargo would make them members of its workspace.
PROJECTS=$(mktemp -d "${TMPDIR:-/tmp}/partner-webhooks-cargo.XXXXXX")
trap 'kill $REGISTRY_PID 2>/dev/null || true; rm -rf "$PROJECTS"' EXIT
for _ in $(seq 1 100); do [ -f "$WORK/registry/config.json" ] && break; sleep 0.1; done
# The index is the registry's git repository, fetched over HTTP like any remote one.
cat > "$CARGO_HOME/config.toml" <<EOF
[registries.local]
index = "http://127.0.0.1:$PORT/git"
token = "local-registry-needs-no-token"
[net]
git-fetch-with-cli = true
EOF
say "registry at http://127.0.0.1:$PORT"

# A private registry must be named on the dependencies between the crates
# (without it, cargo looks for them on crates.io): the crates are packaged from
# a copy of the checkout (its tracked and new files) whose workspace
# dependencies say registry = "local". For crates.io nothing changes.
SRC=$WORK/src
mkdir -p "$SRC"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -xf - -C "$SRC"
sed -i -E 's/^(partner-webhooks(-sandbox)? = \{ path = [^}]*)\}/\1, registry = "local" }/' "$SRC/Cargo.toml"
[ "$(grep -c 'registry = "local"' "$SRC/Cargo.toml")" = 2 ] || { echo "test-cargo-registry: could not name the registry in $SRC/Cargo.toml" >&2; exit 1; }
cd "$SRC"

# --- 1. the .crate files
# Cargo names each test and bench it leaves out (they read the workspace's
# fixtures, so they stay in the repository); the rest of its output is shown.
run_logged() {
  local log=$1; shift
  "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "test-cargo-registry: failed: $*" >&2; exit 1; }
  grep -v '^warning: ignoring \(test\|benchmark\)' "$log" || true
}
run_logged "$WORK/package.log" cargo package --locked --no-verify --registry local "${PACKAGES[@]}"
python3 "$ROOT/scripts/check-crates.py" "$TARGET_DIR/package"


# --- 2. publish (in dependency order; cargo waits for each to be in the index).
# --no-verify: what cargo's verification would build from each .crate, steps 3
# and 4 build from the registry (core and sandbox in the project, the CLI by
# cargo install), each with only its own features.
run_logged "$WORK/publish.log" cargo publish --locked --no-verify --registry local "${PACKAGES[@]}"
say "published ${CRATES[*]}"

# --- 3. an empty project, crates added by name
PROJECT=$PROJECTS/project
cargo init --quiet --name registry-consumer "$PROJECT"
cd "$PROJECT"
cargo add --quiet --registry local partner-webhooks
cargo add --quiet --registry local --dev partner-webhooks-sandbox
cargo add --quiet tokio@1 --features macros,rt-multi-thread
cargo add --quiet --dev axum@0.8
grep -A8 '^\[dependencies\]' Cargo.toml
cp -r "$ROOT/tests/cargo-project/examples" "$ROOT/tests/cargo-project/tests" .
cargo run --quiet --example smoke
cargo test --quiet
python3 - "$PROJECT/Cargo.lock" <<'EOF'
import sys, tomllib
lock = tomllib.load(open(sys.argv[1], "rb"))
ours = {p["name"]: p.get("source", "") for p in lock["package"] if p["name"].startswith("partner-webhooks")}
assert set(ours) == {"partner-webhooks", "partner-webhooks-sandbox"}, ours
bad = {n: s for n, s in ours.items() if "127.0.0.1" not in s}
assert not bad, f"not from the local registry: {bad}"
print("test-cargo-registry: the project's Cargo.lock takes both crates from", ours["partner-webhooks"])
EOF

# --- 4. cargo install (dev profile: the code is the same, the build is minutes shorter)
cargo install --quiet --locked --debug --registry local --root "$WORK/install" partner-webhooks-cli
"$WORK/install/bin/partner-webhooks" --version
"$WORK/install/bin/partner-webhooks" demo >"$WORK/demo.out"
grep -q "demo finished: every step behaved as shown" "$WORK/demo.out" || { cat "$WORK/demo.out"; echo "test-cargo-registry: demo did not finish" >&2; exit 1; }
say "cargo install partner-webhooks-cli: demo ok"

# --- 5. registry offline: no fallback to the public registry
kill "$REGISTRY_PID"; wait "$REGISTRY_PID" 2>/dev/null || true
export CARGO_NET_RETRY=0
OFFLINE=$PROJECTS/offline-project
cargo init --quiet --name offline-consumer "$OFFLINE"
cd "$OFFLINE"
if cargo add --registry local partner-webhooks >"$WORK/offline-add.log" 2>&1; then
  echo "test-cargo-registry: cargo add succeeded with the registry stopped" >&2; exit 1
fi
if cargo install --debug --registry local --root "$WORK/offline-install" partner-webhooks-cli >"$WORK/offline-install.log" 2>&1; then
  echo "test-cargo-registry: cargo install succeeded with the registry stopped" >&2; exit 1
fi
if grep -q "partner-webhooks" Cargo.toml || grep -qi "crates.io" "$WORK/offline-add.log" "$WORK/offline-install.log"; then
  echo "test-cargo-registry: something fell back to the public registry" >&2
  cat "$WORK/offline-add.log" "$WORK/offline-install.log" >&2; exit 1
fi
say "registry stopped: cargo add and cargo install fail: $(grep -m1 '^error' "$WORK/offline-add.log")"
say "ok in $(( $(date +%s) - started )) s"
