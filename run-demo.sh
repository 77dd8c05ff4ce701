#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine, as root: installs what is
# missing, builds swarmc, compiles examples/shop.swarm into build/shop, starts
# the demo target on a free 127.0.0.1 port, loads it for about 15 seconds and
# prints the report.
#
#   ./run-demo.sh              defaults: 50 users, 10/s spawn rate, 15 s
#   USERS=200 RATE=50 DURATION=30s ./run-demo.sh
set -euo pipefail
cd "$(dirname "$0")"

USERS=${USERS:-50}
RATE=${RATE:-10}
DURATION=${DURATION:-15s}
# dpkg-dev, libssl-dev and libc-ares-dev: the static executable that
# `swarmc build` makes (its libcurl is built once from Debian's source).
PACKAGES=(flex bison make gcc pkg-config libcurl4-openssl-dev libuv1-dev
          libmicrohttpd-dev libjansson-dev libpcre2-dev zlib1g-dev curl
          libhttp-parser-dev dpkg-dev libssl-dev libc-ares-dev)

. scripts/install-missing.sh
install_missing "${PACKAGES[@]}"

make -j"$(nproc)"
build/swarmc build examples/shop.swarm -o build/shop

# The target picks a free port itself (--port 0) and tells us through a file.
portfile=$(mktemp)
rm -f "$portfile"
: >build/demo-requests.log
build/demo-target --port 0 --port-file "$portfile" \
    --log build/demo-requests.log >/dev/null &
target_pid=$!
stop_target() {
    kill -TERM "$target_pid" 2>/dev/null || true
    wait "$target_pid" 2>/dev/null || true
    rm -f "$portfile"
}
trap stop_target EXIT
for _ in $(seq 50); do
    [ -s "$portfile" ] && break
    sleep 0.1
done
if [ ! -s "$portfile" ]; then
    echo "run-demo: the demo target did not start" >&2
    exit 1
fi
port=$(cat "$portfile")

echo "run-demo: build/shop -u $USERS -r $RATE -t $DURATION" \
     "--host http://127.0.0.1:$port"
rc=0
# --no-proxy: the demo target is local; a proxy set in the environment
# (honoured as python-requests does) must not carry its traffic
build/shop -u "$USERS" -r "$RATE" -t "$DURATION" --no-proxy \
    --host "http://127.0.0.1:$port" || rc=$?
echo "run-demo: the target logged $(wc -l <build/demo-requests.log) requests" \
     "in build/demo-requests.log"
exit "$rc"
