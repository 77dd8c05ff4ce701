#!/bin/sh
# make fuzz: builds the libFuzzer targets with clang (ASan + UBSan) into
# build-fuzz/ and runs each for FUZZ_SECONDS (default 60) seconds, in turn.
# The working corpus is build-fuzz/corpus/TARGET, seeded from
# tests/fuzz/corpus/TARGET (and, for the front end, every scenario in the
# repository); a crash leaves build-fuzz/crash-TARGET-* and stops the run.
#   FUZZ_SECONDS=600 make fuzz            ten minutes per target
#   FUZZ_TARGETS="csv hdr" make fuzz      some targets only
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
CLANG=${FUZZ_CC:-clang-14}
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-front csv jsonpath threshold hdr resp}
B=build-fuzz
SAN=address,undefined
command -v "$CLANG" >/dev/null || {
    echo "make fuzz: $CLANG not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 1
}
# The compiler and runtime, instrumented for coverage and sanitizers.
make -s BUILD=$B CC="$CLANG" SAN="fuzzer-no-link,$SAN" "$B/swarmc" "$B/libswarm.link"
COMP=$(ls $B/compiler/*.o | grep -v '/driver\.o$')
LIBS="$B/libswarm.a $(sed -n "s/^dynamic //p" "$B/libswarm.link")"
FLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,$SAN -fno-sanitize-recover=all"
INC="-Icompiler -I$B/gen -Iruntime/include -iquote runtime $(find runtime -mindepth 1 -type d | sed "s/^/-iquote /" | tr "\n" " ") -iquote tests/fuzz"
mkdir -p $B/fuzz
for t in $TARGETS; do
    "$CLANG" $FLAGS $INC "tests/fuzz/fuzz_$t.c" $COMP $B/gen/lexer.o \
        $B/gen/parser.o $LIBS -o "$B/fuzz/fuzz-$t"
done
status=0
for t in $TARGETS; do
    corpus="$ROOT/$B/corpus/$t"
    mkdir -p "$corpus"
    cp tests/fuzz/corpus/$t/* "$corpus/" 2>/dev/null || true
    dir=.
    if [ "$t" = front ]; then
        for f in examples/*.swarm tests/*/*.swarm; do
            cp "$f" "$corpus/repo-$(echo "$f" | tr / -)"
        done
        dir=tests/golden        # the corpus' feeders find their CSV files
    fi
    dict=
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=$ROOT/tests/fuzz/$t.dict"
    echo "== fuzz-$t: $SECONDS_EACH s"
    if ! (cd "$dir" && "$ROOT/$B/fuzz/fuzz-$t" $dict -max_total_time="$SECONDS_EACH" \
            -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
            -artifact_prefix="$ROOT/$B/crash-$t-" "$corpus") \
            >"$B/fuzz-$t.log" 2>&1; then
        echo "fuzz-$t FOUND A PROBLEM: see $B/fuzz-$t.log and $B/crash-$t-*"
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" \
        "$B/fuzz-$t.log" | sed "s/^/   fuzz-$t /" || true
done
exit $status
