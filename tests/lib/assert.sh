# Sourced by the shell suites (POSIX sh): one line per assertion, as
# tests/run.sh counts them.  Needs SUITE (the name before the slash).

pass() { echo "PASS $SUITE/$1"; }
fail() { echo "FAIL $SUITE/$1: $2"; }

# check NAME EXPECTED ACTUAL: equality.
check() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1" "expected '$2', got '$3'"
    fi
}

# contains NAME NEEDLE HAYSTACK
contains() {
    case "$3" in
    *"$2"*) pass "$1" ;;
    *) fail "$1" "'$2' not in '$(printf '%s' "$3" | head -c 300)'" ;;
    esac
}

# ok NAME CMD...: passes when CMD succeeds; its output is the reason else.
ok() {
    name=$1
    shift
    if out=$("$@" 2>&1); then
        pass "$name"
    else
        fail "$name" "$(printf '%s' "$out" | head -c 600)"
    fi
}

# wait_files TENTHS FILE...: until every FILE is non-empty, at most TENTHS/10
# s in all.  Background jobs report their exit status through a file because
# dash's `wait PID` was seen to hang in sigsuspend while another child (the
# demo target) keeps running.
wait_files() {
    limit=$1
    shift
    n=0
    for f in "$@"; do
        while [ ! -s "$f" ] && [ "$n" -lt "$limit" ]; do
            sleep 0.1
            n=$((n + 1))
        done
    done
}
