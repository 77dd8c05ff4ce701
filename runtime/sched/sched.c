/*
 * sched.c - the scheduler: a user's on_start, its root set, nested sets,
 * waits, interrupts, stops and on_stop chains, exactly as Locust 2.x
 * (research/locust-semantics.md 1.1-1.11).
 *
 * A user is a small state machine driven by three events: its request
 * finished (sw__sched_complete, called with the request's completion
 * record), its next step came due (waits, sleeps, picks), or its worker
 * stopped it.  A step due after a wait goes through the user's timer; a
 * step due now (a wait of 0, a pick right after a set's on_start, a
 * request that failed before it left) goes through the worker's per-turn
 * queue (the clock's defer), so a loop of tasks that never do I/O still
 * returns to the event loop between tasks.  A task body yields only
 * through sw_req_send and sw_sleep_ms, both here, and each arranges its
 * own resume.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "request.h"
#include "plan.h"
#include "rng.h"
#include "scheduler.h"
#include "user.h"
#include "data.h"

/* u->phase = state | kind << 8 | QUEUED (in the worker's 0 ms queue) */
enum state {
    ST_NEW, ST_BODY, ST_WAIT, ST_PICK, ST_SLEEP, ST_DELAY, ST_DONE,
    ST_IDLE,                    /* open model: in the pool, no iteration */
    ST_REQUEST                  /* a body waits for its request's response */
};
/* A body is running or suspended in one of its yields. */
#define IN_BODY(st) ((st) == ST_BODY || (st) == ST_SLEEP || (st) == ST_REQUEST)
enum kind {
    K_NONE, K_USER_START, K_SET_START, K_TASK, K_SET_STOP_WAIT,
    K_SET_STOP_NOW, K_CHAIN,
    K_HOOK                      /* on_test_start/on_test_stop (hooks.c) */
};

#define QUEUED 0x10000
#define STATE(u) ((u)->phase & 0xff)
#define KIND(u) (((u)->phase >> 8) & 0xff)
#define SET_PHASE(u, s, k) ((u)->phase = ((u)->phase & QUEUED) | (s) | ((k) << 8))

enum { F_STARTED = 1, F_STOPPED = 2 };

struct sw__set_frame {
    const struct sw__rset *rs;
    int seq_idx, seq_rep;       /* seq: position and runs of it so far */
    int flags;
    int *queue;                 /* sw_schedule FIFO (indexes into all[]) */
    int qlen, qcap;
    int64_t iters;              /* root frame: tasks picked (--iterations) */
    struct sw__pacing pacing;
};

static void pick(sw_user_t *u);
static void timer_stop(sw_user_t *u);
static void chain_next(sw_user_t *u);
static void stop_now(sw_user_t *u);

/* ---- the open model: iterations started by arrivals -------------------- */

/* In the open model a user runs one iteration per arrival: one task picked
 * from its root set (a nested set runs, with its own waits, until it
 * leaves), then it returns to its worker's pool; the root set's wait_time
 * is not used, the arrival schedule paces the starts. */
static int open_model(const sw_user_t *u)
{
    return u->worker->open;
}

static void go_idle(sw_user_t *u)
{
    u->intended_ms = -1;
    if (u->stopping) {
        stop_now(u);
        return;
    }
    timer_stop(u);
    u->phase &= ~QUEUED;
    SET_PHASE(u, ST_IDLE, K_NONE);
    sw__worker_user_idle(u->worker, u);
}

/* The iteration is over when control is back in the root set. */
static int iteration_over(sw_user_t *u)
{
    if (!open_model(u) || u->depth != 1)
        return 0;
    go_idle(u);
    return 1;
}

void sw__user_arrive(sw_user_t *u, double intended_ms)
{
    u->intended_ms = intended_ms;
    SET_PHASE(u, ST_PICK, K_NONE);
    pick(u);
}

/* ---- tag filtering (Locust filter_tasks_by_tags) ---------------------- */

static int has_tag(const char *const *tags, const char *const *inherited,
                   const char *const *list)
{
    for (int i = 0; list && list[i]; i++) {
        for (int j = 0; tags && tags[j]; j++)
            if (!strcmp(tags[j], list[i]))
                return 1;
        for (int j = 0; inherited && inherited[j]; j++)
            if (!strcmp(inherited[j], list[i]))
                return 1;
    }
    return 0;
}

