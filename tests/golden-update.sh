#!/bin/sh
# Regenerates tests/golden/NAME.expected.c from tests/golden/NAME.swarm
# and tests/diag/NAME.expected from tests/diag/NAME.swarm.
# Review the diff like code before committing it.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT="$BUILD/tests/golden-update"
mkdir -p "$OUT"
for src in tests/golden/*.swarm; do
    name=$(basename "$src" .swarm)
    "$BUILD/swarmc" build --emit-c "$OUT/$name.c" "$src"
    if ! cmp -s "$OUT/$name.c" "tests/golden/$name.expected.c"; then
        cp "$OUT/$name.c" "tests/golden/$name.expected.c"
        echo "updated tests/golden/$name.expected.c"
    fi
done
# Task bodies three to a function (tests/t-golden.sh).
for name in flow shop; do
    SWARMC_GROUP_BODIES=3 "$BUILD/swarmc" build --emit-c \
        "$OUT/$name.grouped.c" "tests/golden/$name.swarm"
    if ! cmp -s "$OUT/$name.grouped.c" "tests/golden/$name.grouped.expected.c"; then
        cp "$OUT/$name.grouped.c" "tests/golden/$name.grouped.expected.c"
        echo "updated tests/golden/$name.grouped.expected.c"
    fi
done
for src in tests/diag/*.swarm; do
    name=$(basename "$src" .swarm)
    "$BUILD/swarmc" check "$src" 2>"$OUT/$name.expected" >/dev/null || true
    if ! cmp -s "$OUT/$name.expected" "tests/diag/$name.expected"; then
        cp "$OUT/$name.expected" "tests/diag/$name.expected"
        echo "updated tests/diag/$name.expected"
    fi
done
