#!/usr/bin/env bash
# Performance of `aksnet check` on the 1,000-spoke estate (issue 4).
#
# Runs, in one go so the figures share the machine's state:
#  1. the Go benchmark of a check run over the loaded estate (every
#     registered rule, the non-DNS families together, then each family
#     alone; the load is measured by bench/load.sh);
#  2. the aksnet command end to end on the generated files: load, validate,
#     every rule, the report, timed over several runs, each next to a run of
#     `aksnet show` on the same files (the reference of bench/load.sh), so
#     that a busy machine shows in both. CPU seconds (user+sys) are printed
#     too: they vary less than wall time when other work shares the cores.
# Usage: bench/check.sh [COUNT]   (default 6)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-6}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== go test -bench (count $count)"
go test -run '^$' -bench 'CheckEstate1000' -benchtime 5x -count "$count" ./internal/check/ | grep -E '^Benchmark'

echo "== aksnet check on the generated estate"
go build -o "$out/aksnet" ./cmd/aksnet
"$out/aksnet" generate "$out/estate" --spokes 1000 --endpoints-per-spoke 10 --clusters 100 --services 10
for i in $(seq "$count"); do
  /usr/bin/time -f "run $i: show  %e s wall, %U+%S s CPU" "$out/aksnet" show -f "$out/estate/topology.yaml" > /dev/null
  /usr/bin/time -f "run $i: check %e s wall, %U+%S s CPU (exit %x)" "$out/aksnet" check -f "$out/estate/topology.yaml" > /dev/null || true
  /usr/bin/time -f "run $i: check --rule NET,AKS,LB,PEER,RT %e s wall, %U+%S s CPU (exit %x)" \
    "$out/aksnet" check -f "$out/estate/topology.yaml" --rule NET --rule AKS --rule LB --rule PEER --rule RT > /dev/null || true
done 2>&1
uptime