static void rset_free(struct sw__rset *rs)
{
    if (!rs)
        return;
    for (int i = 0; rs->all && i < rs->nall; i++)
        rset_free(rs->all[i].child);
    free(rs->all);
    free(rs->pick);
    free(rs->weights);
    free(rs);
}

/* Builds the filtered copy of def.  `inherited` are the tags of the task
 * that runs this set (Locust: @tag on a TaskSet tags every task in it). */
static struct sw__rset *rset_build(const sw_set_t *def,
                                   const char *const *inherited,
                                   const struct sw__options *o, int depth)
{
    /* The checker accepts sets used as tasks nested 100 deep below the
     * user's own tasks (CK_MAX_SET_DEPTH): this guard stops a runaway only,
     * never a scenario swarmc accepted. */
    if (depth > 100) {
        fprintf(stderr, "swarm: set '%s' nested too deeply\n", def->name);
        return NULL;
    }
    struct sw__rset *rs = calloc(1, sizeof *rs);
    int n = def->ntasks;
    if (!rs)
        return NULL;
    rs->def = def;
    rs->nall = n;
    rs->all = calloc((size_t)n + 1, sizeof *rs->all);
    rs->pick = calloc((size_t)n + 1, sizeof *rs->pick);
    rs->weights = calloc((size_t)n + 1, sizeof *rs->weights);
    if (!rs->all || !rs->pick || !rs->weights)
        goto fail;
    for (int i = 0; i < n; i++) {
        const sw_task_t *t = &def->tasks[i];
        rs->all[i].def = t;
        int pass;
        if (t->set) {
            /* the child's tasks inherit this task's tags (and ours) */
            const char *merged[64];
            int m = 0;
            for (int j = 0; inherited && inherited[j] && m < 62; j++)
                merged[m++] = inherited[j];
            for (int j = 0; t->tags && t->tags[j] && m < 62; j++)
                merged[m++] = t->tags[j];
            merged[m] = NULL;
            rs->all[i].child = rset_build(t->set, merged, o, depth + 1);
            if (!rs->all[i].child)
                goto fail;
            pass = rs->all[i].child->npick > 0;
        } else {
            pass = 1;
            if (o->tags)
                pass &= has_tag(t->tags, inherited, o->tags);
            if (o->exclude_tags)
                pass &= !has_tag(t->tags, inherited, o->exclude_tags);
        }
        if (pass && t->weight > 0) {
            rs->pick[rs->npick] = i;
            rs->weights[rs->npick] = t->weight;
            rs->npick++;
            rs->total_weight += t->weight;
        }
    }
    return rs;
fail:
    rset_free(rs);
    return NULL;
}

/* The eligible tasks with a body below rs, depth first, into *out. */
static int collect(const struct sw__rset *rs, const sw_task_t ***out,
                   int *n, int *cap)
{
    for (int k = 0; k < rs->npick; k++) {
        const struct sw__rtask *t = &rs->all[rs->pick[k]];
        if (t->child) {
            if (collect(t->child, out, n, cap) != 0)
                return -1;
            continue;
        }
        if (*n == *cap) {
            int c = *cap ? *cap * 2 : 16;
            const sw_task_t **a = realloc(*out, sizeof *a * (size_t)c);
            if (!a)
                return -1;
            *out = a;
            *cap = c;
        }
        (*out)[(*n)++] = t->def;
    }
    return 0;
}

static int by_fn(const void *a, const void *b)
{
    const sw_task_t *x = **(const sw_task_t *const *const *)a;
    const sw_task_t *y = **(const sw_task_t *const *const *)b;
    /* a body is its function and first resume point (sw_task_t.pc0) */
    uintptr_t fx = (uintptr_t)x->fn, fy = (uintptr_t)y->fn;
    if (fx != fy)
        return fx < fy ? -1 : 1;
    if (x->pc0 != y->pc0)
        return x->pc0 < y->pc0 ? -1 : 1;
    /* the same task reached twice: the first place wins */
    const sw_task_t *const *pa = *(const sw_task_t *const *const *)a;
    const sw_task_t *const *pb = *(const sw_task_t *const *const *)b;
    return pa < pb ? -1 : pa > pb;
}

