#!/bin/sh
# Reports end to end (issue 5): tests/report/mixed.swarm compiled with
# swarmc and run against the demo target on 127.0.0.1 (a kernel-chosen
# port), every run bounded in time; the assertions are in
# tests/report/check.py.  About 35 s in all.
#   html-*       the --html report rendered by headless Chromium (Debian's
#                `chromium`, installed by run-tests.sh): every chart series
#                drawn, the request table, no network request (NetLog, with
#                a control page that does make requests), a screenshot in
#                $BUILD/tests/report/html/report.png
#   threshold-*  a broken threshold exits 99 and the JUnit file names it;
#                an `abort` threshold stops the run early with 99
#   timing-*     the dns/connect/tls/ttfb breakdown in the JSON
#   sigint-*     SIGINT after 2 s: status 0, the summary on stdout, the
#                final _stats.csv rows equal to it, Locust's CSV headers
#   sigtwice-*   a second SIGTERM while the reports are written: 130,
#                every report whole, no temporary file left
#   live-*       the live line on a pseudo-terminal (script(1)) every 2 s,
#                no colour with NO_COLOR, nothing with --quiet
#
# Prints "PASS report/<name>" or "FAIL report/<name>: <why>" per test.
# SWARMC_CFLAGS (sanitizer flags) reaches the C compiler through swarmc.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/report"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
SWARMC="$BUILD/swarmc"
CHECK="python3 $ROOT/tests/report/check.py"
BIN="$OUT/mixed"
PID=
BGPID=
# Never leave a target or a load process running, whatever ends this.
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null;
      [ -n "$BGPID" ] && kill -KILL "$BGPID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM

SUITE=report
. "$ROOT/tests/lib/assert.sh"

. "$ROOT/tests/lib/target.sh"


# spawn DIR CMD...: runs CMD in the background; its pid goes to DIR/pid
# and, once it has exited, its status to DIR/rc.  The status comes through
# a file because dash's `wait PID` can hang while another child (the
# target) runs; the inner shell has only this one child to wait for.
spawn() {
    d=$1
    shift
    sh -c 'd=$1; shift; "$@" & echo $! >"$d/pid.tmp"; mv "$d/pid.tmp" "$d/pid"
           wait $!; echo $? >"$d/rc.tmp"; mv "$d/rc.tmp" "$d/rc"' \
        spawn "$d" "$@" &
    wait_files 50 "$d/pid"
    BGPID=$(cat "$d/pid")
}

# chromium_run HTML DIR: loads HTML in headless Chromium; DIR gets the
# dumped DOM (dom.html), the NetLog (net.json), a screenshot (report.png)
# and Chromium's stderr.
chromium_run() {
    profile=$(mktemp -d)
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$profile" --virtual-time-budget=5000 \
        --hide-scrollbars --window-size=1000,1700 \
        --log-net-log="$2/net.json" --screenshot="$2/report.png" \
        --dump-dom "file://$1" >"$2/dom.html" 2>"$2/chromium.stderr"
    crc=$?
    rm -rf "$profile"
    return $crc
}

if [ ! -x "$SWARMC" ] || [ ! -x "$TARGET" ]; then
    echo "FAIL report/build: $SWARMC or $TARGET missing"
    exit 1
fi
if ! "$SWARMC" build tests/report/mixed.swarm -o "$BIN" >"$OUT/build.log" 2>&1
then
    echo "FAIL report/build: $(head -c 400 "$OUT/build.log")"
    exit 1
fi

# ===== one short run with every output =====================================
# 6 users over 4 s: a history of several points.  "failures < 1%" breaks
# (1 task in 8 gets a 500), "p95 < 10s" holds.
A="$OUT/html"
mkdir -p "$A"
start_target "$A"
"$BIN" -H "$URL" -u 6 -r 3 -t 4s \
    --threshold "p95 < 10s" --threshold "failures < 1%" \
    --csv "$A/out" --json "$A/result.json" --html "$A/report.html" \
    --junit "$A/junit.xml" >"$A/stdout" 2>"$A/stderr"
rc=$?
stop_target
check threshold-exit-99 99 "$rc"
ok threshold-junit-names-it $CHECK junit "$A/junit.xml" "p95 < 10s" \
    "failures < 1%"
check live-nothing-when-not-a-terminal "" "$(cat "$A/stderr")"
ok timing-breakdown $CHECK timing "$A/result.json" "$A/log"

if ! command -v chromium >/dev/null 2>&1; then
    fail html-chromium "chromium is not installed (apt-get install chromium)"
elif chromium_run "$A/report.html" "$A"; then
    ok html-charts-drawn $CHECK html "$A/dom.html" "$A/result.json" \
        "$A/report.html"
    ok html-no-network $CHECK netlog "$A/net.json"
    ok html-screenshot $CHECK png "$A/report.png"
    # The control: the same page with an image, a style sheet and a fetch
    # added; the NetLog must show them, or html-no-network proves nothing.
    C="$OUT/html-control"
    mkdir -p "$C"
    x=http://127.0.0.1:9
    sed "s|</body>|<img src=$x/i.png><link rel=stylesheet href=$x/s.css>\
<script>fetch('$x/f').catch(function(){})</script></body>|" \
        "$A/report.html" >"$C/report.html"
    if chromium_run "$C/report.html" "$C"; then
        ok html-no-network-control $CHECK netlog "$C/net.json" \
            --expect-requests
    else
        fail html-no-network-control "chromium failed (see $C/chromium.stderr)"
    fi
