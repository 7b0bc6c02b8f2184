#!/usr/bin/env bash
# aksnet serve against CoreDNS, serving the same answers (issue 7).
#
# In one run, on loopback only:
#  1. installs dnsperf (Debian) and CoreDNS (go install, pinned) if missing;
#  2. generates an estate (100 spokes, 1,000 private endpoints, 10 clusters),
#     the questions a pod's stub puts on the wire for its endpoint and
#     Service names (every search candidate, A and AAAA), and a zone file
#     with the engine's answers to them for CoreDNS's file plugin;
#  3. starts both servers pinned to core 0 (taskset), checks that they give
#     the same answer to every question, and runs dnsperf pinned to core 1
#     against each in turn: throughput rounds (back to back, alternating
#     which goes first; QPS and queries per CPU-second of the server), then
#     latency runs (dnsperf -v, percentiles) at saturation and at a fixed
#     rate;
#  4. soaks aksnet with dnsperf (after one warm-up pass) on a file that adds
#     250,000 names asked once per pass (more than its answer cache holds)
#     and samples its RSS.
#
# Usage: bench/serve/run.sh [SECONDS_PER_RUN] [SOAK_SECONDS] [ROUNDS]
# (defaults 15, 180, 3). Ports: 127.0.0.1:53531 (aksnet), :53532 (CoreDNS),
# :53539 (aksnet's metrics); override with AKSNET_PORT, COREDNS_PORT,
# METRICS_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-15}
soak=${2:-180}
rounds=${3:-3}
COREDNS_VERSION=v1.15.0
aport=${AKSNET_PORT:-53531}
cport=${COREDNS_PORT:-53532}
mport=${METRICS_PORT:-53539}
vantage=pod:aks-0001/shop/orders

if ! command -v dnsperf >/dev/null; then
  echo "== installing dnsperf"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends dnsperf >/dev/null
fi
coredns="$(go env GOPATH)/bin/coredns"
ver=$("$coredns" -version 2>/dev/null || true)
if [[ $ver != *"CoreDNS-${COREDNS_VERSION#v}"* ]]; then
  echo "== installing CoreDNS $COREDNS_VERSION"
  go install "github.com/coredns/coredns@$COREDNS_VERSION"
fi

out=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT

echo "== building and generating"
go build -o "$out/aksnet" ./cmd/aksnet
go build -o "$out/servebench" ./bench/serve
"$out/aksnet" generate "$out/estate" --spokes 100 --endpoints-per-spoke 10 --clusters 10 --services 10 >/dev/null
"$out/servebench" gen -f "$out/estate/topology.yaml" -as "$vantage" -o "$out"
cat > "$out/Corefile" <<EOF
.:$cport {
    bind 127.0.0.1
    file $out/db.root . {
        reload 0
    }
}
EOF

echo "== starting both on core 0"
taskset -c 0 "$out/aksnet" serve -f "$out/estate/topology.yaml" --listen "127.0.0.1:$aport" --as "$vantage" \
  --metrics "127.0.0.1:$mport" --log-level warn --poll 0 &
apid=$!; pids+=("$apid")
taskset -c 0 "$coredns" -conf "$out/Corefile" -quiet &
cpid=$!; pids+=("$cpid")
for port in "$aport" "$cport"; do
  for _ in $(seq 50); do
    dig @127.0.0.1 -p "$port" +tries=1 +timeout=1 +short ns.bench SOA >/dev/null 2>&1 && break
    sleep 0.2
  done
done
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
echo "aksnet pid $apid, RSS $(rss "$apid") kB after start; CoreDNS pid $cpid, RSS $(rss "$cpid") kB"

echo "== same answers?"
"$out/servebench" compare -a "127.0.0.1:$aport" -b "127.0.0.1:$cport" -q "$out/queries.txt"

# CPU time a process has used, in clock ticks (utime + stime).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
perf() { # port seconds [extra dnsperf flags]
  local port=$1 s=$2; shift 2
  taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -d "$out/queries.txt" -l "$s" -q 100 "$@" 2>&1
}
qps() { awk '/Queries per second/ {printf "%.0f", $4}'; }
lost() { awk '/Queries lost/ {print $3}'; }

echo "== warm-up (one pass each)"
for port in "$aport" "$cport"; do
  taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -d "$out/queries.txt" -n 1 -q 100 >/dev/null 2>&1
done

