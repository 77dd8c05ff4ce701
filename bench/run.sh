#!/usr/bin/env bash
# bench/run.sh - `make bench`: swarmc's compiled scenarios side by side with
# the bare libcurl + libuv loop (curluv), wrk, h2load and Locust, against a
# local nginx.  Not part of `make test`.
#
# nginx runs on 127.0.0.1 with one worker pinned to CPU $SERVER_CPU; every
# client runs pinned to CPU $CLIENT_CPU under /usr/bin/time -v.  Each section
# repeats its runs REPS times round-robin (drift hits every tool alike);
# requests are counted by each tool and on nginx's side (stub_status).  At the
# end bench/report.py prints Markdown tables of medians and rewrites the
# matching blocks of docs/performance.md (only the sections that ran).
#
#   make bench                       # every section, REPS=3 (~20 min)
#   SECTIONS=tput make bench         # the quick one (~4-5 min)
#   REPS=5 SECTIONS="tput mem" bash bench/run.sh
#
# "ours" is a compiled scenario with the default --engine auto, which sends
# these plain http:// requests through the native HTTP/1.1 engine;
# "ours-curl" rows are the same binary with --engine curl (libcurl).
#
# Sections:
#   tput     keep-alive GET /hello (6 B), 50 users/connections: ours (native
#            and curl engines), curluv
#            -T and untuned, wrk, h2load, Locust HttpUser and FastHttpUser
#   users    CPU per request with 50, 500 and 5,000 users, native and curl
#            engines, 10 s runs and 5 s runs (their difference: the steady
#            state)
#   mem      RSS per connected idle user at MEM_USERS users: ours
#            (bench/idle_user.swarm), curluv idle mode (-I, and -X), Locust
#   threads  ours with --threads 1 and 2; nginx has 2 workers on both cores
#            and the clients may use both cores (stated in the table)
#   threadsq ours and wrk with 1 and 2 threads, each worker thread capped at
#            QUOTA_PCT% (25) of a core (bench/cpu_quota.sh; root, cgroup v1)
#   body     keep-alive GET of a 4 KiB and a 1 MiB static file
#   newconn  a new TCP connection per request (nginx keepalive_timeout 0)
#   tls      HTTPS: HTTP/1.1 (ALPN offers http/1.1 only) and HTTP/2 (ALPN h2)
#   ir       user-space instructions per request under callgrind, split by
#            object (libcurl, libuv, libc, ours) with callgrind_annotate; for
#            ours also the worker thread alone (--toggle-collect=thread_main)
#   realistic  bench/realistic.swarm (checks, captures, a JSON POST, headers)
#            against bench/one_get.swarm, alternating, 50 users, as tput; and
#            both under callgrind (worker thread), instructions per request
#   web      the web UI's cost: one_get as tput (50 users, --threads 1, 10 s)
#            without the UI, and with -P PORT --autostart while two pollers
#            (bench/web_poll.py, keep-alive) fetch /stats/requests?swarmc=1
#            every second as an open page does (outside the measured
#            process tree); then the UI's own threads from schedstat
#            (bench/web_threads.py)
#   build    wall time of `swarmc build` of every examples/*.swarm and
#            bench/*.swarm, median of BUILD_REPS (5) runs each; then of
#            scenarios of BIG_TASKS tasks ("1000 10000 100000", made by
#            tests/hardening/gen.py), BIG_REPS (1) runs each, by stage
#   link     the static executable (the default of `swarmc build`, the one
#            every other section runs) against the same scenario built with
#            --dynamic: CPU per request as tput, RSS per idle user as mem
#            (LINK_USERS, default 10000), instructions per request as ir,
#            sizes, and the build time of each
#
# Environment: BUILD (build dir, default build), W (work dir, default
# $BUILD/bench), REPS, SECTIONS, MEM_REPS (default 1), MEM_USERS,
# OURS_FLAGS (extra flags for our binary), DOC (file to update; empty: none),
# PORT (first port to try, default 18080), CLIENT_CPU, SERVER_CPU,
# QUIET_MAX_S (how long to wait for a quiet machine before each run, 5).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
W=${W:-$BUILD/bench}
REPS=${REPS:-3}
MEM_REPS=${MEM_REPS:-1}   # RSS repeats to within ~1% (see docs/performance.md)
SECTIONS=${SECTIONS:-"tput users mem threads threadsq body newconn tls ir realistic web build link"}
MEM_USERS=${MEM_USERS:-"1 1000 10000 18000"}
DOC=${DOC-$ROOT/docs/performance.md}
OURS_FLAGS=${OURS_FLAGS:-"--only-summary"}
CLIENT_CPU=${CLIENT_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
CONC=50
RUN_LIMIT_S=${RUN_LIMIT_S:-120}   # hard bound on any single client run
PY=/usr/bin/python3
TICK=$(getconf CLK_TCK)

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
has() { [[ " $SECTIONS " == *" $1 "* ]]; }
die() { echo "bench: $*" >&2; exit 1; }

# ---------------------------------------------------------------- packages
# Commands we need -> the Debian package that has them.
declare -A PKG=([nginx]=nginx [wrk]=wrk [h2load]=nghttp2-client
    [locust]=python3-locust [valgrind]=valgrind [callgrind_annotate]=valgrind
    [/usr/bin/time]=time [openssl]=openssl [gcc]=gcc [taskset]=util-linux
    [ss]=iproute2 [curl]=curl [pkg-config]=pkg-config)
missing=()
for c in "${!PKG[@]}"; do
    command -v "$c" >/dev/null 2>&1 || missing+=("${PKG[$c]}")
done
/usr/bin/python3 -c 'import geventhttpclient' 2>/dev/null ||
    missing+=(python3-geventhttpclient)
pkg-config --exists libcurl libuv 2>/dev/null ||
    missing+=(libcurl4-openssl-dev libuv1-dev)
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    log "installing from Debian: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null ||
        { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } ||
        die "apt-get install ${missing[*]} failed"
fi
# perf is only for the optional profile; the VM may not expose counters.
command -v perf >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-perf >/dev/null 2>&1; } || true
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
LOCUST=$(command -v locust)

