#!/usr/bin/env bash
# Performance of `aksnet check` on the 1,000-spoke estate (issue 4).
#
# Runs, in one go so the figures share the machine's state:
#  1. the Go benchmark of a check run over the loaded estate (every
#     registered rule, then each family alone; the load is measured by
#     bench/load.sh);
#  2. the aksnet command end to end on the generated files: load, validate,
#     every rule, the report, timed over several runs.
# Usage: bench/check.sh [COUNT]   (default 6)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-6}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== go test -bench (count $count)"
go test -run '^$' -bench 'CheckEstate1000' -benchtime 10x -count "$count" ./internal/check/ | grep -E '^Benchmark'

echo "== aksnet check on the generated estate"
go build -o "$out/aksnet" ./cmd/aksnet
"$out/aksnet" generate "$out/estate" --spokes 1000 --endpoints-per-spoke 10 --clusters 100 --services 10
for i in $(seq "$count"); do
  start=$(date +%s%N)
  status=0
  "$out/aksnet" check -f "$out/estate/topology.yaml" > /dev/null || status=$?
  end=$(date +%s%N)
  echo "run $i: $(( (end - start) / 1000000 )) ms (exit $status)"
done
