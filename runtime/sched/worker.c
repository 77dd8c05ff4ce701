/*
 * worker.c - one worker thread: its uv loop, its HTTP engines (through the
 * request module's struct sw__net), its share of the users and its
 * statistics.
 *
 * Every worker computes the same global spawn schedule from the plan and
 * starts only its own users (sw__user_home), so no thread ever waits for
 * another and nothing mutable is shared on the hot path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "request.h"
#include "scheduler.h"
#include "worker.h"
#include "util/buf.h"

int sw__user_home(const struct sw__options *o, int threads, int64_t k,
                  int64_t *slot)
{
    int64_t shards = o->shard_count > 0 ? o->shard_count : 1;
    if ((k - 1) % shards != o->shard_index)
        return -1;
    int64_t j = (k - 1) / shards;       /* this process's j-th user */
    if (slot)
        *slot = j / threads;
    return (int)(j % threads);
}

int64_t sw__arrival_index(const struct sw__options *o, int threads,
                          int index, int64_t m)
{
    int64_t shards = o->shard_count > 0 ? o->shard_count : 1;
    return (m * threads + index) * shards + o->shard_index;
}

/* The global user id of this thread's slot (sw__user_home inverted). */
static int64_t slot_user(const struct sw__worker *w, int64_t slot)
{
    const struct sw__options *o = w->run->opt;
    int64_t shards = o->shard_count > 0 ? o->shard_count : 1;
    int64_t j = slot * w->run->threads + w->index;
    return j * shards + o->shard_index + 1;
}

static double now_ms(void)
{
    return (double)uv_hrtime() / 1e6;
}

static void notify_main(struct sw__worker *w)
{
    uv_async_send(w->run->main_wake);
}

static void close_all(struct sw__worker *w);

static void maybe_done(struct sw__worker *w)
{
    if (w->stopping) {
        if (atomic_load(&w->alive) == 0 && !w->closed && w->ngrave == 0)
            close_all(w);
        return;
    }
    /* open model: users idle in the pool do not keep the run going once
     * no arrival is left */
    if ((w->open ? w->busy : atomic_load(&w->alive)) > 0)
        return;
    if (w->spawning_done && !atomic_load(&w->idle)) {
        atomic_store(&w->idle, 1);
        notify_main(w);
    }
}

/* ---- spawning ---------------------------------------------------------- */

static void apply_plan(struct sw__worker *w, int64_t target, double step_ms)
{
    const struct sw__run *run = w->run;
    const struct sw__options *o = run->opt;
    if (target > w->cur_target) {
        /* how many of this step are ours, for --jitter-start */
        int64_t mine = 0, nth = 0;
        if (o->jitter_start)
            for (int64_t k = w->cur_target + 1; k <= target; k++)
                mine += sw__user_home(o, run->threads, k, NULL) == w->index;
        for (int64_t k = w->cur_target + 1; k <= target; k++) {
            int64_t slot = 0;
            if (sw__user_home(o, run->threads, k, &slot) != w->index)
                continue;
            int cls = run->class_of[k];
            if (cls < 0 || slot >= w->nslots || w->slots[slot])
                continue;
            uint64_t delay = 0;
            if (o->jitter_start && mine > 1 && step_ms > 0)
                delay = (uint64_t)(step_ms * (double)nth++ / (double)mine);
            sw_user_t *u = sw__user_spawn(w, cls, k, delay);
            if (!u) {
                fprintf(stderr, "swarm: out of memory spawning user %lld\n",
                        (long long)k);
                continue;
            }
            w->slots[slot] = u;
        }
    } else {
        /* ramp-down: the most recently added users stop first */
        for (int64_t k = w->cur_target; k > target; k--) {
            int64_t slot = 0;
            if (sw__user_home(o, run->threads, k, &slot) != w->index ||
                slot >= w->nslots || !w->slots[slot])
                continue;
            sw__user_stop(w->slots[slot], o->stop_timeout_ms > 0);
        }
    }
    w->cur_target = target;
}

