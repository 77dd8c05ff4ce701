#!/bin/sh
# Groups and custom metrics end to end (docs/language.md "Groups and custom
# metrics", docs/reports.md): tests/metrics/*.swarm compiled with swarmc and
# run against the demo target on 127.0.0.1 (a kernel-chosen port), with
# assertions on the JSON, CSV, HTML and JUnit outputs (tests/metrics/
# check.py):
#   shop-*     request names checkout::..., the GROUP rows and their
#              durations, exact counters and trend percentiles, the
#              Aggregated row without groups, thresholds passing (exit 0)
#   threads-*  the same with --threads 2 (per-worker metrics merged)
#   merge-*    `swarmc merge` of two shards' results: counters add, trends
#              merge exactly, group rows add
#   exit-*     failing thresholds on a metric and from --threshold: 99
#   web-*      the web UI's /stats/requests lists the GROUP rows
#   fmt-*      swarmc fmt of groups and metrics (tests/metrics/layout.*)
# Prints "PASS metrics/<name>" or "FAIL metrics/<name>: <why>".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/metrics"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
SWARMC="$BUILD/swarmc"
SUITE=metrics
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
. "$ROOT/tests/lib/target.sh"
. "$ROOT/tests/lib/assert.sh"
CHECK="python3 $ROOT/tests/metrics/check.py"
rc=0

# swarmc fmt: a metric's name is not a call, a - after it is unary.
"$SWARMC" fmt tests/metrics/layout.swarm >"$OUT/layout.out" 2>&1
check fmt-layout "" "$(diff tests/metrics/layout.expected "$OUT/layout.out")"

for s in shop fail; do
    if "$SWARMC" build "tests/metrics/$s.swarm" -o "$OUT/bin-$s" \
            >"$OUT/$s.compile.log" 2>&1; then
        pass "$s-compiles"
    else
        fail "$s-compiles" "$(head -c 400 "$OUT/$s.compile.log")"
        exit 1
    fi
done

start_target "$OUT"
# run NAME BIN ARGS...: one run into $OUT/NAME/ (its exit status in rc).
run() {
    d="$OUT/$1"
    bin="$OUT/bin-$2"
    shift 2
    mkdir -p "$d"
    timeout 60 "$bin" --host "$URL" -q --json "$d/result.json" \
        --csv "$d/r" --html "$d/report.html" --junit "$d/junit.xml" "$@" \
        >"$d/stdout" 2>"$d/stderr"
    echo $? >"$d/rc"
}

run shop shop
check shop-exit 0 "$(cat "$OUT/shop/rc")"
$CHECK shop "$OUT/shop/result.json" "$OUT/shop/r" || rc=1
out=$(cat "$OUT/shop/stdout")
contains shop-console-group "GROUP    checkout " "$out"
contains shop-console-metrics "counter  items " "$out"
contains shop-console-threshold "basket p50 == 20" "$out"
contains shop-html "<h2>Custom metrics</h2>" "$(cat "$OUT/shop/report.html")"
contains shop-junit "think avg == 250ms" "$(cat "$OUT/shop/junit.xml")"

run threads shop --threads 2 -u 4
check threads-exit 0 "$(cat "$OUT/threads/rc")"
$CHECK shop "$OUT/threads/result.json" "$OUT/threads/r" threads || rc=1

# two shards of one run, merged
run shard0 shop --shard 0/2 -u 4
run shard1 shop --shard 1/2 -u 4
$SWARMC merge "$OUT/shard0/result.json" "$OUT/shard1/result.json" \
    --json "$OUT/merged.json" --csv "$OUT/merged" >"$OUT/merge.stdout" \
    2>"$OUT/merge.stderr"
check merge-exit 0 "$?"
$CHECK merged "$OUT/merged.json" "$OUT/shard0/result.json" \
    "$OUT/shard1/result.json" || rc=1
contains merge-csv "basket,trend," "$(cat "$OUT/merged_metrics.csv" 2>&1)"
$SWARMC merge "$OUT/shop/result.json" --threshold "basket p50 > 20" \
    >/dev/null 2>&1
check merge-threshold-exit 99 "$?"

run fail fail
check exit-compiled-threshold 99 "$(cat "$OUT/fail/rc")"
contains exit-compiled-actual "basket p50 < 20  med=40" \
    "$(cat "$OUT/fail/stdout")"
run cli shop --threshold "items count < 3"
check exit-cli-threshold 99 "$(cat "$OUT/cli/rc")"
contains exit-cli-actual "items count < 3" "$(cat "$OUT/cli/stdout")"
stop_target

# The web UI: group rows in Locust's /stats/requests, Aggregated apart.
start_target "$OUT"
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
timeout 60 "$OUT/bin-shop" --host "$URL" -q --web-port "$port" \
    --web-host 127.0.0.1 --autostart --autoquit 3 -u 2 \
    >"$OUT/web.stdout" 2>"$OUT/web.stderr" &
WEB=$!
got=
i=0
while [ $i -lt 50 ]; do
    got=$(curl -s "http://127.0.0.1:$port/stats/requests" 2>/dev/null)
    case $got in *'"GROUP"'*) break ;; esac
    sleep 0.2
    i=$((i + 1))
done
contains web-group-row '"method": "GROUP"' "$(printf '%s' "$got" |
    python3 -c 'import json, sys
d = json.load(sys.stdin)
for s in d["stats"]:
    if s["method"] == "GROUP":
        print(json.dumps({"method": s["method"], "name": s["name"]}))' 2>&1)"
wait $WEB
stop_target
exit $rc
