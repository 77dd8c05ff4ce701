#!/bin/sh
# The two HTTP engines agree on the wire (tests/engines/compare.py): every
# end-to-end scenario (tests/e2e/*.swarm and the examples) runs twice with
# the same seed against a fresh demo target, once with --engine curl and
# once with --engine auto (the native engine for what it covers); the
# target's header log and the JSON reports must match apart from timings.
# Runs are bounded by --iterations (and -t as a safety net), one thread so
# that each user's requests come in a fixed order.
#
# Prints "PASS engines/<name>" or "FAIL engines/<name>: <why>".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/engines"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "${BAD:-}" ] && kill "$BAD" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
SWARMC="$BUILD/swarmc"
rc=0

. "$ROOT/tests/lib/target.sh"

if [ ! -x "$SWARMC" ] || [ ! -x "$TARGET" ]; then
    echo "FAIL engines/build: $SWARMC or $TARGET missing"
    exit 1
fi

# diff NAME SRC RUNDIR ARGS...: compiles SRC, runs it under both engines
# from RUNDIR with ARGS, compares.
diff_engines() {
    name=$1
    src=$2
    rundir=$3
    shift 3
    d="$OUT/$name"
    mkdir -p "$d"
    if ! "$SWARMC" build "$src" -o "$d/bin" >"$d/compile.log" 2>&1; then
        echo "FAIL engines/$name-compiles: $(head -c 400 "$d/compile.log")"
        rc=1
        return
    fi
    for engine in curl auto; do
        mkdir -p "$d/$engine"
        start_target "$d/$engine" --header-log "$d/$engine/hlog"
        (cd "$rundir" && timeout 90 "$d/bin" --host "$URL" -q \
            --engine "$engine" --seed 7 --threads 1 \
            --json "$d/$engine/result.json" "$@" \
            >"$d/$engine/stdout" 2>"$d/$engine/stderr")
        echo $? >"$d/$engine/rc"
        stop_target
    done
    python3 "$ROOT/tests/engines/compare.py" "$name" "$d/curl" "$d/auto" ||
        rc=1
}

diff_engines weights tests/e2e/weights.swarm "$ROOT" -u 3 -r 100 --iterations 8 -t 30s
diff_engines sequence tests/e2e/sequence.swarm "$ROOT" -u 3 -r 100 --iterations 8 -t 30s
diff_engines interrupt tests/e2e/interrupt.swarm "$ROOT" -u 4 -r 100 --iterations 4 -t 30s
diff_engines session tests/e2e/session.swarm "$ROOT" -u 4 -r 100 --iterations 6 -t 30s
diff_engines failures tests/e2e/failures.swarm "$ROOT" -u 3 -r 100 --iterations 8 -t 30s
diff_engines shop examples/shop.swarm "$ROOT" -u 1 -r 100 --iterations 3 -t 60s
diff_engines data examples/data.swarm "$ROOT/examples" -u 1 -r 100 --iterations 3 -t 60s
# one user: its shared feeders hand rows out in the order users ask, which
# the timing between users decides
diff_engines data-tour examples/data-tour.swarm "$ROOT/examples" -u 1 -r 100 --iterations 8 -t 60s
# one user: most of its requests carry no X-User to tell users apart
diff_engines everything examples/everything.swarm "$ROOT/examples" -u 1 -r 100 --iterations 12 -t 60s
# multipart bodies (the same bytes, boundary included: it comes from the
# seeded user), default headers, cookie set/clear and a request's own
# Cookie header; its expects read these (tests/t-reqlang.sh)
NOTE_HEX=$(python3 -c 'print(open("tests/reqlang/note.txt", "rb").read().hex())')
BLOB_HEX=$(python3 -c 'print(open("tests/reqlang/blob.bin", "rb").read().hex())')
export NOTE_HEX BLOB_HEX
diff_engines reqlang tests/reqlang/reqlang.swarm "$ROOT/tests/reqlang" -u 1 -r 100 --iterations 1 -t 30s