# ---------------------------------------------------------------- work dir
ulimit -n "$(ulimit -Hn)"   # the mem section holds up to 18,000 sockets
mkdir -p "$W/raw" "$W/nginx/tmp" "$W/www"
RECORDS=$W/records.tsv
: > "$RECORDS"
[ -s "$W/www/4k.txt" ] ||
    head -c 3072 /dev/urandom | base64 -w 0 | head -c 4096 > "$W/www/4k.txt"
[ -s "$W/www/1m.bin" ] || head -c 1048576 /dev/urandom > "$W/www/1m.bin"
[ -s "$W/cert.pem" ] || openssl req -x509 -newkey ec \
    -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=127.0.0.1 \
    -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
# nginx workers drop to "nobody": they must be able to read the files.
chmod 755 "$W" "$W/www"; chmod 644 "$W/www/"*

# curluv: the yardstick (bare libcurl multi_socket + libuv loop).
gcc -O2 -g -Wall -o "$W/curluv" "$BENCH/curluv.c" \
    $(pkg-config --cflags --libs libcurl libuv)
CURLUV=$W/curluv

# Our binaries.  Until build/swarmc and build/libswarm.a work, the rows for
# our binary are skipped and the report marks them as pending.
OURS=
if [ -x "$BUILD/swarmc" ] && [ -f "$BUILD/libswarm.a" ]; then
    sed 's#"/hello"#"/4k.txt"#' "$BENCH/one_get.swarm" > "$W/one_get_4k.swarm"
    sed 's#"/hello"#"/1m.bin"#' "$BENCH/one_get.swarm" > "$W/one_get_1m.swarm"
    ok=1
    for s in "$BENCH/one_get.swarm" "$W/one_get_4k.swarm" \
             "$W/one_get_1m.swarm" "$BENCH/idle_user.swarm" \
             "$BENCH/realistic.swarm"; do
        b=$(basename "$s" .swarm)
        if ! "$BUILD/swarmc" build "$s" -o "$W/$b" > "$W/raw/build.$b.log" 2>&1; then
            log "swarmc build $s failed (see $W/raw/build.$b.log)"; ok=0
        fi
    done
    [ $ok = 1 ] && OURS=$W/one_get
fi
[ -n "$OURS" ] || log "our binary is not available: its rows are pending"
echo "${OURS:+yes}" > "$W/ours_available"

# ---------------------------------------------------------------- machine
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs"
    echo "memory: $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "kernel: $(uname -r); $(. /etc/os-release; echo "$PRETTY_NAME")"
    echo "libcurl: $(curl-config --version 2>/dev/null | sed 's/libcurl //' || pkg-config --modversion libcurl); libuv: $(pkg-config --modversion libuv)"
    echo "nginx: $($NGINX -v 2>&1 | sed 's#.*/##'); wrk: $(wrk -v 2>&1 | sed -n 's/^wrk \([^ ]*\).*/\1/p' | head -1); h2load: $(h2load --version | sed 's#.*/##')"
    # Debian's locust reports an empty __version__: ask dpkg first.
    echo "locust: $(dpkg-query -W -f '${Version}' python3-locust 2>/dev/null ||
        $PY -c 'import locust; print(locust.__version__)'); python: $($PY --version | awk '{print $2}')"
    echo "fd limit: $(ulimit -n); cpus: client $CLIENT_CPU, server $SERVER_CPU"
} > "$W/machine.txt"

# ---------------------------------------------------------------- ports
# First free port at or above $1 that is not already taken by us.
TAKEN=" "
free_port() {
    local p=$1
    while [[ "$TAKEN" == *" $p "* ]] || [ -n "$(ss -Htln "sport = :$p")" ]; do
        p=$((p + 1))
    done
    TAKEN="$TAKEN$p "; echo "$p"
}
P0=${PORT:-18080}
PORT_H1=$(free_port "$P0")
PORT_NOKA=$(free_port $((PORT_H1 + 1)))
PORT_TLS1=$(free_port $((PORT_NOKA + 1)))
PORT_TLS2=$(free_port $((PORT_TLS1 + 1)))
H1=http://127.0.0.1:$PORT_H1
HNOKA=http://127.0.0.1:$PORT_NOKA
HTLS1=https://127.0.0.1:$PORT_TLS1
HTLS2=https://127.0.0.1:$PORT_TLS2

