#!/bin/sh
# Locust's command line, config files and LOCUST_* variables on a compiled
# binary (docs/cli.md, "Coming from Locust"), against the demo target on
# 127.0.0.1; every run bounded by a short --run-time:
#   doc-*       command lines and config files taken verbatim from Locust's
#               documentation (users and run times scaled down: the docs'
#               -u 1000 --run-time 1h30m become -u 10 --run-time 2s)
#   conf-*      config files: the syntax, ~/.locust.conf, ./locust.conf,
#               ./pyproject.toml [tool.locust], --config FILE
#   env-*       LOCUST_* variables
#   prec-*      file < environment < command line, option by option
#   bad-*       a bad entry: one line naming file:line or the variable, 64
#   list-*      -l/--list: Locust's "Available Users:" listing, then tasks
#   ratio-*     --show-task-ratio(-json) byte for byte equal to Debian's
#               Locust 2.12 on tests/cli/locustfile.py (shop.swarm's twin)
#   class-*     positional user classes restrict the classes spawned
#   reset-*     --reset-stats: statistics zeroed once spawning completes
#   log-*       -L/--loglevel and --logfile
#   procs-*     --processes N is --threads N (-1: every core)
#   note-*      accepted options with no meaning here: a note, or exit 64
#
# Prints "PASS cli/<name>" or "FAIL cli/<name>: <why>" per test.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/tests/cli"
rm -rf "$OUT"
mkdir -p "$OUT/home" "$OUT/run"
TARGET="$BUILD/demo-target"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM

SUITE=cli
. "$ROOT/tests/lib/assert.sh"
. "$ROOT/tests/lib/target.sh"

