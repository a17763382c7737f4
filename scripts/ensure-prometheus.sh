#!/usr/bin/env bash
# The end-to-end tests run a real Prometheus (Debian package `prometheus`, which also brings
# promtool). Install it when missing and we are root on Debian; otherwise say what to do.
set -euo pipefail
bin="${PROMETHEUS_BIN:-prometheus}"
command -v "$bin" >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the Debian package prometheus for the end-to-end tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends prometheus >&2
  exit 0
fi
echo "The end-to-end tests need Prometheus and promtool: apt-get install prometheus (or set PROMETHEUS_BIN)." >&2
exit 1
