#!/usr/bin/env bash
# netpol-perf.sh — the network policy figures of docs/performance.md
# (issue 8): 1,000 pods in 50 namespaces with 500 NetworkPolicies.
#
#   bench/netpol-perf.sh [RUNS] [NETPOL_ANALYZER_BINARY]
#
# Writes the generated manifests (internal/gen.NetpolBench) to a temporary
# folder; runs the Go benchmarks RUNS times (default 5); times
# `aksnet policy --k8s DIR -o json` RUNS times under /usr/bin/time -v; and,
# given a netpol-analyzer binary built from source (docs/performance.md says
# how), times `netpol-analyzer list` once on the same folder and checks that
# both list the same rows. It downloads nothing (GOPROXY=off).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
analyzer=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"
echo "aksnet $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'), $(go version), $(nproc) CPUs"
GOPROXY=off go build -o "$tmp/aksnet" ./cmd/aksnet
GOPROXY=off go build -o "$tmp/netpol" ./bench/netpol
"$tmp/netpol" gen "$tmp/cluster"

echo "== go test benchmarks"
GOPROXY=off go test -run '^$' -bench 'Map1000|New1000|CheckPair' -benchmem -count "$runs" ./internal/netpol/

echo "== aksnet policy --k8s DIR -o json, $runs runs (wall s, max RSS KiB)"
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$tmp/aksnet" policy --k8s "$tmp/cluster" -o json > "$tmp/aksnet.json" 2> "$tmp/aksnet.err"
  cat "$tmp/time"
done
echo "rows: $(grep -c '"src"' "$tmp/aksnet.json")"

if [ -n "$analyzer" ]; then
  echo "== $analyzer list --dirpath DIR -q --multiple-networks=false -o json (one run)"
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$analyzer" list --dirpath "$tmp/cluster" -q --multiple-networks=false -o json > "$tmp/analyzer.json"
  cat "$tmp/time"
  "$tmp/netpol" same "$tmp/aksnet.json" "$tmp/analyzer.json"
fi
