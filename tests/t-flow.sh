#!/bin/sh
# Control flow and run hooks end to end (tests/flow/): while, retry N,
# return, weighted choice(), on_test_start / on_test_stop, compiled with
# swarmc and run against the demo target; the assertions
# (tests/flow/check.py) read the target's request log and the results.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/flow"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
SWARMC="$BUILD/swarmc"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
CHECK="python3 $ROOT/tests/flow/check.py"
rc=0

. "$ROOT/tests/lib/target.sh"

compile() {
    mkdir -p "$OUT/$1"
    if "$SWARMC" build "tests/flow/$1.swarm" -o "$OUT/$1/bin" \
            >"$OUT/$1/compile.log" 2>&1; then
        echo "PASS flow/$1-compiles"
        return 0
    fi
    echo "FAIL flow/$1-compiles: $(head -c 400 "$OUT/$1/compile.log")"
    rc=1
    return 1
}

now() {
    date +%s.%N
}

# run CASE BIN ARGS...: BIN against a fresh target; outputs in $OUT/CASE.
run() {
    d="$OUT/$1"
    bin="$OUT/$2/bin"
    shift 2
    mkdir -p "$d"
    start_target "$d"
    t0=$(now)
    timeout 60 "$bin" --host "$URL" -q --json "$d/result.json" "$@" \
        >"$d/stdout" 2>"$d/stderr"
    echo $? >"$d/rc"
    python3 -c "print($(now) - $t0)" >"$d/elapsed"
    stop_target
}

check() {
    $CHECK "$@" || rc=1
}

# sigint_run DIR BIN PATTERN ARGS...: BIN in the background against a fresh
# target; once the target's log has a line matching PATTERN (at most 20 s),
# one SIGINT; then at most 30 s for it to end (else SIGKILL).  Not under
# timeout(1): it would pass the signal on to its process group as well, a
# second SIGINT (the binary's abort).
sigint_run() {
    d=$1
    bin=$2
    pattern=$3
    shift 3
    mkdir -p "$d"
    start_target "$d"
    t0=$(now)
    "$bin" --host "$URL" -q "$@" >"$d/stdout" 2>"$d/stderr" &
    bpid=$!
    i=0
    while ! grep -q "$pattern" "$d/log" 2>/dev/null && [ $i -lt 200 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -INT "$bpid"
    i=0
    while kill -0 "$bpid" 2>/dev/null && [ $i -lt 300 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -KILL "$bpid" 2>/dev/null
    wait "$bpid"
    echo $? >"$d/rc"
    python3 -c "print($(now) - $t0)" >"$d/elapsed"
    stop_target
}

if [ ! -x "$SWARMC" ] || [ ! -x "$TARGET" ]; then
    echo "FAIL flow/build: $SWARMC or $TARGET missing"
    exit 1
fi

if compile hooks; then
    run hooks hooks -u 4 -r 4 -t 2s
    check hooks "$OUT/hooks" 4
    # once per process with threads too, before any worker starts users
    run hooks-threads hooks -u 4 -r 4 -t 2s --threads 2
    check hooks-threads "$OUT/hooks-threads" 4
fi

if compile hook-fail; then
    run hook-fail hook-fail -u 2 -r 2 -t 2s
    check hook-fail "$OUT/hook-fail"
fi

if compile hook-sigint; then
    # SIGINT once on_test_start's request is done and its loop spins
    sigint_run "$OUT/hook-sigint" "$OUT/hook-sigint/bin" "/about" \
        -u 2 -r 2 -t 30s
    check hook-sigint "$OUT/hook-sigint"
fi

if compile retry; then
    run retry retry -u 1 -r 1 --iterations 20 -t 30s
    check retry "$OUT/retry" 20
fi

if compile return; then
    run return return -u 1 -r 1 --iterations 10 -t 30s
    check return "$OUT/return" 10
fi

if compile while; then
    # one thread: the spinning user and the worker share one event loop
    run while while -u 2 -r 2 -t 2s --threads 1
    check while "$OUT/while" 20
    # a graceful stop waits for running tasks: the spinning one must end
    # at its next round, not at --stop-timeout
    run while-graceful while -u 2 -r 2 -t 2s --threads 1 --stop-timeout 30s
    check while-graceful "$OUT/while-graceful" 20
    # Ctrl-C while the loop spins (once the worker has finished a task)
    sigint_run "$OUT/while-sigint" "$OUT/while/bin" "/about" \
        --json "$OUT/while-sigint/result.json" -u 2 -r 2 -t 60s --threads 1
    check while-sigint "$OUT/while-sigint" 40 1
fi

if compile choice; then
    run choice choice -u 2 -r 2 --iterations 2000 -t 60s --seed 7
    check choice "$OUT/choice"
fi

exit $rc