# No LOCUST_* of the caller's, no ~/.locust.conf of the caller's: each
# test sets what it needs.
for v in $(env | sed -n 's/^\(LOCUST_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
HOME="$OUT/home"
export HOME

BIN="$OUT/shop"
if ! "$BUILD/swarmc" build tests/cli/shop.swarm -o "$BIN" \
        >"$OUT/build.log" 2>&1; then
    fail build "$(head -c 600 "$OUT/build.log")"
    exit 1
fi
mkdir -p "$OUT/t"
start_target "$OUT/t"

# run NAME ARGS...: the binary from $OUT/run (its ./locust.conf, its
# ./pyproject.toml), quiet, with --json $OUT/NAME.json; the exit status in
# RC, stderr in $OUT/NAME.err.
run() {
    name=$1
    shift
    (cd "$OUT/run" && "$BIN" "$@" -q --json "$OUT/$name.json") \
        >"$OUT/$name.out" 2>"$OUT/$name.err"
    RC=$?
}

# field NAME KEY: run.KEY of $OUT/NAME.json ("" when missing).
field() {
    python3 -c 'import json,sys
try:
    print(json.load(open(sys.argv[1]))["run"][sys.argv[2]])
except Exception:
    print("")' "$OUT/$1.json" "$2"
}

# within NAME ALLOWED REQUIRED [ANY]: the request names of $OUT/NAME.json
# are among ALLOWED, include REQUIRED and at least one of ANY
# (space-separated lists): which tasks ran is random, which may run is
# not.
within() {
    python3 -c 'import json,sys
try:
    got = {r["name"] for r in json.load(open(sys.argv[1]))["requests"]}
except Exception as e:
    sys.exit("no results: %s" % e)
allowed, required = set(sys.argv[2].split()), set(sys.argv[3].split())
any_of = set(sys.argv[4].split())
if not got <= allowed or not required <= got or (any_of and
                                                 not any_of & got):
    sys.exit("ran %s, allowed %s, required %s, one of %s" % (sorted(got),
             sorted(allowed), sorted(required), sorted(any_of)))' \
        "$OUT/$1.json" "$2" "$3" "${4:-}"
}

# usage NAME EXPECTED-LINE ARGS...: exit 64 and exactly that line on stderr.
usage() {
    name=$1
    want=$2
    shift 2
    (cd "$OUT/run" && "$BIN" "$@") >"$OUT/$name.out" 2>"$OUT/$name.err"
    rc=$?
    check "$name" "64|$want" "$rc|$(cat "$OUT/$name.err")"
}

# ---- Locust's documentation, verbatim ----------------------------------

# "Running without the web UI": locust -f locust_files/my_locust_file.py
# --headless -u 1000 -r 100 --run-time 1h30m
run doc-headless -f locust_files/my_locust_file.py --headless -u 10 -r 100 \
    --run-time 2s -H "$URL"
check doc-headless "0|10|100.0|2000" "$RC|$(field doc-headless max_users)|$(field doc-headless spawn_rate)|$(field doc-headless run_time_ms)"
check doc-headless-note "shop: note: -f locust_files/my_locust_file.py: the scenario tests/cli/shop.swarm is built into this binary; the file is not read" \
    "$(cat "$OUT/doc-headless.err")"

# "--stop-timeout": locust --headless -u 1000 -r 100 --run-time 1h30m
# --stop-timeout 99
run doc-stop-timeout --headless -u 10 -r 100 --run-time 2s --stop-timeout 99 \
    -H "$URL"
check doc-stop-timeout "0|10" "$RC|$(field doc-stop-timeout max_users)"

# "Retrieve test statistics in CSV format": locust -f examples/basic.py
# --csv=example --headless -t10m
run doc-csv -f examples/basic.py --csv=example --headless -t2s -H "$URL"
ok doc-csv test "$RC" = 0 -a -s "$OUT/run/example_stats.csv" \
    -a -s "$OUT/run/example_failures.csv"

# "Configuration file": the master.conf example (host: the demo target;
# users 100 / spawn-rate 10 / run-time 10m scaled to 5 / 10 / 2s)
cat >"$OUT/run/master.conf" <<EOF
# master.conf in current directory
locustfile = locust_files/my_locust_file.py
headless = true
master = true
expect-workers = 5
host = $URL
users = 5
spawn-rate = 10
run-time = 2s
tags = [Critical, Normal]
EOF
run doc-master-conf --config=master.conf
check doc-master-conf "0|$URL|5|10.0|2000" "$RC|$(field doc-master-conf host)|$(field doc-master-conf max_users)|$(field doc-master-conf spawn_rate)|$(field doc-master-conf run_time_ms)"
# tags = [Critical, Normal]: /products/2 (AdminUser's untagged search) and
# the Forum's untagged tasks never run
ok doc-master-conf-tags within doc-master-conf "/ /about /products/1 /products/4" \
    "/products/1" "/ /about /products/4"
contains doc-master-conf-note-file \
    "shop: note: master.conf:2: --locustfile locust_files/my_locust_file.py" \
    "$(cat "$OUT/doc-master-conf.err")"
contains doc-master-conf-note-master \
    "shop: note: master.conf:4: --master: there is no master/worker mode" \
    "$(cat "$OUT/doc-master-conf.err")"
contains doc-master-conf-note-points-at-sharding "docs/distributed.md" \
    "$(cat "$OUT/doc-master-conf.err")"
# one note for the master/worker options together, two lines in all
check doc-master-conf-two-notes 2 "$(wc -l <"$OUT/doc-master-conf.err")"

# "Configuration": LOCUST_LOCUSTFILE=custom_locustfile.py locust
LOCUST_LOCUSTFILE=custom_locustfile.py LOCUST_HOST=$URL LOCUST_RUN_TIME=1s \
    run doc-env
check doc-env "0|$URL" "$RC|$(field doc-env host)"
contains doc-env-note "shop: note: LOCUST_LOCUSTFILE: --locustfile custom_locustfile.py" \
    "$(cat "$OUT/doc-env.err")"

# pyproject.toml, as newer Locust's documentation shows it
cat >"$OUT/run/pyproject.toml" <<EOF
[project]
name = "shop-tests"
description = """
[tool.locust]
users = 99
"""

[tool.locust]
locustfile = "locust_files/my_locust_file.py"
headless = true
master = true
expect-workers = 5
host = "$URL"
users = 3
spawn-rate = 10
run-time = "1s"
tags = ["Critical", "Normal"]

[tool.other]
users = 98
EOF
run conf-pyproject
check conf-pyproject "0|$URL|3|1000|10.0" "$RC|$(field conf-pyproject host)|$(field conf-pyproject max_users)|$(field conf-pyproject run_time_ms)|$(field conf-pyproject spawn_rate)"
rm -f "$OUT/run/pyproject.toml"

# ---- config files --------------------------------------------------------

# the syntax configargparse accepts: `=`, `:`, a space, quotes, a switch
# alone, comments of both kinds, [sections] skipped
cat >"$OUT/syntax.conf" <<EOF
; a comment
[section lines are skipped]
host: "$URL"
users 2
spawn_rate = '5'    # underscores too
run-time = 1s ; a comment after the value
only-summary
exit-code-on-error = 0
EOF
run conf-syntax --config "$OUT/syntax.conf"
check conf-syntax "0|$URL|2|5.0|1000" "$RC|$(field conf-syntax host)|$(field conf-syntax max_users)|$(field conf-syntax spawn_rate)|$(field conf-syntax run_time_ms)"

# the default files: ~/.locust.conf, then ./locust.conf over it
# (the users counted are the most that ran at once: every run below starts
# its users at once and lasts over the first 1 s sample)
printf 'host = %s\nusers = 2\nrun-time = 1.5s\nspawn-rate = 100\n' "$URL" \
    >"$HOME/.locust.conf"
run conf-home
check conf-home "0|2|1500" "$RC|$(field conf-home max_users)|$(field conf-home run_time_ms)"
printf 'users = 3\n' >"$OUT/run/locust.conf"
run conf-cwd-over-home
check conf-cwd-over-home "0|3|1500" "$RC|$(field conf-cwd-over-home max_users)|$(field conf-cwd-over-home run_time_ms)"
printf 'users = 4\n' >"$OUT/extra.conf"
run conf-config-over-cwd --config "$OUT/extra.conf"
check conf-config-over-cwd "0|4" "$RC|$(field conf-config-over-cwd max_users)"
# a switch set false is not given
printf 'only-summary = false\nquiet = no\n' >"$OUT/false.conf"
run conf-false --config "$OUT/false.conf"
check conf-false 0 "$RC"

# ---- LOCUST_* -------------------------------------------------------------

LOCUST_HOST=$URL LOCUST_USERS=6 LOCUST_SPAWN_RATE=6 LOCUST_RUN_TIME=1.5s \
LOCUST_HEADLESS=true LOCUST_ONLY_SUMMARY=true run env-basic
check env-basic "0|$URL|6|6.0|1500" "$RC|$(field env-basic host)|$(field env-basic max_users)|$(field env-basic spawn_rate)|$(field env-basic run_time_ms)"
# Locust's own odd names, and a variable for an option Locust lacks
LOCUST_HATCH_RATE=40 LOCUST_MODE_MASTER=true LOCUST_THREADS=1 run env-aliases
check env-aliases "0|40.0|1" "$RC|$(field env-aliases spawn_rate)|$(field env-aliases threads)"
contains env-aliases-note "shop: note: LOCUST_MODE_MASTER: --master:" \
    "$(cat "$OUT/env-aliases.err")"
# an empty variable is unset
LOCUST_USERS= run env-empty
check env-empty "0|3" "$RC|$(field env-empty max_users)"

# ---- precedence: file < environment < command line ----------------------

LOCUST_USERS=7 run prec-env-over-files
check prec-env-over-files "0|7|1500" "$RC|$(field prec-env-over-files max_users)|$(field prec-env-over-files run_time_ms)"
LOCUST_USERS=7 run prec-cli-over-env -u 8 --config "$OUT/extra.conf"
check prec-cli-over-env "0|8" "$RC|$(field prec-cli-over-env max_users)"
LOCUST_USERS=7 run prec-env-over-config --config "$OUT/extra.conf"
check prec-env-over-config "0|7" "$RC|$(field prec-env-over-config max_users)"
# a list option given later replaces the earlier one, it does not add
printf 'tags = [Normal]\n' >"$OUT/tags.conf"
LOCUST_TAGS=Critical run prec-list-replaced --config "$OUT/tags.conf"
check prec-list-replaced-rc 0 "$RC"
ok prec-list-replaced within prec-list-replaced "/ /products/1" "/ /products/1"
run prec-list-cli -T Normal --config "$OUT/tags.conf" --tags Critical
check prec-list-cli-rc 0 "$RC"
ok prec-list-cli within prec-list-cli "/ /about /products/1 /products/4" \
    "/products/1" "/about /products/4"
rm -f "$OUT/run/locust.conf" "$HOME/.locust.conf"

# ---- bad entries -----------------------------------------------------------

printf 'users = 3\nusers = x\n' >"$OUT/run/bad.conf"
usage bad-value "shop: bad.conf:2: --users: expected a positive integer, got 'x'" \
    --config bad.conf -H "$URL"
printf '\nbogus = 1\n' >"$OUT/run/locust.conf"
usage bad-key "shop: locust.conf:2: unknown option 'bogus' (Locust's option names without dashes, as in \`users = 10\`; see --help)" \
    -H "$URL"
rm -f "$OUT/run/locust.conf"
printf 'headless = maybe\n' >"$OUT/run/bool.conf"
usage bad-bool "shop: bool.conf:1: headless: expected true or false, got 'maybe'" \
    --config bool.conf -H "$URL"
printf 'config = other.conf\n' >"$OUT/run/nested.conf"
usage bad-nested "shop: nested.conf:1: 'config' cannot be set in a file" \
    --config nested.conf -H "$URL"
usage bad-missing "shop: --config: cannot read 'nope.conf': No such file or directory" \
    --config nope.conf -H "$URL"
LOCUST_USERS=abc usage bad-env "shop: LOCUST_USERS: --users: expected a positive integer, got 'abc'" \
    -H "$URL"
LOCUST_RUN_TIME=forever usage bad-env-time "shop: LOCUST_RUN_TIME: --run-time: expected a duration like 20, 20s, 3m or 1h30m, got 'forever'" \
    -H "$URL"
LOCUST_HEADLESS=2 usage bad-env-bool "shop: LOCUST_HEADLESS: headless: expected true or false, got '2'" \
    -H "$URL"
printf '[tool.locust]\nusers = [1,\n' >"$OUT/run/bad.toml"
usage bad-toml "shop: bad.toml:2: expected \`key = value\` (a string, number, boolean or one-line array)" \
    --config bad.toml -H "$URL"
# the three rates share one parser (and one message)
usage bad-spawn-rate "shop: --spawn-rate: expected a number from 0.001 to 1000000, got '0'" \
    -r 0 -H "$URL"
usage bad-rate "shop: --rate: expected a number from 0.001 to 1000000, got '2e6'" \
    --rate 2e6 -H "$URL"

# ---- --list -----------------------------------------------------------------

"$BIN" --list >"$OUT/list.out" 2>"$OUT/list.err"
check list-rc 0 "$?"
check list-classes "Available Users:
    WebsiteUser
    AdminUser" "$(grep -v '^        ' "$OUT/list.out")"
contains list-tasks "    AdminUser
        stats (weight 1; tags Critical)
        search (weight 2)" "$(cat "$OUT/list.out")"
contains list-nested "        forum: taskset Forum (weight 1)
            read (weight 2)" "$(cat "$OUT/list.out")"
"$BIN" -l >"$OUT/list-short.out" 2>&1
check list-short "$(cat "$OUT/list.out")" "$(cat "$OUT/list-short.out")"

# ---- --show-task-ratio against Debian's Locust ------------------------------

if command -v locust >/dev/null 2>&1; then
    locust -f tests/cli/locustfile.py --list >"$OUT/locust-list.out" \
        2>"$OUT/locust-list.err"
    check list-as-locust "$(cat "$OUT/locust-list.out")" \
        "$(grep -v '^        ' "$OUT/list.out")"
    i=0
    for args in "--show-task-ratio" "--show-task-ratio-json" \
                "--show-task-ratio -u 7" "--show-task-ratio-json -u 1" \
                "--show-task-ratio -u 2" "--show-task-ratio AdminUser" \
                "--show-task-ratio -T Critical"; do
        i=$((i + 1))
        # shellcheck disable=SC2086
        locust -f tests/cli/locustfile.py $args >"$OUT/ratio$i.locust" \
            2>"$OUT/ratio$i.locust.err"
        # shellcheck disable=SC2086
        "$BIN" $args >"$OUT/ratio$i.swarm" 2>"$OUT/ratio$i.swarm.err"
        if [ -s "$OUT/ratio$i.locust" ] &&
           cmp -s "$OUT/ratio$i.locust" "$OUT/ratio$i.swarm"; then
            pass "ratio-as-locust-$i ($args)"
        else
            fail "ratio-as-locust-$i" "$args: $(diff "$OUT/ratio$i.locust" "$OUT/ratio$i.swarm" | head -c 600)"
        fi
    done
    # fixed_count: a class of its own
    cat >"$OUT/fixed.swarm" <<'EOF'
user Boss {
    fixed 1
    task 2 look { get "/" }
    task act { get "/about" }
}
user Crowd {
    weight 2
    task browse { get "/products" }
}
EOF
    cat >"$OUT/fixed.py" <<'EOF'
from locust import HttpUser, task


class Boss(HttpUser):
    fixed_count = 1

    @task(2)
    def look(self):
        pass

    @task
    def act(self):
        pass


class Crowd(HttpUser):
    weight = 2

    @task
    def browse(self):
        pass
EOF
    if "$BUILD/swarmc" build "$OUT/fixed.swarm" -o "$OUT/fixed" \
            >"$OUT/fixed.log" 2>&1; then
        for u in 1 4 10; do
            locust -f "$OUT/fixed.py" --show-task-ratio-json -u $u \
                >"$OUT/fixed$u.locust" 2>/dev/null
            "$OUT/fixed" --show-task-ratio-json -u $u >"$OUT/fixed$u.swarm"
            if [ -s "$OUT/fixed$u.locust" ] &&
               cmp -s "$OUT/fixed$u.locust" "$OUT/fixed$u.swarm"; then
                pass "ratio-fixed-count-u$u"
            else
                fail "ratio-fixed-count-u$u" "$(diff "$OUT/fixed$u.locust" "$OUT/fixed$u.swarm" | head -c 600)"
            fi
        done
    else
        fail ratio-fixed-build "$(head -c 400 "$OUT/fixed.log")"
    fi
else
    fail ratio-as-locust "Debian's locust is not installed (apt-get install python3-locust)"
fi

# ---- user classes -------------------------------------------------------------

run class-one AdminUser -u 4 -r 100 -t 1s -H "$URL"
check class-one-rc 0 "$RC"
ok class-one within class-one "/products/1 /products/2" "/products/1 /products/2"
run class-two -H "$URL" -u 4 -r 100 -t 1.5s AdminUser WebsiteUser
check class-two-rc 0 "$RC"
ok class-two within class-two \
    "/ /about /products/1 /products/2 /products/3 /products/4 /products/5 /products/6" \
    "/ /products/2"
usage class-unknown "shop: 'Nobody': no such user class (options start with -; the classes: WebsiteUser, AdminUser; see --list)" \
    -H "$URL" Nobody
# Locust's -T takes the words that follow: -T Critical Normal is two tags
run class-tags-nargs -H "$URL" -u 4 -r 100 -t 1s -T Critical Normal
check class-tags-nargs-rc 0 "$RC"
ok class-tags-nargs within class-tags-nargs "/ /about /products/1 /products/4" \
    "/products/1" "/about /products/4"

# ---- --reset-stats -------------------------------------------------------------

# -u 2 -r 1: the second user starts at 1 s, spawning is complete then; the
# 3 s run keeps 2 s of statistics, every request still reaches the target
n0=$(wc -l <"$OUT/t/log")
run reset-on --reset-stats -u 2 -r 1 -t 3s -H "$URL"
sleep 0.2
n1=$(wc -l <"$OUT/t/log")
reqs=$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["aggregated"]["requests"])' "$OUT/reset-on.json" 2>/dev/null)
dur=$(field reset-on duration_s)
sent=$((n1 - n0))
ok reset-on-fewer test "$RC" = 0 -a -n "$reqs" -a "${reqs:-0}" -gt 0 \
    -a "${reqs:-0}" -lt $((sent - 5))
