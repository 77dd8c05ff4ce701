#!/bin/sh
# Runs one compiled scenario as N shards over ssh, one per host, all
# starting at the same instant, then fetches the results and merges them.
# Needs only sshd on the load-generator hosts: the binary is one static
# executable (docs/distributed.md), and this copies that one file.
#
#   sh examples/ssh/run-sharded.sh [-l LEAD_S] [-o OUTDIR] BINARY HOSTS \
#       [-- SCENARIO OPTIONS...]
#
#   BINARY    the compiled scenario (swarmc build shop.swarm -o shop)
#   HOSTS     a file with one ssh destination per line (user@host or a
#             Host from ~/.ssh/config); # starts a comment.  The line
#             number decides the shard: the first host runs shard 0.
#   -l LEAD_S seconds between "everybody has the binary" and the common
#             start (default 10)
#   -o OUTDIR where shard-I.json, shard-I.log and the merged reports go
#             (default results)
#   options after -- go to every shard: -u, -r, -t, -H, --iterations...
#             (the totals: each shard runs its own share of them)
#
# Environment: SWARM_SSH / SWARM_SCP replace "ssh -o BatchMode=yes" and
# "scp -q -o BatchMode=yes"; SWARM_MERGE replaces "BINARY merge".
# Exit status: merge's (0 passed, 99 a threshold failed on the merged data,
# 2 a shard is missing or inconsistent), 1 when the binary could not be
# copied or the arguments are wrong.
set -u
lead=${SWARM_LEAD_S:-10}
out=results
while getopts l:o: opt; do
    case $opt in
    l) lead=$OPTARG ;;
    o) out=$OPTARG ;;
    *) exit 1 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ]; then
    echo "usage: run-sharded.sh [-l LEAD_S] [-o OUTDIR] BINARY HOSTS [-- OPTIONS...]" >&2
    exit 1
fi
binary=$1
hosts_file=$2
shift 2
[ "${1:-}" = "--" ] && shift
SSH=${SWARM_SSH:-ssh -o BatchMode=yes}
SCP=${SWARM_SCP:-scp -q -o BatchMode=yes}
MERGE=${SWARM_MERGE:-$binary merge}

hosts=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$hosts_file" | grep -v '^$')
n=$(printf '%s\n' "$hosts" | grep -c .)
if [ "$n" -lt 1 ]; then
    echo "run-sharded.sh: no hosts in $hosts_file" >&2
    exit 1
fi

# Each argument single-quoted for the remote shell, which ssh hands one
# command line.
quote() {
    for a in "$@"; do
        printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
    done
}
args=$(quote "$@")
# Relative to the remote home directory; unique per run.
dir="swarm-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$out"

# for_each_host FUNCTION: runs FUNCTION INDEX HOST for every host at
# once, waits, returns how many failed.
for_each_host() {
    i=0
    for h in $hosts; do
        ( "$1" "$i" "$h"; echo $? >"$out/.rc-$i" ) &
        i=$((i + 1))
    done
    wait
    failed=0
    i=0
    while [ $i -lt "$n" ]; do
        [ "$(cat "$out/.rc-$i" 2>/dev/null)" = 0 ] || failed=$((failed + 1))
        rm -f "$out/.rc-$i"
        i=$((i + 1))
    done
    return $failed
}

copy() {
    $SSH "$2" "mkdir -p $dir" && $SCP "$binary" "$2:$dir/scenario"
}
# A shard's own exit status 99 (its share broke a threshold) is not a
# failure here: only the merged result decides.
run() {
    $SSH "$2" "cd $dir && ./scenario --shard $1/$n --start-at $start_at \
        --json shard-$1.json $args" >"$out/shard-$1.log" 2>&1
    rc=$?
    [ $rc -eq 0 ] || [ $rc -eq 99 ] ||
        echo "run-sharded.sh: shard $1 on $2 exited with $rc (see $out/shard-$1.log)" >&2
    return 0
}
fetch() {
    $SCP "$2:$dir/shard-$1.json" "$out/shard-$1.json" &&
        $SSH "$2" "rm -rf $dir"
}

if ! for_each_host copy; then
    echo "run-sharded.sh: could not copy $binary to every host" >&2
    exit 1
fi
# The start is fixed once every host has the binary, so the lead only has
# to cover starting ssh sessions.
start_at=$(( $(date +%s) + lead ))
echo "run-sharded.sh: $n shards start at $start_at"
for_each_host run
for_each_host fetch ||
    echo "run-sharded.sh: some results could not be fetched" >&2

files=""
i=0
while [ $i -lt "$n" ]; do
    [ -f "$out/shard-$i.json" ] && files="$files $out/shard-$i.json"
    i=$((i + 1))
done
if [ -z "$files" ]; then
    echo "run-sharded.sh: no shard wrote a result" >&2
    exit 2
fi
# shellcheck disable=SC2086
$MERGE $files --json "$out/merged.json" --html "$out/report.html" \
    --junit "$out/junit.xml" --csv "$out/merged"
