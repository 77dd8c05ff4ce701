#!/bin/sh
# End-to-end tests: scenarios compiled with swarmc run for a few seconds
# against the demo target on 127.0.0.1 (a kernel-chosen port); the
# assertions are on the target's request log and on the binary's outputs
# (tests/e2e/check.py).  Every scenario sends "X-User: ${user_id}" so the
# log tells the users apart.
#
# Prints "PASS e2e/<name>" or "FAIL e2e/<name>: <why>" per assertion.
# SWARMC_CFLAGS (sanitizer flags) reaches the C compiler through swarmc.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/e2e"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
PID=
# Never leave a target running, whatever ends this script.
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
SWARMC="$BUILD/swarmc"
CHECK="python3 $ROOT/tests/e2e/check.py"
rc=0

. "$ROOT/tests/lib/target.sh"

# compile NAME SRC: builds SRC into $OUT/NAME/bin; reports the result.
compile() {
    mkdir -p "$OUT/$1"
    if "$SWARMC" build "$2" -o "$OUT/$1/bin" >"$OUT/$1/compile.log" 2>&1; then
        echo "PASS e2e/$1-compiles"
        return 0
    fi
    echo "FAIL e2e/$1-compiles: $(head -c 400 "$OUT/$1/compile.log")"
    rc=1
    return 1
}

# run NAME BIN DIR ARGS...: runs $OUT/BIN/bin from DIR against a fresh
# target, with ARGS after --host URL.  The outputs go to $OUT/NAME/.
run() {
    name=$1
    bin="$OUT/$2/bin"
    rundir=$3
    shift 3
    d="$OUT/$name"
    mkdir -p "$d"
    start_target "$d"
    (cd "$rundir" && timeout 60 "$bin" --host "$URL" -q \
        --json "$d/result.json" "$@" >"$d/stdout" 2>"$d/stderr")
    echo $? >"$d/rc"
    stop_target
}

# check NAME ARGS...: the assertions for one case.
check() {
    $CHECK "$@" || rc=1
}

if [ ! -x "$SWARMC" ] || [ ! -x "$TARGET" ]; then
    echo "FAIL e2e/build: $SWARMC or $TARGET missing"
    exit 1
fi

# Task weights 3:1:1 (chi-square over thousands of tasks).
if compile weights tests/e2e/weights.swarm; then
    run weights weights "$ROOT" -u 4 -r 4 -t 3s
    check weights "$OUT/weights"
fi

# seq order per user, restart at the first step after an interrupt.
if compile sequence tests/e2e/sequence.swarm; then
    run sequence sequence "$ROOT" -u 4 -r 4 -t 3s
    check sequence "$OUT/sequence"
fi

# interrupt (the parent waits) versus interrupt now (it does not).
if compile interrupt tests/e2e/interrupt.swarm; then
    run interrupt interrupt "$ROOT" -u 4 -r 4 -t 3s
    check interrupt "$OUT/interrupt"
fi

# on_start once per user, own cookies, captured tokens.
if compile session tests/e2e/session.swarm; then
    run session session "$ROOT" -u 8 -r 8 -t 3s
    check session "$OUT/session" 8
fi

# 500s are counted as failures, in the JSON and in the summary.
if compile failures tests/e2e/failures.swarm; then
    run failures failures "$ROOT" -u 4 -r 4 -t 3s
    check failures "$OUT/failures"

    # A port nobody listens on (just bound and closed): every request fails
    # and the run still completes.
    d="$OUT/refused"
    mkdir -p "$d"
    port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
    timeout 60 "$OUT/failures/bin" --host "http://127.0.0.1:$port" -q \
        --json "$d/result.json" -u 2 -r 2 -t 2s >"$d/stdout" 2>"$d/stderr"
    echo $? >"$d/rc"
    check refused "$d"

    # A broken threshold makes the exit status non-zero.
    run threshold-run failures "$ROOT" -u 2 -r 2 -t 2s --threshold "failures<1%"
    check threshold "$OUT/threshold-run"
fi

# The README's main job: examples/shop.swarm compiles, runs, reports.
if compile shop examples/shop.swarm; then
    run shop shop "$ROOT" -u 50 -r 50 -t 3s
    check shop "$OUT/shop"
fi

# The "Data between requests" example: a CSV feeder, captures, query.
# It runs from examples/ where its accounts.csv is.
if compile data examples/data.swarm; then
    run data data "$ROOT/examples" -u 5 -r 5 -t 3s
    check data "$OUT/data"
fi

# Every construct at once; its own thresholds must hold.
if compile everything examples/everything.swarm; then
    run everything everything "$ROOT/examples" -t 4s
    check everything "$OUT/everything"
fi

exit $rc
