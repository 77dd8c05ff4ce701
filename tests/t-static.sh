#!/bin/sh
# The static executable `swarmc build` makes by default: statically linked
# (file, ldd), and it runs in an empty chroot (a directory holding only the
# binary, no libraries, no /etc) against the demo target on 127.0.0.1 and
# writes its CSV and JSON; a name resolved through an /etc/hosts placed in
# the chroot, and the error naming what is missing when there is none;
# HTTPS against nginx with a certificate of the suite's own CA: refused
# without a CA and with the system bundle, accepted with --cacert and with a
# bundle built in (--embed-ca); the bad-input errors of --cacert and
# --embed-ca.  Every chroot run gets an empty environment (env -i).
#
# Under AddressSanitizer (SAN=address) there is no static link at all (gcc
# refuses -static with ASan, and libswarm.a is instrumented): the suite
# says so and runs nothing; the plain and SAN=undefined runs cover it.
#
# Prints "PASS static/<name>" or "FAIL static/<name>: <why>" per assertion.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/static"
rm -rf "$OUT"
mkdir -p "$OUT"
TARGET="$BUILD/demo-target"
SWARMC="$BUILD/swarmc"
PID=
NGINX_PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
case " ${SWARMC_CFLAGS:-} " in
*" -fsanitize=address "*)
    echo "# static: no static executables under AddressSanitizer"
    exit 0 ;;
esac

SUITE=static
. tests/lib/assert.sh
. tests/lib/target.sh

if grep -q '^static-error ' "$BUILD/libswarm.link" 2>/dev/null; then
    fail static-libcurl "$(sed -n 's/^static-error //p' "$BUILD/libswarm.link")"
    exit 1
fi

# jail DIR PROG ARGS...: PROG (a path inside DIR) chrooted into DIR with an
# empty environment (but JAIL_ENV, NAME=VALUE words); as root, or else in a
# user namespace.
JAIL_ENV=
CHROOT=$(PATH="$PATH:/usr/sbin:/sbin" command -v chroot)
if [ "$(id -u)" -eq 0 ]; then
    jail() { d=$1; shift; env -i $JAIL_ENV "$CHROOT" "$d" "$@"; }
else
    UNSHARE=$(command -v unshare)
    jail() { d=$1; shift; env -i $JAIL_ENV "$UNSHARE" -r "$CHROOT" "$d" "$@"; }
fi
# summary FILE: "REQUESTS FAILURES MESSAGES" from a --json result.
summary() { python3 tests/static/summary.py "$1" 2>&1; }

# ---- building ---------------------------------------------------------------
BIN="$OUT/get"
if ! SWARMC_LINK=static "$SWARMC" build tests/static/get.swarm -o "$BIN" \
        >"$OUT/build.log" 2>&1; then
    fail build "$(head -c 600 "$OUT/build.log")"
    exit 1
fi
pass build
check build-quiet "" "$(cat "$OUT/build.log")"
contains file-static "statically linked" "$(file "$BIN")"
contains ldd-static "not a dynamic executable" "$(ldd "$BIN" 2>&1)"
if "$SWARMC" build --dynamic tests/static/get.swarm -o "$OUT/get-dynamic" \
        >"$OUT/build-dynamic.log" 2>&1; then
    contains file-dynamic "dynamically linked" "$(file "$OUT/get-dynamic")"
else
    fail file-dynamic "$(head -c 600 "$OUT/build-dynamic.log")"
fi
size=$(strip -o "$OUT/get-stripped" "$BIN" && wc -c <"$OUT/get-stripped")
if [ "${size:-0}" -gt 0 ] && [ "$size" -lt 10485760 ]; then
    pass size-under-10mb
else
    fail size-under-10mb "stripped size ${size:-?} bytes"
fi

# new_root NAME: an empty directory holding only the binary, as /get.
new_root() {
    r="$OUT/$1"
    rm -rf "$r"
    mkdir -p "$r"
    cp "$BIN" "$r/get"
    echo "$r"
}

