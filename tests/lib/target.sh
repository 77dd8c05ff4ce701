# Sourced by the suites that run the demo target (POSIX sh): its life.
# Needs TARGET (the demo-target binary).

# start_target DIR [TARGET ARGS...]: the target on a kernel-chosen port of
# 127.0.0.1, logging to DIR/log, its output in DIR/target.stdout and
# DIR/target.stderr; sets PID and URL.  No port after 5 s: a FAIL line and
# the suite ends.
start_target() {
    dir=$1
    shift
    "$TARGET" --port 0 --port-file "$dir/port" --log "$dir/log" "$@" \
        >"$dir/target.stdout" 2>"$dir/target.stderr" &
    PID=$!
    i=0
    while [ ! -s "$dir/port" ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if [ ! -s "$dir/port" ]; then
        suite=$(basename "$0" .sh)
        echo "FAIL ${suite#t-}/target-start: no port file after 5 s" \
             "($(cat "$dir/target.stderr"))"
        kill "$PID" 2>/dev/null
        exit 1
    fi
    URL="http://127.0.0.1:$(cat "$dir/port")"
}

# stop_target: SIGTERM, wait until its log is complete; its exit status in
# STOP_RC.
stop_target() {
    kill -TERM "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    STOP_RC=$?
    PID=
}
