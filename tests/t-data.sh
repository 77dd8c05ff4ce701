#!/bin/sh
# Scenario-data end-to-end tests (issue 3): checks, captures, variables and
# built-ins, feeders, control flow, tags and request options.  Scenarios in
# tests/data/ are compiled with swarmc and run for a few seconds against the
# demo target on 127.0.0.1 (a kernel-chosen port, one target per run); the
# assertions (tests/data/check.py) are on the target's request log and on
# the binary's --json output, not on timings.
#
# Prints "PASS data/<name>" or "FAIL data/<name>: <why>" per assertion.
# SWARMC_CFLAGS (sanitizer flags) reaches the C compiler through swarmc.
# DATA_ONLY="captures tags ..." runs only those scenarios.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/data"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
SWARMC="$BUILD/swarmc"
CHECK="python3 $ROOT/tests/data/check.py"
PID=
PID2=
# Never leave a target running, whatever ends this script.
trap 'for p in $PID $PID2; do kill "$p" 2>/dev/null; done' EXIT
trap 'exit 130' INT TERM
rc=0
RUN_ENV=

# start_target DIR: a target on a free port logging to DIR/log.  Prints
# "PID URL" (the caller reads both).
start_target() {
    rm -f "$1/port"
    "$TARGET" --port 0 --port-file "$1/port" --log "$1/log" \
        >"$1/target.stdout" 2>"$1/target.stderr" &
    tpid=$!
    i=0
    while [ ! -s "$1/port" ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    echo "$tpid http://127.0.0.1:$(cat "$1/port" 2>/dev/null)"
}

# stop_target PID: SIGTERM, then up to 5 s for it to exit (it was started
# in a command substitution, so it is not this shell's child to wait for).
stop_target() {
    kill -TERM "$1" 2>/dev/null
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

# compile NAME [SRC]: builds SRC (default tests/data/NAME.swarm) into
# $OUT/NAME/bin.
# DATA_ONLY="name ..." limits the suite to those scenarios.
compile() {
    case " ${DATA_ONLY:-$1} " in
    *" $1 "*) ;;
    *) return 1 ;;
    esac
    mkdir -p "$OUT/$1"
    if "$SWARMC" build "${2:-tests/data/$1.swarm}" -o "$OUT/$1/bin" \
        >"$OUT/$1/compile.log" 2>&1; then
        echo "PASS data/$1-compiles"
        return 0
    fi
    echo "FAIL data/$1-compiles: $(head -c 400 "$OUT/$1/compile.log")"
    rc=1
    return 1
}

# run CASE BIN ARGS...: runs $OUT/BIN/bin from RUN_DIR (default
# tests/data, where the CSVs are) against a fresh target, with ARGS after
# --host URL, for at most 30 s (then SIGTERM, SIGKILL 5 s later).  The
# outputs (log, stdout, stderr, rc, result.json) go to $OUT/CASE/.  RUN_ENV
# holds env(1) arguments for the binary ("-u VAR" first, then "VAR=value");
# @URL@ in it stands for the run's own target URL.
run() {
    name=$1
    bin="$OUT/$2/bin"
    shift 2
    d="$OUT/$name"
    mkdir -p "$d"
    set -- $(start_target "$d") "$@"
    PID=$1
    url=$2
    shift 2
    renv=$(printf '%s' "${RUN_ENV:-}" | sed "s|@URL@|$url|g")
    (cd "${RUN_DIR:-$ROOT/tests/data}" &&
        env $renv timeout -k 5 30 "$bin" --host "$url" -q \
            --json "$d/result.json" "$@" >"$d/stdout" 2>"$d/stderr")
    echo $? >"$d/rc"
    stop_target "$PID"
    PID=
}

check() {
    $CHECK "$@" || rc=1
}

if [ ! -x "$SWARMC" ] || [ ! -x "$TARGET" ]; then
    echo "FAIL data/build: $SWARMC or $TARGET missing"
    exit 1
fi

# Login with a CSV account, JSON capture of the token, bearer header.
if compile login; then
    run login login -u 8 -r 8 -t 2s --threads 2
    check login "$OUT/login" 8
fi