# ---- plain HTTP in an empty chroot -------------------------------------------
D="$OUT/http"
mkdir -p "$D"
start_target "$D"
port=$(cat "$D/port")
R=$(new_root root-http)
jail "$R" /get --host "$URL" -u 2 -r 2 -t 2s -q --csv /out --json /out.json \
    >"$D/stdout" 2>"$D/stderr"
check chroot-exit 0 "$?"
check chroot-root-was-empty "get out.json out_exceptions.csv out_failures.csv out_stats.csv out_stats_history.csv" \
    "$(ls "$R" | tr '\n' ' ' | sed 's/ $//')"
s=$(summary "$R/out.json")
n=${s%% *}
logged=$(wc -l <"$D/log")
if [ "${n:-0}" -gt 0 ] 2>/dev/null && [ "$logged" -ge "$n" ]; then
    pass chroot-target-log
else
    fail chroot-target-log "result '$s', the target logged $logged requests"
fi
check chroot-no-failures "0" "$(echo "$s" | cut -d' ' -f2)"
contains chroot-csv "Aggregated" "$(cat "$R/out_stats.csv")"

# localhost needs no /etc/hosts; another name resolves through the one
# placed in the chroot; without it the error names what is missing.
jail "$R" /get --host "http://localhost:$port" -u 1 -r 1 -t 1s -q \
    --json /localhost.json >"$D/localhost.out" 2>&1
check localhost-no-hosts-file "0" "$(summary "$R/localhost.json" | cut -d' ' -f2)"
jail "$R" /get --host "http://shop.test:$port" -u 1 -r 1 -t 1s -q \
    --json /nohosts.json >"$D/nohosts.out" 2>&1
contains resolve-error-names-files "neither /etc/hosts nor /etc/resolv.conf" \
    "$(summary "$R/nohosts.json")"
mkdir -p "$R/etc"
echo "127.0.0.1 shop.test" >"$R/etc/hosts"
before=$(wc -l <"$D/log")
jail "$R" /get --host "http://shop.test:$port" -u 1 -r 1 -t 1s -q \
    --json /hosts.json >"$D/hosts.out" 2>&1
s=$(summary "$R/hosts.json")
after=$(wc -l <"$D/log")
if [ "$(echo "$s" | cut -d' ' -f2)" = 0 ] && [ "${s%% *}" -gt 0 ] 2>/dev/null \
        && [ "$after" -gt "$before" ]; then
    pass etc-hosts-in-chroot
else
    fail etc-hosts-in-chroot "result '$s'; $(head -c 300 "$D/hosts.out")"
fi
# Two shards, then merge with a pattern no shell expanded (a FROM scratch
# image has none: examples/k8s/merge.yaml).
for i in 0 1; do
    jail "$R" /get --host "$URL" -u 2 -r 2 -t 1s -q --shard "$i/2" \
        --json "/shard-$i.json" >"$D/shard-$i.out" 2>&1
done
jail "$R" /get merge '/shard-*.json' --json /merged.json >"$D/merge.out" 2>&1
check merge-pattern-exit 0 "$?"
contains merge-pattern-both-shards "Merged 2 shards" "$(cat "$D/merge.out")"
jail "$R" /get merge '/none-*.json' >"$D/merge-none.out" 2>&1
check merge-pattern-no-match "2 merge: /none-*.json: no file matches" \
    "$? $(cat "$D/merge-none.out")"
stop_target

# ---- HTTPS against a certificate of our own CA --------------------------------
W="$OUT/tls"
mkdir -p "$W/tmp"
if ! {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=swarmc test CA" \
        -keyout "$W/ca.key" -out "$W/ca.pem" &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=secure.test" \
        -keyout "$W/server.key" -out "$W/server.csr" &&
    printf 'subjectAltName=DNS:secure.test,IP:127.0.0.1\n' >"$W/ext" &&
    openssl x509 -req -in "$W/server.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" \
        -CAcreateserial -days 2 -extfile "$W/ext" -out "$W/server.crt"
} >"$W/openssl.log" 2>&1; then
    fail tls-setup "openssl: $(tail -c 400 "$W/openssl.log")"
    exit 1