static void on_spawn(uv_timer_t *t)
{
    struct sw__worker *w = t->data;
    if (w->stopping)
        return;
    double now = now_ms() - (double)w->run->t0_ms;
    double next;
    const struct sw__plan *plan = w->plan ? w->plan : &w->run->plan;
    int64_t target = sw__plan_target(plan, now, &next);
    apply_plan(w, target, sw__plan_step_ms(plan, now));
    if (next >= 0) {
        double d = next - (now_ms() - (double)w->run->t0_ms);
        uv_timer_start(&w->spawn_timer, on_spawn, d > 0 ? (uint64_t)d : 0, 0);
    } else {
        w->spawning_done = 1;
        maybe_done(w);
    }
}

/* ---- the open model ------------------------------------------------------ */

/* One arrival due at intended_ms (uv_hrtime ms): the most recently idle
 * user of the pool runs it; else a new user is created in a free slot (its
 * on_start first); else the pool is exhausted and the arrival is dropped
 * and counted, never delayed (k6's dropped_iterations). */
static void arrive(struct sw__worker *w, double intended_ms)
{
    if (w->npool > 0) {
        sw_user_t *u = w->pool[--w->npool];
        u->pool_pos = -1;
        w->busy++;
        sw__user_arrive(u, intended_ms);
        return;
    }
    while (w->nvacant > 0) {
        int64_t slot = w->vacant[--w->nvacant];
        int64_t k = slot_user(w, slot);
        int cls = w->run->class_of[k];
        if (cls < 0)
            continue;           /* only full fixed classes: not a user */
        sw_user_t *u = sw__user_spawn(w, cls, k, 0);
        if (!u) {
            fprintf(stderr, "swarm: out of memory creating user %lld\n",
                    (long long)k);
            w->vacant[w->nvacant++] = slot;
            break;
        }
        u->arrival_ms = intended_ms;
        w->slots[slot] = u;
        w->busy++;
        return;
    }
    atomic_fetch_add_explicit(&w->dropped, 1, memory_order_relaxed);
}

static void on_arrival(uv_timer_t *t)
{
    struct sw__worker *w = t->data;
    const struct sw__run *run = w->run;
    while (!w->stopping) {
        int64_t n = sw__arrival_index(run->opt, run->threads, w->index,
                                      w->next_m);
        double at = sw__arrival_ms(&run->arrivals, n);
        if (at < 0) {
            w->spawning_done = 1;
            maybe_done(w);
            return;
        }
        uv_update_time(&w->uv);
        double now = now_ms() - (double)run->t0_ms;
        if (at > now) {
            /* a timer never fires early in loop time; round up */
            uint64_t d = (uint64_t)ceil(at - now);
            uv_timer_start(&w->arrival_timer, on_arrival, d ? d : 1, 0);
            return;
        }
        /* due (or overdue after a stall: each still starts, and its
         * latency counts from when it was due) */
        w->next_m++;
        arrive(w, (double)run->t0_ms + at);
    }
}

void sw__worker_user_idle(struct sw__worker *w, sw_user_t *u)
{
    /* the pool holds at most every slot's user: it never grows */
    u->pool_pos = w->npool;
    w->pool[w->npool++] = u;
    w->busy--;
    maybe_done(w);
}

/* ---- stopping ---------------------------------------------------------- */

static void on_kill(uv_timer_t *t)
{
    struct sw__worker *w = t->data;
    for (int64_t i = 0; i < w->nslots; i++)
        if (w->slots[i])
            sw__user_stop(w->slots[i], 0);
    maybe_done(w);
}

static void take_plan(struct sw__worker *w);

static void on_wake(uv_async_t *a)
{
    struct sw__worker *w = a->data;
    take_plan(w);
    int cmd = atomic_load(&w->cmd);
    if (cmd == SW_CMD_NONE || w->stopping)
        return;
    w->stopping = 1;
    uv_timer_stop(&w->spawn_timer);
    uv_timer_stop(&w->arrival_timer);
    const struct sw__options *o = w->run->opt;
    /* A run that ends because its data ran out did not ask for its
     * requests in flight to be dropped: the running tasks finish and
     * their requests are recorded.  Without --stop-timeout the bound is
     * --timeout, the longest a request in flight can take by default. */
    int64_t grace_ms = o->stop_timeout_ms > 0 ? o->stop_timeout_ms
                       : cmd == SW_CMD_DRAIN ? o->timeout_ms : 0;
    int graceful = grace_ms > 0;
    for (int64_t i = 0; i < w->nslots; i++)
        if (w->slots[i])
            sw__user_stop(w->slots[i], graceful);
    if (graceful)
        uv_timer_start(&w->kill_timer, on_kill, (uint64_t)grace_ms, 0);
    maybe_done(w);
}

