#!/bin/sh
# Distributed runs (issue 6), on one machine against the demo target on
# 127.0.0.1, every load bounded by --iterations or a short --run-time:
#   k8s-*      the Kubernetes Indexed Job example: structure (python3-yaml)
#              and schema (npm kubernetes-models), each able to fail
#   merge-*    `merge` of real results: counts and histograms add up,
#              thresholds re-evaluated on the merged data (exit 99), bad or
#              inconsistent input refused (exit 2), every report written
#   split-*    the shard split: 4 shards of an --iterations run give the
#              unsharded run's counts, 7 users on 3 shards are 3+2+2, ...
#   ssh-*      examples/ssh/run-sharded.sh with ssh/scp stood in for
#   entry-*    `./scenario merge` and `swarmc merge` give the same result
#
# Prints "PASS shard/<name>" or "FAIL shard/<name>: <why>" per test.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT="$BUILD/tests/shard"
rm -rf "$OUT"
mkdir -p "$OUT" "$BUILD/node"
OUT=$(cd "$OUT" && pwd)
NODE_DIR=$(cd "$BUILD/node" && pwd)
RES="python3 tests/shard/results.py"

SUITE=shard
. tests/lib/assert.sh
get() { $RES get "$1" "$2"; }

# ===== (a) the Kubernetes manifests ========================================
if python3 -c 'import yaml' 2>/dev/null; then
    ok k8s-structure python3 tests/shard/check-k8s.py examples/k8s
    # The checker must be able to fail: each broken variant is rejected.
    ok k8s-structure-rejects-broken python3 tests/shard/check-k8s.py \
        --mutants examples/k8s
    # run.sh renders the manifests for N shards and a start time.
    if sh examples/k8s/run.sh --render 3 >"$OUT/k8s-3.yaml" \
            2>"$OUT/k8s-render.err"; then
        ok k8s-render-3-shards python3 tests/shard/check-k8s.py \
            --shards 3 --rendered "$OUT/k8s-3.yaml"
    else
        fail k8s-render-3-shards "$(cat "$OUT/k8s-render.err")"
    fi
else
    fail k8s-structure "python3-yaml is not installed (apt-get install python3-yaml)"
fi
# Schema validation with the Kubernetes OpenAPI schema (npm
# kubernetes-models 4.x runs on node 20; 5.x needs node 22).
if [ ! -d "$NODE_DIR/node_modules/kubernetes-models" ] ||
   [ ! -d "$NODE_DIR/node_modules/js-yaml" ]; then
    if ! npm install --prefix "$NODE_DIR" --no-audit --no-fund \
            kubernetes-models@4 js-yaml@4 >"$OUT/npm.log" 2>&1; then
        fail k8s-npm-install "npm install kubernetes-models@4 js-yaml@4 failed (see $OUT/npm.log)"
    fi
