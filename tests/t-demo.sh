#!/bin/sh
# Tests of the demo target server (build/demo-target) with curl: every route,
# the request log's columns, keep-alive connection ids, delays, and a clean
# stop on SIGTERM with pending requests answered and logged.
#
# Prints "PASS demo/<name>" or "FAIL demo/<name>: <why>" per test.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT="$BUILD/tests/demo"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
PID=
# Never leave a target running, whatever ends this script.
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM

SUITE=demo
. tests/lib/assert.sh

. "$(pwd)/tests/lib/target.sh"

# field N LINE: the N-th tab-separated column of a log line.
field() { printf '%s\n' "$2" | cut -f "$1"; }
# logline PATTERN: the last log line whose target column is PATTERN.
logline() { awk -F '\t' -v t="$1" '$3 == t { l = $0 } END { print l }' "$D/log"; }

C="curl -s --max-time 15"
D="$OUT/a"
mkdir -p "$D"
start_target "$D"

# ---- start-up -------------------------------------------------------------
port=$(cat "$D/port")
check listening-line "listening on 127.0.0.1:$port" "$(head -n 1 "$D/target.stdout")"
if [ "$port" -gt 0 ] 2>/dev/null; then pass port-zero; else fail port-zero "port '$port'"; fi
if command -v ss >/dev/null 2>&1; then
    where=$(ss -ltnH "sport = :$port" | awk '{print $4}')
    check loopback-only "127.0.0.1:$port" "$where"
fi

# ---- routes ---------------------------------------------------------------
check get-root "200" "$($C -o /dev/null -w '%{http_code}' "$URL/")"
contains get-root-body "Welcome" "$($C "$URL/")"
contains get-about "About" "$($C "$URL/about")"
contains get-products 'id="10"' "$($C "$URL/products")"
contains get-product-5 '"id":5' "$($C "$URL/products/5")"
check get-product-100 "200" "$($C -o /dev/null -w '%{http_code}' "$URL/products/100")"
check get-product-0 "404" "$($C -o /dev/null -w '%{http_code}' "$URL/products/0")"
check get-product-101 "404" "$($C -o /dev/null -w '%{http_code}' "$URL/products/101")"
check get-product-abc "404" "$($C -o /dev/null -w '%{http_code}' "$URL/products/abc")"
check post-products-405 "405" "$($C -o /dev/null -w '%{http_code}' -d x "$URL/products")"
check unknown-404 "404" "$($C -o /dev/null -w '%{http_code}' "$URL/nope")"

r=$($C -w ' %{http_code}' -H 'Content-Type: application/json' \
    -d '{"product_id": 3, "quantity": 2}' "$URL/cart/add")
check cart-add-json '{"ok":true,"product_id":3,"quantity":2} 200' "$r"
check cart-add-not-json "400" "$($C -o /dev/null -w '%{http_code}' -d 'product_id=3' "$URL/cart/add")"
check cart-add-get-405 "405" "$($C -o /dev/null -w '%{http_code}' "$URL/cart/add")"

# /login with JSON: cookie + token; /account with the cookie; /me with the token.
r=$($C -c "$D/jar" -H 'Content-Type: application/json' \
    -d '{"username":"alice","password":"pw1"}' "$URL/login")