void sw__worker_stop(struct sw__worker *w)
{
    /* a drain asked for first stays one */
    int none = SW_CMD_NONE;
    atomic_compare_exchange_strong(&w->cmd, &none, SW_CMD_STOP);
    uv_async_send(&w->wake);
}

void sw__worker_drain(struct sw__worker *w)
{
    atomic_store(&w->cmd, SW_CMD_DRAIN);
    uv_async_send(&w->wake);
}

static void on_reap(uv_check_t *c)
{
    struct sw__worker *w = c->data;
    /* 1. the users queued for this turn (swapped out: what they queue now
     *    runs on the next turn) */
    if (w->nready > 0) {
        sw_user_t **run = w->ready;
        int n = w->nready;
        size_t cap = w->capready;
        w->ready = w->ready_spare;
        w->capready = w->capspare;
        w->nready = 0;
        w->ready_spare = run;
        w->capspare = cap;
        for (int i = 0; i < n; i++)
            sw__sched_deferred(run[i]);
    }
    /* 2. users end deep inside their own callbacks; they are freed here,
     *    after the queue above, when nothing on the stack or in the queue
     *    still points at them (a queued user that ended is skipped by
     *    sw__sched_deferred, which looks at its state) */
    for (int i = 0; i < w->ngrave; i++)
        sw__user_free(w->grave[i]);
    w->ngrave = 0;
    if (w->nready == 0) {
        uv_check_stop(&w->reaper);
        uv_idle_stop(&w->idler);
    }
    maybe_done(w);
}

static void on_idle(uv_idle_t *i)
{
    (void)i;    /* only there so that the poll does not block */
}

void sw__worker_defer(struct sw__worker *w, sw_user_t *u)
{
    w->ready = sw__grow(w->ready, &w->capready, (size_t)w->nready + 1,
                        sizeof *w->ready);
    w->ready[w->nready++] = u;
    uv_check_start(&w->reaper, on_reap);
    uv_idle_start(&w->idler, on_idle);
}

void sw__worker_user_gone(struct sw__worker *w, sw_user_t *u)
{
    int64_t slot = 0;
    if (sw__user_home(w->run->opt, w->run->threads, u->id, &slot) ==
            w->index && slot < w->nslots && w->slots[slot] == u) {
        w->slots[slot] = NULL;
        if (w->open)
            w->vacant[w->nvacant++] = slot;  /* a later arrival refills it */
    }
    if (w->open) {
        if (u->pool_pos >= 0) {
            /* ended while idle: out of the pool */
            sw_user_t *last = w->pool[--w->npool];
            w->pool[u->pool_pos] = last;
            last->pool_pos = u->pool_pos;
            u->pool_pos = -1;
        } else {
            w->busy--;
        }
    }
    w->grave = sw__grow(w->grave, &w->capgrave, (size_t)w->ngrave + 1,
                        sizeof *w->grave);
    w->grave[w->ngrave++] = u;
    /* the idle handle makes this turn's poll return at once, so the
     * reaper runs now and not at the next event */
    uv_check_start(&w->reaper, on_reap);
    uv_idle_start(&w->idler, on_idle);
    atomic_fetch_sub(&w->alive, 1);
}

static void close_all(struct sw__worker *w)
{
    w->closed = 1;
    uv_timer_stop(&w->spawn_timer);
    uv_timer_stop(&w->kill_timer);
    uv_timer_stop(&w->arrival_timer);
    uv_check_stop(&w->reaper);
    uv_idle_stop(&w->idler);
    uv_close((uv_handle_t *)&w->idler, NULL);
    uv_close((uv_handle_t *)&w->spawn_timer, NULL);
    uv_close((uv_handle_t *)&w->kill_timer, NULL);
    uv_close((uv_handle_t *)&w->arrival_timer, NULL);
    uv_close((uv_handle_t *)&w->reaper, NULL);
    uv_close((uv_handle_t *)&w->wake, NULL);
    sw__net_close(&w->net);
}

