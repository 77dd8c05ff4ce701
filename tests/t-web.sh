#!/bin/sh
# The web UI (docs/webui.md), against the demo target on 127.0.0.1, every
# run bounded by a short --run-time, --autoquit or a SIGTERM:
#   cli-*       the web options on the command line (exit 64 naming the flag)
#   api-*       Locust's web API with curl: start through POST /swarm, change
#               the user count, reset, stop, the CSV downloads equal to the
#               --csv files written at the same moment, the report
#   bad-*       bad input: clear 4xx answers, the run unaffected
#   flood-*     1,000 connections at once to the UI port
#   safe-*      --web-auth, the Host and cross-origin checks, the warning
#   tls-*       --tls-cert/--tls-key: the page, API, downloads and commands
#               over HTTPS verified against a cert made by openssl here;
#               plain HTTP, garbage and resets on that port; the bad files
#   auto-*      --autostart and --autoquit
#   shard-*     a sharded run's UI says which shard it shows
#   locust-*    Debian's Locust 2.12 with its web UI against the same target:
#               the key sets of /stats/requests compared with ours
#   browser-*   headless chromium, firefox-* headless firefox-esr, both
#               driven by puppeteer-core (npm, installed
#               into $BUILD/web-node at test time): screenshots in
#               $BUILD/tests/web/{browser,firefox}/; browser-https-* the
#               chromium tour again with the UI over HTTPS
#
# Prints "PASS web/<name>" or "FAIL web/<name>: <why>" per test.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT="$BUILD/tests/web"
rm -rf "$OUT"
mkdir -p "$OUT" "$BUILD/web-node"
OUT=$(cd "$OUT" && pwd)
NODE_DIR=$(cd "$BUILD/web-node" && pwd)
TARGET="$BUILD/demo-target"
API="python3 tests/web/api.py"
PID=
UI_PID=
LOCUST_PID=
trap 'for p in $PID $UI_PID $LOCUST_PID; do kill "$p" 2>/dev/null; done' EXIT
trap 'exit 130' INT TERM

SUITE=web
. tests/lib/assert.sh
. "$(pwd)/tests/lib/target.sh"

C="curl -s --max-time 15"
code() { $C -o /dev/null -w '%{http_code}' "$@"; }

BIN="$OUT/site"
if ! "$BUILD/swarmc" build tests/web/site.swarm -o "$BIN" \
        >"$OUT/build.log" 2>&1; then
    fail build "$(head -c 600 "$OUT/build.log")"
    exit 1
fi
mkdir -p "$OUT/t"
start_target "$OUT/t"
TGT=$URL

