#!/bin/sh
# Replays the fuzzing corpus (tests/fuzz/corpus/TARGET/) through each fuzz
# target, built with replay.c instead of libFuzzer so that any C compiler
# runs it (make fuzz, with clang, is the fuzzing itself: docs/fuzzing.md).
# The front end also gets every scenario in the repository.  Under
# SAN=address/undefined the targets carry the same sanitizer.
set -u
BUILD=${BUILD:-build}
OUT="$BUILD/tests/fuzz"
mkdir -p "$OUT"
ROOT=$(pwd)
CFLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror ${SWARMC_CFLAGS:-}"
INC="-Icompiler -I$BUILD/gen -Iruntime/include -iquote runtime $(find runtime -mindepth 1 -type d | sed "s/^/-iquote /" | tr "\n" " ") -iquote tests/fuzz"
COMP=$(ls "$BUILD"/compiler/*.o | grep -v '/driver\.o$')
# the dynamic link line make recorded (Makefile: RUNTIME_LIBS)
LIBS="$BUILD/libswarm.a $(sed -n "s/^dynamic //p" "$BUILD/libswarm.link")"
rc=0

for t in front csv jsonpath threshold hdr resp; do
    bin="$OUT/replay-$t"
    if ! cc $CFLAGS $INC "tests/fuzz/fuzz_$t.c" tests/fuzz/replay.c $COMP \
            "$BUILD/gen/lexer.o" "$BUILD/gen/parser.o" $LIBS -o "$bin" \
            2>"$OUT/$t.cc.log"; then
        echo "FAIL fuzz/$t-builds: $(head -c 600 "$OUT/$t.cc.log")"
        rc=1
        continue
    fi
    inputs="$ROOT/tests/fuzz/corpus/$t"
    dir=.
    if [ "$t" = front ]; then
        # From tests/golden, the corpus' feeders find their CSV files.
        dir=tests/golden
        inputs="$inputs $(ls "$ROOT"/examples/*.swarm "$ROOT"/tests/*/*.swarm)"
    fi
    if (cd "$dir" && timeout 300 "$ROOT/$bin" $inputs) >"$OUT/$t.log" 2>&1; then
        echo "PASS fuzz/$t-replay ($(tail -n 1 "$OUT/$t.log"))"
    else
        echo "FAIL fuzz/$t-replay: $(tail -n 20 "$OUT/$t.log" | head -c 1500)"
        rc=1
    fi
done
exit $rc
