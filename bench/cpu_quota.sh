#!/bin/bash
# cpu_quota.sh PCT N COMM -- command...
#
# Runs the command with each of its N worker threads (threads whose name
# matches the extended regex COMM, the main thread excepted) in a cgroup of
# its own capped at PCT% of one core, and exits with the command's status.
#
# Why: the target "two client threads give >= 1.6x the requests/s of one,
# where the server is not the bottleneck" needs the client's threads on
# cores of their own and the server elsewhere.  A 2-core machine has
# neither, but it can make each client thread a slow core: with every
# worker capped at, say, 25% of a core, the client's work is what limits
# the run (two capped threads use half a core; nginx has the rest of both),
# and requests/s with two threads against one shows whether the threads
# scale: anything they share (locks, cache lines, a busy main thread) makes
# the ratio fall below 2.  The main thread stays uncapped: it only merges
# statistics once a second.
#
# Needs root and the cgroup v1 cpu controller (/sys/fs/cgroup/cpu), whose
# "tasks" file takes single threads; cgroup v2 would need threaded
# subtrees, which this script does not set up.
set -u
[ $# -ge 4 ] && [ "$4" = "--" ] || { echo "usage: cpu_quota.sh PCT N COMM -- command..." >&2; exit 64; }
pct=$1 want=$2 comm=$3
shift 4
CG=${CPU_CGROUP:-/sys/fs/cgroup/cpu}
[ -w "$CG/tasks" ] || { echo "cpu_quota.sh: $CG is not a writable cgroup v1 cpu controller (run as root)" >&2; exit 69; }
PERIOD_US=10000     # short periods: a capped thread waits at most ~7.5 ms

groups=()
cleanup() {
    local g
    for g in "${groups[@]}"; do
        # threads that outlive the command's end are moved back first
        while read -r t; do echo "$t" > "$CG/tasks" 2>/dev/null; done < "$g/tasks"
        rmdir "$g" 2>/dev/null
    done
}
trap cleanup EXIT

"$@" &
pid=$!

# Wait for the worker threads (they start within milliseconds of exec).
tids=()
for _ in $(seq 500); do
    tids=()
    for t in /proc/$pid/task/*; do
        t=${t##*/}
        [ "$t" = "$pid" ] && continue
        grep -Eq "$comm" "/proc/$pid/task/$t/comm" 2>/dev/null && tids+=("$t")
    done
    [ "${#tids[@]}" -ge "$want" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
done
if [ "${#tids[@]}" -lt "$want" ]; then
    echo "cpu_quota.sh: found ${#tids[@]} of $want threads named /$comm/ in $pid" >&2
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    exit 70
fi

i=0
for t in "${tids[@]:0:$want}"; do
    g="$CG/swarm-bench-$$-$i"
    mkdir -p "$g"
    groups+=("$g")
    echo "$PERIOD_US" > "$g/cpu.cfs_period_us"
    echo $((PERIOD_US * pct / 100)) > "$g/cpu.cfs_quota_us"
    echo "$t" > "$g/tasks"
    i=$((i + 1))
done
echo "cpu_quota.sh: threads ${tids[*]:0:$want} of $pid capped at $pct% of a core each" >&2

# SIGINT from timeout(1) goes to the command.
trap 'kill -INT $pid 2>/dev/null' INT TERM
wait "$pid"
rc=$?
# a signal interrupted wait: wait for the command itself
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
exit $rc
