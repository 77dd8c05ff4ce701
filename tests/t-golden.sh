#!/bin/sh
# Golden tests for the code generator.  For each tests/golden/NAME.swarm:
#   golden/NAME        `swarmc build --emit-c` output equals NAME.expected.c
#                      byte for byte (regenerate: sh tests/golden-update.sh)
#   golden/NAME-again  a second run gives the same bytes (determinism)
#   golden/NAME-cc     the C compiles with -Wall -Wextra -Werror against
#                      runtime/include/swarm.h
set -u
BUILD=${BUILD:-build}
SWARMC="$BUILD/swarmc"
OUT="$BUILD/tests/golden"
mkdir -p "$OUT/again"
rc=0

fail() {
    echo "FAIL golden/$1: $2"
    rc=1
}

for src in tests/golden/*.swarm; do
    name=$(basename "$src" .swarm)
    expected="tests/golden/$name.expected.c"
    got="$OUT/$name.c"
    rm -f "$got"
    if ! "$SWARMC" build --emit-c "$got" "$src" 2>"$OUT/$name.stderr"; then
        fail "$name" "swarmc failed: $(head -n 3 "$OUT/$name.stderr")"
        continue
    fi
    if [ ! -f "$expected" ]; then
        fail "$name" "no $expected (run sh tests/golden-update.sh)"
    elif cmp -s "$expected" "$got"; then
        echo "PASS golden/$name"
    else
        fail "$name" "differs from $expected:"
        diff -u "$expected" "$got" | head -n 30 | sed 's/^/    /'
    fi
    # Same file name (it appears in #line), other directory.
    "$SWARMC" build --emit-c "$OUT/again/$name.c" "$src" 2>/dev/null
    if cmp -s "$got" "$OUT/again/$name.c"; then
        echo "PASS golden/$name-again"
    else
        fail "$name-again" "two runs gave different bytes"
    fi
    if cc -std=c11 -fsyntax-only -Wall -Wextra -Werror -Iruntime/include \
            "$got" 2>"$OUT/$name.cc.log"; then
        echo "PASS golden/$name-cc"
    else
        fail "$name-cc" "generated C does not compile:"
        head -n 10 "$OUT/$name.cc.log" | sed 's/^/    /'
    fi
done

# --no-line: the same program without a single #line directive.
"$SWARMC" build --no-line --emit-c "$OUT/noline.c" tests/golden/shop.swarm
if [ -s "$OUT/noline.c" ] && ! grep -q '^#line' "$OUT/noline.c" \
        && cc -std=c11 -fsyntax-only -Wall -Wextra -Werror -Iruntime/include \
            "$OUT/noline.c"; then
    echo "PASS golden/no-line"
else
    fail "no-line" "#line left in the output, or it does not compile"
fi
exit $rc