# A server that answers badly on purpose: every case is a counted failure
# with the same message under both engines (a reset in the middle of a
# body included: both name it ConnectionResetError).
d="$OUT/bad"
mkdir -p "$d/curl" "$d/auto"
if "$SWARMC" build tests/engines/bad.swarm -o "$d/bin" >"$d/compile.log" 2>&1
then
    python3 "$ROOT/tests/engines/badserver.py" "$d/port" &
    BAD=$!
    i=0
    while [ ! -s "$d/port" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    for engine in curl auto; do
        timeout 90 "$d/bin" --host "http://127.0.0.1:$(cat "$d/port")" -q \
            --engine "$engine" --seed 7 --threads 1 -u 2 -r 100 \
            --iterations 2 -t 60s --json "$d/$engine/result.json" \
            >"$d/$engine/stdout" 2>"$d/$engine/stderr"
        echo $? >"$d/$engine/rc"
    done
    kill "$BAD" 2>/dev/null
    wait "$BAD" 2>/dev/null
    BAD=
    python3 "$ROOT/tests/engines/compare.py" bad "$d/curl" "$d/auto" ||
        rc=1
    # every broken answer failed, the good ones did not
    python3 - "$d/auto/result.json" <<'PY' || rc=1
import json, sys
res = json.load(open(sys.argv[1]))
rows = {r["name"]: r for r in res["requests"]}
bad = ["/badstatus", "/garbage", "/badheader", "/badchunk", "/reset", "/cut",
       "/chunk-cut", "/empty", "/never"]
wrong = [n for n in bad if n not in rows or
         rows[n]["failures"] != rows[n]["requests"]]
wrong += [n for n in ("/ok", "/longer") if n not in rows or
          rows[n]["failures"] != 0]
print("PASS engines/bad-all-counted" if not wrong else
      f"FAIL engines/bad-all-counted: {wrong}")
sys.exit(1 if wrong else 0)
PY
else
    echo "FAIL engines/bad-compiles: $(head -c 400 "$d/compile.log")"
    rc=1
fi

# Redirects from http:// to https:// (tests/engines/handover.swarm): under
# auto the native engine sends the first hop and hands the request over
# to libcurl at the redirect; the server must see the same requests
# (methods, bodies, cookies, credentials) as under --engine curl, and the
# reports must count the same, with no failure.
d="$OUT/handover"
mkdir -p "$d/srv"
if "$SWARMC" build tests/engines/handover.swarm -o "$d/bin" >"$d/compile.log" 2>&1
then
    python3 "$ROOT/tests/engines/tlsredir.py" "$d/srv" 2>"$d/srv.err" &
    BAD=$!
    i=0
    while [ ! -s "$d/srv/ports" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    for engine in curl auto; do
        : >"$d/srv/log"
        timeout 60 "$d/bin" --host "http://127.0.0.1:$(cut -d' ' -f1 "$d/srv/ports")" \
            -q -k --engine "$engine" --threads 1 -u 1 -r 100 --iterations 2 \
            -t 30s --json "$d/$engine.json" >"$d/$engine.out" 2>&1
        echo $? >"$d/$engine.rc"
        cp "$d/srv/log" "$d/$engine.log"
    done
    kill "$BAD" 2>/dev/null
    wait "$BAD" 2>/dev/null
    BAD=
    python3 - "$d" <<'PY' || rc=1
import json, os, sys
d = sys.argv[1]
why = []
logs = [open(os.path.join(d, e + ".log")).read() for e in ("curl", "auto")]
if not logs[0] or "https GET /landed" not in logs[0]:
    why.append("the server saw no https request under curl: %r" % logs[0][:200])
elif logs[0] != logs[1]:
    why.append("the server saw different requests:\ncurl:\n%sauto:\n%s"
               % tuple(logs))
rows, served = [], []
for e in ("curl", "auto"):
    try:
        res = json.load(open(os.path.join(d, e + ".json")))
    except (OSError, ValueError):
        why.append(e + ": no JSON report")
        continue
    rows.append(sorted((r["name"], r["requests"], r["failures"], r["bytes"])
                       for r in res["requests"]))
    served.append(res.get("run", {}).get("engines", {}))
    if any(r["failures"] for r in res["requests"]):
        why.append(e + ": failures " + str(res.get("errors")))
if len(rows) == 2 and rows[0] != rows[1]:
    why.append("reports differ: %s vs %s" % tuple(rows))
if len(served) == 2 and not (served[1].get("native") and served[1].get("curl")):
    why.append("auto served %s, expected both engines" % served[1])
print("PASS engines/handover" if not why else
      "FAIL engines/handover: " + "; ".join(why))
sys.exit(1 if why else 0)
PY
else
    echo "FAIL engines/handover-compiles: $(head -c 400 "$d/compile.log")"
    rc=1
fi

exit $rc