fi
if [ -d "$NODE_DIR/node_modules/kubernetes-models" ]; then
    k8s_schema() { NODE_PATH="$NODE_DIR/node_modules" node tests/shard/k8s-schema.js "$@"; }
    ok k8s-schema k8s_schema examples/k8s/*.yaml
    [ -s "$OUT/k8s-3.yaml" ] && ok k8s-schema-rendered k8s_schema "$OUT/k8s-3.yaml"
    if out=$(k8s_schema --broken 2>&1); then
        pass k8s-schema-rejects-broken
    else
        fail k8s-schema-rejects-broken "$out"
    fi
fi

# ===== build ===============================================================
for s in dist users other; do
    if ! "$BUILD/swarmc" build -o "$OUT/$s" "tests/shard/$s.swarm" \
            2>"$OUT/$s.build.log"; then
        fail build-$s "swarmc build failed: $(head -c 600 "$OUT/$s.build.log")"
        exit 1
    fi
done
# sw_merge_main on its own, so the merge is tested whatever wires it.
if ! cc -std=c11 ${SWARMC_CFLAGS:-} -I"$BUILD/include" \
        tests/shard/merge-driver.c "$BUILD/libswarm.a" -l:libjansson.a -lz \
        -lm -lpthread -o "$OUT/merge" 2>"$OUT/merge.build.log"; then
    fail build-merge "$(head -c 600 "$OUT/merge.build.log")"
    exit 1
fi
MERGE="$OUT/merge"
pass build

# ===== the target ==========================================================
T="$OUT/target"
mkdir -p "$T"
"$BUILD/demo-target" --port 0 --port-file "$T/port" --log "$T/log" \
    >"$T/stdout" 2>"$T/stderr" &
TPID=$!
trap 'kill $TPID 2>/dev/null' EXIT
trap 'exit 1' INT TERM
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$T/port" ]; then
    fail target "no port file after 5 s"
    exit 1
fi
URL="http://127.0.0.1:$(cat "$T/port")"
logged() { wc -l <"$T/log" | tr -d ' '; }
# A common start a moment ahead, as a launcher computes it.
start_at() { echo $(( $(date +%s) + ${1:-1} )); }

D="$OUT/d"
mkdir -p "$D"
RUN="-H $URL -q -r 100 --seed 42 -t 4s"

# ===== the shard split: 4 shards of a bounded run ==========================
# 8 users (6 Buyer, 2 Pacer), 7 tasks each, one request per task: 56.
"$OUT/dist" $RUN -u 8 --iterations 7 --json "$D/U.json" >"$D/U.out" 2>&1
check unsharded-run 0 $?
check unsharded-count 56 "$(get "$D/U.json" aggregated.requests)"

before=$(logged)
TS=$(start_at 2)
for k in 0 1 2 3; do
    # "requests < 20" holds on every shard (14 each) but not on all 56.
    rm -f "$D/S$k.rc"
    ( "$OUT/dist" $RUN -u 8 --iterations 7 --shard $k/4 --start-at "$TS" \
          --threshold "requests < 20" --json "$D/S$k.json" \
          >"$D/S$k.out" 2>&1
      echo $? >"$D/S$k.rc" ) &
done
wait_files 600 "$D/S0.rc" "$D/S1.rc" "$D/S2.rc" "$D/S3.rc"
for k in 0 1 2 3; do
    check split-shard$k-exit 0 "$(cat "$D/S$k.rc")"
    check split-shard$k-count 14 "$(get "$D/S$k.json" aggregated.requests)"
    check split-shard$k-passes "true" "$(get "$D/S$k.json" thresholds_ok)"
done
sharded=$(( $(logged) - before ))
check split-server-saw 56 "$sharded"

"$MERGE" "$D/S0.json" "$D/S1.json" "$D/S2.json" "$D/S3.json" \
    --json "$D/M.json" --csv "$D/M" --html "$D/M.html" --junit "$D/M.xml" \
    --hlog "$D/M.hlog" >"$D/M.out" 2>"$D/M.err"
check merge-threshold-fails-on-merged 99 $?
check merge-stderr-quiet "" "$(cat "$D/M.err")"
check merge-count 56 "$(get "$D/M.json" aggregated.requests)"
ok merge-sums-and-histograms $RES sum "$D/M.json" "$D/S0.json" "$D/S1.json" \
    "$D/S2.json" "$D/S3.json"
# --seed gives every global user the same choices: the names add up too.
ok split-equals-unsharded $RES same-counts "$D/M.json" "$D/U.json"
check merge-thresholds-ok false "$(get "$D/M.json" thresholds_ok)"
check merge-threshold-actual 56.0 "$(get "$D/M.json" thresholds.0.actual)"
case $(cat "$D/M.out") in
*"Merged 4 shards of tests/shard/dist.swarm"*"requests < 20"*) pass merge-summary ;;
*) fail merge-summary "$(head -c 400 "$D/M.out")" ;;
esac
check merge-csv-aggregated ",Aggregated,56" \
    "$(grep ',Aggregated,' "$D/M_stats.csv" | cut -d, -f1-3)"
check merge-csv-history-last 56 \
    "$(tail -n 1 "$D/M_stats_history.csv" | cut -d, -f18)"
check merge-csv-failures-header "Method,Name,Error,Occurrences" \
    "$(head -n 1 "$D/M_failures.csv" | tr -d '\r')"
check merge-hlog-total 56 "$($RES hlog "$D/M.hlog")"
case $(cat "$D/M.xml") in
*'failures="1"'*'requests &lt; 20 broken'*) pass merge-junit ;;
*) fail merge-junit "$(head -c 400 "$D/M.xml")" ;;
esac
if grep -q '<td class=l>Aggregated</td><td>56</td>' "$D/M.html" 2>/dev/null ||
   grep -q 'Aggregated</td><td>56<' "$D/M.html"; then
    pass merge-html
else
    fail merge-html "no Aggregated row with 56 requests"
fi

# A schedule's intended-start histogram: where one input has it and the
# others do not, theirs are their service times (as within one run).
$RES edit "$D/S0.json" "$D/S0i.json" \
    "requests.0.histogram.intended=$(get "$D/S0.json" requests.0.histogram.service)"
"$MERGE" "$D/S0i.json" "$D/S1.json" "$D/S2.json" "$D/S3.json" \
    --json "$D/Mi.json" >/dev/null 2>&1
check merge-intended-exit 99 $?
ok merge-intended-histograms $RES sum "$D/Mi.json" "$D/S0i.json" \
    "$D/S1.json" "$D/S2.json" "$D/S3.json"

# Independent runs (unsharded results) add up too, and a merged result can
# be merged again: merge(merge(U, U2), U3) == merge(U, U2, U3).
cp "$D/U.json" "$D/U2.json"
cp "$D/U.json" "$D/U3.json"
"$MERGE" "$D/U.json" "$D/U2.json" --threshold "requests == 112" \
    --json "$D/M12.json" >"$D/M12.out" 2>&1
check merge-runs-threshold-passes 0 $?
check merge-runs-count 112 "$(get "$D/M12.json" aggregated.requests)"
"$MERGE" "$D/M12.json" "$D/U3.json" --json "$D/MM.json" >/dev/null 2>&1
check merge-of-merge-runs 99 $?   # "requests == 112" now sees 168
"$MERGE" "$D/U.json" "$D/U2.json" "$D/U3.json" --json "$D/M123.json" \
    >/dev/null 2>&1
check merge-three-runs 0 $?
ok merge-of-merge-equals-merge $RES same-counts "$D/MM.json" "$D/M123.json"
ok merge-of-merge-histograms $RES sum "$D/MM.json" "$D/M12.json" "$D/U3.json"

# ===== bad or inconsistent input: exit 2, one clear line ===================
# refuse NAME PHRASE ARGS...: merge exits 2, says PHRASE, writes nothing.
refuse() {
    name=$1
    phrase=$2
    shift 2
    rm -f "$D/bad.json"
    "$MERGE" "$@" --json "$D/bad.json" >"$D/refuse.out" 2>"$D/refuse.err"
    rc=$?
    if [ $rc -ne 2 ]; then
        fail "$name" "exit $rc, expected 2 ($(head -c 300 "$D/refuse.err"))"
    elif ! grep -q -- "$phrase" "$D/refuse.err"; then
        fail "$name" "message '$(head -c 300 "$D/refuse.err")' lacks '$phrase'"
    elif [ "$(wc -l <"$D/refuse.err")" -ne 1 ]; then
        fail "$name" "more than one line: $(head -c 300 "$D/refuse.err")"
    elif [ -e "$D/bad.json" ]; then
        fail "$name" "wrote an output file anyway"
    else
        pass "$name"
    fi
}
"$OUT/other" $RUN -u 1 --iterations 3 --json "$D/O.json" >/dev/null 2>&1
S0=$D/S0.json S1=$D/S1.json S2=$D/S2.json S3=$D/S3.json
refuse bad-other-scenario "O.json: from another scenario" "$D/U.json" "$D/O.json"
$RES edit "$S1" "$D/hist.json" requests.0.histogram.lowest=10
refuse bad-histogram-settings "hist.json: histogram settings" \
    "$S0" "$D/hist.json" "$S2" "$S3"
refuse bad-missing-shard "missing shard 2/4" "$S0" "$S1" "$S3"
cp "$S1" "$D/S1-again.json"
refuse bad-duplicate-shard "shard 1/4 is also in" "$S0" "$S1" "$D/S1-again.json" "$S3"
refuse bad-same-file "given twice" "$D/U.json" "$D/U.json"
$RES edit "$S2" "$D/count.json" aggregated.requests=15
refuse bad-count-vs-histogram "count.json: inconsistent entry" \
    "$S0" "$S1" "$D/count.json" "$S3"
$RES edit "$S3" "$D/startat.json" run.shard.start_at_ms=1
refuse bad-start-at "startat.json: started with a different --start-at" \
    "$S0" "$S1" "$S2" "$D/startat.json"
$RES edit "$S3" "$D/count5.json" run.shard.count=5
refuse bad-shard-count "different shard counts" "$S0" "$S1" "$S2" "$D/count5.json"
$RES edit "$D/U.json" "$D/old.json" aggregated.sum_us=null
refuse bad-older-result "old.json: written by an older swarmc" "$D/old.json"
printf '{"requests": [' >"$D/trunc.json"
refuse bad-not-json "trunc.json: not valid JSON" "$D/U.json" "$D/trunc.json"
echo '{}' >"$D/empty.json"
refuse bad-not-a-result "empty.json: not a swarmc result" "$D/empty.json"
refuse bad-no-file "nothere.json: cannot read" "$D/nothere.json"
refuse bad-option "unknown option '--bogus'" "$D/U.json" --bogus
refuse bad-threshold "bad threshold" "$D/U.json" --threshold "p95 <"
"$MERGE" >/dev/null 2>&1
check bad-no-arguments 2 $?

# ===== more of the shard split =============================================
# 7 users on 3 shards: 3 + 2 + 2, and 7 in the merged result. The start
# is a whole second 1-2 s away: each shard waits that long first.
TS=$(start_at 2)
for k in 0 1 2; do
    rm -f "$D/V$k.rc"
    ( "$OUT/users" -H "$URL" -q -u 7 -r 100 -t 2s --shard $k/3 \
          --start-at "$TS" --json "$D/V$k.json" >"$D/V$k.out" 2>&1
      echo $? >"$D/V$k.rc" ) &
done
wait_files 600 "$D/V0.rc" "$D/V1.rc" "$D/V2.rc"
check split-7-users-on-3 "3 2 2" \
    "$(get "$D/V0.json" run.max_users) $(get "$D/V1.json" run.max_users) $(get "$D/V2.json" run.max_users)"
"$MERGE" "$D/V0.json" "$D/V1.json" "$D/V2.json" --json "$D/VM.json" >/dev/null 2>&1
check split-7-users-merged "7" "$(get "$D/VM.json" run.max_users)"
# The shards' ticks land in the same merged seconds: a row with all 7.
check split-7-history-peak "7" "$(python3 -c '
import json, sys
print(max(r["users"] for r in json.load(open(sys.argv[1]))["history"]))
' "$D/VM.json")"
# -t 2s lasts 2 s from the start, however long the wait for --start-at
# was (the main loop's clock once missed the wait: 1.85 s for 0.15 s).
check split-run-time-after-wait "ok" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["run"]
d = r["end_unix_ms"] - r["start_unix_ms"]
print("ok" if d >= 2000 else "lasted %d ms" % d)
' "$D/V0.json")"

# --iterations-shared: 30 tasks in all, task n on shard n mod 4.
"$OUT/dist" $RUN -u 8 --iterations 30 --iterations-shared \
    --json "$D/X.json" >/dev/null 2>&1
TS=$(start_at 1)
for k in 0 1 2 3; do
    rm -f "$D/X$k.rc"
    ( "$OUT/dist" $RUN -u 8 --iterations 30 --iterations-shared --shard $k/4 \
          --start-at "$TS" --json "$D/X$k.json" >/dev/null 2>&1
      echo $? >"$D/X$k.rc" ) &
done
wait_files 600 "$D/X0.rc" "$D/X1.rc" "$D/X2.rc" "$D/X3.rc"
check split-shared-iterations "8 8 7 7" \
    "$(for k in 0 1 2 3; do printf '%s ' "$(get "$D/X$k.json" aggregated.requests)"; done | sed 's/ $//')"
"$MERGE" "$D/X0.json" "$D/X1.json" "$D/X2.json" "$D/X3.json" \
    --json "$D/XM.json" >/dev/null 2>&1
check split-shared-iterations-merged "$(get "$D/X.json" aggregated.requests)" \
    "$(get "$D/XM.json" aggregated.requests)"

# Kubernetes: --shards N takes the index from JOB_COMPLETION_INDEX.
JOB_COMPLETION_INDEX=1 "$OUT/users" -H "$URL" -q -u 7 -r 100 -t 1s --shards 3 \
    --json "$D/K1.json" >"$D/K1.out" 2>&1
if [ $? -eq 0 ]; then
    check split-job-completion-index "1 3 2" \
        "$(get "$D/K1.json" run.shard.index) $(get "$D/K1.json" run.shard.count) $(get "$D/K1.json" run.max_users)"
else
    fail split-job-completion-index "--shards 3 with JOB_COMPLETION_INDEX=1: $(head -c 300 "$D/K1.out")"
fi

# ===== the ssh launcher, ssh and scp stood in for by local commands ========
S="$OUT/ssh"
mkdir -p "$S"
if SWARM_SSH="sh tests/shard/fake-ssh.sh $S/hosts" \
   SWARM_SCP="sh tests/shard/fake-scp.sh $S/hosts" \
   SWARM_MERGE="$MERGE" SWARM_LEAD_S=1 \
   sh examples/ssh/run-sharded.sh -o "$S/results" "$OUT/dist" \
       tests/shard/hosts.txt -- -H "$URL" -q -u 8 -r 100 --seed 42 -t 4s \
       --iterations 7 >"$S/out" 2>"$S/err"; then
    pass ssh-run
else
    fail ssh-run "exit $?: $(tail -c 600 "$S/err")"
fi
check ssh-shard-files "shard-0.json shard-1.json shard-2.json" \
    "$(cd "$S/results" 2>/dev/null && ls shard-*.json | tr '\n' ' ' | sed 's/ $//')"
if [ -s "$S/results/merged.json" ]; then
    ok ssh-merged-equals-unsharded $RES same-counts "$S/results/merged.json" "$D/U.json"
    ok ssh-merged-sums $RES sum "$S/results/merged.json" \
        "$S/results/shard-0.json" "$S/results/shard-1.json" "$S/results/shard-2.json"
else
    fail ssh-merged-equals-unsharded "no $S/results/merged.json"
fi

# ===== entry points: the binary's merge mode and swarmc merge ==============
for entry in "$OUT/dist" "$BUILD/swarmc"; do
    name=entry-$(basename "$entry")-merge
    if ! "$entry" merge --help 2>/dev/null | grep -q '^usage: merge'; then
        fail "$name" "'$(basename "$entry") merge' is not wired to sw_merge_main yet"
        continue
    fi
    "$entry" merge "$S0" "$S1" "$S2" "$S3" --json "$D/E.json" >/dev/null 2>&1
    rc=$?
    if [ $rc -eq 99 ] && cmp -s "$D/E.json" "$D/M.json"; then
        pass "$name"
    else
        fail "$name" "exit $rc, or its JSON differs from sw_merge_main's"
    fi
done

kill $TPID 2>/dev/null
wait $TPID 2>/dev/null
exit 0
