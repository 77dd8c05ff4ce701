#!/bin/sh
# HTTP features against nginx on 127.0.0.1 (tests/http/nginx.conf), every
# one under both engines where both serve it:
#   gzip     Accept-Encoding sent (python-requests' "gzip, deflate"), the
#            body decoded for checks, captures and the counted size, the
#            scenario's own Accept-Encoding kept; a corrupt gzip body is a
#            counted failure naming it (--engine curl and native agree)
#   proxy    http_proxy / HTTP_PROXY / all_proxy / no_proxy, --proxy,
#            --no-proxy: nginx as a forward proxy logs the absolute URIs;
#            `auto` hands proxied requests to libcurl, `--engine native`
#            refuses a proxy at start-up
#   cert     --cert/--key against TLS that demands a client certificate
#            of a CA made here: without one every request fails (counted),
#            with one they pass; bad files are one line and exit 64/66
#   debug    --http-debug N prints the same requests and responses from
#            both engines, N of them
#   errors   a refused connection's message and the failures CSV
#
# Prints "PASS http/<name>" or "FAIL http/<name>: <why>".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
W="$BUILD/tests/http"
rm -rf "$W"
mkdir -p "$W/tmp" "$W/www"
SWARMC="$BUILD/swarmc"
NGINX_PID=
trap '[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
SUITE=http
. tests/lib/assert.sh
# the suite sets proxy variables per command only
unset http_proxy https_proxy all_proxy no_proxy HTTP_PROXY HTTPS_PROXY \
      ALL_PROXY NO_PROXY

BIN="$W/bin"
if ! "$SWARMC" build tests/http/http.swarm -o "$BIN" >"$W/build.log" 2>&1
then
    fail build "$(head -c 600 "$W/build.log")"
    exit 1
fi
summary() { python3 tests/http/summary.py "$@" 2>&1; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- certificates: a CA, the server's, a client's, a stranger's -------------
if ! {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
        -subj "/CN=swarmc http test CA" -keyout "$W/ca.key" -out "$W/ca.pem" &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$W/server.key" -out "$W/server.csr" &&
    printf 'subjectAltName=IP:127.0.0.1\n' >"$W/ext" &&
    openssl x509 -req -in "$W/server.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" \
        -CAcreateserial -days 2 -extfile "$W/ext" -out "$W/server.crt" &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=swarmc client" \
        -keyout "$W/client.key" -out "$W/client.csr" &&
    openssl x509 -req -in "$W/client.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" \
        -CAcreateserial -days 2 -out "$W/client.crt" &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=stranger" \
        -keyout "$W/other.key" -out "$W/other.crt"
} >"$W/openssl.log" 2>&1; then
    fail cert-setup "openssl: $(tail -c 400 "$W/openssl.log")"
    exit 1
fi
cat "$W/client.crt" "$W/client.key" >"$W/client-both.pem"

# ---- nginx ---------------------------------------------------------------------
python3 -c "
import json
print(json.dumps({'items': [{'id': i, 'name': 'item %d' % i,
                             'text': 'lorem ipsum dolor sit amet ' * 3}
                            for i in range(200)]}))" >"$W/www/data.json"
DATA_BYTES=$(wc -c <"$W/www/data.json")
PA=$(free_port); PP=$(free_port); PT=$(free_port)
sed -e "s|@W@|$W|g" -e "s|@PA@|$PA|g" -e "s|@PP@|$PP|g" -e "s|@PT@|$PT|g" \
    tests/http/nginx.conf >"$W/nginx.conf"
nginx -c "$W/nginx.conf" -p "$W" >"$W/nginx.out" 2>&1 &
NGINX_PID=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $PT), 1)" 2>/dev/null ||
      [ $i -ge 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ $i -ge 50 ]; then
    fail nginx-setup "$(cat "$W/nginx.out" "$W/error.log" 2>/dev/null | head -c 400)"
    exit 1
fi
URL="http://127.0.0.1:$PA"
PROXY="http://127.0.0.1:$PP"

# run NAME ARGS...: one user, one iteration, JSON into $W/NAME.json
run() {
    n=$1
    shift
    timeout 60 "$BIN" -q -u 1 -r 100 --iterations 1 -t 30s --seed 1 \
        --json "$W/$n.json" "$@" >"$W/$n.out" 2>"$W/$n.err"
    echo $? >"$W/$n.rc"
}

