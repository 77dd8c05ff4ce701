#!/bin/sh
# The web UI over HTTPS (runtime/web/tls_server.c) under ASan+UBSan, for
# tests/t-sanitize.sh: tests/web/site.swarm built against the sanitizer
# runtime serves its UI with --tls-cert/--tls-key; a run is started through
# it, every kind of route is fetched, plain HTTP, garbage and resets come to
# the port, two connections stay open (one mid-handshake, one idle after
# it), then SIGINT: the run stops, the process exits 0, and its stderr must
# hold no sanitizer report (leaks included, checked at exit).
#   web-tls.sh OUTDIR
# Needs (environment): ROOT, SAN_SWARMC, SAN_CFLAGS, URL (the demo target),
# REPORT.  Writes OUTDIR/result: "ok WHAT" or "fail WHY".
set -u
dir=$1
mkdir -p "$dir"
result() {
    printf '%s\n' "$1" >"$dir/result"
    [ -n "${HOLD:-}" ] && kill "$HOLD" 2>/dev/null
    exit 0
}
HOLD=

if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 2 \
        -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
        >"$dir/openssl.log" 2>&1; then
    result "fail openssl: $(tail -c 300 "$dir/openssl.log" | tr '\n' ' ')"
fi
if ! SWARMC_CFLAGS="$SAN_CFLAGS" "$SAN_SWARMC" build --dynamic \
        -o "$dir/bin" "$ROOT/tests/web/site.swarm" >"$dir/build.log" 2>&1; then
    result "fail build: $(head -c 300 "$dir/build.log" | tr '\n' ' ')"
fi

# its exit status through a file: this shell's children include the demo
# target, and dash's `wait PID` can hang then (tests/lib/assert.sh)
(
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1 \
        "$dir/bin" -P 0 --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" \
        -H "$URL" -u 2 -r 10 -t 60s --csv "$dir/run" -L DEBUG \
        --http-debug 0 >"$dir/stdout" 2>"$dir/stderr" &
    echo $! >"$dir/pid"
    wait $!
    echo $? >"$dir/rc"
) &
i=0
while [ ! -s "$dir/pid" ] && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
pid=$(cat "$dir/pid")
i=0
UI=
while [ -z "$UI" ] && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
    UI=$(sed -n 's|.*web UI on \(https://[^/]*\)/.*|\1|p' "$dir/stderr")
done
if [ -z "$UI" ]; then
    kill -KILL "$pid" 2>/dev/null
    result "fail no 'web UI on https://' line: $(head -c 300 "$dir/stderr" | tr '\n' ' ')"
fi
PORT=${UI##*:}
C="curl -s --max-time 20 --cacert $dir/cert.pem"
got=
req() { got="$got $($C -o /dev/null -w '%{http_code}' "$@")"; }
req "$UI/"
req "$UI/assets/app.js"
req "$UI/stats/requests"
req -d "user_count=3&spawn_rate=10" "$UI/swarm"
sleep 1
req "$UI/stats/requests?swarmc=1"
head -c 200000 /dev/zero | tr '\0' 'a' >"$dir/big"
req --data-binary @"$dir/big" "$UI/swarm"
req -X POST "$UI/stats/reset"
req "$UI/stats/requests/csv"
req "$UI/stats/report"
got="$got $(curl -s --max-time 20 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")"
python3 "$ROOT/tests/web/api.py" tls-abuse 127.0.0.1 "$PORT" >"$dir/abuse" 2>&1
# held open through the SIGINT: one mid-handshake, one idle after it
python3 -c 'import socket, ssl, sys, time
addr = ("127.0.0.1", int(sys.argv[1]))
half = socket.create_connection(addr)
half.sendall(b"\x16\x03\x01\x00")
ctx = ssl.create_default_context(cafile=sys.argv[2])
done = ctx.wrap_socket(socket.create_connection(addr),
                       server_hostname="127.0.0.1")
time.sleep(30)' "$PORT" "$dir/cert.pem" >"$dir/hold.log" 2>&1 &
HOLD=$!
sleep 1
want=" 200 200 200 200 200 413 200 200 200 400"
[ "$got" = "$want" ] || {
    kill -KILL "$pid" 2>/dev/null
    result "fail answers '$got', expected '$want'"
}

kill -INT "$pid"
i=0
while [ ! -s "$dir/rc" ] && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ ! -s "$dir/rc" ]; then
    kill -KILL "$pid" 2>/dev/null
    result "fail still running 60 s after SIGINT"
fi
rc=$(cat "$dir/rc")
report=$(grep -m 1 -E "$REPORT" "$dir/stderr")
[ -n "$report" ] && result "fail sanitizer: $report (see $dir/stderr)"
[ "$rc" -eq 0 ] ||
    result "fail exit $rc after SIGINT, expected 0: $(tail -c 300 "$dir/stderr" | tr '\n' ' ')"
n=$(grep -c 'debug: web UI: .* so far)' "$dir/stderr")
[ "$n" -ge 5 ] || result "fail $n refused connections logged, expected 5 or more"
result "ok ${got# } answered; $n refused and logged"