/* --equal-weights, as Locust's Environment.assign_equal_weights: the
 * user's tasks become every task with a body in it and in its nested sets
 * (after the tag filter), each once, each of weight 1.  The flattened
 * tasks run in the user's own set: its wait and default headers apply,
 * `interrupt` ends the task only, and `schedule` is ignored (its task
 * numbers are those of the set the task was written in). */
static struct sw__rset *flatten(struct sw__rset *tree)
{
    const sw_task_t **t = NULL, ***order = NULL;
    int n = 0, cap = 0, m = 0;
    struct sw__rset *rs = calloc(1, sizeof *rs);
    if (!rs || collect(tree, &t, &n, &cap) != 0)
        goto fail;
    order = calloc((size_t)n + 1, sizeof *order);
    rs->all = calloc((size_t)n + 1, sizeof *rs->all);
    rs->pick = calloc((size_t)n + 1, sizeof *rs->pick);
    rs->weights = calloc((size_t)n + 1, sizeof *rs->weights);
    if (!order || !rs->all || !rs->pick || !rs->weights)
        goto fail;
    /* duplicates (a set used twice) found in n log n; the survivors keep
     * their first place, so a run is the same for a --seed */
    for (int i = 0; i < n; i++)
        order[i] = &t[i];
    qsort(order, (size_t)n, sizeof *order, by_fn);
    for (int i = 1, kept = 0; i < n; i++) {
        if ((*order[i])->fn == (*order[kept])->fn &&
            (*order[i])->pc0 == (*order[kept])->pc0)
            *order[i] = NULL;   /* order[kept] comes first in t */
        else
            kept = i;
    }
    for (int i = 0; i < n; i++) {
        if (!t[i])
            continue;
        rs->all[m].def = t[i];
        rs->pick[m] = m;
        rs->weights[m] = 1;
        m++;
    }
    rs->def = tree->def;
    rs->nall = rs->npick = m;
    rs->total_weight = m;
    rs->flat = 1;
    free(order);
    free(t);
    rset_free(tree);
    return rs;
fail:
    free(order);
    free(t);
    rset_free(rs);
    rset_free(tree);
    return NULL;
}

int sw__sched_prepare(struct sw__run *run, unsigned char *skip)
{
    const sw_scenario_t *sc = run->sc;
    run->roots = calloc((size_t)sc->nusers + 1, sizeof *run->roots);
    if (!run->roots)
        return -1;
    for (int i = 0; i < sc->nusers; i++) {
        run->roots[i] = rset_build(&sc->users[i].root, NULL, run->opt, 0);
        if (run->roots[i] && run->opt->equal_weights)
            run->roots[i] = flatten(run->roots[i]);
        if (!run->roots[i])
            return -1;
        skip[i] = run->roots[i]->npick == 0;
    }
    return 0;
}

void sw__sched_release(struct sw__run *run)
{
    for (int i = 0; run->roots && i < run->sc->nusers; i++)
        rset_free(run->roots[i]);
    free(run->roots);
    run->roots = NULL;
}

/* ---- frames ----------------------------------------------------------- */

static struct sw__set_frame *top(sw_user_t *u)
{
    return &u->stack[u->depth - 1];
}

static int push(sw_user_t *u, const struct sw__rset *rs)
{
    if (u->depth == u->stack_cap) {
        int cap = u->stack_cap ? u->stack_cap * 2 : 2;
        struct sw__set_frame *s = realloc(u->stack, sizeof *s * (size_t)cap);
        if (!s)
            return -1;
        u->stack = s;
        u->stack_cap = cap;
    }
    struct sw__set_frame *f = &u->stack[u->depth++];
    memset(f, 0, sizeof *f);
    f->rs = rs;
    sw__pacing_init(&f->pacing);
    return 0;
}

static void pop(sw_user_t *u)
{
    if (u->depth > 0) {
        free(top(u)->queue);
        u->depth--;
    }
}

/* ---- time: everything through the worker's clock ---------------------- */

static const struct sw__clock *clock_of(const sw_user_t *u)
{
    return &u->worker->clock;
}

static double now_ms(const sw_user_t *u)
{
    const struct sw__clock *c = clock_of(u);
    return c->now_ms(c->ctx);
}

static void timer_stop(sw_user_t *u)
{
    const struct sw__clock *c = clock_of(u);
    c->timer_stop(c->ctx, u);
}

/* The user's next step after ms milliseconds: a 0 ms step goes through
 * the worker's per-turn queue (the clock's defer; see sw__worker_defer),
 * longer ones through the user's timer. */
