#!/bin/sh
# Fault injection (tests/faults/run.py): a server that fails on purpose
# (tests/engines/badserver.py, one fault per path, on 127.0.0.1) and a
# closed port; every fault runs alone (one --tags task, one request) under
# --engine curl and --engine auto (which must serve it natively).  Each
# must end with the expected exit status (--exit-code-on-error 3), exactly
# one counted failure with the expected message, and a bounded peak RSS
# (a 200 MB body keeps 8 MB).  About 10 s; the same under SAN=address.
#
# Prints "PASS faults/<fault>-<engine>" or "FAIL faults/<...>: <why>".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/faults"
rm -rf "$OUT"
mkdir -p "$OUT"
BAD=
trap '[ -n "$BAD" ] && kill "$BAD" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
SWARMC="$BUILD/swarmc"

if [ ! -x "$SWARMC" ]; then
    echo "FAIL faults/build: $SWARMC missing"
    exit 1
fi
if ! "$SWARMC" build tests/faults/faults.swarm -o "$OUT/bin" \
        >"$OUT/compile.log" 2>&1; then
    echo "FAIL faults/compiles: $(head -c 400 "$OUT/compile.log")"
    exit 1
fi
python3 "$ROOT/tests/engines/badserver.py" "$OUT/port" &
BAD=$!
i=0
while [ ! -s "$OUT/port" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ ! -s "$OUT/port" ]; then
    echo "FAIL faults/server-start: no port file after 10 s"
    exit 1
fi
python3 "$ROOT/tests/faults/run.py" "$OUT/bin" "$(cat "$OUT/port")" "$OUT"
