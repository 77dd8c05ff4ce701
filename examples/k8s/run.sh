#!/bin/sh
# Runs the Indexed Job in job.yaml, merges the shards' results with
# merge.yaml and copies the reports to ./results.  Needs kubectl with a
# context and namespace where the image can be pulled.
#
#   sh examples/k8s/run.sh [--shards N] [--lead SECONDS] [--image IMAGE]
#                          [--out DIR]
#   sh examples/k8s/run.sh --render N     print job.yaml for N shards only
#
# Exit status: merge's (0 passed, 99 a threshold failed on the merged data,
# 2 a shard is missing or inconsistent), 1 when the Job could not run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
shards=4
lead=60        # seconds between now and the common start: image pulls
image=""
out=results
render=""
while [ $# -gt 0 ]; do
    case $1 in
    --shards) shards=$2; shift 2 ;;
    --lead) lead=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --render) render=1; shards=$2; shift 2 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 1 ;;
    esac
done
case $shards in
''|*[!0-9]*|0) echo "run.sh: --shards needs a positive number" >&2; exit 1 ;;
esac

# job.yaml with N shards, the start time and the image filled in.
render_job() {
    start_at=$(( $(date +%s) + lead ))
    sed -e "s/^\(  completions:\) [0-9]*/\1 $shards/" \
        -e "s/^\(  parallelism:\) [0-9]*/\1 $shards/" \
        -e "s/\"--shards=[0-9]*\"/\"--shards=$shards\"/" \
        -e "/name: START_AT/{n;s/value: .*/value: \"$start_at\"/;}" \
        ${image:+-e "s#image: registry.example/swarm-shop:1#image: $image#"} \
        "$here/job.yaml"
}
render_merge() {
    sed ${image:+-e "s#image: registry.example/swarm-shop:1#image: $image#"} \
        "$here/merge.yaml"
}

if [ -n "$render" ]; then
    render_job
    exit 0
fi

# wait_job NAME: 0 when the Job succeeded, 1 when it failed.
wait_job() {
    while :; do
        s=$(kubectl get job "$1" -o jsonpath='{.status.succeeded}/{.status.failed}')
        case $s in
        */[1-9]*) return 1 ;;
        [1-9]*/*)
            # an Indexed Job succeeds when every index has
            [ "${s%/*}" -ge "$2" ] && return 0 ;;
        esac
        sleep 5
    done
}

kubectl delete job swarm-shop swarm-shop-merge --ignore-not-found
kubectl delete pod swarm-results-reader --ignore-not-found
render_job | kubectl apply -f -
echo "run.sh: $shards shards start at $(( $(date +%s) + lead )) (in ${lead}s)"
if ! wait_job swarm-shop "$shards"; then
    echo "run.sh: a shard failed; merging what is there (merge names the" \
         "missing ones)" >&2
fi
render_merge | kubectl apply -f -
wait_job swarm-shop-merge 1 || true
kubectl logs job/swarm-shop-merge
rc=$(kubectl get pods -l job-name=swarm-shop-merge \
     -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}')
kubectl wait --for=condition=Ready pod/swarm-results-reader --timeout=120s
mkdir -p "$out"
kubectl cp swarm-results-reader:/results "$out"
kubectl delete pod swarm-results-reader --ignore-not-found
echo "run.sh: reports in $out/ (merge exit status $rc)"
exit "${rc:-1}"
