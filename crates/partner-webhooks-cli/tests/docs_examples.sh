#!/usr/bin/env bash
# The CLI tab of every example on the documentation site (docs/site): each
# `docs: NAME` ... `end docs` region below is shown there as it is here.
# tests/docs_examples.rs runs this script with the CLI first on PATH, in an
# empty directory holding a captured delivery (body.json, and SIGNATURE,
# PLATFORM_SECRET and HEADER_SECRET in the environment); the lines after each
# region check what it did.
set -euo pipefail
expect() { # expect WHAT GOT WANT
  [[ "$2" == "$3" ]] || { echo "docs example $1: got [$2], want [$3]" >&2; exit 1; }
}
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

# docs: client
partner-webhooks sandbox --port 4010 --api-key sbx-docs-key --partner-id yourPA &  # a local sandbox
# Your Partner API key and partner id (here the sandbox's), and where the API is:
export PARTNER_API_KEY=sbx-docs-key PARTNER_ID=yourPA
export PARTNER_API_BASE_URL=http://127.0.0.1:4010  # leave out for https://hub.360dialog.io
# end docs
for _ in $(seq 100); do partner-webhooks url get >/dev/null 2>&1 && break; sleep 0.1; done
expect client "$(partner-webhooks url get)" "webhook_url: (not set)"

# docs: webhook-settings
partner-webhooks url set https://example.com/360dialog/events
# The list replaces the partner's custom headers as a whole.
partner-webhooks headers set --header 'X-Partner-Auth: a-long-random-value'
partner-webhooks url get
partner-webhooks headers get   # values masked; --reveal shows them
# end docs
expect webhook-settings "$(partner-webhooks url get)" "webhook_url: https://example.com/360dialog/events"
expect webhook-settings "$(partner-webhooks headers get --reveal)" "X-Partner-Auth: a-long-random-value"

# docs: errors
# Exit codes: 0 done; 2 bad input (nothing sent); 3 the API refused (4xx);
# 4 server error, timeout or no connection after retries. Errors go to stderr.
status=0
partner-webhooks url get --partner-id noSuchPA || status=$?
case $status in
  2) echo "bad input: nothing was sent" ;;
  3) echo "the API refused it" ;;
  4) echo "try later" ;;
esac
# end docs
expect errors "$status" 3

curl -sf -X POST "$PARTNER_API_BASE_URL/_sandbox/faults" -d '{"route": "get_webhook_url", "status": 503, "times": 1}' >/dev/null
# docs: per-call-options
# Settings for one command: no retry and a 3 s budget (PARTNER_API_TIMEOUT and
# PARTNER_API_MAX_RETRIES set them for every command).
partner-webhooks url get --max-retries 0 --timeout 3 || echo "failed with exit code $?"
# end docs
expect per-call-options "$(curl -sf "$PARTNER_API_BASE_URL/_sandbox/faults")" '{"faults":[]}'

# docs: sandbox-faults
# The next two calls get a 503; the CLI retries and the third attempt succeeds.
curl -s -X POST "$PARTNER_API_BASE_URL/_sandbox/faults" \
  -d '{"route": "get_webhook_url", "status": 503, "times": 2}'; echo
partner-webhooks url get -v   # -v logs each retry to stderr
# end docs
expect sandbox-faults "$(partner-webhooks url get)" "webhook_url: https://example.com/360dialog/events"

# docs: response-metadata
# --json prints the API's JSON as it was sent; -v logs each response's status,
# trace id and time to stderr.
partner-webhooks url get --json -v
# end docs
expect response-metadata "$(partner-webhooks url get --json)" '{"webhook_url":"https://example.com/360dialog/events"}'

# docs: logging
# Warnings (each retry) go to stderr; -v adds a line per request and per
# response, -vv everything (RUST_LOG works too). No secret is ever logged.
partner-webhooks url get -v
# end docs
partner-webhooks url get -v 2>&1 >/dev/null | grep -q "response" || { echo "docs example logging: no response line" >&2; exit 1; }

# docs: tls-proxy
# Trust a TLS-inspecting proxy's CA (besides the bundled roots and the OS store)
# and send requests through the proxy; NO_PROXY names hosts reached directly.
export PARTNER_API_CA_BUNDLE="$CA_FILE"  # the proxy's CA certificates (PEM)
export HTTPS_PROXY=http://user:proxy-password@proxy.corp:3128 NO_PROXY=127.0.0.1,localhost
partner-webhooks url get
# end docs
status=0
PARTNER_API_CA_BUNDLE=/no/such/ca.pem partner-webhooks url get 2>/dev/null || status=$?
expect tls-proxy "$status" 2
unset PARTNER_API_CA_BUNDLE HTTPS_PROXY NO_PROXY

curl -sf -X POST "$PARTNER_API_BASE_URL/_sandbox/faults" -d '{"route": "get_webhook_url", "delay_ms": 5000}' >/dev/null
started=$SECONDS
# docs: cancel
# SIGINT (Ctrl-C) or SIGTERM cancels the request in flight; no retry follows.
# Here `timeout` sends SIGINT after 0.2 s.
timeout -s INT 0.2 partner-webhooks url get || echo "gave up after 200 ms (exit code $?)"
# end docs
expect cancel "$(( SECONDS - started < 2 ))" 1

# docs: receive
# A delivery captured elsewhere: the raw body (body.json), its signature and
# its custom header. Add --secret once per secret while rotating.
partner-webhooks verify --secret "$PLATFORM_SECRET" --signature "$SIGNATURE" \
  --require-header "X-Partner-Auth: $HEADER_SECRET" \
  -H "X-Partner-Auth: $HEADER_SECRET" body.json
# end docs
status=0
partner-webhooks verify --secret wrong --signature "$SIGNATURE" body.json >/dev/null 2>&1 || status=$?
expect receive "$status" 2
# docs: rotate-secrets
# Both secrets while rotating: a delivery signed with either verifies.
partner-webhooks verify --secret "$PLATFORM_SECRET" --secret the-previous-platform-secret \
  --signature "$SIGNATURE" --require-header "X-Partner-Auth: $HEADER_SECRET" \
  -H "X-Partner-Auth: $HEADER_SECRET" body.json
# end docs
# docs: local-loop
# A sandbox, a verifying listener set as its webhook URL (with a secret custom
# header), and every verified delivery forwarded to your app, until Ctrl-C
# (here `timeout` stops it after 3 s):
timeout -s INT 3 partner-webhooks dev --forward-to http://127.0.0.1:3000/webhook || true
# end docs
echo "docs examples: all ran"