fi
tport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|@W@|$W|g" -e "s|@PORT@|$tport|g" tests/static/nginx.conf >"$W/nginx.conf"
nginx -c "$W/nginx.conf" -p "$W" >"$W/nginx.out" 2>&1 &
NGINX_PID=$!
i=0
until curl -s --max-time 2 --cacert "$W/ca.pem" -o /dev/null "https://127.0.0.1:$tport/" ||
      [ $i -ge 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ $i -ge 50 ]; then
    fail tls-setup "nginx did not answer: $(cat "$W/nginx.out" "$W/error.log" 2>/dev/null | head -c 400)"
    exit 1
fi
TURL="https://127.0.0.1:$tport"

# No CA store at all: the binary says so before it starts.
R=$(new_root root-tls)
jail "$R" /get --host "$TURL" -u 1 -r 1 -t 1s -q >"$W/noca.out" 2>&1
check no-ca-refused-exit 64 "$?"
contains no-ca-message "no CA certificates to verify $TURL" "$(cat "$W/noca.out")"

# The system bundle (Debian's path) does not vouch for our CA: refused.
if [ -r /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$R/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/"
    jail "$R" /get --host "$TURL" -u 1 -r 1 -t 1s -q --json /sys.json \
        >"$W/sys.out" 2>&1
    s=$(summary "$R/sys.json")
    contains system-bundle-refuses "SSLError: SSL certificate problem" "$s"
    rm -rf "$R/etc"
fi

# --cacert FILE: accepted, and nginx logged the requests.
cp "$W/ca.pem" "$R/ca.pem"
before=$(grep -c 'GET / ' "$W/access.log")
jail "$R" /get --host "$TURL" --cacert /ca.pem -u 1 -r 1 -t 1s -q \
    --json /cacert.json >"$W/cacert.out" 2>&1
s=$(summary "$R/cacert.json")
after=$(grep -c 'GET / ' "$W/access.log")
if [ "$(echo "$s" | cut -d' ' -f2)" = 0 ] && [ "${s%% *}" -gt 0 ] 2>/dev/null \
        && [ "$after" -gt "$before" ]; then
    pass cacert-accepted
else
    fail cacert-accepted "result '$s'; $(head -c 300 "$W/cacert.out")"
fi
# SSL_CERT_FILE the same way.
JAIL_ENV=SSL_CERT_FILE=/ca.pem
jail "$R" /get --host "$TURL" -u 1 -r 1 -t 1s -q --json /env.json \
    >"$W/env.out" 2>&1
JAIL_ENV=
check ssl-cert-file-accepted "0" "$(summary "$R/env.json" | cut -d' ' -f2)"

# A bundle built in: accepted in a chroot holding only the binary.
if SWARMC_LINK=static "$SWARMC" build --embed-ca "$W/ca.pem" tests/static/get.swarm \
        -o "$OUT/get-ca" >"$W/embed.log" 2>&1; then
    E="$OUT/root-embed"
    rm -rf "$E"
    mkdir -p "$E"
    cp "$OUT/get-ca" "$E/get"
    jail "$E" /get --host "$TURL" -u 1 -r 1 -t 1s -q --json /embed.json \
        >"$W/embedrun.out" 2>&1
    s=$(summary "$E/embed.json")
    if [ "$(echo "$s" | cut -d' ' -f2)" = 0 ] && [ "${s%% *}" -gt 0 ] 2>/dev/null; then
        pass embedded-ca-accepted
    else
        fail embedded-ca-accepted "result '$s'; $(head -c 300 "$W/embedrun.out")"
    fi
    # --cacert wins over the bundle built in.
    printf 'not a certificate\n' >"$E/bad.pem"
    jail "$E" /get --host "$TURL" --cacert /bad.pem -u 1 -r 1 -t 1s -q \
        >"$W/badcacert.out" 2>&1
    check bad-cacert-exit 64 "$?"
    contains bad-cacert-names-file "--cacert '/bad.pem': not a PEM" "$(cat "$W/badcacert.out")"
    jail "$E" /get --host "$TURL" --cacert /missing.pem -u 1 -r 1 -t 1s -q \
        >"$W/misscacert.out" 2>&1
    check missing-cacert-exit 64 "$?"
    contains missing-cacert-names-file "--cacert '/missing.pem': cannot read" "$(cat "$W/misscacert.out")"
else
    fail embedded-ca-build "$(head -c 600 "$W/embed.log")"
fi
# The generated C carries the bundle only when asked.
"$SWARMC" build --embed-ca "$W/ca.pem" --emit-c "$W/embed.c" tests/static/get.swarm \
    >/dev/null 2>&1
contains embed-ca-in-c ".ca_pem = embedded_ca," "$(cat "$W/embed.c" 2>/dev/null)"

# --embed-ca bad input: one line naming the file.
"$SWARMC" build --embed-ca tests/static/get.swarm tests/static/get.swarm \
    -o "$OUT/never" >"$W/embed-bad.out" 2>&1
check embed-ca-not-pem-exit 64 "$?"
check embed-ca-not-pem-message \
    "swarmc: --embed-ca 'tests/static/get.swarm': not a PEM certificate bundle (no -----BEGIN CERTIFICATE----- block)" \
    "$(cat "$W/embed-bad.out")"
"$SWARMC" build --embed-ca "$W/server.key" tests/static/get.swarm \
    -o "$OUT/never" >"$W/embed-key.out" 2>&1
contains embed-ca-private-key "holds a private key" "$(cat "$W/embed-key.out")"
"$SWARMC" build --embed-ca "$W/nope.pem" tests/static/get.swarm \
    -o "$OUT/never" >"$W/embed-missing.out" 2>&1
check embed-ca-missing-exit 74 "$?"
contains embed-ca-missing-message "--embed-ca '$W/nope.pem': cannot read" \
    "$(cat "$W/embed-missing.out")"
[ -e "$OUT/never" ] && fail embed-ca-no-output "a binary was written" ||
    pass embed-ca-no-output

kill "$NGINX_PID" 2>/dev/null
wait "$NGINX_PID" 2>/dev/null
NGINX_PID=

# ---- a machine that cannot fetch the curl source ------------------------------
# The build script against a mirror that refuses (127.0.0.1:9): one line
# naming the step.  Then a runtime whose link record says so (a copy of
# swarmc beside it): the static build repeats that line, --dynamic works.
F="$OUT/nofetch"
mkdir -p "$F"
sed 's|^URIs:.*|URIs: http://127.0.0.1:9/debian|' tests/static/mirror.sources \
    >"$F/refusing.sources"
APT_SOURCES="$F/refusing.sources" sh scripts/build-static-curl.sh "$F/curl" \
    >"$F/script.out" 2>&1
check nofetch-script-exit 1 "$?"
contains nofetch-names-step "static libcurl: step 'read the deb-src index (apt-get update)' failed" \
    "$(cat "$F/curl/error" 2>/dev/null)"
mkdir -p "$F/rt"
cp "$SWARMC" "$BUILD/libswarm.a" "$F/rt/"
cp -r "$BUILD/include" "$F/rt/"
{ grep '^dynamic ' "$BUILD/libswarm.link"
  echo "static-error $(cat "$F/curl/error" 2>/dev/null)"; } >"$F/rt/libswarm.link"
"$F/rt/swarmc" build tests/static/get.swarm -o "$F/get" >"$F/build.out" 2>&1
check nofetch-static-build-exit 70 "$?"
contains nofetch-static-build-says-step "step 'read the deb-src index (apt-get update)' failed" \
    "$(cat "$F/build.out")"
if "$F/rt/swarmc" build --dynamic tests/static/get.swarm -o "$F/get" \
        >"$F/build-dynamic.out" 2>&1 && [ -x "$F/get" ]; then
    pass nofetch-dynamic-works
else
    fail nofetch-dynamic-works "$(head -c 400 "$F/build-dynamic.out")"
fi
exit 0
