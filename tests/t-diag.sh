#!/bin/sh
# Diagnostic tests.  For each tests/diag/NAME.swarm, `swarmc check` must
# exit with status 65 and print exactly tests/diag/NAME.expected on stderr
# (messages, source lines and carets).  Then the driver's own exit codes.
set -u
BUILD=${BUILD:-build}
SWARMC="$BUILD/swarmc"
OUT="$BUILD/tests/diag"
mkdir -p "$OUT"
rc=0

fail() {
    echo "FAIL diag/$1: $2"
    rc=1
}

for src in tests/diag/*.swarm; do
    name=$(basename "$src" .swarm)
    expected="tests/diag/$name.expected"
    got="$OUT/$name.stderr"
    "$SWARMC" check "$src" >"$OUT/$name.stdout" 2>"$got"
    status=$?
    if [ "$status" -ne 65 ]; then
        fail "$name" "exit status $status, expected 65"
        head -n 5 "$got" | sed 's/^/    /'
    elif [ ! -f "$expected" ]; then
        fail "$name" "no $expected"
    elif cmp -s "$expected" "$got"; then
        echo "PASS diag/$name"
    else
        fail "$name" "stderr differs from $expected:"
        diff -u "$expected" "$got" | head -n 30 | sed 's/^/    /'
    fi
done

# Driver exit codes: 64 usage, 74 I/O, 0 for --help/--version/check.
expect_status() {
    want=$1
    name=$2
    shift 2
    "$SWARMC" "$@" >"$OUT/cli-$name.out" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        echo "PASS diag/cli-$name"
    else
        fail "cli-$name" "exit status $got, expected $want"
    fi
}
expect_status 64 no-arguments
expect_status 64 unknown-command frobnicate x.swarm
expect_status 64 unknown-option build --frob tests/golden/shop.swarm
expect_status 64 no-input build -o "$OUT/x"
expect_status 74 missing-file check "$OUT/does-not-exist.swarm"
expect_status 74 unwritable-c build --emit-c /nonexistent-dir/x.c \
    tests/golden/shop.swarm
expect_status 0 help --help
expect_status 0 version --version
expect_status 0 check-ok check tests/golden/shop.swarm
exit $rc