# start_ui NAME ARGS...: the binary with its UI on a free port; sets UI_PID,
# UI (its base URL) and UI_PORT.  Its stdout/stderr in $OUT/NAME.out/.err.
start_ui() {
    name=$1
    shift
    "$BIN" -P 0 "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
    UI_PID=$!
    i=0
    UI=
    while [ $i -lt 100 ]; do
        UI=$(sed -n 's|.*web UI on \(https\{0,1\}://[^/]*\)/.*|\1|p' "$OUT/$name.err")
        [ -n "$UI" ] && break
        sleep 0.1
        i=$((i + 1))
    done
    UI_PORT=${UI##*:}
    [ -n "$UI" ] || fail "$name-start" "no 'web UI on' line: $(head -c 300 "$OUT/$name.err")"
}
# stop_ui: SIGTERM; its exit status in UI_RC.
stop_ui() {
    kill -TERM "$UI_PID" 2>/dev/null
    wait "$UI_PID"
    UI_RC=$?
    UI_PID=
}
state() { $API get "$UI/stats/requests" state 2>/dev/null; }

# ===== the command line =====================================================
"$BIN" --help >"$OUT/help" 2>&1
for f in --web-port --web-host --web-auth --autostart --autoquit --headless --web-ui; do
    contains "cli-help$f" "$f" "$(cat "$OUT/help")"
done
cli_bad() {
    name=$1 needle=$2
    shift 2
    "$BIN" "$@" >"$OUT/cli.out" 2>"$OUT/cli.err"
    check "cli-$name-exit" 64 $?
    contains "cli-$name-message" "$needle" "$(cat "$OUT/cli.err")"
}
cli_bad port-abc "--web-port: expected a port" -P abc -H "$TGT"
cli_bad port-range "--web-port: expected a port" --web-port 70000 -H "$TGT"
cli_bad auth "--web-auth: expected USER:PASS" --web-auth nopass -H "$TGT"
cli_bad headless "--headless: no web UI" --headless -P 0 -H "$TGT"
cli_bad autoquit "--autoquit: expected a number" --autoquit -1 -H "$TGT"
# without a web option the run is headless as before: no UI line, it ends
"$BIN" -H "$TGT" -u 1 -r 1 -t 1s -q >"$OUT/headless.out" 2>"$OUT/headless.err"
check cli-headless-default-exit 0 $?
if grep -q "web UI" "$OUT/headless.err"; then
    fail cli-headless-default "a web UI line without web options"
else
    pass cli-headless-default
fi
# a port in use: one line naming the flag, exit 1
start_ui busy --autostart -H "$TGT" -u 1 -r 1
"$BIN" -P "$UI_PORT" -H "$TGT" >"$OUT/busy2.out" 2>"$OUT/busy2.err"
check cli-port-in-use-exit 1 $?
contains cli-port-in-use-message "--web-port: cannot listen" "$(cat "$OUT/busy2.err")"
stop_ui

# ===== the API: a whole run driven with curl ================================
start_ui api --csv "$OUT/api" --html "$OUT/api.html" -u 4 -r 3 -t 10m
contains api-waiting-line "waiting for its start form" "$(cat "$OUT/api.err")"
check api-ready-state ready "$(state)"
# the start form's values come from the command line
check api-form-defaults "4 3.0 600.0" "$($API get "$UI/stats/requests?swarmc=1" swarmc.users) $($API get "$UI/stats/requests?swarmc=1" swarmc.spawn_rate) $($API get "$UI/stats/requests?swarmc=1" swarmc.run_time_s)"
check api-page 200 "$(code "$UI/")"
contains api-page-body "Start swarming" "$($C "$UI/")"
check api-page-js 200 "$(code "$UI/assets/app.js")"
# nothing runs while the form waits
sleep 1
check api-ready-no-requests 0 "$($API get "$UI/stats/requests" stats.0.num_requests)"
check api-exceptions '{"exceptions":[]}' "$($C "$UI/exceptions")"
check api-report-before-start 409 "$(code "$UI/stats/report")"

r=$($C -w ' %{http_code}' -d "user_count=2&spawn_rate=2&host=$TGT" "$UI/swarm")
check api-swarm "{\"success\":true,\"message\":\"Swarming started\",\"host\":\"$TGT\"} 200" "$r"
ok api-users-2 $API wait "$UI/stats/requests" \
    'd["user_count"] == 2 and d["state"] == "running" and d["stats"][-1]["num_requests"] > 5' 15
ok api-entries $API wait "$UI/stats/requests" \
    '[e["name"] for e in d["stats"]] == ["/products/1", "/status/500", "Aggregated"]' 10
ok api-errors $API wait "$UI/stats/requests" \
    'd["errors"][0]["name"] == "/status/500" and d["errors"][0]["occurrences"] > 0' 10
ok api-fail-ratio $API wait "$UI/stats/requests" '0.3 < d["fail_ratio"] < 0.7' 10

r=$($C -w ' %{http_code}' -d "user_count=6&spawn_rate=10" "$UI/swarm")
check api-change-users "{\"success\":true,\"message\":\"Swarming started\",\"host\":\"$TGT\"} 200" "$r"
ok api-users-6 $API wait "$UI/stats/requests" 'd["user_count"] == 6' 10
r=$($C -d "user_count=3&spawn_rate=10" "$UI/swarm")
ok api-users-down-3 $API wait "$UI/stats/requests" 'd["user_count"] == 3' 10
check api-target-3 3 "$($API get "$UI/stats/requests?swarmc=1" swarmc.target_users)"

before=$($API get "$UI/stats/requests" stats.-1.num_requests)
check api-reset 200 "$(code -X POST "$UI/stats/reset")"
after=$($API get "$UI/stats/requests" stats.-1.num_requests)
if [ "$after" -lt "$before" ] 2>/dev/null; then
    pass api-reset-zeroes
else
    fail api-reset-zeroes "$before requests before the reset, $after after"
fi
# Locust's GET spelling is accepted too
check api-reset-get 200 "$(code "$UI/stats/reset")"
ok api-counts-again $API wait "$UI/stats/requests" 'd["stats"][-1]["num_requests"] > 3' 10
check api-report-running 200 "$(code "$UI/stats/report")"
contains api-report-html "<html" "$($C "$UI/stats/report")"
contains api-report-download "attachment" "$($C -D - -o /dev/null "$UI/stats/report?download=1")"

# ===== bad input while it runs ==============================================
bad() {
    name=$1 want=$2 needle=$3
    shift 3
    $C -o "$OUT/bad.body" -w '%{http_code}' "$@" >"$OUT/bad.code"
    check "bad-$name" "$want" "$(cat "$OUT/bad.code")"
    contains "bad-$name-reason" "$needle" "$(cat "$OUT/bad.body")"
}
bad users-abc 400 "user_count: expected a positive integer, got 'abc'" -d "user_count=abc&spawn_rate=1" "$UI/swarm"
bad users-negative 400 "user_count: expected a positive integer, got '-5'" -d "user_count=-5&spawn_rate=1" "$UI/swarm"
bad users-zero 400 "user_count: expected a positive integer" -d "user_count=0&spawn_rate=1" "$UI/swarm"
bad users-float 400 "user_count: expected a positive integer, got '2.5'" -d "user_count=2.5" "$UI/swarm"
bad users-too-many 400 "user_count: at most" -d "user_count=99999999&spawn_rate=1" "$UI/swarm"
bad rate-abc 400 "spawn_rate: expected a number > 0" -d "user_count=3&spawn_rate=fast" "$UI/swarm"
bad rate-zero 400 "spawn_rate: expected a number > 0" -d "user_count=3&spawn_rate=0" "$UI/swarm"
bad host-no-scheme 400 "host: expected an http:// or https:// URL, got '127.0.0.1:80'" -d "user_count=3&spawn_rate=1&host=127.0.0.1:80" "$UI/swarm"
bad run-time 400 "run_time: expected a duration" -d "user_count=3&spawn_rate=1&run_time=soon" "$UI/swarm"
bad escape 400 "a bad %-escape" -d "user_count=%zz" "$UI/swarm"
bad host-change 400 "host: the host cannot change" -d "user_count=3&spawn_rate=1&host=http://127.0.0.1:1" "$UI/swarm"
bad missing 400 "user_count: missing" -d "foo=bar" "$UI/swarm"
bad json-body 415 "application/x-www-form-urlencoded" -H 'Content-Type: application/json' -d '{"user_count":3}' "$UI/swarm"
head -c 1048576 /dev/zero | tr '\0' 'a' >"$OUT/1mb"
bad body-1mb 413 "request body too large" --data-binary @"$OUT/1mb" "$UI/swarm"
bad get-swarm 405 "POST only" "$UI/swarm"
bad unknown-path 404 "not found" "$UI/nope"
bad put-stop 405 "GET or POST only" -X PUT "$UI/stop"
bad long-header 431 "request headers too large" -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' 'b')" "$UI/stats/requests"
# none of it changed the run
check bad-run-unaffected-users 3 "$($API get "$UI/stats/requests" user_count)"
check bad-run-unaffected-state running "$(state)"

# ===== 1,000 connections at once ============================================
n0=$($API get "$UI/stats/requests" stats.-1.num_requests)
$API flood 127.0.0.1 "$UI_PORT" 1000 /stats/requests >"$OUT/flood" 2>&1
total=$(awk '{ n += $2 } END { print n }' "$OUT/flood")
check flood-all-answered 1000 "$total"
others=$(awk '$1 != 200 && $1 != 429 { n += $2 } END { print n + 0 }' "$OUT/flood")
check flood-only-200-or-429 0 "$others"
if grep -q '^429 ' "$OUT/flood"; then pass flood-limit-429; else fail flood-limit-429 "$(cat "$OUT/flood")"; fi
check flood-ui-still-answers 200 "$(code "$UI/stats/requests")"
ok flood-run-unaffected $API wait "$UI/stats/requests" \
    "d['state'] == 'running' and d['user_count'] == 3 and d['stats'][-1]['num_requests'] > $n0" 10

# ===== stop, and the downloads equal the files ==============================
check api-stop 200 "$(code -X POST "$UI/stop")"
ok api-stopped $API wait "$UI/stats/requests" 'd["state"] == "stopped" and d["user_count"] == 0' 15
wait_files 50 "$OUT/api_stats.csv" "$OUT/api.html"
$C "$UI/stats/requests/csv" >"$OUT/web_stats.csv"
$C "$UI/stats/failures/csv" >"$OUT/web_failures.csv"
$C "$UI/exceptions/csv" >"$OUT/web_exceptions.csv"
ok api-csv-stats-equal cmp "$OUT/api_stats.csv" "$OUT/web_stats.csv"
ok api-csv-failures-equal cmp "$OUT/api_failures.csv" "$OUT/web_failures.csv"
ok api-csv-exceptions-equal cmp "$OUT/api_exceptions.csv" "$OUT/web_exceptions.csv"
contains api-csv-disposition "filename=requests_" "$($C -D - -o /dev/null "$UI/stats/requests/csv")"
rows=$(grep -c . "$OUT/web_stats.csv")
check api-csv-rows 4 "$rows"
check api-report-after-stop 200 "$(code "$UI/stats/report")"
bad swarm-after-stop 409 "the run has ended" -d "user_count=3&spawn_rate=1" "$UI/swarm"
bad reset-after-stop 409 "its results are final" -X POST "$UI/stats/reset"
# the summary went to stdout when the run stopped; the UI stays until a signal
contains api-summary "Aggregated" "$(cat "$OUT/api.out")"
stop_ui
check api-exit-after-sigterm 0 "$UI_RC"

# ===== safety ===============================================================
start_ui auth --web-auth 'alice:s3cr:et' -H "$TGT"
check safe-auth-none 401 "$(code "$UI/stats/requests")"
contains safe-auth-challenge 'WWW-Authenticate: Basic' "$($C -D - -o /dev/null "$UI/")"
check safe-auth-wrong 401 "$(code -u alice:wrong "$UI/stats/requests")"
check safe-auth-every-path 401 "$(code -X POST -d user_count=1 "$UI/swarm")"
check safe-auth-right 200 "$(code -u 'alice:s3cr:et' "$UI/stats/requests")"
check safe-host-header 403 "$(code -u 'alice:s3cr:et' -H 'Host: evil.example:80' "$UI/stats/requests")"
check safe-host-localhost 200 "$(code -u 'alice:s3cr:et' -H "Host: localhost:$UI_PORT" "$UI/stats/requests")"
check safe-cross-origin 403 "$(code -u 'alice:s3cr:et' -H 'Origin: http://evil.example' -d "user_count=1&spawn_rate=1" "$UI/swarm")"
check safe-cross-referer 403 "$(code -u 'alice:s3cr:et' -H 'Referer: http://evil.example/x' "$UI/stop")"
check safe-cross-site-get 403 "$(code -u 'alice:s3cr:et' -H 'Sec-Fetch-Site: cross-site' "$UI/stats/reset")"
check safe-still-ready ready "$($C -u 'alice:s3cr:et' "$UI/stats/requests" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
check safe-same-origin 200 "$(code -u 'alice:s3cr:et' -H "Origin: $UI" -H 'Sec-Fetch-Site: same-origin' "$UI/stop")"
if grep -q "warning" "$OUT/auth.err"; then fail safe-no-warning-on-loopback "$(cat "$OUT/auth.err")"; else pass safe-no-warning-on-loopback; fi
stop_ui
check safe-exit-before-start 0 "$UI_RC"
# beyond loopback without --web-auth: a warning (nothing is sent to it)
start_ui wide --web-host 0.0.0.0 -H "$TGT"
contains safe-warning-wide "warning: the web UI listens on 0.0.0.0 without --web-auth" "$(cat "$OUT/wide.err")"
stop_ui

# ===== HTTPS: --tls-cert/--tls-key ==========================================
# A certificate for 127.0.0.1 made now; curl verifies against it (--cacert),
# and so does api.py (SSL_CERT_FILE).  A second key that does not match.
W="$OUT/tls"
mkdir -p "$W"
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$W/key.pem" -out "$W/cert.pem" -days 2 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" >"$W/openssl.log" 2>&1 &&
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 \
        -out "$W/other.pem" >>"$W/openssl.log" 2>&1; then
    TC="$C --cacert $W/cert.pem"
    tcode() { $TC -o /dev/null -w '%{http_code}' "$@"; }
    TAPI="env SSL_CERT_FILE=$W/cert.pem $API"
    # the bad command lines: one line naming the flag and the file
    tls_bad() {
        name=$1 want_rc=$2 want=$3
        shift 3
        "$BIN" -P 0 "$@" -H "$TGT" >"$W/$name.out" 2>"$W/$name.err"
        check "tls-$name" "$want_rc|$want" "$?|$(cat "$W/$name.err")"
    }
    tls_bad no-key 64 "site: --tls-cert: needs --tls-key FILE as well (the web UI's HTTPS takes a certificate and its key)" \
        --tls-cert "$W/cert.pem"
    tls_bad no-cert 64 "site: --tls-key: needs --tls-cert FILE as well (the web UI's HTTPS takes a certificate and its key)" \
        --tls-key "$W/key.pem"
    tls_bad key-missing 66 "site: --tls-key '$W/nope.pem': No such file or directory" \
        --tls-cert "$W/cert.pem" --tls-key "$W/nope.pem"
    tls_bad cert-missing 66 "site: --tls-cert '$W/nope.pem': No such file or directory" \
        --tls-cert "$W/nope.pem" --tls-key "$W/key.pem"
    tls_bad mismatch 64 "site: --tls-key '$W/other.pem': the private key does not match the certificate '$W/cert.pem'" \
        --tls-cert "$W/cert.pem" --tls-key "$W/other.pem"
    tls_bad key-is-cert 64 "site: --tls-key '$W/cert.pem': no unencrypted PEM private key in it" \
        --tls-cert "$W/cert.pem" --tls-key "$W/cert.pem"
    tls_bad cert-is-key 64 "site: --tls-cert '$W/key.pem': no PEM certificate in it" \
        --tls-cert "$W/key.pem" --tls-key "$W/key.pem"
    tls_bad headless 64 "site: --headless: no web UI, but a web option (-P, --web-host, --web-auth, --web-ui, --autostart, --autoquit, --tls-cert, --tls-key) asks for one" \
        --headless --tls-cert "$W/cert.pem" --tls-key "$W/key.pem"
    # Locust's config file and LOCUST_* give them as well
    printf 'tls-cert = %s\ntls-key = %s\n' "$W/cert.pem" "$W/other.pem" >"$W/bad.conf"
    tls_bad config-file 64 "site: --tls-key '$W/other.pem': the private key does not match the certificate '$W/cert.pem'" \
        --config "$W/bad.conf"
    LOCUST_TLS_CERT="$W/cert.pem" LOCUST_TLS_KEY="$W/key.pem" start_ui tls-env -H "$TGT"
    contains tls-env-https "https://127.0.0.1:" "$UI"
    check tls-env-page 200 "$(tcode "$UI/")"
    stop_ui

    # a whole run over HTTPS, -L DEBUG for the connections TLS refused
    start_ui tls --tls-cert "$W/cert.pem" --tls-key "$W/key.pem" \
        --csv "$W/run" -L DEBUG --http-debug 0 -u 2 -r 2 -t 10m
    contains tls-url-line "web UI on https://127.0.0.1:$UI_PORT/" "$(cat "$OUT/tls.err")"
    check tls-page 200 "$(tcode "$UI/")"
    contains tls-page-body "Start swarming" "$($TC "$UI/")"
    check tls-asset-js 200 "$(tcode "$UI/assets/app.js")"
    check tls-asset-css 200 "$(tcode "$UI/assets/style.css")"
    # curl offers h2 too: the server answers http/1.1, one connection for
    # two requests (keep-alive inside the session)
    check tls-alpn-keepalive "1.1:1 1.1:0 " "$($TC -o /dev/null -o /dev/null -w '%{http_version}:%{num_connects} ' "$UI/" "$UI/assets/app.js")"
    check tls-unverified-refused 60 "$(curl -s --max-time 15 -o /dev/null "$UI/"; echo $?)"
    check tls-ready ready "$($TAPI get "$UI/stats/requests" state 2>&1)"
    r=$($TC -w ' %{http_code}' -d "user_count=2&spawn_rate=2&host=$TGT" "$UI/swarm")
    check tls-swarm "{\"success\":true,\"message\":\"Swarming started\",\"host\":\"$TGT\"} 200" "$r"
    ok tls-running $TAPI wait "$UI/stats/requests" \
        'd["state"] == "running" and d["user_count"] == 2 and d["stats"][-1]["num_requests"] > 5' 15
    # the browser's own checks: an Origin of this https:// page passes
    check tls-same-origin-post 200 "$(tcode -H "Origin: $UI" -H 'Sec-Fetch-Site: same-origin' -d "user_count=3&spawn_rate=10" "$UI/swarm")"
    ok tls-users-3 $TAPI wait "$UI/stats/requests" 'd["user_count"] == 3' 10
    # a large body refused mid-upload: the answer still arrives in TLS
    head -c 1048576 /dev/zero | tr '\0' 'a' >"$W/1mb"
    check tls-body-1mb 413 "$(tcode --data-binary @"$W/1mb" "$UI/swarm")"
    # plain HTTP on the HTTPS port: a plain 400 saying so, and nothing else
    $C -o "$W/plain.body" -w '%{http_code}' "http://127.0.0.1:$UI_PORT/stats/requests" >"$W/plain.code"
    check tls-plain-http-400 "400|the web UI speaks HTTPS on this port: use https:// in the URL" \
        "$(cat "$W/plain.code")|$(cat "$W/plain.body")"
    # garbage, resets mid-handshake, a mangled ClientHello
    $API tls-abuse 127.0.0.1 "$UI_PORT" >"$W/abuse" 2>&1
    check tls-abuse "garbage alert|cut-short reset|hello-then-reset reset|mangled alert" \
        "$(paste -sd'|' "$W/abuse")"
    sleep 0.5
    n=$(grep -c 'debug: web UI: \(TLS connection\|plain HTTP\) from 127.0.0.1:[0-9]* .*(\([0-9]*\) so far)' "$OUT/tls.err")
    check tls-failures-logged 6 "$n"   # curl unverified, plain, 4 abuses
    contains tls-reset-logged "reset by peer during the handshake" "$(cat "$OUT/tls.err")"
    # past 256 connections the next ones are closed (no plain 429 on TLS)
    $API flood 127.0.0.1 "$UI_PORT" 300 /stats/requests >"$W/flood" 2>&1
    check tls-flood-all-ended 300 "$(awk '$1 == 400 || $1 == 0 { n += $2 } END { print n }' "$W/flood")"
    closed=$(awk '$1 == 0 { print $2 }' "$W/flood")
    ok tls-flood-limit-closes test "${closed:-0}" -ge 44
    check tls-flood-ui-still-answers 200 "$(tcode "$UI/stats/requests")"
    n0=$($TAPI get "$UI/stats/requests" stats.-1.num_requests)
    ok tls-run-unaffected $TAPI wait "$UI/stats/requests" \
        "d['state'] == 'running' and d['user_count'] == 3 and d['stats'][-1]['num_requests'] > $n0" 10
    check tls-reset 200 "$(tcode -X POST "$UI/stats/reset")"
    check tls-stop 200 "$(tcode -X POST "$UI/stop")"
    ok tls-stopped $TAPI wait "$UI/stats/requests" 'd["state"] == "stopped"' 15
    wait_files 50 "$W/run_stats.csv"
    $TC "$UI/stats/requests/csv" >"$W/web_stats.csv"
    ok tls-csv-equal cmp "$W/run_stats.csv" "$W/web_stats.csv"
    contains tls-csv-disposition "filename=failures_" "$($TC -D - -o /dev/null "$UI/stats/failures/csv")"
    contains tls-report "<html" "$($TC "$UI/stats/report")"
    stop_ui
    check tls-exit-after-sigterm 0 "$UI_RC"
else
    fail tls-setup "openssl: $(tail -c 400 "$W/openssl.log")"
fi

# ===== --autostart and --autoquit ===========================================
start_ui auto --autostart --autoquit 3 -H "$TGT" -u 2 -r 2 -t 4s --csv "$OUT/auto"
# one poller for the whole life: the states in order, and how long the UI
# stayed after the run stopped
$API watch "$UI/stats/requests" 30 >"$OUT/auto.watch"
contains auto-states "running stopped" "$(cat "$OUT/auto.watch")"
stayed=$(awk '{ print $NF }' "$OUT/auto.watch")
if awk -v s="$stayed" 'BEGIN { exit !(s >= 2 && s <= 6) }'; then
    pass auto-quit-after-3s
else
    fail auto-quit-after-3s "the UI stayed '$stayed' s after the run stopped (--autoquit 3)"
fi
wait "$UI_PID"
check auto-quit-exit 0 $?
UI_PID=
[ -s "$OUT/auto_stats.csv" ] && pass auto-csv-written || fail auto-csv-written "no $OUT/auto_stats.csv"

# ===== a shard's UI =========================================================
start_ui shard --autostart --shard 1/3 -H "$TGT" -u 6 -r 6 -t 30s
ok shard-says-so $API wait "$UI/stats/requests?swarmc=1" \
    'd["swarmc"]["shard"] == {"index": 1, "count": 3} and d["user_count"] == 2' 10
stop_ui

# ===== Debian's Locust, side by side ========================================
if command -v locust >/dev/null 2>&1; then
    lport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    locust -f tests/web/locustfile.py --web-host 127.0.0.1 -P "$lport" -H "$TGT" \
        >"$OUT/locust.out" 2>&1 &
    LOCUST_PID=$!
    LU="http://127.0.0.1:$lport"
    if $API wait "$LU/stats/requests" 'd["state"] == "ready"' 30 >/dev/null; then
        $C -d "user_count=2&spawn_rate=2&host=$TGT" "$LU/swarm" >/dev/null
        $API wait "$LU/stats/requests" 'len(d["errors"]) > 0 and len(d["stats"]) == 3' 20 >/dev/null
        $API keys "$LU/stats/requests" >"$OUT/locust-keys.json"
        $C "$LU/stop" >/dev/null
    fi
    kill "$LOCUST_PID" 2>/dev/null
    wait "$LOCUST_PID" 2>/dev/null
    LOCUST_PID=
    start_ui keys --autostart -H "$TGT" -u 2 -r 2
    $API wait "$UI/stats/requests" 'len(d["errors"]) > 0 and len(d["stats"]) == 3' 20 >/dev/null
    $API keys "$UI/stats/requests" >"$OUT/swarmc-keys.json"
    stop_ui
    if [ -s "$OUT/locust-keys.json" ]; then
        for part in top stats errors; do
            l=$(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['$part']))" "$OUT/locust-keys.json")
            s=$(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['$part']))" "$OUT/swarmc-keys.json")
            check "locust-keys-$part" "$l" "$s"
        done
    else
        fail locust-keys "Locust's web UI gave no statistics (see $OUT/locust.out)"
    fi
