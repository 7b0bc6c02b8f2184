#!/usr/bin/env bash
# Address planning of the 1,000-spoke estate (issue 5): goal ≤ 200 ms to
# plan every cluster with --fit.
#
# Runs, in one go so the figures share the machine's state:
#  1. the Go benchmark: index the loaded estate and plan its 100 clusters,
#     with --fit and without; then, as the reference measured in the same
#     state of the machine, the load benchmark of the same estate
#     (internal/gen, GOGC=400 as the command runs), run by run in turn;
#  2. the aksnet command end to end on the generated files, alternating
#     `aksnet plan -f … --fit` (every cluster) with `aksnet plan -f … --fit
#     --cluster aks-0001` (the same load, one cluster), so the difference is
#     what planning and printing the other 99 clusters add to the load.
# Usage: bench/plan.sh [COUNT]   (default 6)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-6}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== go test -bench, plan and load in turn (count $count)"
go test -c -o "$out/ipam.test" ./internal/ipam/
go test -c -o "$out/gen.test" ./internal/gen/
for i in $(seq "$count"); do
  "$out/ipam.test" -test.run '^$' -test.bench 'PlanEstate1000' -test.benchtime 20x -test.benchmem | grep -E '^Benchmark'
  GOGC=400 "$out/gen.test" -test.run '^$' -test.bench 'LoadEstate1000/GOGC=400' -test.benchtime 3x | grep -E '^Benchmark'
done

echo "== aksnet plan --fit, every cluster and one, on the generated estate"
go build -o "$out/aksnet" ./cmd/aksnet
"$out/aksnet" generate "$out/estate" --spokes 1000 --endpoints-per-spoke 10 --clusters 100 --services 10 > /dev/null
ms() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
for i in $(seq "$count"); do
  all=$(ms "$out/aksnet" plan -f "$out/estate/topology.yaml" --fit)
  one=$(ms "$out/aksnet" plan -f "$out/estate/topology.yaml" --fit --cluster aks-0001)
  echo "run $i: 100 clusters $all ms, 1 cluster $one ms, difference $(( all - one )) ms"
done