static void arm(sw_user_t *u, int state, int kind, double ms)
{
    SET_PHASE(u, state, kind);
    uint64_t d = ms > 0 ? (uint64_t)(ms + 0.5) : 0;
    const struct sw__clock *c = clock_of(u);
    if (d == 0) {
        c->timer_stop(c->ctx, u);
        if (!(u->phase & QUEUED)) {
            u->phase |= QUEUED;
            c->defer(c->ctx, u);
        }
        return;
    }
    u->phase &= ~QUEUED;
    c->timer_start(c->ctx, u, d);
}

/* ---- bodies ----------------------------------------------------------- */

static void after_body(sw_user_t *u, int kind, sw_step_t r);

static void call_body(sw_user_t *u)
{
    int kind = KIND(u);
    SET_PHASE(u, ST_BODY, kind);
    sw__scratch_reset(u);
    sw_step_t r = u->running(u, &u->frame);
    if (r == SW_YIELD) {
        /* sw_req_send / sw_sleep_ms left the state their resume needs */
        if (STATE(u) != ST_BODY)
            return;
        r = SW_DONE;            /* a yield with nothing pending */
    }
    u->running = NULL;
    sw_req_end(u);              /* a body that did not end its request */
    after_body(u, kind, r);
}

/* A body starts at its first resume point: pc0 of its task (bodies
 * sharing a function), 0 for every other body. */
static void start_at(sw_user_t *u, sw_task_fn fn, int pc0, int kind)
{
    u->running = fn;
    u->frame.pc = pc0;
    SW__GROUPS_RESET(&u->groups);   /* groups left open by an ended body */
    if (u->worker->run->sc->nlocals > 0)
        memset(u->frame.loc, 0,
               sizeof *u->frame.loc * (size_t)u->worker->run->sc->nlocals);
    SET_PHASE(u, ST_BODY, kind);
    call_body(u);
}

static void start_body(sw_user_t *u, sw_task_fn fn, int kind)
{
    start_at(u, fn, 0, kind);
}

void sw__sched_complete(sw_user_t *u, const struct sw__http_result *res)
{
    (void)res;                  /* checks read the response; stats come
                                   from sw_req_end */
    if (STATE(u) == ST_REQUEST && u->running) {
        SET_PHASE(u, ST_BODY, KIND(u));
        u->chain = 1;           /* see wait_then_pick */
        call_body(u);
        u->chain = 0;
    }
}

/* The request's latency is measured from the iteration's intended start
 * when it is the iteration's first request and the iteration has one (not
 * in on_start / on_stop); the request takes it, so the next does not. */
static double take_intended(sw_user_t *u)
{
    double t = u->intended_ms;
    if (t < 0 || KIND(u) == K_USER_START || KIND(u) == K_CHAIN)
        return -1;
    u->intended_ms = -1;
    return t;
}

/* The default headers of the user and its running sets (request.h),
 * outermost first.  Scenarios have few, so a scan finds a set's. */
static void default_headers(sw_user_t *u)
{
    const sw_scenario_t *sc = u->data ? u->data->sc : NULL;
    struct sw__req_mark m;
    if (!sc || sc->nset_headers <= 0 || sw__req_defaults_begin(u, &m) != 0)
        return;
    for (int i = 0; i < u->depth; i++)
        for (int k = 0; k < sc->nset_headers; k++)
            if (sc->set_headers[k].set == u->stack[i].rs->def)
                sc->set_headers[k].fn(u);
    sw__req_defaults_end(u, &m);
}

sw_step_t sw_req_send(sw_user_t *u, sw_frame_t *f, int resume_pc)
{
    f->pc = resume_pc;
    default_headers(u);
    switch (sw__req_send(u, take_intended(u))) {
    case SW__SENT:
        SET_PHASE(u, ST_REQUEST, KIND(u));
        break;
    case SW__SEND_FAILED:
        /* finished already: resume on the next loop turn rather than
         * re-entering the body from inside it */
        arm(u, ST_SLEEP, KIND(u), 0);
        break;
    }
    return SW_YIELD;
}

/* ---- waits and picks -------------------------------------------------- */

/* The wait after a task of the top set: the set's own wait_time, else the
 * user's (Locust: TaskSet.wait_time delegates to the user, not the parent),
 * with its pacing state on the frame that owns the function. */