ok reset-on-duration python3 -c "import sys; sys.exit(not 1.5 < float('$dur') < 2.6)"
run reset-off -u 2 -r 1 -t 3s -H "$URL"
dur=$(field reset-off duration_s)
ok reset-off-duration python3 -c "import sys; sys.exit(not float('$dur') > 2.8)"

# ---- -L/--loglevel, --logfile ---------------------------------------------------

run log-file --logfile "$OUT/run.log" --reset-stats --master -u 2 -r 2 -t 1s \
    -H "$URL"
check log-file-rc 0 "$RC"
check log-file-stderr-empty "" "$(cat "$OUT/log-file.err")"
log=$(cat "$OUT/run.log" 2>/dev/null)
for want in "/INFO/shop: note: --master:" \
            "/INFO/shop: Ramping to 2 users at a rate of 2.00 per second" \
            "/INFO/shop: All users spawned: 2 total users" \
            "/INFO/shop: Resetting stats" \
            "/INFO/shop: Shutting down (exit code 0)"; do
    contains "log-file-has-${want#*: }" "$want" "$log"
done
ok log-file-timestamped grep -Eq '^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8},[0-9]{3}\] ' "$OUT/run.log"
run log-level-error -L ERROR --master -u 1 -t 0.5s -H "$URL"
check log-level-error "0|" "$RC|$(cat "$OUT/log-level-error.err")"
run log-level-info --loglevel info --master -u 1 -t 0.5s -H "$URL"
contains log-level-info "shop: note: --master:" "$(cat "$OUT/log-level-info.err")"
# -L DEBUG shows the HTTP exchanges as --http-debug 20 would; --http-debug
# still says how many
run log-level-debug -L DEBUG -u 2 -r 100 -t 1s -H "$URL"
n=$(grep -c '^--- http-debug #' "$OUT/log-level-debug.err")
ok log-level-debug-http test "$RC" = 0 -a "$n" -ge 1 -a "$n" -le 20
ok log-level-debug-first grep -q '^--- http-debug #1 ' "$OUT/log-level-debug.err"
run log-level-debug-n -L DEBUG --http-debug 1 -u 2 -r 100 -t 1s -H "$URL"
check log-level-debug-n "0|1" "$RC|$(grep -c '^--- http-debug #' "$OUT/log-level-debug-n.err")"
usage log-level-bad "shop: --loglevel: expected DEBUG, INFO, WARNING, ERROR or CRITICAL, got 'LOUD'" \
    -L LOUD -H "$URL"
