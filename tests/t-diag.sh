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
expect_status 64 bad-diagnostics-format check --diagnostics-format xml \
    tests/golden/shop.swarm

# --diagnostics-format json: gcc's shape on stderr, the same exit status;
# a did-you-mean carries a fix-it, a note is a child of its error.
json_case() {
    name=$1
    src=$2
    shift 2
    "$SWARMC" check --diagnostics-format json "$src" >/dev/null \
        2>"$OUT/json-$name.json"
    status=$?
    if [ "$status" -ne "${WANT_STATUS:-65}" ]; then
        fail "json-$name" "exit status $status"
    elif python3 - "$OUT/json-$name.json" "$@" <<'PY' >"$OUT/json-$name.log" 2>&1
import json, sys
diags = json.load(open(sys.argv[1]))
for check in sys.argv[2:]:
    assert eval(check, {"d": diags}), check
for d in diags:
    assert d["kind"] in ("error", "warning"), d
    for loc in d["locations"]:
        for k in ("caret", "start", "finish"):
            assert set(loc[k]) >= {"file", "line", "column", "byte-column",
                                   "display-column"}, loc
    for c in d["children"]:
        assert c["kind"] == "note", c
PY
    then
        echo "PASS diag/json-$name"
    else
        fail "json-$name" "$(tail -n 3 "$OUT/json-$name.log")"
    fi
}
json_case statement-typo tests/diag/syntax-statement-typo.swarm \
    'len(d) == 1' \
    'd[0]["message"] == "unknown statement \x27tsak\x27; did you mean \x27task\x27?"' \
    'd[0]["locations"][0]["caret"]["line"] == 2' \
    'd[0]["locations"][0]["caret"]["column"] == 5' \
    'd[0]["locations"][0]["finish"]["column"] == 8' \
    'd[0]["fixits"][0]["string"] == "task"' \
    'd[0]["fixits"][0]["start"]["column"] == 5' \
    'd[0]["fixits"][0]["next"]["column"] == 9'
json_case unknown-taskset tests/diag/unknown-taskset.swarm \
    'd[0]["fixits"][0]["string"] == "CheckOut"' \
    'd[1]["kind"] == "warning"'
json_case missing-brace tests/diag/syntax-missing-task-brace.swarm \
    'len(d) == 1' \
    'd[0]["children"][0]["message"] == "the \x27task\x27 block opened here"' \
    'd[0]["children"][0]["locations"][0]["caret"]["line"] == 4' \
    '"fixits" not in d[0]'
json_case assign-fixit tests/diag/syntax-assign-without-let.swarm \
    'd[0]["fixits"][0]["string"] == "let "' \
    'd[0]["fixits"][0]["start"] == d[0]["fixits"][0]["next"]'
json_case several tests/diag/syntax-several-mistakes.swarm 'len(d) == 3'
WANT_STATUS=0 json_case clean tests/golden/shop.swarm 'd == []'
exit $rc
