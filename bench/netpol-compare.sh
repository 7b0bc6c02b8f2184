#!/usr/bin/env bash
# netpol-compare.sh — replay np-guard/netpol-analyzer's connectivity goldens
# through `aksnet policy` (issue 8's oracle; results in docs/policy.md).
#
#   bench/netpol-compare.sh NETPOL_ANALYZER [ENGINE] [-v]
#
# NETPOL_ANALYZER is a checkout of github.com/np-guard/netpol-analyzer, or the
# bare repository the search tool's fetch leaves under /work/.mirror (it is
# then cloned locally into a temporary folder). For every
# test_outputs/connlist/<case>_connlist_output.txt whose tests/<case> folder
# exists, the folder's manifests go through
# `aksnet policy --k8s … -o json --engine ENGINE` (default calico: the AKS
# engine that implements every kind the cases use), each row is printed as
# netpol-analyzer prints it, and the lines are compared with the golden.
# A case that does not agree is explained by a documented difference, or
# counted as unexplained (the script then exits 1). -v prints the lines.
#
# It downloads nothing: aksnet is built offline (GOPROXY=off) from this
# checkout; netpol-analyzer is not built (its goldens are the oracle).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:?usage: bench/netpol-compare.sh NETPOL_ANALYZER [ENGINE] [-v]}
engine=${2:-calico}
verbose=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -d "$src/test_outputs" ]; then
  if git -C "$src" rev-parse --is-bare-repository 2>/dev/null | grep -q true; then
    git clone -q --local "$src" "$tmp/netpol-analyzer"
    src=$tmp/netpol-analyzer
  else
    echo "netpol-compare: $src is neither a netpol-analyzer checkout nor its bare repository" >&2
    exit 2
  fi
fi
echo "oracle: np-guard/netpol-analyzer $(git -C "$src" rev-parse HEAD 2>/dev/null || echo '(not a git checkout)')"
echo "aksnet: $(git -C "$here" rev-parse --short HEAD)$(git -C "$here" diff --quiet || echo '+changes'), engine $engine"

cd "$here"
GOPROXY=off go build -o "$tmp/aksnet" ./cmd/aksnet
GOPROXY=off go build -o "$tmp/netpol" ./bench/netpol
"$tmp/netpol" compare -oracle "$src" -aksnet "$tmp/aksnet" -engine "$engine" $verbose