else
    fail locust-keys "Debian's locust is not installed (apt-get install python3-locust)"
fi

# ===== real browsers =========================================================
# One pinned major of puppeteer-core drives both: chromium over CDP, firefox
# over WebDriver BiDi (puppeteer-core 23 and later speak BiDi to a stable
# firefox, which Debian's firefox-esr is).
PUPPETEER=puppeteer-core@24
if ! grep -qs '"version": "24\.' "$NODE_DIR/node_modules/puppeteer-core/package.json"; then
    if ! PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$NODE_DIR" --no-audit --no-fund \
            "$PUPPETEER" >"$OUT/npm.log" 2>&1; then
        fail browser-npm-install "npm install $PUPPETEER failed (see $OUT/npm.log)"
    fi
fi
# browser_run NAME PRODUCT [UI ARGS...]: the whole page tour in one browser;
# PASS/FAIL lines are named web/NAME-*.
browser_run() {
    bname=$1 product=$2
    shift 2
    dir="$OUT/$bname"
    mkdir -p "$dir"
    start_ui "$bname" --csv "$dir/run" "$@"
    NODE_PATH="$NODE_DIR/node_modules" timeout 240 node tests/web/browser.js \
        "$UI" "$dir" "$TGT" "$product" "$bname" >"$OUT/$bname.log" 2>&1
    grep -E '^(PASS|FAIL) ' "$OUT/$bname.log"
    grep -qE "^(PASS|FAIL) web/$bname-csv-download" "$OUT/$bname.log" ||
        fail "$bname-run" "$(tail -c 600 "$OUT/$bname.log")"
    # the downloaded CSV is the one --csv wrote when the run stopped
    dl=$(ls "$dir/downloads"/requests_*.csv 2>/dev/null | head -n 1)
    wait_files 50 "$dir/run_stats.csv"
    if [ -n "$dl" ]; then
        ok "$bname-csv-equals-file" cmp "$dl" "$dir/run_stats.csv"
    fi
    n=$(ls "$dir"/*.png 2>/dev/null | wc -l)
    check "$bname-screenshots" 6 "$n"
    stop_ui
}
if [ -d "$NODE_DIR/node_modules/puppeteer-core" ]; then
    if command -v chromium >/dev/null 2>&1; then
        browser_run browser chromium
        # the same tour over HTTPS (the certificate of the tls-* tests)
        if [ -s "$OUT/tls/cert.pem" ]; then
            browser_run browser-https chromium \
                --tls-cert "$OUT/tls/cert.pem" --tls-key "$OUT/tls/key.pem"
        fi
    else
        fail browser "Debian's chromium is not installed (apt-get install chromium)"
    fi
    if command -v firefox-esr >/dev/null 2>&1; then
        browser_run firefox firefox
    else
        fail firefox "Debian's firefox-esr is not installed (apt-get install firefox-esr)"
    fi
fi

stop_target
exit 0
