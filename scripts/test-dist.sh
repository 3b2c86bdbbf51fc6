#!/usr/bin/env bash
# Installation by name from real registries on loopback: starts a verdaccio npm
# registry and a pypiserver index, publishes what target/dist/ holds for this
# machine (`npm publish`, `twine upload`), then in empty projects runs
# `npm install partner-webhooks` and `pip install partner-webhooks` by name,
# checks that only this platform's packages were installed (no build from
# source, no other platform's addon), and runs the smoke tests from the
# installed packages. Both servers are stopped on exit.
# Needs: `scripts/dist.sh host` (plus the musl addon, which the Makefile builds)
# and the registry tools `make setup-dist` installs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
DIST=$TARGET_DIR/dist
VENV=$TARGET_DIR/venv-dist
TOOLS=$ROOT/scripts/registry-tools
WORK=$TARGET_DIR/registries
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)

rm -rf "$WORK" && mkdir -p "$WORK/verdaccio/storage" "$WORK/pypi" "$WORK/npm-project" "$WORK/home"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
NPM_PORT=$(free_port)
PYPI_PORT=$(free_port)
NPM_URL=http://127.0.0.1:$NPM_PORT
PYPI_URL=http://127.0.0.1:$PYPI_PORT

cat > "$WORK/verdaccio/config.yaml" <<EOF
storage: ./storage
uplinks: {}
packages:
  '@*/*': { access: \$anonymous, publish: \$anonymous }
  '**': { access: \$anonymous, publish: \$anonymous }
log: { type: file, path: ./verdaccio.log, level: warn }
EOF
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
(cd "$WORK/verdaccio" && exec "$TOOLS/node_modules/.bin/verdaccio" --config ./config.yaml --listen "127.0.0.1:$NPM_PORT" >verdaccio.out 2>&1) &
pids+=($!)
"$VENV/bin/pypi-server" run -i 127.0.0.1 -p "$PYPI_PORT" -a . -P . "$WORK/pypi" >"$WORK/pypiserver.out" 2>&1 &
pids+=($!)
wait_for() {
  for _ in $(seq 1 150); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "test-dist: $1 did not come up" >&2; exit 1
}
wait_for "$NPM_URL/-/ping"
wait_for "$PYPI_URL/simple/"
echo "test-dist: verdaccio at $NPM_URL, pypiserver at $PYPI_URL"

# --- npm: platform packages first, then the main package.
export npm_config_userconfig=$WORK/npmrc
printf '//127.0.0.1:%s/:_authToken=anon\nregistry=%s\n' "$NPM_PORT" "$NPM_URL" > "$npm_config_userconfig"
shopt -s nullglob
platform_tarballs=("$DIST"/npm/partner-webhooks-binding-*.tgz)
[ ${#platform_tarballs[@]} -gt 0 ] || { echo "test-dist: no platform packages in $DIST/npm (run scripts/dist.sh host)" >&2; exit 1; }
for t in "${platform_tarballs[@]}" "$DIST/npm/partner-webhooks-$VERSION.tgz"; do
  npm publish --silent --registry "$NPM_URL" "$t"
done
published=$(for t in "${platform_tarballs[@]}"; do basename "$t" .tgz; done | tr '\n' ' ')
echo "test-dist: published to npm: partner-webhooks $published"

cd "$WORK/npm-project"
npm init -y >/dev/null
npm install --no-audit --no-fund --registry "$NPM_URL" partner-webhooks 2>&1 | tee npm-install.log
installed=$(ls node_modules/@partner-webhooks)
expected=binding-$(node -p "require('$ROOT/scripts/host-platform.cjs')")
if [ "$installed" != "$expected" ]; then
  echo "test-dist: installed '$installed' under @partner-webhooks, expected only '$expected'" >&2; exit 1
fi
if grep -qi "install-scripts\|gyp\|cargo" npm-install.log; then
  echo "test-dist: the install ran a script or a build" >&2; exit 1
fi
node -e "const p=require('partner-webhooks/package.json'); if (p.scripts && (p.scripts.install || p.scripts.postinstall || p.scripts.preinstall)) { console.error('install script in', p.name); process.exit(1) }"
cp "$ROOT/node/examples/smoke.cjs" "$ROOT/node/examples/smoke.mjs" .
node smoke.cjs
node smoke.mjs
echo "test-dist: npm install partner-webhooks by name: ok (only $installed)"

# --- PyPI: the wheels and the sdist; pip must take this platform's wheel.
cd "$ROOT"
"$VENV/bin/twine" upload --disable-progress-bar --repository-url "$PYPI_URL/" -u x -p x "$DIST"/python/*
python3 -m venv "$WORK/venv"
cd "$WORK"
"$WORK/venv/bin/pip" install --disable-pip-version-check --no-cache-dir --index-url "$PYPI_URL/simple/" \
  --report pip-report.json partner-webhooks
python3 - "$WORK/pip-report.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
[item] = [i for i in report["install"] if i["metadata"]["name"] == "partner-webhooks"]
url = item["download_info"]["url"]
if not url.endswith(".whl"):
    sys.exit(f"test-dist: pip built from source ({url}) instead of taking the wheel")
print(f"test-dist: pip install partner-webhooks by name took {url.rsplit('/', 1)[1]}")
EOF
"$WORK/venv/bin/python" "$ROOT/python/examples/smoke.py"
echo "test-dist: pip install partner-webhooks by name: ok"
