#!/bin/sh
# The documentation's code blocks compile: every fenced block of every
# Markdown file in the tree has an info string, and each `swarm` block
# passes `swarmc check` (fragments wrapped into a minimal scenario; a block
# marked `error` must fail with the error it names).  The markers are in
# docs/writing-docs.md; tests/docblocks/blocks.py does the work.  The
# checker itself is tested first on the samples in tests/docblocks/selftest/,
# each of which must fail in its own way (a test that cannot fail is no
# test).
set -u
BUILD=${BUILD:-build}
SWARMC="$BUILD/swarmc"
OUT="$BUILD/tests/docblocks"
BLOCKS="python3 tests/docblocks/blocks.py"
SELF=tests/docblocks/selftest
rm -rf "$OUT"
mkdir -p "$OUT"
rc=0

pass() { echo "PASS docblocks/$1"; }
fail() {
    echo "FAIL docblocks/$1: $2"
    rc=1
}

# One run over every sample (python's start-up is the slow part).
$BLOCKS check "$SWARMC" "$OUT/self" "$SELF"/*.md >"$OUT/self.out" 2>&1
self_rc=$?
[ "$self_rc" -eq 1 ] || fail "selftest-status" "exit $self_rc, expected 1"

# rejects SAMPLE LINE WORDS: the sample fails, and its FAIL line names the
# block's line and WORDS.
rejects() {
    if grep -F "FAIL docblocks/$SELF/$1.md:$2: " "$OUT/self.out" \
            | grep -qF -- "$3"; then
        pass "selftest-$1"
    else
        fail "selftest-$1" "no '$SELF/$1.md:$2: ... $3' in: $(grep -F "$SELF/$1.md" "$OUT/self.out" | head -c 300)"
    fi
}
rejects untagged 3 "without an info string"
# the message names the line of the mistake inside the block, not only the
# block
rejects bad 3 "$SELF/bad.md:5:30: error: unexpected ','"
rejects compiles 3 "expected error: anything; swarmc said: nothing"
rejects wrong-message 3 "expected error: something else entirely; swarmc said: $SELF/wrong-message.md:4:9: error: unknown variable 'nope'"
rejects no-message 3 "names its error in a \"# error: MESSAGE\" comment"
rejects marker 3 "unknown fragment kind 'tsak'"
rejects lang 3 "unknown language 'swarm-fragment'"
rejects warning 3 "warning: taskset 'Unused' is never used"

if grep -q "^PASS docblocks/$SELF/good.md (6 swarm blocks, 2 others)" \
        "$OUT/self.out" && ! grep -q "^FAIL docblocks/$SELF/good.md" \
        "$OUT/self.out"; then
    pass "selftest-every-marker"
else
    fail "selftest-every-marker" "$(grep -F "$SELF/good.md" "$OUT/self.out" | head -c 400)"
fi

# The wrapped scenarios are what swarmc saw: a fragment's error is mapped
# back to the Markdown line, and the wrapper compiles around each kind.
$BLOCKS emit "$OUT/emit" "$SELF/good.md" >"$OUT/emit.list" 2>&1
n=$(wc -l <"$OUT/emit.list")
bad=
while read -r f; do
    "$SWARMC" check "$f" >/dev/null 2>&1 || bad="$bad $f"
done <"$OUT/emit.list"
if [ "$n" -eq 5 ] && [ -z "$bad" ]; then
    pass "selftest-emit (5 scenarios, the error block left out)"
else
    fail "selftest-emit" "$n scenarios, not compiling:$bad"
fi

# The documentation itself: every Markdown file of the tree.
$BLOCKS check "$SWARMC" "$OUT/docs" || rc=1
exit $rc