usage log-file-bad "shop: --logfile: cannot write '/nonexistent-dir/x.log': no such directory" \
    --logfile /nonexistent-dir/x.log -H "$URL"

# ---- --processes -----------------------------------------------------------------

run procs-one --processes 1 -u 4 -r 100 -t 0.5s -H "$URL"
check procs-one "0|1" "$RC|$(field procs-one threads)"
cores=$(nproc)
run procs-all --processes -1 -u 10 -r 100 -t 0.5s -H "$URL"
check procs-all "0|$cores" "$RC|$(field procs-all threads)"
usage procs-zero "shop: --processes: expected -1 (every core) or an integer from 1 to 1024, got '0'" \
    --processes 0 -H "$URL"

# ---- accepted with a note, or refused -----------------------------------------------

run note-quiet-ones --skip-log-setup --print-stats --headless -u 1 -t 0.5s \
    -H "$URL"
check note-quiet-ones "0|" "$RC|$(cat "$OUT/note-quiet-ones.err")"
run note-worker --worker --master-host 127.0.0.1 --master-port 5557 -u 1 \
    -t 0.5s -H "$URL"
check note-worker "0|1" "$RC|$(grep -c 'note: --worker: there is no master/worker mode' "$OUT/note-worker.err")"
run note-class-picker --class-picker -u 1 -t 0.5s -H "$URL"
contains note-class-picker "shop: note: --class-picker: the web UI has no class picker" \
    "$(cat "$OUT/note-class-picker.err")"