# ---------------------------------------------------------------- nginx
NGINX_PID=
NGINX_WORKERS=
stop_nginx() {
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID"
        for _ in $(seq 100); do
            kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1
        done
        log "nginx $NGINX_PID stopped"
    fi
    NGINX_PID=
}
# start_nginx WORKERS CPULIST
start_nginx() {
    stop_nginx
    sed -e "s#@W@#$W#g" -e "s#@WORKERS@#$1#g" -e "s#@PORT_H1@#$PORT_H1#g" \
        -e "s#@PORT_NOKA@#$PORT_NOKA#g" -e "s#@PORT_TLS1@#$PORT_TLS1#g" \
        -e "s#@PORT_TLS2@#$PORT_TLS2#g" "$BENCH/nginx.conf" > "$W/nginx/nginx.conf"
    rm -f "$W/nginx/nginx.pid"
    taskset -c "$2" "$NGINX" -p "$W/nginx/" -c "$W/nginx/nginx.conf" -e "$W/nginx/error.log"
    for _ in $(seq 50); do [ -s "$W/nginx/nginx.pid" ] && break; sleep 0.1; done
    NGINX_PID=$(cat "$W/nginx/nginx.pid")
    sleep 0.3
    NGINX_WORKERS=$(ps --ppid "$NGINX_PID" -o pid= | tr -d ' ' | tr '\n' ' ')
    curl -sf "$H1/hello" > /dev/null || die "nginx does not answer on $H1"
    NGINX_DESC="$1 worker(s) on CPU $2"
    log "nginx $NGINX_PID: $NGINX_DESC; ports $PORT_H1 (h1) $PORT_NOKA (no keep-alive) $PORT_TLS1 (tls h1) $PORT_TLS2 (tls h2)"
}
trap stop_nginx EXIT
nginx_ticks() {
    local t=0 p
    for p in $NGINX_WORKERS; do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo "$t"
}
# Busy ticks of the whole machine (user nice system irq softirq steal): what
# is not the client's or nginx's is other work that disturbs the run.
cpu_busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# "active accepts requests" from stub_status (this request included)
stub() { curl -s "$H1/status" | awk 'NR==1{a=$3} NR==3{print a, $1, $3}'; }
# Protocols nginx logged on the TLS servers since the last call: "HTTP/1.1:N ..."
tls_protos() {
    kill -USR1 "$NGINX_PID"; sleep 0.3   # reopen logs = flush the buffers
    cat "$W/nginx/tls1.log" "$W/nginx/tls2.log" 2>/dev/null | sort | uniq -c |
        awk '{printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1}'
    : > "$W/nginx/tls1.log"; : > "$W/nginx/tls2.log"
}

# Other work on the machine (builds, tests) disturbs the figures: before each
# run, wait up to QUIET_MAX_S seconds for a half second in which the machine
# is less than 25% busy (of one core).  The report shows, per row, how busy
# the machine was with work other than the client and nginx.
QUIET_MAX_S=${QUIET_MAX_S:-5}
wait_quiet() {
    local i b0 b1 limit=$((TICK / 8))   # 25% of one core over 0.5 s, in ticks
    for i in $(seq $((QUIET_MAX_S * 2))); do
        b0=$(cpu_busy_ticks); sleep 0.5; b1=$(cpu_busy_ticks)
        [ $((b1 - b0)) -le "$limit" ] && return 0
    done
    log "machine still busy after ${QUIET_MAX_S}s of waiting: measuring anyway"
}

CPUS=$CLIENT_CPU   # the threads section widens this to both cores
# run_one SECTION LABEL KIND REP -- command...
# Runs the command under /usr/bin/time -v, pinned to $CPUS and bounded by
# RUN_LIMIT_S; records nginx's CPU and request counters around it.  KIND
# tells report.py how to read the tool's own request count.
run_one() {
    local section=$1 label=$2 kind=$3 rep=$4; shift 5
    local base="$W/raw/$section.$label.$rep" s0 s1 n0 n1 t0 t1 b0 b1 protos=
    wait_quiet
    s0=$(stub); n0=$(nginx_ticks); b0=$(cpu_busy_ticks); t0=$(date +%s.%N)
    /usr/bin/time -v -o "$base.time" timeout -s INT -k 10 "$RUN_LIMIT_S" \
        taskset -c "$CPUS" "$@" > "$base.out" 2>&1 || echo "exit $?" >> "$base.out"
    t1=$(date +%s.%N); b1=$(cpu_busy_ticks); n1=$(nginx_ticks); s1=$(stub)
    [ "$section" = tls ] && protos=$(tls_protos)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$label" \
        "$kind" "$rep" "$base" "$(awk "BEGIN{print ($n1 - $n0) / $TICK}")" \
        "$(awk "BEGIN{print $t1 - $t0}")" "$s0" "$s1" "taskset -c $CPUS $*" \
        "$NGINX_DESC" "$protos" "$(awk "BEGIN{print ($b1 - $b0) / $TICK}")" >> "$RECORDS"
    log "$section $label rep $rep: $(tail -c 300 "$base.out" | tr '\n' ' ' | tail -c 120)"
}
# ours SECTION LABEL REP BINARY args...: a row for our binary, or nothing yet
ours() {
    local section=$1 label=$2 rep=$3 bin=$4; shift 4
    [ -n "$OURS" ] || return 0
    run_one "$section" "$label" swarm "$rep" -- "$bin" "$@" $OURS_FLAGS
}
locust_run() {   # locust_run SECTION LABEL CLASS REP HOST PATH SECONDS
    run_one "$1" "$2" locust "$4" -- env LOCUST_CLASS="$3" LOCUST_PATH="$6" \
        "$LOCUST" -f "$BENCH/locust_load.py" --headless -u $CONC -r $CONC \
        -t "$7s" --host "$5" --only-summary --loglevel WARNING
}