echo "== throughput: dnsperf -l $secs -q 100 (core 1), $rounds rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The machine may be shared: each round runs the two back to back
# (alternating which goes first), and besides QPS it reports queries per
# CPU-second of the server (its utime + stime over the run): what one core
# given wholly to it would answer, a figure other load on core 0 disturbs
# far less than QPS.
a_all=(); c_all=(); r_all=(); ac_all=(); cc_all=(); rc_all=()
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="$aport $cport"; else order="$cport $aport"; fi
  for port in $order; do
    if [ "$port" = "$aport" ]; then pid=$apid; name=aksnet; else pid=$cpid; name=CoreDNS; fi
    t0=$(ticks "$pid")
    res=$(perf "$port" "$secs")
    t1=$(ticks "$pid")
    q=$(echo "$res" | qps); l=$(echo "$res" | lost)
    n=$(echo "$res" | awk '/Queries completed/ {print $3}')
    cpu=$(awk -v t="$((t1 - t0))" -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}')
    perc=$(awk -v n="$n" -v t="$((t1 - t0))" -v hz="$hz" 'BEGIN {printf "%.0f", (t > 0 ? n * hz / t : 0)}')
    if [ "$port" = "$aport" ]; then a=$q; ac=$perc; a_all+=("$q"); ac_all+=("$perc"); else c=$q; cc=$perc; c_all+=("$q"); cc_all+=("$perc"); fi
    echo "round $r $name: $q QPS, lost $l; $cpu CPU-s for $n queries: $perc per CPU-second"
  done
  r_all+=("$(awk -v a="$a" -v c="$c" 'BEGIN {printf "%.2f", a/c}')")
  rc_all+=("$(awk -v a="$ac" -v c="$cc" 'BEGIN {printf "%.2f", a/c}')")
  echo "round $r ratio: QPS ${r_all[-1]}, per CPU-second ${rc_all[-1]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median QPS: aksnet $(median "${a_all[@]}"), CoreDNS $(median "${c_all[@]}"); median of the rounds' ratios $(median "${r_all[@]}")"
echo "median per CPU-second: aksnet $(median "${ac_all[@]}"), CoreDNS $(median "${cc_all[@]}"); median of the rounds' ratios $(median "${rc_all[@]}")"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"

latency() { # title [extra dnsperf flags]
  local title=$1; shift
  echo "== latency, $title: dnsperf -l $secs -q 100 -v $*"
  for port in "$aport" "$cport"; do
    [ "$port" = "$aport" ] && name=aksnet || name=CoreDNS
    perf "$port" "$secs" -v "$@" > "$out/verbose.txt"
    echo "$name: $(qps < "$out/verbose.txt") QPS, $("$out/servebench" latency < "$out/verbose.txt")"
  done
}
latency "at saturation"
latency "at a fixed 5,000 QPS" -Q 5000

echo "== soak: aksnet, one warm-up pass, then $soak s of dnsperf; RSS every 30 s"
kill "$cpid"
# The bench questions plus 250,000 names asked once per pass: more than the
# answer cache's 200,000 entries per view, so it is emptied and refilled
# while the soak runs, and every name is new to the engine on the first
# pass (which fills its memo: the warm-up).
{ cat "$out/queries.txt"; seq -f "soak-%06g.example.net. A" 250000; } | shuf --random-source=<(yes) > "$out/soak.txt"
echo "before the warm-up: RSS $(rss "$apid") kB"
taskset -c 1 dnsperf -s 127.0.0.1 -p "$aport" -d "$out/soak.txt" -n 1 -q 100 > "$out/warm.log" 2>&1
grep -E 'Queries per second' "$out/warm.log"
taskset -c 1 dnsperf -s 127.0.0.1 -p "$aport" -d "$out/soak.txt" -l "$soak" -q 100 > "$out/soak.log" 2>&1 &
dpid=$!; pids+=("$dpid")
echo "t=0s RSS $(rss "$apid") kB (start)"
t=0
while kill -0 "$dpid" 2>/dev/null; do
  sleep 30; t=$((t + 30))
  kill -0 "$apid" || { echo "aksnet died"; exit 1; }
  echo "t=${t}s RSS $(rss "$apid") kB"
done
grep -E 'Queries (sent|completed|lost)|Queries per second' "$out/soak.log"
echo "end RSS $(rss "$apid") kB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
curl -s "127.0.0.1:$mport/metrics" | grep -E '^aksnet_dns_queries_total|^go_memstats_heap_inuse_bytes|^process_resident_memory_bytes' || true