# --tls-cert/--tls-key serve the web UI over HTTPS (tests/t-web.sh, tls-*):
# one without the other is a usage error, from the command line or from
# LOCUST_* and config files alike
usage tls-cert-alone "shop: --tls-cert: needs --tls-key FILE as well (the web UI's HTTPS takes a certificate and its key)" \
    --tls-cert c.pem -H "$URL"
usage tls-key-alone "shop: --tls-key: needs --tls-cert FILE as well (the web UI's HTTPS takes a certificate and its key)" \
    --tls-key k.pem -H "$URL"
(cd "$OUT/run" && LOCUST_TLS_KEY=k.pem "$BIN" -H "$URL") >"$OUT/tls-env.out" 2>"$OUT/tls-env.err"
check tls-key-alone-env "64|shop: --tls-key: needs --tls-cert FILE as well (the web UI's HTTPS takes a certificate and its key)" \
    "$?|$(cat "$OUT/tls-env.err")"
usage tls-cert-empty "shop: --tls-cert: expected a file name" --tls-cert= --tls-key k.pem -H "$URL"
# --equal-weights: Locust's assign_equal_weights.  Heavy's a/b/sub weigh
# 100/1/1 and Sub's c/d 50/1; flattened, a, b, c and d are drawn alike.
# Classes weigh 1 each (10 users: 5 Heavy, 5 Light, against 9 to 1).
if "$BUILD/swarmc" build tests/cli/equal.swarm -o "$OUT/equal" >"$OUT/equal-build.log" 2>&1; then
    # counts NAME: "a b c d light" request counts of $OUT/NAME.json
    counts() {
        python3 -c 'import json,sys
d = {r["name"]: r["requests"] for r in json.load(open(sys.argv[1]))["requests"]}
print(" ".join(str(d.get(k, 0)) for k in "a b c d light".split()))' "$OUT/$1.json" 2>/dev/null
    }
    (cd "$OUT/run" && "$OUT/equal" -q --json "$OUT/equal-on.json" --equal-weights \
        --seed 7 -u 10 -r 100 --iterations 80 -H "$URL") >"$OUT/equal-on.out" 2>&1
    set -- $(counts equal-on)
    # 5 Heavy users x 80 tasks: about 100 each of a, b, c, d (at least 60)
    ok equal-weights-tasks test "${1:-0}" -ge 60 -a "${2:-0}" -ge 60 \
        -a "${3:-0}" -ge 60 -a "${4:-0}" -ge 60
    check equal-weights-classes 400 "${5:-0}"
    (cd "$OUT/run" && "$OUT/equal" -q --json "$OUT/equal-off.json" \
        --seed 7 -u 10 -r 100 --iterations 80 -H "$URL") >"$OUT/equal-off.out" 2>&1
    set -- $(counts equal-off)
    ok equal-weights-off test "${2:-0}" -lt 30 -a "${5:-0}" -eq 80
else
    fail equal-weights-build "$(head -c 400 "$OUT/equal-build.log")"
fi
help=$("$BIN" --help)
for o in config locustfile list show-task-ratio show-task-ratio-json \
         reset-stats loglevel logfile skip-log-setup processes print-stats \
         master worker master-host master-port master-bind-host \
         master-bind-port expect-workers expect-workers-max-wait \
         enable-rebalancing class-picker tls-cert tls-key equal-weights; do
    contains "help-lists-$o" "--$o" "$help"
done

stop_target