start_nginx 1 "$SERVER_CPU"

# ---------------------------------------------------------------- tput
if has tput; then
    for rep in $(seq "$REPS"); do
        ours tput ours "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 10s --host "$H1"
        ours tput ours-curl "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 10s --host "$H1" --engine curl
        run_one tput curluv-T curluv "$rep" -- "$CURLUV" -T -c $CONC -n 250000 -u "$H1/hello"
        run_one tput curluv curluv "$rep" -- "$CURLUV" -c $CONC -n 160000 -u "$H1/hello"
        run_one tput wrk wrk "$rep" -- wrk -t1 -c$CONC -d5s "$H1/hello"
        run_one tput h2load h2load "$rep" -- h2load --h1 -t1 -c$CONC -n 250000 "$H1/hello"
        locust_run tput locust-HttpUser http "$rep" "$H1" /hello 10
        locust_run tput locust-FastHttpUser fast "$rep" "$H1" /hello 10
    done
fi

# ---------------------------------------------------------------- users
# CPU per request as the number of users grows: the one-request scenario
# with 50, 500 and 5,000 users, all spawned within about a second, no wait,
# client on one core, with the default engine (native here) and with
# --engine curl.  Flat is the target: a pool of easy handles that
# shrank as transfers ended and was rebuilt a moment later once cost 2.5-
# 3.4x per request at 500 users and more.  Each 10 s run is followed by a
# 5 s run of the same users (section users5): the difference of the two is
# the steady state's cost per request, without the start of the users'
# sessions and their teardown, which a 10 s run pays once per user
# (report.py: steady_table).
if has users && [ -n "$OURS" ]; then
    for rep in $(seq "$REPS"); do
        for n in 50 500 5000; do
            ours users "ours-$n" "$rep" "$W/one_get" -u $n -r $n --threads 1 -t 10s --host "$H1"
            ours users5 "ours-$n" "$rep" "$W/one_get" -u $n -r $n --threads 1 -t 5s --host "$H1"
        done
        # the libcurl engine on the same path (HTTPS, HTTP/2 and proxies
        # take it): its own 5,000-user cost against its 50-user cost
        for n in 50 500 5000; do
            ours users "ours-curl-$n" "$rep" "$W/one_get" -u $n -r $n --threads 1 -t 10s \
                --engine curl --host "$H1"
            ours users5 "ours-curl-$n" "$rep" "$W/one_get" -u $n -r $n --threads 1 -t 5s \
                --engine curl --host "$H1"
        done
    done
fi