/* The loop closed (its handles were closed and run out) and the user
 * tables freed: what a worker and the hook loop both leave behind. */
static void free_loop(struct sw__worker *w, const char *what)
{
    if (uv_loop_close(&w->uv) != 0) {
        fprintf(stderr, "swarm: %s %d: uv_loop_close: busy\n", what,
                w->index);
        atomic_fetch_add(&w->run->loops_left_open, 1);
    }
    free(w->slots);
    free(w->grave);
    free(w->ready);
    free(w->ready_spare);
    free(w->pool);
    free(w->vacant);
    w->slots = NULL;
    w->grave = NULL;
    w->ready = w->ready_spare = NULL;
    w->pool = NULL;
    w->vacant = NULL;
}

void sw__worker_close(struct sw__worker *w)
{
    if (!w->closed)
        close_all(w);
    if (uv_run(&w->uv, UV_RUN_DEFAULT) != 0)
        atomic_fetch_add(&w->run->loops_left_open, 1);
    sw__net_free(&w->net);
    free_loop(w, "hook loop");
}

/* ---- the thread -------------------------------------------------------- */

static void *thread_main(void *arg)
{
    struct sw__worker *w = arg;
    /* named (swarm-w0, swarm-w1, ...), so that top -H and the bench's
     * per-thread CPU quota (bench/cpu_quota.sh) can tell workers apart */
    char name[16];
    snprintf(name, sizeof name, "swarm-w%d", w->index % 10000);
    pthread_setname_np(pthread_self(), name);
    double d = (double)w->run->t0_ms - now_ms();
    if (w->open)
        uv_timer_start(&w->arrival_timer, on_arrival,
                       d > 0 ? (uint64_t)d : 0, 0);
    else
        uv_timer_start(&w->spawn_timer, on_spawn, d > 0 ? (uint64_t)d : 0,
                       0);
    int rc = uv_run(&w->uv, UV_RUN_DEFAULT);
    if (rc != 0) {
        fprintf(stderr, "swarm: worker %d: loop ended with handles open\n",
                w->index);
        atomic_fetch_add(&w->run->loops_left_open, 1);
    }
    sw__net_free(&w->net);
    take_plan(w);       /* one sent after the end */
    if (w->plan) {
        sw__plan_free(w->plan);
        free(w->plan);
        w->plan = NULL;
    }
    free_loop(w, "worker");
    atomic_store(&w->finished, 1);
    notify_main(w);
    return NULL;
}

/* ---- the scheduler's clock (clock.h) on this loop ---------------------- */

static double clock_now_ms(void *ctx)
{
    (void)ctx;
    return now_ms();
}

static void free_timer(uv_handle_t *h)
{
    free(h);
}

static int clock_timer_open(void *ctx, sw_user_t *u)
{
    struct sw__worker *w = ctx;
    uv_timer_t *t = malloc(sizeof *t);
    if (!t || uv_timer_init(&w->uv, t) != 0) {
        free(t);
        return -1;
    }
    t->data = u;
    u->timer = t;
    return 0;
}

static void clock_timer_close(void *ctx, sw_user_t *u)
{
    (void)ctx;
    uv_timer_stop(u->timer);
    uv_close((uv_handle_t *)u->timer, free_timer);
    u->timer = NULL;
}

static void on_user_timer(uv_timer_t *t)
{
    sw__sched_timer(t->data);
}

static void clock_timer_start(void *ctx, sw_user_t *u, uint64_t ms)
{
    (void)ctx;
    if (uv_timer_start(u->timer, on_user_timer, ms, 0) != 0) {
        fprintf(stderr, "swarm: uv_timer_start failed\n");
        abort();
    }
}

static void clock_timer_stop(void *ctx, sw_user_t *u)
{
    (void)ctx;
    uv_timer_stop(u->timer);
}