token=$(printf '%s' "$r" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
check login-json-token-len 32 "${#token}"
session=$(awk '$6 == "session" { print $7 }' "$D/jar")
check login-json-cookie-len 32 "${#session}"
contains account-with-cookie '"user":"alice"' "$($C -b "$D/jar" "$URL/account")"
check account-without-cookie "401" "$($C -o /dev/null -w '%{http_code}' "$URL/account")"
check account-bad-cookie "401" "$($C -o /dev/null -w '%{http_code}' -b 'session=0123456789abcdef0123456789abcdef' "$URL/account")"
check me-with-token '{"user":"alice"}' "$($C -H "Authorization: Bearer $token" "$URL/me")"
check me-without-token "401" "$($C -o /dev/null -w '%{http_code}' "$URL/me")"
check me-session-is-not-token "401" "$($C -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $session" "$URL/me")"
# /login with form fields.
r=$($C -d 'username=bob+b&password=x%26y' "$URL/login")
token2=$(printf '%s' "$r" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
check me-form-login '{"user":"bob b"}' "$($C -H "Authorization: Bearer $token2" "$URL/me")"
if [ "$token" != "$token2" ]; then pass tokens-distinct; else fail tokens-distinct "same token twice"; fi
check login-bad-password "401" "$($C -o /dev/null -w '%{http_code}' -d 'username=a&password=bad' "$URL/login")"
check login-missing-field "401" "$($C -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"username":"a"}' "$URL/login")"

# /search: "results", three ids, deterministic; no ids for an empty q.
s1=$($C "$URL/search?q=shoes&page=2")
contains search-results 'class="results"' "$s1"
check search-three-ids 3 "$(printf '%s' "$s1" | grep -c 'id="[0-9]*"')"
check search-deterministic "$s1" "$($C "$URL/search?q=shoes&page=2")"
check search-empty-q 0 "$($C "$URL/search?q=&page=1" | grep -c 'id="[0-9]*"')"

check status-503 "503" "$($C -o /dev/null -w '%{http_code}' "$URL/status/503")"
check status-201-post "201" "$($C -o /dev/null -w '%{http_code}' -d x "$URL/status/201")"
check status-bad "400" "$($C -o /dev/null -w '%{http_code}' "$URL/status/99")"
check redirect "302 /about" "$($C -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/redirect" | sed "s#$URL##")"
contains redirect-followed "About" "$($C -L "$URL/redirect")"
contains headers-echo '"X-User":"u7"' "$($C -H 'X-User: u7' "$URL/headers")"
contains echo-body '"body":"a=1"' "$($C -d 'a=1' "$URL/echo")"
contains json-route '"n":42' "$($C "$URL/json")"
$C -c "$D/jar2" -o /dev/null "$URL/set-cookie?name=flavour&value=mint"
contains set-cookie-roundtrip '"flavour":"mint"' "$($C -b "$D/jar2" "$URL/cookies")"

# Delays: /delay/MS and ?delay_ms= wait at least that long; bounded.
t=$($C -o /dev/null -w '%{time_total}' "$URL/delay/300")
if awk -v t="$t" 'BEGIN { exit !(t >= 0.29 && t < 3) }'; then pass delay-path; else fail delay-path "took $t s"; fi
t=$($C -o /dev/null -w '%{time_total}' "$URL/about?delay_ms=250")
if awk -v t="$t" 'BEGIN { exit !(t >= 0.24 && t < 3) }'; then pass delay-query; else fail delay-query "took $t s"; fi
check delay-too-long "400" "$($C -o /dev/null -w '%{http_code}' "$URL/delay/10001")"
# A delay does not hold a server thread: 12 parallel 500 ms delays on a
# 4-thread target are all waiting at the same time (a sleeping handler
# would let at most 4 overlap).  Measured on the log, not the wall clock.
args=
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    args="$args -o /dev/null $URL/delay/500?par=$i"
done
# shellcheck disable=SC2086
$C --parallel --parallel-immediate --parallel-max 12 $args 2>/dev/null
overlap=$(awk -F '\t' '$3 ~ /par=/ { printf "%.0f 1\n%.0f -1\n", $9, $9 + $10 }' \
          "$D/log" | sort -n -k1,1 -k2,2n |
          awk '{ n += $2; if (n > m) m = n } END { print m + 0 }')
if [ "$overlap" -ge 8 ]; then pass delay-concurrent; else fail delay-concurrent "at most $overlap of 12 delayed requests overlapped"; fi