# ---------------------------------------------------------------- mem
# mem_one LABEL USERS -- command...: start the client in the background,
# wait until nginx sees USERS more open connections (or 60 s) and, with READY
# set, until that text is in the client's output; then until its RSS stops
# changing.  Read its VmRSS and stop it with SIGTERM (SIGKILL after 15 s).
# SIGTERM, not SIGINT: a non-interactive shell starts background jobs with
# SIGINT ignored.
rss_of() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mem_one() {
    local label=$1 users=$2 READY=${READY:-}; shift 3
    local base="$W/raw/mem.$label.$users" slab0 slab1 pid rss=0 prev=-1 active=0 a0 i
    a0=$(stub | awk '{print $1}')
    slab0=$(awk '/^Slab:/{print $2}' /proc/meminfo)
    taskset -c "$CLIENT_CPU" "$@" > "$base.out" 2>&1 &
    pid=$!
    for i in $(seq 600); do
        kill -0 "$pid" 2>/dev/null || break
        active=$(stub | awk '{print $1}')
        [ $((active - a0)) -ge "$users" ] &&
            { [ -z "$READY" ] || grep -q "$READY" "$base.out"; } && break
        sleep 0.1
    done
    # settled: two readings 0.5 s apart within 0.2% (at most 20 s)
    for i in $(seq 40); do
        sleep 0.5
        rss=$(rss_of "$pid")
        [ "$prev" -ge 0 ] && [ $(( (rss - prev) * 500 )) -le "$rss" ] &&
            [ $(( (prev - rss) * 500 )) -le "$rss" ] && break
        prev=$rss
    done
    active=$(stub | awk '{print $1}')
    rss=$(rss_of "$pid")
    slab1=$(awk '/^Slab:/{print $2}' /proc/meminfo)
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    printf 'mem\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$users" "$rss" \
        "$base" "$((active - a0))" "$slab0" "$slab1" "taskset -c $CLIENT_CPU $*" \
        "$NGINX_DESC" >> "$RECORDS"
    log "mem $label users=$users rss=${rss}kB conns=$((active - a0))"
    sleep 1   # let the closed sockets go
}
if has mem; then
    for rep in $(seq "$MEM_REPS"); do
        for n in $MEM_USERS; do
            r=$(( n < 5000 ? 5000 : n ))   # spawn every user within ~1 s
            [ -n "$OURS" ] && mem_one "ours.r$rep" "$n" -- "$W/idle_user" -u "$n" -r "$r" \
                --threads 1 -t 120s --host "$H1" $OURS_FLAGS
            # the same users spawned at 1,000/s: no spawn burst, so no heap
            # left fragmented by thousands of transfers in flight at once
            [ -n "$OURS" ] && mem_one "ours-ramp.r$rep" "$n" -- "$W/idle_user" -u "$n" \
                -r 1000 --threads 1 -t 120s --host "$H1" $OURS_FLAGS
            READY="idle handles=" mem_one "curluv.r$rep" "$n" -- "$CURLUV" -c "$n" -I 120 -u "$H1/hello"
            READY="idle handles=" mem_one "curluv-X.r$rep" "$n" -- "$CURLUV" -X -c "$n" -I 120 -u "$H1/hello"
        done
        for n in 1 1000; do
            for cls in HttpUser FastHttpUser; do
                c=http; [ $cls = FastHttpUser ] && c=fast
                mem_one "locust-$cls.r$rep" "$n" -- env LOCUST_CLASS=$c LOCUST_WAIT=3600 \
                    "$LOCUST" -f "$BENCH/locust_load.py" --headless -u "$n" -r 1000 \
                    -t 120s --host "$H1" --only-summary --loglevel WARNING
            done
        done
    done
fi

# ---------------------------------------------------------------- threads
if has threads; then
    start_nginx 2 "0-$(( $(nproc) - 1 ))"
    CPUS="0-$(( $(nproc) - 1 ))"
    for rep in $(seq "$REPS"); do
        ours threads ours-threads1 "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 5s --host "$H1"
        ours threads ours-threads2 "$rep" "$W/one_get" -u $CONC -r 1000 --threads 2 -t 5s --host "$H1"
        run_one threads curluv-T curluv "$rep" -- "$CURLUV" -T -c $CONC -n 200000 -u "$H1/hello"
        run_one threads wrk-t2 wrk "$rep" -- wrk -t2 -c$CONC -d5s "$H1/hello"
    done
    CPUS=$CLIENT_CPU
    start_nginx 1 "$SERVER_CPU"
fi

# ---------------------------------------------------------------- threadsq
# Two client threads against one where the server is not the bottleneck,
# on a machine that cannot give the client two free cores: every worker
# thread is capped at QUOTA_PCT% of a core, each in a cgroup of its own
# (bench/cpu_quota.sh says why), so the client's own work limits the run;
# nginx has 2 workers on all cores and the rest of the machine.  wrk under
# the same caps is the reference for what the method itself loses.
QUOTA_PCT=${QUOTA_PCT:-25}
if has threadsq; then
    start_nginx 2 "0-$(( $(nproc) - 1 ))"
    CPUS="0-$(( $(nproc) - 1 ))"
    for rep in $(seq "$REPS"); do
        for t in 1 2; do
            [ -n "$OURS" ] && run_one threadsq "ours-q$QUOTA_PCT-threads$t" swarm "$rep" -- \
                "$BENCH/cpu_quota.sh" "$QUOTA_PCT" "$t" '^swarm-w' -- \
                "$W/one_get" -u $CONC -r 1000 --threads "$t" -t 10s --host "$H1" $OURS_FLAGS
            run_one threadsq "wrk-q$QUOTA_PCT-t$t" wrk "$rep" -- \
                "$BENCH/cpu_quota.sh" "$QUOTA_PCT" "$t" '^wrk' -- wrk -t"$t" -c$CONC -d10s "$H1/hello"
        done
    done
    CPUS=$CLIENT_CPU
    start_nginx 1 "$SERVER_CPU"
fi