static void wait_then_pick(sw_user_t *u)
{
    u->intended_ms = -1;
    if (iteration_over(u))
        return;
    struct sw__set_frame *f = top(u);
    if (f->rs->def->wait.kind == SW_WAIT_INHERIT)
        f = &u->stack[0];
    double now = now_ms(u);
    /* a paced user's next task has a schedule: its first request's
     * latency is also measured from it */
    u->intended_ms = sw__wait_intended_ms(&f->rs->def->wait, &f->pacing,
                                          now);
    double ms = sw__wait_ms(&f->rs->def->wait, &f->pacing, now, u->rng);
    if (ms <= 0 && u->chain) {
        /* A task resumed by its response ended with no wait: the next one
         * starts now, inside the loop's read callback, while the user's
         * state, its request object and its connection are still in the
         * cache (through the 0 ms queue they would be picked up again
         * after every other user of the batch, thousands of users later).
         * Once per completion, so a task that never yields still goes
         * through the queue and gives the loop its turn.  No timer of the
         * user runs here: it was waiting for its response. */
        u->chain = 0;
        SET_PHASE(u, ST_WAIT, K_NONE);
        pick(u);
        return;
    }
    arm(u, ST_WAIT, K_NONE, ms);
}

static void stop_now(sw_user_t *u)
{
    u->stopping = 1;
    chain_next(u);
}

/* The parent continues after a child set ended (interrupt or empty). */
static void parent_continue(sw_user_t *u, int wait_first)
{
    if (u->stopping)
        stop_now(u);
    else if (wait_first)
        wait_then_pick(u);
    else if (!iteration_over(u))
        arm(u, ST_PICK, K_NONE, 0);
}

static void pick(sw_user_t *u)
{
    if (u->stopping) {
        stop_now(u);
        return;
    }
    struct sw__set_frame *f = top(u);
    const struct sw__rset *rs = f->rs;
    const struct sw__options *o = u->worker->run->opt;
    /* --iterations (the open model caps its arrivals instead) */
    if (u->depth == 1 && o->iterations > 0 && !open_model(u)) {
        int64_t n;
        if (o->iterations_shared) {
            /* this process's k-th ticket is global ticket k * shards +
             * shard: the shards together run exactly N tasks */
            int64_t k = atomic_fetch_add(&u->worker->run->iter_tickets, 1);
            int64_t shards = o->shard_count > 0 ? o->shard_count : 1;
            n = k * shards + o->shard_index;
        } else {
            n = f->iters++;
        }
        if (n >= o->iterations) {
            stop_now(u);
            return;
        }
    }
    int idx;
    if (f->qlen > 0) {
        idx = f->queue[0];
        memmove(f->queue, f->queue + 1, sizeof *f->queue * (size_t)--f->qlen);
    } else if (rs->npick == 0) {
        /* nothing left to run here (tags): leave the set, or the user */
        if (u->depth > 1) {
            pop(u);
            parent_continue(u, 1);
        } else {
            stop_now(u);
        }
        return;
    } else if (rs->def->kind == SW_SET_SEQ) {
        if (f->seq_idx >= rs->npick)
            f->seq_idx = 0;
        idx = rs->pick[f->seq_idx];
        if (++f->seq_rep >= rs->weights[f->seq_idx]) {
            f->seq_rep = 0;
            f->seq_idx = (f->seq_idx + 1) % rs->npick;
        }
    } else {
        idx = rs->pick[sw__pick_weighted(rs->weights, rs->npick,
                                         rs->total_weight, u->rng)];
    }
    const struct sw__rtask *t = &rs->all[idx];
    if (t->child) {
        if (push(u, t->child) != 0) {
            fprintf(stderr, "swarm: out of memory\n");
            abort();
        }
        if (t->child->def->on_start) {
            start_body(u, t->child->def->on_start, K_SET_START);
        } else {
            top(u)->flags |= F_STARTED;
            pick(u);            /* no wait before a set's first task */
        }
    } else if (t->def->fn) {
        start_at(u, t->def->fn, t->def->pc0, K_TASK);
    } else {
        wait_then_pick(u);
    }
}

/* ---- stopping --------------------------------------------------------- */

static void finished(sw_user_t *u)
{
    SET_PHASE(u, ST_DONE, K_NONE);
    timer_stop(u);
    sw__worker_user_gone(u->worker, u);
}

