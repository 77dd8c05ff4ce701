#!/bin/sh
# HDR histogram interop with the npm package hdr-histogram-js (the oracle):
# C encodes -> JS decodes, JS encodes -> C decodes; both sides print the
# total, 15 percentiles and every non-empty bucket, and the texts must be
# equal.  The package is installed into $BUILD/node; a failed install is a
# FAIL, never a silent pass.
set -u
BUILD=${BUILD:-build}
OUT="$BUILD/tests/hdr-interop"
mkdir -p "$OUT" "$BUILD/node"
NODE_DIR=$(cd "$BUILD/node" && pwd)

if [ ! -d "$NODE_DIR/node_modules/hdr-histogram-js" ]; then
    if ! npm install --prefix "$NODE_DIR" --no-audit --no-fund \
            hdr-histogram-js@3 >"$OUT/npm.log" 2>&1; then
        echo "FAIL hdr-interop/npm-install: npm install hdr-histogram-js@3 failed (see $OUT/npm.log)"
        exit 1
    fi
fi
echo "PASS hdr-interop/npm-install"

if ! cc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror ${SWARMC_CFLAGS:-} \
        -Iruntime/include -Iruntime -Iruntime/stats tests/hdr-interop/hdrtool.c \
        "$BUILD/libswarm.a" -lz -lm -o "$OUT/hdrtool" 2>"$OUT/cc.log"; then
    echo "FAIL hdr-interop/build: hdrtool does not compile"
    sed 's/^/    /' "$OUT/cc.log" | head -20
    exit 1
fi

js() {
    NODE_PATH="$NODE_DIR/node_modules" node tests/hdr-interop/interop.js "$@"
}

rc=0
for case in "1 0" "7 1000" "42 100000" "2026 20000"; do
    set -- $case
    tag="seed$1-n$2"
    # C encodes, JS decodes.
    if "$OUT/hdrtool" encode "$1" "$2" >"$OUT/c-$tag.txt" &&
       head -n 1 "$OUT/c-$tag.txt" | js decode >"$OUT/c2js-$tag.txt" &&
       tail -n +2 "$OUT/c-$tag.txt" | cmp -s - "$OUT/c2js-$tag.txt"; then
        echo "PASS hdr-interop/c-to-js-$tag"
    else
        echo "FAIL hdr-interop/c-to-js-$tag: JS decoded different counts or percentiles"
        rc=1
    fi
    # JS encodes, C decodes; both sides must also agree on the data.
    if js encode "$1" "$2" >"$OUT/j-$tag.txt" &&
       head -n 1 "$OUT/j-$tag.txt" | "$OUT/hdrtool" decode >"$OUT/j2c-$tag.txt" &&
       tail -n +2 "$OUT/j-$tag.txt" | cmp -s - "$OUT/j2c-$tag.txt" &&
       tail -n +2 "$OUT/j-$tag.txt" | cmp -s - "$OUT/c2js-$tag.txt"; then
        echo "PASS hdr-interop/js-to-c-$tag"
    else
        echo "FAIL hdr-interop/js-to-c-$tag: C decoded different counts or percentiles"
        rc=1
    fi
done

# The .hlog writer, read by the package's HistogramLogReader.
if "$OUT/hdrtool" hlog "$OUT/c.hlog" >"$OUT/hlog-c.txt" &&
   js hlog "$OUT/c.hlog" >"$OUT/hlog-js.txt" &&
   cmp -s "$OUT/hlog-c.txt" "$OUT/hlog-js.txt"; then
    echo "PASS hdr-interop/hlog-reader"
else
    echo "FAIL hdr-interop/hlog-reader: HistogramLogReader saw something else (see $OUT/hlog-*.txt)"
    rc=1
fi
exit $rc
