#!/usr/bin/env bash
# Test-only TLS material for the CA-bundle and proxy tests of every language:
# a CA, and a server certificate for 127.0.0.1 / localhost signed by it. Valid
# for 100 years; the keys protect nothing. Rerun to replace them.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/tests/fixtures/tls"
mkdir -p "$out"
cd "$out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
  -subj "/CN=partner-webhooks test CA" -keyout ca.key -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 -out server.pem \
  -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n')
# PKCS#12 for the JDK's HTTPS server (Kotlin tests); password "test-only".
openssl pkcs12 -export -in server.pem -inkey server.key -certfile ca.pem -passout pass:test-only \
  -name server -out server.p12
rm -f server.csr ca.srl ca.key