else
    fail html-chromium "chromium failed: $(tail -n 3 "$A/chromium.stderr")"
fi

# ===== an abort threshold ==================================================
B="$OUT/abort"
mkdir -p "$B"
start_target "$B"
t0=$(date +%s)
"$BIN" -H "$URL" -u 4 -r 4 -t 30s \
    --threshold "p99 < 10s" --threshold "failures < 5 abort" \
    --json "$B/result.json" --junit "$B/junit.xml" >"$B/stdout" 2>"$B/stderr"
rc=$?
took=$(( $(date +%s) - t0 ))
stop_target
check threshold-abort-exit-99 99 "$rc"
if [ "$took" -le 8 ]; then
    pass threshold-abort-stops-early
else
    fail threshold-abort-stops-early "a 30 s run took ${took}s"
fi
case $(cat "$B/stderr") in
*"threshold 'failures < 5 abort' broken"*) pass threshold-abort-message ;;
*) fail threshold-abort-message "stderr: $(head -c 300 "$B/stderr")" ;;
esac
ok threshold-abort-junit $CHECK junit "$B/junit.xml" "p99 < 10s" \
    "failures < 5 abort"

# ===== SIGINT mid-run ======================================================
S="$OUT/sigint"
mkdir -p "$S"
start_target "$S"
spawn "$S" "$BIN" -H "$URL" -u 4 -r 4 -t 30s --threshold "p95 < 10s" \
    --csv "$S/out" --json "$S/result.json" --html "$S/report.html" \
    --junit "$S/junit.xml" >"$S/stdout" 2>"$S/stderr"
sleep 2
kill -INT "$BGPID"
wait_files 100 "$S/rc"
kill -KILL "$BGPID" 2>/dev/null
BGPID=
stop_target
check sigint-exit-status 0 \
    "$(cat "$S/rc" 2>/dev/null || echo 'none: still running after 10 s')"
missing=
for f in out_stats.csv out_stats_history.csv out_failures.csv \
         out_exceptions.csv result.json report.html junit.xml; do
    [ -s "$S/$f" ] || missing="$missing $f"
done
check sigint-every-file-written "" "$missing"
# -t 30s: a run that lasted under 10 s was ended by the SIGINT.
dur=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["run"]["duration_s"] < 10)' \
    "$S/result.json" 2>&1)
check sigint-stopped-the-run True "$dur"
ok sigint-csv-matches-summary $CHECK summary "$S/stdout" "$S/out" \
    "$S/result.json"
ok sigint-csv-locust-headers $CHECK headers tests/report/locust-headers.txt \
    "$S/out"

# ===== a second signal while the reports are written ======================
# SWARM_TEST_REPORT_DELAY_MS (test-only, atomicfile.c) holds every report's
# temporary file 700 ms, so the second SIGTERM lands while one is open.
# Every report must still be there and whole, no temporary file left, and
# the status 130 (killed by the signal it would be 143).
S="$OUT/sigtwice"
mkdir -p "$S"
start_target "$S"
spawn "$S" env SWARM_TEST_REPORT_DELAY_MS=700 "$BIN" -H "$URL" -u 4 -r 4 \
    -t 30s --csv "$S/out" --json "$S/result.json" --html "$S/report.html" \
    --junit "$S/junit.xml" >"$S/stdout" 2>"$S/stderr"
sleep 2
kill -TERM "$BGPID"
# the reports are being written once the first temporary file exists
n=0
while [ -z "$(ls "$S" | grep '\.tmp\.')" ] && [ $n -lt 100 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -TERM "$BGPID"
wait_files 150 "$S/rc"
kill -KILL "$BGPID" 2>/dev/null
BGPID=
stop_target
check sigtwice-exit-130 130 \
    "$(cat "$S/rc" 2>/dev/null || echo 'none: still running after 15 s')"
check sigtwice-no-tmp-file "" "$(ls "$S" | grep '\.tmp\.' | tr '\n' ' ')"
ok sigtwice-reports-whole python3 -c '
import csv, json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
res = json.load(open(d + "/result.json"))
n = sum(e["requests"] for e in res["requests"])
assert n > 0, "no request in result.json"
rows = list(csv.DictReader(open(d + "/out_stats.csv")))
assert rows and rows[-1]["Name"] == "Aggregated", "_stats.csv has no Aggregated row"
assert int(rows[-1]["Request Count"]) == n, "_stats.csv: %s requests, json %d" % (rows[-1]["Request Count"], n)
assert len(rows) == len(res["requests"]) + 1, "_stats.csv: %d rows" % len(rows)
hist = list(csv.DictReader(open(d + "/out_stats_history.csv")))
assert hist, "_stats_history.csv has no row"
for f in ("out_failures.csv", "out_exceptions.csv"):
    list(csv.reader(open(d + "/" + f)))
ET.parse(d + "/junit.xml")
h = open(d + "/report.html").read()
assert h.rstrip().endswith("</html>"), "report.html is cut short"
' "$S"

# ===== the live view on a pseudo-terminal ==================================
L="$OUT/live"
mkdir -p "$L"
if ! command -v script >/dev/null 2>&1; then
    fail live-view "script(1) is not installed (apt-get install bsdutils)"
else
    start_target "$L"
    # Four runs at once: plain, NO_COLOR=1, --quiet, --only-summary.
    ok live-view $CHECK live "$L" "$BIN" -H "$URL" -u 2 -r 2 -t 7s
    stop_target
fi
exit 0