/* Runs the on_stop of every set on the stack, innermost first, then the
 * user's (the root's), which runs even when the user was stopped in its
 * on_start.  A set whose on_start did not finish gets no on_stop. */
static void chain_next(sw_user_t *u)
{
    timer_stop(u);
    u->phase &= ~QUEUED;
    while (u->depth > 0) {
        struct sw__set_frame *f = top(u);
        sw_task_fn fn = f->rs->def->on_stop;
        int eligible = u->depth == 1 || (f->flags & F_STARTED);
        if (fn && eligible && !(f->flags & F_STOPPED)) {
            f->flags |= F_STOPPED;
            start_body(u, fn, K_CHAIN);
            return;
        }
        pop(u);
    }
    finished(u);
}

static void after_body(sw_user_t *u, int kind, sw_step_t r)
{
    switch (kind) {
    case K_USER_START:
        u->stack[0].flags |= F_STARTED;
        if (r == SW_STOP || u->stopping) {
            stop_now(u);
        } else if (open_model(u)) {
            /* created for an arrival: that arrival's iteration now */
            double t = u->arrival_ms;
            u->arrival_ms = -1;
            if (t >= 0)
                sw__user_arrive(u, t);
            else
                go_idle(u);
        } else {
            pick(u);
        }
        return;
    case K_SET_START:
        if (r == SW_STOP) {
            pop(u);             /* Locust: no on_stop for this set */
            stop_now(u);
        } else if (r == SW_INTERRUPT || r == SW_INTERRUPT_NOW) {
            pop(u);
            parent_continue(u, r == SW_INTERRUPT);
        } else {
            top(u)->flags |= F_STARTED;
            if (u->stopping)
                stop_now(u);
            else
                pick(u);
        }
        return;
    case K_TASK:
        if (r == SW_STOP) {
            stop_now(u);
        } else if ((r == SW_INTERRUPT || r == SW_INTERRUPT_NOW) &&
                   u->depth > 1) {
            sw_task_fn fn = top(u)->rs->def->on_stop;
            int k = r == SW_INTERRUPT ? K_SET_STOP_WAIT : K_SET_STOP_NOW;
            top(u)->flags |= F_STOPPED;
            if (fn) {
                start_body(u, fn, k);
            } else {
                pop(u);
                parent_continue(u, k == K_SET_STOP_WAIT);
            }
        } else if (u->stopping) {
            stop_now(u);
        } else {
            wait_then_pick(u);
        }
        return;
    case K_SET_STOP_WAIT:
    case K_SET_STOP_NOW:
        pop(u);
        if (r == SW_STOP)
            stop_now(u);
        else
            parent_continue(u, kind == K_SET_STOP_WAIT);
        return;
    case K_HOOK:
        SET_PHASE(u, ST_DONE, K_NONE);
        u->hook_done(u, r);
        return;
    case K_CHAIN:
    default:
        pop(u);
        chain_next(u);
        return;
    }
}

void sw__user_run_hook(sw_user_t *u, sw_task_fn fn,
                       void (*done)(sw_user_t *u, sw_step_t r))
{
    u->hook_done = done;
    start_body(u, fn, K_HOOK);
}

void sw__user_stop(sw_user_t *u, int graceful)
{
    int st = STATE(u), kind = KIND(u);
    if (st == ST_DELAY) {
        /* not started yet (--jitter-start): nothing to stop */
        u->stopping = 1;
        timer_stop(u);
        u->phase &= ~QUEUED;
        while (u->depth > 0)
            pop(u);
        finished(u);
        return;
    }
    if (st == ST_DONE || (kind == K_CHAIN && IN_BODY(st)))
        return;                 /* already ending */
    if (graceful && IN_BODY(st) &&
        (kind == K_TASK || kind == K_USER_START || kind == K_SET_START ||
         kind == K_SET_STOP_WAIT || kind == K_SET_STOP_NOW)) {
        u->stopping = 1;        /* finish the running task first */
        return;
    }
    /* Kill: what runs now is abandoned; a request in flight is not
     * recorded (Locust's GreenletExit). */
    u->stopping = 1;
    timer_stop(u);
    u->phase &= ~QUEUED;
    sw__req_cancel(u);
    u->running = NULL;
    if (IN_BODY(st) &&
        (kind == K_SET_START || kind == K_SET_STOP_WAIT ||
         kind == K_SET_STOP_NOW) && u->depth > 1)
        pop(u);
    chain_next(u);
}

