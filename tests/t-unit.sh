#!/bin/sh
# Unit tests: every tests/unit/test-*.c is compiled against the runtime
# (its internal headers are visible) and run.
set -u
BUILD=${BUILD:-build}
OUT="$BUILD/tests/unit"
mkdir -p "$OUT"
CFLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -Wno-unused-function ${SWARMC_CFLAGS:-}"
# The link line make recorded (Makefile: RUNTIME_LIBS), the dynamic one:
# quick to link, and the sanitizers need it.
LIBS="$BUILD/libswarm.a $(sed -n 's/^dynamic //p' "$BUILD/libswarm.link")"
# every runtime folder, as the Makefile's RT_INC
RT_INC="-iquote runtime $(find runtime -name '*.[ch]' -not -path 'runtime/include/*' -exec dirname {} \; | sort -u | sed 's/^/-iquote /' | tr '\n' ' ')"
rc=0
for src in tests/unit/test-*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    if ! cc $CFLAGS -Iruntime/include $RT_INC -iquote tests/unit "$src" $LIBS \
            -o "$OUT/$name" 2>"$OUT/$name.cc.log"; then
        echo "FAIL unit/$name: does not compile"
        sed 's/^/    /' "$OUT/$name.cc.log" | head -20
        rc=1
        continue
    fi
    (cd tests/unit && timeout 300 "../../$OUT/$name") || rc=1
done
exit $rc