# ---- gzip ------------------------------------------------------------------------
for e in curl native; do
    : >"$W/target.log.mark"
    before=$(wc -l <"$W/target.log")
    run gzip-$e --host "$URL" --tags gzip --engine $e
    s=$(summary "$W/gzip-$e.json")
    check gzip-$e-passes "3 0" "$(echo "$s" | cut -d' ' -f1,2)"
    contains gzip-$e-served "$e=3" "$s"
    check gzip-$e-decoded-size "$DATA_BYTES" \
        "$(summary "$W/gzip-$e.json" bytes /data.json)"
    check gzip-$e-own-ae-size "$DATA_BYTES" \
        "$(summary "$W/gzip-$e.json" bytes own-ae)"
    log=$(tail -n +$((before + 1)) "$W/target.log")
    contains gzip-$e-capture-decoded "GET /echo?v=item%20199 HTTP/1.1 200" "$log"
    contains gzip-$e-sent-ae 'GET /data.json HTTP/1.1 200 ae="gzip, deflate"' "$log"
    contains gzip-$e-own-ae-sent 'ae="identity"' "$log"
    # nginx compressed it: fewer bytes on the wire than decoded
    wire=$(echo "$log" | sed -n 's/.*ae="gzip, deflate" \([0-9]*\)$/\1/p' | head -1)
    if [ -n "$wire" ] && [ "$wire" -lt $((DATA_BYTES / 4)) ]; then
        pass gzip-$e-compressed-on-wire
    else
        fail gzip-$e-compressed-on-wire "wire bytes '$wire' of $DATA_BYTES"
    fi
    run badgzip-$e --host "$URL" --tags badgzip --engine $e
    s=$(summary "$W/badgzip-$e.json")
    check badgzip-$e-counted "1 1" "$(echo "$s" | cut -d' ' -f1,2)"
    contains badgzip-$e-message "ContentDecodingError: Received response with content-encoding: gzip, but failed to decode it (127.0.0.1:$PA)" "$s"
done

# ---- proxies ---------------------------------------------------------------------
plines() { wc -l <"$W/proxy.log"; }
p0=$(plines)
http_proxy=$PROXY run proxy-env --host "$URL" --tags gzip
s=$(summary "$W/proxy-env.json")
check proxy-env-passes "3 0" "$(echo "$s" | cut -d' ' -f1,2)"
contains proxy-env-auto-uses-curl "curl=3" "$s"
contains proxy-env-absolute-uri "GET http://127.0.0.1:$PA/data.json HTTP/1.1 200" \
    "$(tail -n +$((p0 + 1)) "$W/proxy.log")"
check proxy-env-all-three 3 $(( $(plines) - p0 ))
p0=$(plines)
HTTP_PROXY=$PROXY run proxy-upper --host "$URL" --tags gzip
check proxy-upper-case 3 $(( $(plines) - p0 ))
p0=$(plines)
ALL_PROXY=127.0.0.1:$PP run proxy-all --host "$URL" --tags gzip
check proxy-all-proxy-no-scheme 3 $(( $(plines) - p0 ))
p0=$(plines)
http_proxy=$PROXY no_proxy="example.test, 127.0.0.1" run proxy-bypass \
    --host "$URL" --tags gzip
s=$(summary "$W/proxy-bypass.json")
check proxy-no-proxy-bypasses 0 $(( $(plines) - p0 ))
contains proxy-no-proxy-native "native=3" "$s"
http_proxy=$PROXY run proxy-flag-off --host "$URL" --tags gzip --no-proxy
check proxy-no-proxy-flag 0 $(( $(plines) - p0 ))
p0=$(plines)
no_proxy=127.0.0.1 run proxy-flag --host "$URL" --tags gzip --proxy "$PROXY"
s=$(summary "$W/proxy-flag.json")
check proxy-flag-all-requests 3 $(( $(plines) - p0 ))
check proxy-flag-passes "3 0" "$(echo "$s" | cut -d' ' -f1,2)"
# --engine curl sends the same through the proxy
p0=$(plines)
http_proxy=$PROXY run proxy-curl --host "$URL" --tags gzip --engine curl
check proxy-engine-curl 3 $(( $(plines) - p0 ))
# a proxy that is not there: counted, named
dead=$(free_port)
http_proxy=http://127.0.0.1:$dead run proxy-dead --host "$URL" --tags badgzip
contains proxy-dead-named "ProxyError: Unable to connect to proxy: ConnectionRefusedError: [Errno 111] Connection refused (127.0.0.1:$dead)" \
    "$(summary "$W/proxy-dead.json")"