# ---------------------------------------------------------------- body
if has body; then
    for rep in $(seq "$REPS"); do
        ours body ours-4k "$rep" "$W/one_get_4k" -u $CONC -r 1000 --threads 1 -t 5s --host "$H1"
        run_one body curluv-T-4k curluv "$rep" -- "$CURLUV" -T -c $CONC -n 200000 -u "$H1/4k.txt"
        run_one body wrk-4k wrk "$rep" -- wrk -t1 -c$CONC -d5s "$H1/4k.txt"
        locust_run body locust-FastHttpUser-4k fast "$rep" "$H1" /4k.txt 5
        ours body ours-1m "$rep" "$W/one_get_1m" -u $CONC -r 1000 --threads 1 -t 5s --host "$H1"
        run_one body curluv-T-1m curluv "$rep" -- "$CURLUV" -T -c $CONC -n 6000 -u "$H1/1m.bin"
        run_one body wrk-1m wrk "$rep" -- wrk -t1 -c$CONC -d5s "$H1/1m.bin"
        locust_run body locust-FastHttpUser-1m fast "$rep" "$H1" /1m.bin 5
    done
fi

# ---------------------------------------------------------------- newconn
if has newconn; then
    for rep in $(seq "$REPS"); do
        ours newconn ours "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 5s --host "$HNOKA"
        run_one newconn curluv-T curluv "$rep" -- "$CURLUV" -T -c $CONC -n 30000 -u "$HNOKA/hello"
        run_one newconn curluv curluv "$rep" -- "$CURLUV" -c $CONC -n 30000 -u "$HNOKA/hello"
        run_one newconn wrk wrk "$rep" -- wrk -t1 -c$CONC -d5s "$HNOKA/hello"
        sleep 1   # TIME_WAIT sockets
    done
fi

# ---------------------------------------------------------------- tls
if has tls; then
    tls_protos > /dev/null
    for rep in $(seq "$REPS"); do
        ours tls ours-h1 "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 5s --insecure --host "$HTLS1"
        run_one tls curluv-T-h1 curluv "$rep" -- "$CURLUV" -T -K -c $CONC -n 100000 -u "$HTLS1/hello"
        run_one tls wrk-h1 wrk "$rep" -- wrk -t1 -c$CONC -d5s "$HTLS1/hello"
        run_one tls h2load-h1 h2load "$rep" -- h2load --h1 -t1 -c$CONC -n 150000 "$HTLS1/hello"
        ours tls ours-h2 "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 5s --insecure --host "$HTLS2"
        run_one tls curluv-T-h2 curluv "$rep" -- "$CURLUV" -T -K -2 -c $CONC -n 80000 -u "$HTLS2/hello"
        run_one tls h2load-h2-c1-m50 h2load "$rep" -- h2load -t1 -c1 -m$CONC -n 200000 "$HTLS2/hello"
        run_one tls h2load-h2-c50 h2load "$rep" -- h2load -t1 -c$CONC -n 200000 "$HTLS2/hello"
    done
fi

# ---------------------------------------------------------------- ir
# Instructions per request = (Ir(big) - Ir(small)) / (requests(big) -
# requests(small)): the marginal cost, without start-up.  Requests are
# nginx's count.  Our binary runs time-bound (4 s and 16 s under valgrind,
# busy all along): its --iterations bound stops the users but, as of this
# writing, not the run, so an iteration-bound run would idle until -t.
IR_SEC=ir   # the record's section: ir, or ir-realistic for that section
ir_one() {
    local label=$1 size=$2; shift 3
    local base="$W/raw/ir.$label.$size" s0 s1
    wait_quiet
    s0=$(stub)
    timeout -s INT -k 10 300 taskset -c "$CLIENT_CPU" valgrind --tool=callgrind \
        --callgrind-out-file="$base.cg" "$@" > "$base.out" 2> "$base.vg" || true
    s1=$(stub)
    callgrind_annotate --threshold=100 --inclusive=no "$base.cg" > "$base.annotate" 2>&1 || true
    callgrind_annotate --threshold=100 --inclusive=yes "$base.cg" > "$base.incl" 2>&1 || true
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$IR_SEC" "$label" "$size" "$base" "$s0" "$s1" \
        "taskset -c $CLIENT_CPU valgrind --tool=callgrind $*" >> "$RECORDS"
    log "ir $label $size done"
}
if has ir; then
    if [ -n "$OURS" ]; then
        ir_one ours small -- "$W/one_get" -u $CONC -r 1000 --threads 1 -t 4s \
            --host "$H1" $OURS_FLAGS
        ir_one ours big -- "$W/one_get" -u $CONC -r 1000 --threads 1 -t 16s \
            --host "$H1" $OURS_FLAGS
        # Only the worker thread (the one that runs the users and the
        # loop): without the main thread's once-a-second reporting, which
        # weighs ~50x more per request under valgrind than in a timed run.
        ir_one ours-worker small -- --collect-atstart=no --toggle-collect=thread_main \
            "$W/one_get" -u $CONC -r 1000 --threads 1 -t 4s --host "$H1" $OURS_FLAGS
        ir_one ours-worker big -- --collect-atstart=no --toggle-collect=thread_main \
            "$W/one_get" -u $CONC -r 1000 --threads 1 -t 16s --host "$H1" $OURS_FLAGS
        # the same through the libcurl engine
        ir_one ours-curl-worker small -- --collect-atstart=no --toggle-collect=thread_main \
            "$W/one_get" -u $CONC -r 1000 --threads 1 -t 4s --host "$H1" $OURS_FLAGS --engine curl
        ir_one ours-curl-worker big -- --collect-atstart=no --toggle-collect=thread_main \
            "$W/one_get" -u $CONC -r 1000 --threads 1 -t 16s --host "$H1" $OURS_FLAGS --engine curl
    fi
    ir_one curluv-T small -- "$CURLUV" -T -c $CONC -n 2000 -u "$H1/hello"
    ir_one curluv-T big -- "$CURLUV" -T -c $CONC -n 12000 -u "$H1/hello"
    ir_one curluv small -- "$CURLUV" -c $CONC -n 2000 -u "$H1/hello"
    ir_one curluv big -- "$CURLUV" -c $CONC -n 12000 -u "$H1/hello"
