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

# `make install PREFIX=...`: the installed swarmc works from any folder and
# finds its runtime and header in PREFIX, not in the build tree.
PREFIX_DIR=$(cd "$OUT" && pwd)/prefix
rm -rf "$PREFIX_DIR"
if make -s install BUILD="$BUILD" PREFIX="$PREFIX_DIR" >"$OUT/install.log" 2>&1 \
        && [ -x "$PREFIX_DIR/bin/swarmc" ] \
        && [ -f "$PREFIX_DIR/lib/swarmc/libswarm.a" ] \
        && [ -f "$PREFIX_DIR/include/swarm.h" ]; then
    echo "PASS examples/install-layout"
    elsewhere=$(mktemp -d)
    cp examples/shop.swarm "$elsewhere/"
    if (cd "$elsewhere" && "$PREFIX_DIR/bin/swarmc" build shop.swarm \
            && ./shop --help >/dev/null) >"$OUT/install-build.log" 2>&1; then
        echo "PASS examples/installed-swarmc-builds-anywhere"
        # the static default links the installed copy of the static libcurl
        if [ "${SWARMC_LINK:-static}" = static ]; then
            case $(file "$elsewhere/shop") in
            *"statically linked"*) echo "PASS examples/installed-build-is-static" ;;
            *) echo "FAIL examples/installed-build-is-static: $(file "$elsewhere/shop")"
               rc=1 ;;
            esac
        fi
    else
        echo "FAIL examples/installed-swarmc-builds-anywhere: see $OUT/install-build.log"
        rc=1
    fi
    rm -rf "$elsewhere"
else
    echo "FAIL examples/install-layout: see $OUT/install.log"
    rc=1
fi
exit $rc
