#!/usr/bin/env bash
# Every test on a fresh Debian 12 machine, as root: installs what is missing
# (build tools, libraries, python3 for the analysis scripts, curl, nodejs/npm
# for the HDR histogram interoperability and editor grammar tests, vim for
# its syntax file's test), builds, runs `make test`.
# The last line is always "N passed, N failed"; the exit status is 0 only
# when nothing failed.
#
#   ./run-tests.sh             the whole suite
#   SAN=address ./run-tests.sh under AddressSanitizer (or SAN=undefined)
set -euo pipefail
cd "$(dirname "$0")"

# The static executables (the default of `swarmc build`) need Debian's curl
# source package (dpkg-dev for apt-get source) and the static archives of
# OpenSSL and c-ares; tests/t-static.sh needs nginx, openssl and file;
# tests/t-faults.sh needs /usr/bin/time (peak RSS).
PACKAGES=(flex bison make gcc pkg-config libcurl4-openssl-dev libuv1-dev
          libmicrohttpd-dev libjansson-dev libpcre2-dev zlib1g-dev python3
          curl nodejs npm python3-yaml chromium firefox-esr bsdutils vim
          libhttp-parser-dev dpkg-dev libssl-dev libc-ares-dev nginx openssl file
          python3-locust time)

. scripts/install-missing.sh
install_missing "${PACKAGES[@]}"

args=()
if [ -n "${SAN:-}" ]; then
    args+=("SAN=$SAN" "BUILD=build-$SAN")
fi
if ! make -j"$(nproc)" "${args[@]}"; then
    echo "FAIL build: make did not build"
    echo "0 passed, 1 failed"
    exit 1
fi

# make prints its own error line after a failing recipe; keep the suite's
# summary the last line regardless.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
make test "${args[@]}" 2>&1 | tee "$out" || rc=$?
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1 || true)
if [ -z "$summary" ]; then
    summary="0 passed, 1 failed"
    rc=1
fi
echo "$summary"
exit "$rc"