fi

# ---------------------------------------------------------------- realistic
# The realistic scenario (bench/realistic.swarm: weighted tasks, checks on
# every response, a JSON POST built from random() and a variable, a JSON and
# a regex capture, the captured id in the next path, request headers) against
# the one-request scenario, alternating, same users, pinning and duration as
# the tput section.  Then both under callgrind, worker thread only (see ir).
if has realistic && [ -n "$OURS" ]; then
    for rep in $(seq "$REPS"); do
        ours realistic ours-realistic "$rep" "$W/realistic" -u $CONC -r 1000 --threads 1 -t 10s --host "$H1"
        ours realistic ours-one_get "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 10s --host "$H1"
    done
    IR_SEC=ir-realistic
    for b in realistic one_get; do
        ir_one "ours-$b" small -- --collect-atstart=no --toggle-collect=thread_main \
            "$W/$b" -u $CONC -r 1000 --threads 1 -t 4s --host "$H1" $OURS_FLAGS
        ir_one "ours-$b" big -- --collect-atstart=no --toggle-collect=thread_main \
            "$W/$b" -u $CONC -r 1000 --threads 1 -t 16s --host "$H1" $OURS_FLAGS
    done
    IR_SEC=ir
fi

# ---------------------------------------------------------------- link
# Static (the default) against --dynamic, same scenario, same runs, the two
# alternating within each rep.  Records: "link" rows as tput, "mem" rows
# named link-static / link-dynamic (the mem table leaves them out), and
# "linkinfo LABEL BYTES STRIPPED_BYTES BUILD_S" per binary.
LINK_USERS=${LINK_USERS:-10000}
if has link && [ -n "$OURS" ]; then
    for b in one_get idle_user; do
        for mode in static dynamic; do
            flag=; [ $mode = dynamic ] && flag=--dynamic
            t0=$(date +%s.%N)
            "$BUILD/swarmc" build $flag "$BENCH/$b.swarm" -o "$W/$b-$mode" \
                > "$W/raw/build.$b-$mode.log" 2>&1 || die "swarmc build $flag $b failed"
            t1=$(date +%s.%N)
            strip -o "$W/$b-$mode.stripped" "$W/$b-$mode"
            printf 'linkinfo\t%s\t%s\t%s\t%s\n' "$b-$mode" "$(stat -c %s "$W/$b-$mode")" \
                "$(stat -c %s "$W/$b-$mode.stripped")" "$(awk "BEGIN{print $t1 - $t0}")" >> "$RECORDS"
        done
    done
    for rep in $(seq "$REPS"); do
        for mode in static dynamic; do
            ours link "ours-$mode" "$rep" "$W/one_get-$mode" -u $CONC -r 1000 --threads 1 -t 10s --host "$H1"
        done
    done
    # instructions per request: repeatable where seconds are not (a shared
    # machine); worker thread only, as in the realistic section
    IR_SEC=ir-link
    for mode in static dynamic; do
        ir_one "ours-$mode" small -- --collect-atstart=no --toggle-collect=thread_main \
            "$W/one_get-$mode" -u $CONC -r 1000 --threads 1 -t 4s --host "$H1" $OURS_FLAGS
        ir_one "ours-$mode" big -- --collect-atstart=no --toggle-collect=thread_main \
            "$W/one_get-$mode" -u $CONC -r 1000 --threads 1 -t 16s --host "$H1" $OURS_FLAGS
    done
    IR_SEC=ir
    for rep in $(seq "$MEM_REPS"); do
        for n in 1 "$LINK_USERS"; do
            r=$(( n < 5000 ? 5000 : n ))
            for mode in static dynamic; do
                mem_one "link-$mode.r$rep" "$n" -- "$W/idle_user-$mode" -u "$n" -r "$r" \
                    --threads 1 -t 120s --host "$H1" $OURS_FLAGS
            done
        done
    done
fi

