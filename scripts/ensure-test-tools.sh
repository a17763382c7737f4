#!/usr/bin/env bash
# The end-to-end tests need, from Debian packages:
#   prometheus                  a real Prometheus and promtool (or set PROMETHEUS_BIN)
#   prometheus-alertmanager     a real Alertmanager and amtool (or set ALERTMANAGER_BIN)
#   golang-go                   go, to build the grpc-go client in test/go/
#   golang-google-grpc-dev      grpc-go sources in /usr/share/gocode (built with GO111MODULE=off)
#   golang-google-protobuf-dev  Go protobuf sources in /usr/share/gocode
#   protobuf-compiler           protoc, for the descriptor set of proto/
# Install the missing ones (one apt-get update) when root on Debian; otherwise say what to do.
set -euo pipefail
gocode=/usr/share/gocode/src
missing=()
have() { command -v "$1" >/dev/null 2>&1; }
{ have "${PROMETHEUS_BIN:-prometheus}" && have promtool; } || missing+=(prometheus)
{ have "${ALERTMANAGER_BIN:-prometheus-alertmanager}" && have amtool; } || missing+=(prometheus-alertmanager)
have go || missing+=(golang-go)
[ -d "$gocode/google.golang.org/grpc" ] || missing+=(golang-google-grpc-dev)
[ -d "$gocode/google.golang.org/protobuf" ] || missing+=(golang-google-protobuf-dev)
have protoc || missing+=(protobuf-compiler)
[ "${#missing[@]}" = 0 ] && exit 0

if [ "$(id -u)" = 0 ] && have apt-get; then
  echo "Installing Debian packages for the end-to-end tests: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  exit 0
fi
echo "The end-to-end tests need these Debian packages: apt-get install ${missing[*]}" >&2
exit 1
