#!/bin/sh
# Runs every test suite (tests/t-*.sh) and prints the closing line
# "N passed, N failed".  Each suite prints one line per test:
#   PASS <suite>/<name>
#   FAIL <suite>/<name>: <why>
# A suite that exits non-zero without reporting a failure counts as one
# failure of its own, so a crashing suite can never look green.
#
# Environment: BUILD (default build), SWARMC_CFLAGS (sanitizer flags for the
# scenario binaries), ONLY=<suite> to run one suite.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
# A proxy set on the machine must not route the suites' requests to
# 127.0.0.1 elsewhere: the runtime honours these as python-requests does.
# Only the proxy tests (tests/t-http.sh) set them, per command.
unset http_proxy https_proxy all_proxy no_proxy \
      HTTP_PROXY HTTPS_PROXY ALL_PROXY NO_PROXY
OUT="$BUILD/tests"
mkdir -p "$OUT"
passed=0
failed=0
for suite in tests/t-*.sh; do
    name=$(basename "$suite" .sh)
    name=${name#t-}
    if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then
        continue
    fi
    log="$OUT/$name.log"
    start=$(date +%s)
    timeout 1200 sh "$suite" >"$log" 2>"$OUT/$name.stderr"
    rc=$?
    p=$(grep -c '^PASS ' "$log")
    f=$(grep -c '^FAIL ' "$log")
    grep -E '^(PASS|FAIL) ' "$log"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name/suite: exited with status $rc (see $OUT/$name.stderr)"
        tail -n 20 "$OUT/$name.stderr" | sed 's/^/    /'
        f=1
    fi
    echo "# $name: $p passed, $f failed in $(( $(date +%s) - start ))s"
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
