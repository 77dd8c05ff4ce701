#!/bin/sh
# swarmc fmt: the canonical layout (tests/fmt/messy.swarm against
# messy.expected), idempotence and unchanged meaning on every example and
# test scenario, examples kept canonical, and the command line.
set -u
BUILD=${BUILD:-build}
SWARMC="$BUILD/swarmc"
OUT="$BUILD/tests/fmt"
rm -rf "$OUT"
mkdir -p "$OUT"
rc=0

pass() { echo "PASS fmt/$1"; }
fail() {
    echo "FAIL fmt/$1: $2"
    rc=1
}

# The layout rules, all at once.
if "$SWARMC" fmt tests/fmt/messy.swarm >"$OUT/messy.out" 2>"$OUT/messy.err" \
        && cmp -s tests/fmt/messy.expected "$OUT/messy.out"; then
    pass layout
else
    fail layout "differs from tests/fmt/messy.expected:"
    diff -u tests/fmt/messy.expected "$OUT/messy.out" | head -n 30 | sed 's/^/    /'
fi

# The generated C (--no-line) of a scenario and of its formatted version
# must be identical but for where things are in the .swarm file: the line
# in a function's comment (`/* task browse, line 8 */`) and the last field
# of a task or threshold row (`{ "browse", 3, ..., 8 },`).
mask_positions() {
    sed -E 's#^(/\* .*, line )[0-9]+( \*/)$#\1N\2#
            s#^(    \{ .*\.line = )[0-9]+( \},)$#\1N\2#'
}

# Every scenario that parses: fmt twice gives the same text, and one that
# checks compiles to the same C before and after (in a copy of its folder,
# under the same name, so feeders resolve and paths match).
for src in examples/*.swarm tests/*/*.swarm; do
    name=$(echo "$src" | tr '/' '_')
    name=${name%.swarm}
    "$SWARMC" fmt "$src" >"$OUT/$name.fmt" 2>"$OUT/$name.err"
    status=$?
    if [ "$status" -eq 65 ]; then
        # A syntax error: fmt refuses, as check does (tests/diag only).
        case "$src" in
        tests/diag/*) continue ;;
        *) fail "$name" "does not parse"; continue ;;
        esac
    fi
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status: $(head -n 3 "$OUT/$name.err")"
        continue
    fi
    cp "$OUT/$name.fmt" "$OUT/$name.again.swarm"
    "$SWARMC" fmt "$OUT/$name.again.swarm" >"$OUT/$name.fmt2" 2>&1
    if ! cmp -s "$OUT/$name.fmt" "$OUT/$name.fmt2"; then
        fail "$name-idempotent" "fmt of fmt differs:"
        diff -u "$OUT/$name.fmt" "$OUT/$name.fmt2" | head -n 20 | sed 's/^/    /'
        continue
    fi
    pass "$name-idempotent"
    "$SWARMC" check "$src" >/dev/null 2>&1 || continue
    work="$OUT/work/$name"
    mkdir -p "$work/$(dirname "$src")"
    cp -R "$(dirname "$src")/." "$work/$(dirname "$src")/"
    (cd "$work" && "$OLDPWD/$SWARMC" build --no-line --emit-c before.c "$src") \
        >"$OUT/$name.c.log" 2>&1
    cp "$OUT/$name.fmt" "$work/$src"
    (cd "$work" && "$OLDPWD/$SWARMC" build --no-line --emit-c after.c "$src") \
        >>"$OUT/$name.c.log" 2>&1
    if [ ! -s "$work/before.c" ] || [ ! -s "$work/after.c" ]; then
        fail "$name-same-c" "no C generated (see $OUT/$name.c.log)"
    else
        mask_positions <"$work/before.c" >"$work/before.masked"
        mask_positions <"$work/after.c" >"$work/after.masked"
        if cmp -s "$work/before.masked" "$work/after.masked"; then
            pass "$name-same-c"
        else
            fail "$name-same-c" "the generated C differs:"
            diff -u "$work/before.masked" "$work/after.masked" | head -n 20 \
                | sed 's/^/    /'
        fi
    fi
done

# The examples are in the canonical layout.
if listed=$("$SWARMC" fmt --check examples/*.swarm 2>&1) && [ -z "$listed" ]; then
    pass examples-canonical
else
    fail examples-canonical "not canonical (swarmc fmt -w to fix): $listed"
fi

# The command line: --check lists and exits 1, -w rewrites, a file that
# does not parse is refused and left alone, usage errors are 64.
cp tests/fmt/messy.swarm "$OUT/cli.swarm"
listed=$("$SWARMC" fmt --check "$OUT/cli.swarm")
[ $? -eq 1 ] && [ "$listed" = "$OUT/cli.swarm" ] && pass cli-check-lists \
    || fail cli-check-lists "expected exit 1 and the file name, got '$listed'"
if "$SWARMC" fmt -w "$OUT/cli.swarm" && cmp -s "$OUT/cli.swarm" tests/fmt/messy.expected \
        && "$SWARMC" fmt --check "$OUT/cli.swarm" >/dev/null; then
    pass cli-write
else
    fail cli-write "-w did not leave the canonical layout"
fi
cp tests/diag/syntax-statement-typo.swarm "$OUT/broken.swarm"
"$SWARMC" fmt -w "$OUT/broken.swarm" >/dev/null 2>"$OUT/broken.err"
status=$?
if [ "$status" -eq 65 ] && cmp -s "$OUT/broken.swarm" tests/diag/syntax-statement-typo.swarm \
        && grep -q "unknown statement 'tsak'" "$OUT/broken.err"; then
    pass cli-syntax-error
else
    fail cli-syntax-error "exit $status, or the file was changed"
fi
"$SWARMC" fmt >/dev/null 2>&1
[ $? -eq 64 ] && pass cli-no-file || fail cli-no-file "expected exit 64"
"$SWARMC" fmt --frob x.swarm >/dev/null 2>&1
[ $? -eq 64 ] && pass cli-bad-option || fail cli-bad-option "expected exit 64"
exit $rc