# ---- the request log --------------------------------------------------------
# Keep-alive: two requests in one curl share a connection id; a new curl
# gets a new one.
$C -o /dev/null -o /dev/null -H 'X-User: ka' "$URL/about?ka=1" "$URL/about?ka=2"
$C -o /dev/null -H 'X-User: ka' "$URL/about?ka=3"
c1=$(field 1 "$(logline '/about?ka=1')")
c2=$(field 1 "$(logline '/about?ka=2')")
c3=$(field 1 "$(logline '/about?ka=3')")
check log-keepalive-same-conn "$c1" "$c2"
if [ -n "$c3" ] && [ "$c3" != "$c1" ]; then pass log-new-conn-new-id; else fail log-new-conn-new-id "ids $c1 $c3"; fi

# Columns: cookie, authorization, x-user, body (escaped), status.
$C -o /dev/null -b 'session=abc; other=1' -H 'Authorization: Bearer zzz' \
    -H 'X-User: 42' --data-binary "$(printf 'line1\nline2\ttab\\back')" \
    "$URL/echo?x=%20y"
l=$(logline '/echo?x=%20y')
check log-columns 10 "$(printf '%s\n' "$l" | awk -F '\t' '{ print NF }')"
check log-method POST "$(field 2 "$l")"
check log-cookie 'session=abc; other=1' "$(field 4 "$l")"
check log-auth 'Bearer zzz' "$(field 5 "$l")"
check log-x-user 42 "$(field 6 "$l")"
check log-body-escaped 'line1\nline2\ttab\\back' "$(field 7 "$l")"
check log-status 200 "$(field 8 "$l")"
l=$(logline '/products/101')
check log-404 "GET - - - - 404" "$(printf '%s\n' "$l" | cut -f 2,4-8 | tr '\t' ' ')"
l=$(logline '/delay/300')
dur=$(field 10 "$l")
if [ "$dur" -ge 290000 ] 2>/dev/null; then pass log-duration; else fail log-duration "dur_us '$dur'"; fi
# Timestamps are monotonic microseconds: the later request has a larger one.
ta=$(field 9 "$(logline '/about?ka=1')")
tb=$(field 9 "$(logline '/about?ka=3')")
if [ "$tb" -gt "$ta" ] 2>/dev/null; then pass log-time-order; else fail log-time-order "$ta then $tb"; fi
n=$(wc -l <"$D/log")
check log-line-per-request "$n" "$(grep -c "$(printf '\t')" "$D/log")"

# ---- stop -------------------------------------------------------------------
# A request still waiting at SIGTERM is answered and logged before exit.
$C -o "$D/pending.out" -w '%{http_code}' "$URL/delay/5000?pending=1" >"$D/pending.code" &
cpid=$!
sleep 0.4
stop_target
wait "$cpid"
check sigterm-exit-0 0 "$STOP_RC"
check sigterm-pending-answered 200 "$(cat "$D/pending.code")"
check sigterm-pending-logged 200 "$(field 8 "$(logline '/delay/5000?pending=1')")"
if [ -s "$D/target.stderr" ]; then fail stderr-clean "$(head -c 300 "$D/target.stderr")"; else pass stderr-clean; fi

# ---- --delay-ms ---------------------------------------------------------------
D="$OUT/b"
mkdir -p "$D"
start_target "$D" --delay-ms 300 --threads 1
t=$($C -o /dev/null -w '%{time_total}' "$URL/")
if awk -v t="$t" 'BEGIN { exit !(t >= 0.29 && t < 3) }'; then pass delay-ms-flag; else fail delay-ms-flag "took $t s"; fi
stop_target
check delay-ms-flag-exit 0 "$STOP_RC"

# ---- bad usage ----------------------------------------------------------------
"$TARGET" --port 70000 >/dev/null 2>&1
check bad-port-exit 2 "$?"
"$TARGET" --bogus >/dev/null 2>&1
check bad-option-exit 2 "$?"
exit 0
