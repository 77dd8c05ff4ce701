#!/bin/sh
# Load models and run control (issue 4): scenarios in tests/load/ compiled
# with swarmc, run against the demo target on 127.0.0.1 (a kernel-chosen
# port); the assertions (tests/load/check.py) are on the target's request
# log and on the binary's outputs.  About 60 s in all.
#
# Prints "PASS load/<name>" or "FAIL load/<name>: <why>" per assertion.
# SWARMC_CFLAGS (sanitizer flags) reaches the C compiler through swarmc.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/load"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
SWARMC="$BUILD/swarmc"
CHECK="python3 $ROOT/tests/load/check.py"
PID=
BGPID=
# Never leave a target or a load process running, whatever ends this.
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null;
      [ -n "$BGPID" ] && kill -KILL "$BGPID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
rc=0

. "$ROOT/tests/lib/target.sh"

# compile NAME: tests/load/NAME.swarm into $OUT/bin/NAME.
compile() {
    mkdir -p "$OUT/bin"
    if "$SWARMC" build "tests/load/$1.swarm" -o "$OUT/bin/$1" \
            >"$OUT/bin/$1.log" 2>&1; then
        echo "PASS load/$1-compiles"
        return 0
    fi
    echo "FAIL load/$1-compiles: $(head -c 400 "$OUT/bin/$1.log")"
    rc=1
    return 1
}

# run CASE BIN 'TARGET ARGS' ARGS...: runs BIN against a fresh target
# (started with TARGET ARGS), -q, --json CASE/result.json, ARGS.
run() {
    name=$1
    bin=$2
    targs=$3
    shift 3
    d="$OUT/$name"
    mkdir -p "$d"
    # shellcheck disable=SC2086
    start_target "$d" $targs
    timeout 60 "$OUT/bin/$bin" --host "$URL" -q --json "$d/result.json" \
        "$@" >"$d/stdout" 2>"$d/stderr"
    echo $? >"$d/rc"
    stop_target
}

check() {
    $CHECK "$@" || rc=1
}

if [ ! -x "$SWARMC" ] || [ ! -x "$TARGET" ]; then
    echo "FAIL load/build: $SWARMC or $TARGET missing"
    exit 1
fi

# A 3-stage shape: the per-second user count follows it.
if compile shape; then
    run shape shape ""
    check shape "$OUT/shape"
fi

# rate 200/s: 200 +-2% task starts a second for 10 s.
if compile rate; then
    run rate rate ""
    check rate "$OUT/rate" 200 10
fi

# Rate stages ramp the rate linearly.
if compile ramp; then
    run ramp ramp ""
    check ramp "$OUT/ramp"
fi

# A pool too small for the rate: dropped starts, in the JSON and summary.
if compile pool; then
    run pool pool ""
    check dropped "$OUT/pool"
fi

# Latency from the intended start: an open-model pool that saturates under
# a server delay, and a paced closed-model user whose tasks overrun.
if compile intended; then
    run intended-calm intended ""
    run intended-delay intended "--delay-ms 300"
    check intended intended-open "$OUT/intended-calm" \
        "$OUT/intended-delay" 300
fi
if compile paced; then
    run paced-calm paced "" -u 2 -r 2 -t 2s
    run paced-delay paced "--delay-ms 300" -u 2 -r 2 -t 2s
    check intended intended-paced "$OUT/paced-calm" "$OUT/paced-delay" 300
fi

# --iterations: exactly N per user, N shared by threads, shards and the
# open model's arrivals.
if compile count; then
    run iter-user count "" -u 3 -r 3 --iterations 7 -t 20s
    check count iterations-per-user "$OUT/iter-user" 21 /about
    run iter-shared count "" -u 4 -r 4 --threads 2 --iterations 25 \
        --iterations-shared -t 20s
    check count iterations-shared-threads "$OUT/iter-shared" 25 /about
    run iter-open count "" --rate 50 --max-users 5 --iterations 30 -t 20s
    check count iterations-open-model "$OUT/iter-open" 30 /about

    d="$OUT/iter-shards"
    mkdir -p "$d"
    start_target "$d"
    pids=
    for i in 0 1; do
        timeout 60 "$OUT/bin/count" --host "$URL" -q -u 3 -r 3 --threads 2 \
            --iterations 25 --iterations-shared --shard "$i/2" -t 20s \
            >"$d/stdout.$i" 2>"$d/stderr.$i" &
        pids="$pids $!"
    done
    wait_rc=0
    for j in $pids; do
        wait "$j" || wait_rc=$?
    done
    echo $wait_rc >"$d/rc"
    stop_target
    check count iterations-shared-shards "$d" 25 /about
fi

# The same --seed gives the same sequence of tasks (one user).
if compile seeded; then
    for s in a b c; do
        seed=42
        [ $s = c ] && seed=43
        run "seed-$s" seeded "" -u 1 --threads 1 --iterations 200 \
            --seed $seed -t 20s
    done
    check seed "$OUT/seed-a" "$OUT/seed-b" "$OUT/seed-c"
fi

# SIGINT after 2 s: the full summary and every --csv file.
if compile interrupted; then
    d="$OUT/sigint"
    mkdir -p "$d"
    start_target "$d"
    "$OUT/bin/interrupted" --host "$URL" -q -u 4 -r 4 -t 30s \
        --csv "$d/out" --json "$d/result.json" >"$d/stdout" 2>"$d/stderr" &
    BGPID=$!
    sleep 2
    kill -INT "$BGPID"
    i=0
    while kill -0 "$BGPID" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -KILL "$BGPID" 2>/dev/null
    wait "$BGPID"
    echo $? >"$d/rc"
    BGPID=
    stop_target
    check sigint "$d" "$d/out"
fi

exit $rc