/* ---- life ------------------------------------------------------------- */

static void step(sw_user_t *u);

void sw__sched_timer(sw_user_t *u)
{
    step(u);
}

void sw__sched_deferred(sw_user_t *u)
{
    if (!(u->phase & QUEUED))
        return;             /* re-armed with a real timer meanwhile */
    u->phase &= ~QUEUED;
    step(u);
}

static void step(sw_user_t *u)
{
    switch (STATE(u)) {
    case ST_WAIT:
    case ST_PICK:
        pick(u);
        break;
    case ST_SLEEP:
        SET_PHASE(u, ST_BODY, KIND(u));
        call_body(u);
        break;
    case ST_DELAY:
        if (u->cls->root.on_start)
            start_body(u, u->cls->root.on_start, K_USER_START);
        else
            after_body(u, K_USER_START, SW_DONE);
        break;
    default:
        break;
    }
}

sw_step_t sw_sleep_ms(sw_user_t *u, sw_frame_t *f, int64_t ms, int resume_pc)
{
    f->pc = resume_pc;
    arm(u, ST_SLEEP, KIND(u), ms > 0 ? (double)ms : 0);
    return SW_YIELD;
}

/* A while round ends here: a 0 ms step through the worker's per-turn
 * queue, so the loop gives the event loop (and every other user) a turn,
 * and a stop (graceful or not) is seen within one round. */
sw_step_t sw_loop_next(sw_user_t *u, sw_frame_t *f, int resume_pc)
{
    if (u->stopping)
        return SW_DONE;
    return sw_sleep_ms(u, f, 0, resume_pc);
}

void sw_schedule(sw_user_t *u, int task_index, int first)
{
    if (u->depth == 0)
        return;
    struct sw__set_frame *f = top(u);
    if (f->rs->flat || task_index < 0 || task_index >= f->rs->nall)
        return;
    if (f->qlen == f->qcap) {
        int cap = f->qcap ? f->qcap * 2 : 4;
        int *q = realloc(f->queue, sizeof *q * (size_t)cap);
        if (!q) {
            fprintf(stderr, "swarm: out of memory\n");
            abort();
        }
        f->queue = q;
        f->qcap = cap;
    }
    if (first) {
        memmove(f->queue + 1, f->queue, sizeof *f->queue * (size_t)f->qlen);
        f->queue[0] = task_index;
    } else {
        f->queue[f->qlen] = task_index;
    }
    f->qlen++;
}

sw_user_t *sw__user_spawn(struct sw__worker *w, int cls, int64_t id,
                          uint64_t delay_ms)
{
    const struct sw__run *run = w->run;
    sw_user_t *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->worker = w;
    u->cls = &run->sc->users[cls];
    u->data = run->data;
    u->id = id;
    u->intended_ms = -1;
    u->arrival_ms = -1;
    u->pool_pos = -1;
    sw__rng_seed(u->rng, run->seed, id);
    if (w->clock.timer_open(w->clock.ctx, u) != 0) {
        free(u);
        return NULL;
    }
    if (run->sc->nlocals > 0) {
        u->frame.loc = calloc((size_t)run->sc->nlocals, sizeof *u->frame.loc);
        if (!u->frame.loc)
            goto fail;
    }
    if (sw__values_init(u, run->sc->nvars) != 0)
        goto fail;
    if (run->globals)
        sw__hooks_copy_vars(u, run->globals, run->sc->nvars);
    sw__req_user_init(u, &w->net);
    if (push(u, run->roots[cls]) != 0)
        goto fail_values;
    atomic_fetch_add(&w->alive, 1);
    arm(u, ST_DELAY, K_NONE, (double)delay_ms);
    return u;
fail_values:
    sw__req_user_free(u);
    sw__values_free(u, run->sc->nvars);
fail:
    free(u->frame.loc);
    free(u->stack);
    w->clock.timer_close(w->clock.ctx, u);
    free(u);
    return NULL;
}

void sw__user_free(sw_user_t *u)
{
    sw__req_user_free(u);
    sw__values_free(u, u->worker->run->sc->nvars);
    while (u->depth > 0)
        pop(u);
    free(u->stack);
    free(u->frame.loc);
    clock_of(u)->timer_close(clock_of(u)->ctx, u);
    free(u);
}