# what the native engine cannot do is said before the run
http_proxy=$PROXY run proxy-native-env --host "$URL" --tags gzip --engine native
check proxy-native-env-exit 64 "$(cat "$W/proxy-native-env.rc")"
contains proxy-native-env-says "the environment's http_proxy sends requests" \
    "$(cat "$W/proxy-native-env.err")"
run proxy-native-flag --host "$URL" --tags gzip --engine native --proxy "$PROXY"
check proxy-native-flag-exit 64 "$(cat "$W/proxy-native-flag.rc")"
contains proxy-native-flag-says "--proxy: the native engine does not send through a proxy" \
    "$(cat "$W/proxy-native-flag.err")"
http_proxy=$PROXY no_proxy=127.0.0.1 run proxy-native-bypass --host "$URL" \
    --tags gzip --engine native
check proxy-native-bypassed-runs 0 "$(cat "$W/proxy-native-bypass.rc")"
https_proxy="ftp://nope" run proxy-bad-env --host "$URL" --tags gzip
check proxy-bad-env-exit 64 "$(cat "$W/proxy-bad-env.rc")"
contains proxy-bad-env-says "https_proxy: expected a proxy URL like http://127.0.0.1:3128, got 'ftp://nope'" \
    "$(cat "$W/proxy-bad-env.err")"

# ---- client certificates -------------------------------------------------------
TURL="https://127.0.0.1:$PT"
run cert-none --host "$TURL" --tags tls --cacert "$W/ca.pem"
s=$(summary "$W/cert-none.json")
check cert-none-fails "1 1" "$(echo "$s" | cut -d' ' -f1,2)"
contains cert-none-rejected "body does not contain 'CN=swarmc client'" "$s"
contains cert-none-nginx-400 "GET /whoami HTTP/1.1 400" "$(cat "$W/tls.log")"
run cert-ok --host "$TURL" --tags tls --cacert "$W/ca.pem" \
    --cert "$W/client.crt" --key "$W/client.key"
check cert-ok-passes "1 0" "$(summary "$W/cert-ok.json" | cut -d' ' -f1,2)"
run cert-both --host "$TURL" --tags tls --cacert "$W/ca.pem" \
    --cert "$W/client-both.pem"
check cert-one-file-passes "1 0" "$(summary "$W/cert-both.json" | cut -d' ' -f1,2)"
run cert-stranger --host "$TURL" --tags tls --cacert "$W/ca.pem" \
    --cert "$W/other.crt" --key "$W/other.key"
check cert-other-ca-fails "1 1" "$(summary "$W/cert-stranger.json" | cut -d' ' -f1,2)"
run cert-missing --host "$TURL" --tags tls --cert "$W/nope.pem"
check cert-missing-exit 66 "$(cat "$W/cert-missing.rc")"
check cert-missing-says "bin: --cert '$W/nope.pem': No such file or directory" \
    "$(cat "$W/cert-missing.err")"
run cert-notpem --host "$TURL" --tags tls --cert "$W/ext"
check cert-not-pem-exit 64 "$(cat "$W/cert-notpem.rc")"
contains cert-not-pem-says "no PEM certificate in it" "$(cat "$W/cert-notpem.err")"
run cert-nokey --host "$TURL" --tags tls --cert "$W/client.crt"
check cert-no-key-exit 64 "$(cat "$W/cert-nokey.rc")"
contains cert-no-key-says "give the key with --key FILE" "$(cat "$W/cert-nokey.err")"
run cert-mismatch --host "$TURL" --tags tls --cert "$W/client.crt" \
    --key "$W/other.key"
