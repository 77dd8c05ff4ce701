#!/bin/sh
# Unit tests: every tests/unit/test-*.c is compiled against the runtime
# (its internal headers are visible) and run.
set -u
BUILD=${BUILD:-build}
OUT="$BUILD/tests/unit"
mkdir -p "$OUT"
CFLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -Wno-unused-function ${SWARMC_CFLAGS:-}"
LIBS="$BUILD/libswarm.a -l:libuv_a.a -l:libjansson.a -l:libpcre2-8.a -l:libhttp_parser.a -lcurl -lz -lpthread -ldl -lm"
rc=0
for src in tests/unit/test-*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    if ! cc $CFLAGS -Iruntime/include -iquote runtime -iquote tests/unit "$src" $LIBS \
            -o "$OUT/$name" 2>"$OUT/$name.cc.log"; then
        echo "FAIL unit/$name: does not compile"
        sed 's/^/    /' "$OUT/$name.cc.log" | head -20
        rc=1
        continue
    fi
    (cd tests/unit && timeout 300 "../../$OUT/$name") || rc=1
done
exit $rc
