#!/bin/sh
# One scenario of tests/t-sanitize.sh: build it against the ASan+UBSan
# runtime, run it briefly against the demo target, and judge its stderr.
#   one.sh SRC OUTDIR
# Needs (environment): ROOT (the tree), SAN_SWARMC (the swarmc next to the
# sanitizer libswarm.a), SAN_CFLAGS, URL (the demo target), REPORT (the
# extended regex of a sanitizer report).  Writes
# OUTDIR/result: one line, "ok REQUESTS" or "skip-run WHY" or "fail WHY".
set -u
src=$1
dir=$2
mkdir -p "$dir"
result() {
    printf '%s\n' "$1" >"$dir/result"
    exit 0
}

if ! SWARMC_CFLAGS="$SAN_CFLAGS" "$SAN_SWARMC" build --dynamic \
        -o "$dir/bin" "$src" >"$dir/build.log" 2>&1; then
    result "fail build: $(head -c 300 "$dir/build.log" | tr '\n' ' ')"
fi

# Load goes to 127.0.0.1 only: --host moves every relative path there, and
# a scenario with an absolute URL elsewhere is built but not run.
far=$(grep -oE '"https?://[^"/$]*' "$src" | grep -vE '^"https?://(127\.0\.0\.1|localhost)(:[0-9]+)?$' | head -n 1)
if [ -n "$far" ]; then
    result "skip-run an absolute URL off 127.0.0.1 (${far#\"})"
fi

# Every env("NAME") the scenario reads and the environment lacks is set to
# the target's URL: a value that works where a URL is expected and is
# harmless text elsewhere.
envs=
for name in $(grep -oE 'env\("[^"]+"' "$src" | sed 's/^env("//; s/"$//' | sort -u); do
    case $name in *[!A-Za-z0-9_]*) continue ;; esac
    eval "isset=\${$name+x}"
    [ -n "$isset" ] || envs="$envs $name=$URL"
done

# From the scenario's own folder, where its data files are.  A few users,
# about a second, at most 20 tasks per user (most test scenarios have no
# wait: unbounded, each run would keep a core busy).  LeakSanitizer runs
# at exit (ASan's default).
# A scenario made to end otherwise says so in a comment line of its own:
#   # sanitize: exit N    its run ends with status N (a failing hook, a
#                         missing file it names)
#   # sanitize: sigint    it runs until interrupted: SIGINT after 2 s,
#                         then exit 130
want=$(grep -m 1 -oE '^# sanitize: (exit [0-9]+|sigint)$' "$src" | sed 's/^# sanitize: //')
limit="-k 5 30"
[ "$want" = sigint ] && limit="--preserve-status -s INT -k 5 2"
cd "$(dirname "$src")" || result "fail cd $(dirname "$src")"
env $envs ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1 \
    timeout $limit "$dir/bin" --host "$URL" -u 3 -r 100 -t 1s --iterations 20 -q \
    --json "$dir/result.json" >"$dir/stdout" 2>"$dir/stderr"
rc=$?
cd "$ROOT" || exit 1

report=$(grep -m 1 -E "$REPORT" "$dir/stderr")
if [ -n "$report" ]; then
    result "fail sanitizer: $report (see $dir/stderr)"
fi
case $want in
sigint) [ "$rc" -eq 130 ] && result "ok interrupted"
        result "fail exit $rc after SIGINT, expected 130: $(head -c 300 "$dir/stderr" | tr '\n' ' ')" ;;
exit*)  [ "$rc" -eq "${want#exit }" ] && result "ok $want"
        result "fail exit $rc, expected ${want#exit }: $(head -c 300 "$dir/stderr" | tr '\n' ' ')" ;;
esac
case $rc in
0|99) ;;            # done; 99: a threshold of the scenario was broken
124|137) result "fail did not end within 30 s (exit $rc)" ;;
*) result "fail exit $rc: $(head -c 300 "$dir/stderr" | tr '\n' ' ')" ;;
esac
# The Aggregated row's request count (the JSON is one key per line).
reqs=$(grep -A 1 '"name": "Aggregated"' "$dir/result.json" 2>/dev/null \
       | sed -n 's/.*"requests": \([0-9]*\).*/\1/p')
result "ok ${reqs:-?}"
