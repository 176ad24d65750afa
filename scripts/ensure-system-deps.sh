#!/usr/bin/env bash
# Installs the Debian packages the test suite and benchmarks drive from
# outside Node: protoc (an independent decoder for Perfetto traces), Chromium
# (browser tests of the report and dashboard), redis-server (the test of
# sweeps across machines on BullMQ, on loopback) and g++ (the C++ reference of
# bench/engine.ts). Idempotent; a no-op when all exist.
set -euo pipefail
need=()
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v g++ >/dev/null 2>&1 || need+=(g++)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "swaplab tests need: ${need[*]} (apt-get install them, or run as root)" >&2
  exit 1
fi
echo "installing ${need[*]} from Debian's packages (once)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
