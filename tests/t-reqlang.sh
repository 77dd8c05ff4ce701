#!/bin/sh
# Multipart bodies, default headers and the cookie statements, end to end
# (tests/reqlang/): tests/reqlang/reqlang.swarm runs once per engine
# against the demo target, whose header log tests/reqlang/check.py reads
# (the multipart body byte for byte against python-requests' encoder, the
# parts as libmicrohttpd's post processor parsed them, every default
# header and Cookie line).  Then a multipart file missing at start-up.
#
# Prints "PASS reqlang/<name>" or "FAIL reqlang/<name>: <why>".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/reqlang"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
SWARMC="$BUILD/swarmc"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
rc=0

. "$ROOT/tests/lib/target.sh"

hex() {
    python3 -c 'import sys; print(open(sys.argv[1], "rb").read().hex())' "$1"
}

if ! "$SWARMC" build tests/reqlang/reqlang.swarm -o "$OUT/reqlang" \
        >"$OUT/compile.log" 2>&1; then
    echo "FAIL reqlang/compiles: $(head -c 400 "$OUT/compile.log")"
    exit 1
fi
echo "PASS reqlang/compiles"
NOTE_HEX=$(hex tests/reqlang/note.txt)
BLOB_HEX=$(hex tests/reqlang/blob.bin)
export NOTE_HEX BLOB_HEX

for engine in curl native; do
    d="$OUT/$engine"
    mkdir -p "$d"
    start_target "$d" --header-log "$d/hlog"
    # from tests/reqlang: note.txt is read at start-up from there
    (cd tests/reqlang && timeout 60 "$OUT/reqlang" --host "$URL" -q \
        --engine "$engine" -u 1 -r 10 --iterations 1 -t 30s \
        --json "$d/result.json" >"$d/stdout" 2>"$d/stderr")
    run_rc=$?
    stop_target
    if [ "$run_rc" -ne 0 ]; then
        echo "FAIL reqlang/$engine-run: exit $run_rc: $(head -c 300 "$d/stderr")"
        rc=1
        continue
    fi
    python3 tests/reqlang/check.py "$engine" "$d/hlog" "$d/result.json" ||
        rc=1
done

# A file read at start-up that is not there: exit 66, one line naming it,
# before any request.
mkdir -p "$OUT/missing"
cat >"$OUT/missing/missing.swarm" <<'SWARM'
user U {
    task up {
        post "/upload" multipart { "a": file "gone.png" type "image/png" }
    }
}
SWARM
if "$SWARMC" build "$OUT/missing/missing.swarm" -o "$OUT/missing/bin" \
        >"$OUT/missing/compile.log" 2>&1; then
    (cd "$OUT" && ./missing/bin --host http://127.0.0.1:1 -u 1 -t 2s -q \
        >"$OUT/missing/stdout" 2>"$OUT/missing/stderr")
    st=$?
    if [ "$st" -eq 66 ] && grep -q "multipart file 'gone.png'" \
            "$OUT/missing/stderr" && [ "$(wc -l <"$OUT/missing/stderr")" -eq 1 ]
    then
        echo "PASS reqlang/missing-file"
    else
        echo "FAIL reqlang/missing-file: exit $st, stderr: $(head -c 300 "$OUT/missing/stderr")"
        rc=1
    fi
else
    echo "FAIL reqlang/missing-file: does not compile: $(head -c 300 "$OUT/missing/compile.log")"
    rc=1
fi
exit $rc