static void clock_defer(void *ctx, sw_user_t *u)
{
    sw__worker_defer(ctx, u);
}

int sw__worker_init(struct sw__worker *w)
{
    const struct sw__run *run = w->run;
    int64_t local = 0;
    for (int64_t k = 1; k <= run->plan.max_users; k++) {
        int64_t slot = 0;
        if (sw__user_home(run->opt, run->threads, k, &slot) == w->index &&
            slot + 1 > local)
            local = slot + 1;
    }
    w->nslots = local;
    w->slots = calloc((size_t)local + 1, sizeof *w->slots);
    if (!w->slots)
        return -1;
    w->open = run->open;
    if (w->open) {
        w->pool = calloc((size_t)local + 1, sizeof *w->pool);
        w->vacant = calloc((size_t)local + 1, sizeof *w->vacant);
        if (!w->pool || !w->vacant)
            return -1;
        /* created lazily, the lowest slot first */
        for (int64_t i = local - 1; i >= 0; i--)
            w->vacant[w->nvacant++] = i;
    }
    atomic_init(&w->cmd, SW_CMD_NONE);
    atomic_init(&w->alive, 0);
    atomic_init(&w->failures, 0);
    atomic_init(&w->dropped, 0);
    atomic_init(&w->idle, 0);
    atomic_init(&w->finished, 0);
    atomic_init(&w->plan_next, NULL);
    w->plan = NULL;
    if (uv_loop_init(&w->uv) != 0)
        return -1;
    w->clock = (struct sw__clock){
        .now_ms = clock_now_ms, .timer_open = clock_timer_open,
        .timer_close = clock_timer_close, .timer_start = clock_timer_start,
        .timer_stop = clock_timer_stop, .defer = clock_defer, .ctx = w,
    };
    struct sw__engine_config cfg = { .insecure = run->opt->insecure,
                                     .engine = run->opt->engine };
    if (sw__net_init(&w->net, &w->uv, &cfg, run->opt->host,
                     run->opt->timeout_ms, w->stats, &w->failures,
                     sw__sched_complete) != 0 ||
        uv_async_init(&w->uv, &w->wake, on_wake) != 0 ||
        uv_timer_init(&w->uv, &w->spawn_timer) != 0 ||
        uv_timer_init(&w->uv, &w->kill_timer) != 0 ||
        uv_timer_init(&w->uv, &w->arrival_timer) != 0 ||
        uv_check_init(&w->uv, &w->reaper) != 0 ||
        uv_idle_init(&w->uv, &w->idler) != 0)
        return -1;
    w->wake.data = w->spawn_timer.data = w->kill_timer.data = w;
    w->arrival_timer.data = w;
    w->reaper.data = w->idler.data = w;
    return 0;
}

int sw__worker_start(struct sw__worker *w)
{
    if (sw__worker_init(w) != 0)
        return -1;
    if (pthread_create(&w->thread, NULL, thread_main, w) != 0) {
        fprintf(stderr, "swarm: cannot start worker thread %d\n", w->index);
        return -1;
    }
    return 0;
}

/* ---- run control ---------------------------------------------------------- */

void sw__worker_set_plan(struct sw__worker *w, struct sw__plan *p)
{
    struct sw__plan *old = atomic_exchange(&w->plan_next, p);
    if (old) {
        /* not taken yet: the newer plan replaces it */
        sw__plan_free(old);
        free(old);
    }
    uv_async_send(&w->wake);
}

/* On the worker's thread: a plan sent by sw__worker_set_plan replaces the
 * one followed so far, and the spawn timer runs it from now on. */
static void take_plan(struct sw__worker *w)
{
    struct sw__plan *p = atomic_exchange(&w->plan_next, NULL);
    if (!p)
        return;
    if (w->plan) {
        sw__plan_free(w->plan);
        free(w->plan);
    }
    w->plan = p;
    if (w->stopping || w->closed || w->open)
        return;
    w->spawning_done = 0;
    atomic_store(&w->idle, 0);
    uv_timer_start(&w->spawn_timer, on_spawn, 0, 0);
}
