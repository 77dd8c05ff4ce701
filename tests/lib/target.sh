# Sourced by the end-to-end suites (POSIX sh): the demo target's life.
# Needs TARGET (the demo-target binary).

# start_target DIR [TARGET ARGS...]: the target on a kernel-chosen port of
# 127.0.0.1, logging to DIR/log; sets PID and URL.
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
    URL="http://127.0.0.1:$(cat "$dir/port" 2>/dev/null)"
}

# stop_target: SIGTERM, and wait until its log is complete.
stop_target() {
    kill -TERM "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    PID=
}