check cert-mismatch-exit 64 "$(cat "$W/cert-mismatch.rc")"
contains cert-mismatch-says "the private key does not match" "$(cat "$W/cert-mismatch.err")"
run cert-keyonly --host "$TURL" --tags tls --key "$W/client.key"
check cert-key-alone-exit 64 "$(cat "$W/cert-keyonly.rc")"
run cert-native --host "$TURL" --tags tls --engine native \
    --cert "$W/client.crt" --key "$W/client.key"
check cert-native-exit 64 "$(cat "$W/cert-native.rc")"
contains cert-native-says "--cert: the native engine sends plain http:// only" \
    "$(cat "$W/cert-native.err")"

# a user's own certificate (`cert` in the scenario), files read at start-up
CBIN="$W/cert-bin"
if "$SWARMC" build tests/http/cert.swarm -o "$CBIN" >"$W/cert-build.log" 2>&1
then
    (cd "$W" && timeout 60 "$CBIN" -q -u 1 -r 100 --iterations 1 -t 30s \
        --host "$TURL" --cacert ca.pem --json user-cert.json \
        >user-cert.out 2>user-cert.err)
    check user-cert-passes "1 0" "$(summary "$W/user-cert.json" | cut -d' ' -f1,2)"
    (cd "$W/tmp" && timeout 60 "$CBIN" -q -u 1 -r 100 --iterations 1 -t 30s \
        --host "$TURL" --cacert ../ca.pem >../user-cert-missing.out \
        2>../user-cert-missing.err)
    check user-cert-missing-exit 66 "$?"
    check user-cert-missing-says "cert-bin: user WithCert: cert 'client.crt': No such file or directory" \
        "$(cat "$W/user-cert-missing.err")"
else
    fail user-cert-build "$(head -c 600 "$W/cert-build.log")"
fi
printf 'user U {\n    cert 3\n    task t { get "/" }\n}\ntaskset S {\n    cert "a.pem"\n    task t { get "/" }\n}\n' >"$W/badcert.swarm"
"$SWARMC" build "$W/badcert.swarm" -o "$W/badcert" >"$W/badcert.log" 2>&1
d=$(cat "$W/badcert.log")
contains user-cert-needs-string "2:10: error: cert takes the certificate's file name" "$d"
contains user-cert-user-only "6:5: error: 'cert' is a setting of a user, not of a taskset" "$d"

# ---- --http-debug -----------------------------------------------------------------
for e in curl native; do
    run debug-$e --host "$URL" --tags gzip --engine $e --http-debug 2
    sed -e 's/^< Date: .*/< Date: -/' -e 's/(engine [a-z]*)/(engine -)/' \
        "$W/debug-$e.err" >"$W/debug-$e.txt"
done
if cmp -s "$W/debug-curl.txt" "$W/debug-native.txt"; then
    pass debug-same-both-engines
else
    fail debug-same-both-engines "$(diff "$W/debug-curl.txt" "$W/debug-native.txt" | head -c 500)"
fi
d=$(cat "$W/debug-curl.txt")
check debug-two-requests 2 "$(grep -c '^--- http-debug #' "$W/debug-curl.txt")"
contains debug-request-line "> GET /data.json HTTP/1.1" "$d"
contains debug-sent-ae "> Accept-Encoding: gzip, deflate" "$d"
contains debug-response-ce "< Content-Encoding: gzip" "$d"
contains debug-decoded-body '< {"items": [{"id": 0' "$d"
contains debug-body-cut "[... cut: 4096 of $DATA_BYTES bytes shown]" "$d"
check debug-off-by-default "" "$(cat "$W/gzip-curl.err")"
run debug-bad --host "$URL" --tags gzip --http-debug x
check debug-bad-value-exit 64 "$(cat "$W/debug-bad.rc")"

# ---- errors: the message and the failures CSV --------------------------------------
closed=$(free_port)
for e in curl native; do
    run refused-$e --host "http://127.0.0.1:$closed" --tags badgzip \
        --engine $e --csv "$W/refused-$e"
    contains refused-$e-message "ConnectionRefusedError: [Errno 111] Connection refused (127.0.0.1:$closed)" \
        "$(summary "$W/refused-$e.json")"
    check refused-$e-csv-row "GET,/bad,ConnectionRefusedError: [Errno 111] Connection refused (127.0.0.1:$closed),1" \
        "$(sed -n 2p "$W/refused-${e}_failures.csv" | tr -d '\r')"
done

exit 0
