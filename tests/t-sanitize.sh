#!/bin/sh
# The checker's guarantee, run (issue 16): every scenario `swarmc check`
# accepts (examples, test scenarios, fuzz corpus, deep generated ones, and
# every scenario shown in the docs) builds against a runtime compiled with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs about a second
# against the demo target without a sanitizer report (runtime error, ASan
# error, leak at exit).  tests/t-hardening.sh checks that the same C
# compiles with -Werror.  One case more, web-tls (tests/sanitize/web-tls.sh):
# the web UI over HTTPS driven during a run, then SIGINT, equally clean.
#
# The plain `make test` has no sanitizer build, so this suite makes its own
# once: `make BUILD=$BUILD/san SAN=address,undefined` builds libswarm.a
# there (incremental after the first time), and a copy of $BUILD/swarmc
# sits next to it because swarmc links with the runtime found next to its
# own executable.  Scenario binaries link dynamically (ASan's runtime is a
# shared library) and are compiled at -O0 (the checks do not need the
# optimiser, and cc is the slow part).  Builds and runs go in parallel.
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
SWARMC="$BUILD/swarmc"
TARGET="$BUILD/demo-target"
OUT="$ROOT/$BUILD/tests/sanitize"
SAN_BUILD="$BUILD/san"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
rm -rf "$OUT"
mkdir -p "$OUT"
rc=0
. tests/lib/target.sh

pass() { echo "PASS sanitize/$1"; }
fail() {
    echo "FAIL sanitize/$1: $2"
    rc=1
}

jobs=$(( $(nproc 2>/dev/null || echo 2) + 1 ))

# The sanitizer runtime.  The outer make's command-line variables (SAN,
# BUILD) travel in MAKEFLAGS and would override these: drop them.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j"$((jobs - 1))" \
        BUILD="$SAN_BUILD" SAN=address,undefined OPT="-O1 -g" \
        "$SAN_BUILD/libswarm.a" "$SAN_BUILD/libswarm.link" \
        "$SAN_BUILD/include/swarm.h" >"$OUT/make.log" 2>&1; then
    fail "runtime-build" "make SAN=address,undefined: $(tail -n 5 "$OUT/make.log")"
    exit 1
fi
cp "$SWARMC" "$SAN_BUILD/swarmc"
if nm "$SAN_BUILD/libswarm.a" 2>/dev/null | grep -q __asan_report \
        && nm "$SAN_BUILD/libswarm.a" 2>/dev/null | grep -q __ubsan_handle; then
    pass "runtime-instrumented (ASan and UBSan in $SAN_BUILD/libswarm.a)"
else
    fail "runtime-instrumented" "no __asan_report/__ubsan_handle in $SAN_BUILD/libswarm.a"
fi

# The harness can fail: a program with undefined behaviour, one with a
# heap overflow and one with a leak, built with the same flags, are each
# caught by the same grep the scenarios' stderr goes through.
REPORT='runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)|SUMMARY: [A-Za-z]+Sanitizer'
cat >"$OUT/bad.c" <<'EOF'
#include <limits.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
    (void)argv;
    if (argc == 2) {                    /* signed overflow */
        int big = INT_MAX - 1 + argc;
        return big + argc;
    }
    char *p = malloc(8);
    if (argc == 3)                      /* heap overflow */
        memset(p, 0, 9 + (size_t)argc % 2);
    if (argc == 4)                      /* a leak */
        p = NULL;
    else
        free(p);
    return 0;
}
EOF
if cc -O0 $SAN -o "$OUT/bad" "$OUT/bad.c" >"$OUT/bad.log" 2>&1; then
    missed=
    for args in "a" "a b" "a b c"; do
        # shellcheck disable=SC2086
        ASAN_OPTIONS=detect_leaks=1 "$OUT/bad" $args 2>"$OUT/bad.stderr" >/dev/null
        grep -qE "$REPORT" "$OUT/bad.stderr" || missed="$missed '$args'"
    done
    if ASAN_OPTIONS=detect_leaks=1 "$OUT/bad" 2>"$OUT/bad.stderr" \
            && ! grep -qE "$REPORT" "$OUT/bad.stderr" && [ -z "$missed" ]; then
        pass "harness-sees-reports (overflow, heap overflow, leak; clean run clean)"
    else
        fail "harness-sees-reports" "missed:$missed $(head -c 200 "$OUT/bad.stderr")"
    fi
else
    fail "harness-sees-reports" "cc: $(head -c 300 "$OUT/bad.log")"
fi

# Every scenario the checker accepts.
python3 tests/hardening/gen.py nest 100 >"$OUT/nest-100.swarm"
python3 tests/hardening/gen.py sets 100 >"$OUT/sets-100.swarm"
python3 tests/docblocks/blocks.py emit "$OUT/docs" >"$OUT/docs.list" \
    2>"$OUT/docs.err" || fail "docs-emit" "$(head -c 300 "$OUT/docs.err")"
: >"$OUT/list"
n=0
for src in examples/*.swarm tests/*/*.swarm tests/fuzz/corpus/front/* \
        "$OUT/nest-100.swarm" "$OUT/sets-100.swarm" $(cat "$OUT/docs.list"); do
    [ -f "$src" ] || continue
    "$SWARMC" check "$src" >/dev/null 2>&1 || continue
    case $src in /*) ;; *) src="$ROOT/$src" ;; esac
    n=$((n + 1))
    printf '%s %s\n' "$src" "$OUT/s$n" >>"$OUT/list"
done

mkdir -p "$OUT/target"
start_target "$OUT/target"
start=$(date +%s)
REPORT="$REPORT" ROOT="$ROOT" SAN_SWARMC="$ROOT/$SAN_BUILD/swarmc" SAN_CFLAGS="-O0 $SAN" URL="$URL" \
    xargs -P "$jobs" -L 1 sh tests/sanitize/one.sh <"$OUT/list"
# The web UI's HTTPS server, driven while a run goes on, then SIGINT.
REPORT="$REPORT" ROOT="$ROOT" SAN_SWARMC="$ROOT/$SAN_BUILD/swarmc" SAN_CFLAGS="-O0 $SAN" URL="$URL" \
    sh tests/sanitize/web-tls.sh "$OUT/web-tls"
stop_target
secs=$(( $(date +%s) - start ))

ran=0
skipped=
quiet=0
while read -r src dir; do
    name=${src#"$ROOT/"}
    res=$(cat "$dir/result" 2>/dev/null || echo "fail no result")
    case $res in
    ok*)
        ran=$((ran + 1))
        [ "${res#ok }" = 0 ] && quiet=$((quiet + 1)) ;;
    skip-run*) skipped="$skipped $name" ;;
    *) fail "run-clean" "$name: ${res#fail }" ;;
    esac
done <"$OUT/list"
# A harness that ran nothing would pass anything: most runs sent requests.
if [ "$n" -lt 40 ]; then
    fail "run-clean" "only $n accepted scenarios found"
elif [ "$quiet" -gt $((n / 5)) ]; then
    fail "run-clean" "$quiet of $n runs sent no request"
fi
[ "$rc" -eq 0 ] && pass "run-clean ($ran of $n accepted scenarios built with ASan+UBSan and run clean, in ${secs}s${skipped:+; built only, absolute URLs elsewhere:$skipped})"
res=$(cat "$OUT/web-tls/result" 2>/dev/null || echo "fail no result")
case $res in
ok*) pass "web-tls (the web UI over HTTPS under ASan+UBSan: ${res#ok })" ;;
*) fail "web-tls" "${res#fail } (see $OUT/web-tls)" ;;
esac
exit $rc
