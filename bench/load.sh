#!/usr/bin/env bash
# Load performance of the 1,000-spoke estate (issue: foundation).
#
# Runs, in one go so the figures share the machine's state:
#  1. the Go benchmarks: the whole load at GOGC=100 and GOGC=400 (what the
#     aksnet command uses), its phases, and a bare yaml.v3 parse of the same
#     file as the reference point;
#  2. the aksnet command end to end on the generated files: `aksnet show`
#     (load, validate, derive every vantage's resolv.conf, print), timed
#     over several runs.
# Usage: bench/load.sh [COUNT]   (default 6)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-6}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== go test -bench (count $count)"
go test -run '^$' -bench 'LoadEstate1000|LoadPhases' -benchtime 5x -count "$count" ./internal/gen/ | grep -E '^Benchmark'

echo "== aksnet show on the generated estate"
go build -o "$out/aksnet" ./cmd/aksnet
"$out/aksnet" generate "$out/estate" --spokes 1000 --endpoints-per-spoke 10 --clusters 100 --services 10
for i in $(seq "$count"); do
  start=$(date +%s%N)
  "$out/aksnet" show -f "$out/estate/topology.yaml" > /dev/null
  end=$(date +%s%N)
  echo "run $i: $(( (end - start) / 1000000 )) ms"
done