# ---------------------------------------------------------------- web
# The web UI open and polled against no UI, alternating.  The pollers are
# started outside run_one (their CPU is not the client's); the binary's own
# web thread and the main thread's rendering are in the measured process.
if has web && [ -n "$OURS" ]; then
    rm -f "$W/web_threads.md"
    WEBPORT=$(free_port 18500)
    for rep in $(seq "$REPS"); do
        ours web ours-no-ui "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 10s --host "$H1"
        # two open pages: keep-alive, once a second each, niced on the
        # server's core so that they disturb neither the client nor nginx
        taskset -c "$SERVER_CPU" nice -n 19 "$PY" "$BENCH/web_poll.py" "$WEBPORT" &
        p1=$!
        taskset -c "$SERVER_CPU" nice -n 19 "$PY" "$BENCH/web_poll.py" "$WEBPORT" &
        p2=$!
        ours web ours-ui-polled "$rep" "$W/one_get" -u $CONC -r 1000 --threads 1 -t 10s --host "$H1" \
            -P "$WEBPORT" --autostart --autoquit 0
        kill "$p1" "$p2" 2>/dev/null || true
        wait "$p1" "$p2" 2>/dev/null || true
    done
    # and the UI's own threads, measured directly (noise-free of the others)
    taskset -c "$CLIENT_CPU" "$PY" "$BENCH/web_threads.py" "$W/web_threads.md" \
        "$W/one_get" "$H1" "$WEBPORT" > "$W/raw/web_threads.log" 2>&1 ||
        log "web_threads.py failed (see $W/raw/web_threads.log)"
fi

stop_nginx

# ---------------------------------------------------------------- build
# `swarmc build` of every example and bench scenario, as a user runs it (the
# C compiler included), pinned to the client CPU; wall time from date +%s.%N
# around each run (hyperfine is not needed), BUILD_REPS runs per file,
# round-robin over the files.  No wait_quiet here (60 short runs); the
# machine's other busy time is recorded per run instead.
# Records: build FILE REP WALL_S CPU_S RC COMMAND OTHER_BUSY_S.
BUILD_REPS=${BUILD_REPS:-5}
BIG_TASKS=${BIG_TASKS:-"1000 10000 100000"}
BIG_REPS=${BIG_REPS:-1}
if has build && [ -x "$BUILD/swarmc" ] && [ -f "$BUILD/libswarm.a" ]; then
    mkdir -p "$W/buildtime"
    for rep in $(seq "$BUILD_REPS"); do
        for s in "$ROOT"/examples/*.swarm "$BENCH"/*.swarm; do
            b=$(basename "$s" .swarm)
            b0=$(cpu_busy_ticks); t0=$(date +%s.%N)
            rc=0
            /usr/bin/time -f "%U %S" -o "$W/buildtime/$b.time" taskset -c "$CLIENT_CPU" \
                "$BUILD/swarmc" build "$s" -o "$W/buildtime/$b" \
                > "$W/buildtime/$b.log" 2>&1 || rc=$?
            t1=$(date +%s.%N); b1=$(cpu_busy_ticks)
            printf 'build\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${s#"$ROOT"/}" "$rep" \
                "$(awk "BEGIN{print $t1 - $t0}")" \
                "$(awk '{print $1 + $2}' "$W/buildtime/$b.time" | tail -1)" "$rc" \
                "taskset -c $CLIENT_CPU $BUILD/swarmc build ${s#"$ROOT"/} -o $W/buildtime/$b" \
                "$(awk "BEGIN{print ($b1 - $b0) / $TICK}")" >> "$RECORDS"
        done
    done
    log "build: $(grep -c '^build' "$RECORDS") timings"
    # Big scenarios (issue 15): `tests/hardening/gen.py tasks N`, one user
    # with N one-request tasks, built BIG_REPS times each with --times (the
    # stages as swarmc measures them).  Not pinned: above 1,000 bodies the
    # parts are compiled one cc per CPU (SWARMC_JOBS).
    # Records: bigbuild N REP WALL_S CPU_S RC PEAK_KB TIMES OTHER_BUSY_S.
    for n in $BIG_TASKS; do
        "$PY" "$ROOT/tests/hardening/gen.py" tasks "$n" > "$W/buildtime/tasks$n.swarm"
        for rep in $(seq "$BIG_REPS"); do
            b0=$(cpu_busy_ticks); t0=$(date +%s.%N)
            rc=0
            /usr/bin/time -f "%U %S %M" -o "$W/buildtime/tasks$n.time" \
                "$BUILD/swarmc" build --times "$W/buildtime/tasks$n.swarm" \
                -o "$W/buildtime/tasks$n" > "$W/buildtime/tasks$n.log" 2>&1 || rc=$?
            t1=$(date +%s.%N); b1=$(cpu_busy_ticks)
            printf 'bigbuild\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rep" \
                "$(awk "BEGIN{print $t1 - $t0}")" \
                "$(awk '{print $1 + $2}' "$W/buildtime/tasks$n.time" | tail -1)" "$rc" \
                "$(awk '{print $3}' "$W/buildtime/tasks$n.time" | tail -1)" \
                "$(sed -n 's/^swarmc: times: //p' "$W/buildtime/tasks$n.log")" \
                "$(awk "BEGIN{print ($b1 - $b0) / $TICK}")" >> "$RECORDS"
            rm -f "$W/buildtime/tasks$n"
        done
    done
    log "build: $(grep -c '^bigbuild' "$RECORDS") big-scenario builds"
fi

"$PY" "$BENCH/report.py" "$W" ${DOC:+"$DOC"}
