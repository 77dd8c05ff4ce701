#!/bin/sh
# Every examples/*.swarm passes `swarmc check` and, once the runtime
# library exists, `swarmc build` (compiled and linked into a binary).
set -u
BUILD=${BUILD:-build}
SWARMC="$BUILD/swarmc"
OUT="$BUILD/tests/examples"
mkdir -p "$OUT"
rc=0
for src in examples/*.swarm; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .swarm)
    if ! "$SWARMC" check "$src" 2>"$OUT/$name.check.log"; then
        echo "FAIL examples/$name: swarmc check failed:"
        head -n 10 "$OUT/$name.check.log" | sed 's/^/    /'
        rc=1
        continue
    fi
    echo "PASS examples/$name-check"
    if [ ! -f "$BUILD/libswarm.a" ]; then
        echo "FAIL examples/$name-build: no $BUILD/libswarm.a to link with"
        rc=1
        continue
    fi
    if "$SWARMC" build -o "$OUT/$name" "$src" 2>"$OUT/$name.build.log" \
            && [ -x "$OUT/$name" ]; then
        echo "PASS examples/$name-build"
    else
        echo "FAIL examples/$name-build: swarmc build failed:"
        head -n 20 "$OUT/$name.build.log" | sed 's/^/    /'
        rc=1
    fi
done
exit $rc