# Shared feeder: round-robin across users and threads, each row +-1.
# --iterations lets every started task finish, so every row taken is logged.
if compile roundrobin; then
    run roundrobin roundrobin -u 6 -r 50 -t 6s --threads 2 --iterations 25
    check roundrobin "$OUT/roundrobin" 7 150
fi

# unique: every row once, then each asking user stops (on_stop runs).
if compile unique; then
    run unique unique -u 4 -r 20 -t 3s --threads 2
    check unique "$OUT/unique" 20 4
fi

# unique_stop_run: every row once, then the run ends long before -t.
if compile unique-run; then
    run unique-run unique-run -u 4 -r 20 -t 20s --threads 2
    check unique-run "$OUT/unique-run" 20 4
fi

# unique_stop_run with 400 ms answers and users started 100 ms apart: when
# the rows run out three users have a request in flight, and every one of
# the 20 requests the target answered is recorded.
if compile unique-inflight; then
    run unique-inflight unique-inflight -u 4 -r 10 -t 20s --threads 2
    check unique-inflight "$OUT/unique-inflight" 20
fi

# Checks: failure messages in the JSON, expect status 404 is a success.
if compile checks; then
    run checks checks -u 2 -r 10 -t 2s
    check checks "$OUT/checks"
fi

# Captures of every kind reused in the next request.
if compile captures; then
    run captures captures -u 3 -r 10 -t 2s --threads 2
    check captures "$OUT/captures"
fi

# --tags / --exclude-tags (Locust semantics), one binary, three runs.
if compile tags; then
    run tags-a tags -u 2 -r 10 -t 2s --tags a
    check tags "$OUT/tags-a" "--tags a" alpha,both
    run tags-bc tags -u 2 -r 10 -t 2s -T b -T c
    check tags "$OUT/tags-bc" "-T b -T c" beta,both,gamma
    run tags-xa tags -u 2 -r 10 -t 2s --exclude-tags a,c
    check tags "$OUT/tags-xa" "--exclude-tags a,c" plain,beta
    run tags-mix tags -u 2 -r 10 -t 2s --tags a --exclude-tags b
    check tags "$OUT/tags-mix" "--tags a --exclude-tags b" alpha
fi

# if/else, repeat, sleep, schedule, stop + on_stop, let and built-ins.
if compile control; then
    run control control -u 3 -r 10 -t 5s --threads 2
    check control "$OUT/control" 3
fi

# env() with and without a default; unset without a default: start-up
# error, non-zero exit, no request sent.
if compile env; then
    RUN_ENV="-u SWARM_DATA_Y SWARM_DATA_X=from-env SWARM_DATA_Z=zed"
    run env-set env -u 1 -r 10 -t 1s
    check env-set "$OUT/env-set"
    RUN_ENV="-u SWARM_DATA_X -u SWARM_DATA_Y -u SWARM_DATA_Z"
    run env-unset env -u 1 -r 10 -t 1s
    RUN_ENV=
    check env-unset "$OUT/env-unset"
fi

# Basic auth, redirects off/on, absolute URL (a second target), timeouts.
if compile requests; then
    mkdir -p "$OUT/requests-abs"
    set -- $(start_target "$OUT/requests-abs")
    PID2=$1
    RUN_ENV="SWARM_DATA_ABS=$2"
    run requests requests -u 2 -r 10 -t 3s --timeout 500ms
    RUN_ENV=
    stop_target "$PID2"
    PID2=
    check requests "$OUT/requests" "$OUT/requests-abs/log"
fi

# examples/data-tour.swarm: every construct of issue 3 against the target,
# run from examples/ (its CSVs), all tasks and then --tags shop.
if compile data-tour examples/data-tour.swarm; then
    RUN_DIR="$ROOT/examples"
    RUN_ENV="TOUR_ECHO_BASE=@URL@"
    run data-tour data-tour -u 5 -r 10 -t 3s --threads 2
    check data-tour "$OUT/data-tour" all
    run data-tour-shop data-tour -u 5 -r 10 -t 2s --tags shop
    check data-tour "$OUT/data-tour-shop" shop
    RUN_DIR=
    RUN_ENV=
fi

exit $rc
