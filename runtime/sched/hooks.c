/*
 * hooks.c - the run-level hooks on_test_start and on_test_stop: once per
 * process (so once per shard), on the main thread, before any worker
 * thread starts / after every worker has been joined.
 *
 * A hook body runs as the one body of a user of its own (the hooks' user)
 * on a worker set up on the calling thread without users of its own
 * (sw__worker_init), driven by its own loop until the body ends.  The
 * hooks' user lives from before on_test_start until after on_test_stop,
 * so on_test_stop sees what on_test_start set; every user copies its
 * variables when it is created (sw__hooks_copy_vars), which is how the
 * values a hook sets are the run's.
 *
 * Its requests go to the hook worker's own statistics, which are never
 * merged: they are outside the run's statistics and reports, as a Locust
 * test_start listener's are (it runs outside any user).  A failed request
 * in on_test_start that no retry takes (the generated code returns
 * SW_STOP) aborts the run before any user starts; one in on_test_stop is
 * printed and changes nothing else.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hooks.h"
#include "request.h"
#include "rng.h"
#include "scheduler.h"
#include "stats.h"
#include "user.h"

void sw__hooks_copy_vars(sw_user_t *u, const sw_user_t *g, int nvars)
{
    for (int i = 0; i < nvars; i++) {
        u->vars[i].i = g->vars[i].i;
        u->vars[i].row = g->vars[i].row;
        if (g->vars[i].s) {
            u->vars[i].s = strdup(g->vars[i].s);
            if (!u->vars[i].s) {
                fprintf(stderr, "swarm: out of memory\n");
                abort();
            }
        }
    }
}

static void on_hook_done(sw_user_t *u, sw_step_t r)
{
    struct sw__hooks *h = u->worker->run->hooks;
    h->result = r;
    h->done = 1;
    uv_stop(&h->w.uv);
}

static void on_hook_signal(uv_signal_t *s, int signum)
{
    struct sw__hooks *h = s->data;
    h->signal = signum;
    uv_stop(s->loop);
}

static void close_cb(uv_handle_t *hd)
{
    (void)hd;
}

static int open_hooks(struct sw__hooks *h, struct sw__run *run)
{
    const sw_scenario_t *sc = run->sc;
    memset(h, 0, sizeof *h);
    h->w.index = -1;            /* no user of the plan lives here */
    h->w.run = run;
    h->w.stats = sw__stats_new();
    if (!h->w.stats)
        return -1;
    if (sw__worker_init(&h->w) != 0)
        return -1;
    h->inited = 1;
    sw_user_t *u = calloc(1, sizeof *u);
    if (!u)
        return -1;
    u->worker = &h->w;
    u->data = run->data;
    u->id = 0;
    u->intended_ms = -1;
    u->arrival_ms = -1;
    u->pool_pos = -1;
    sw__rng_seed(u->rng, run->seed, 0);
    if (h->w.clock.timer_open(h->w.clock.ctx, u) != 0) {
        free(u);
        return -1;
    }
    h->user = u;
    if (sc->nlocals > 0) {
        u->frame.loc = calloc((size_t)sc->nlocals, sizeof *u->frame.loc);
        if (!u->frame.loc)
            return -1;
    }
    if (sw__values_init(u, sc->nvars) != 0)
        return -1;
    sw__req_user_init(u, &h->w.net);
    u->net.keep_error = 1;
    return 0;
}

/* Runs fn on the hooks' user until it ends or a signal comes:
 * 0 (ended; h->result), or the signal's number. */
static int run_hook(struct sw__hooks *h, sw_task_fn fn)
{
    uv_signal_t sigint, sigterm;
    uv_signal_init(&h->w.uv, &sigint);
    uv_signal_init(&h->w.uv, &sigterm);
    sigint.data = sigterm.data = h;
    uv_signal_start(&sigint, on_hook_signal, SIGINT);
    uv_signal_start(&sigterm, on_hook_signal, SIGTERM);
    h->done = 0;
    h->signal = 0;
    sw__user_run_hook(h->user, fn, on_hook_done);
    while (!h->done && !h->signal)
        uv_run(&h->w.uv, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&sigint, close_cb);
    uv_close((uv_handle_t *)&sigterm, close_cb);
    if (h->signal && !h->done) {
        /* abandoned where it was, unrecorded (as a killed user) */
        sw__req_cancel(h->user);
        h->user->running = NULL;
        h->w.clock.timer_stop(h->w.clock.ctx, h->user);
        /* nor is its next round, if queued for the next loop turn */
        h->w.nready = 0;
        uv_check_stop(&h->w.reaper);
        uv_idle_stop(&h->w.idler);
    }
    uv_run(&h->w.uv, UV_RUN_NOWAIT);    /* the signal handles close */
    return h->done ? 0 : h->signal;
}

int sw__hooks_test_start(struct sw__hooks *h, struct sw__run *run,
                         const char *prog)
{
    const sw_scenario_t *sc = run->sc;
    h->user = NULL;
    h->inited = 0;
    if (!sc->on_test_start && !sc->on_test_stop)
        return 0;
    if (open_hooks(h, run) != 0) {
        fprintf(stderr, "%s: cannot set up on_test_start/on_test_stop\n",
                prog);
        return 1;
    }
    run->hooks = h;
    if (!sc->on_test_start)
        return 0;
    int sig = run_hook(h, sc->on_test_start);
    if (sig) {
        fprintf(stderr, "%s: interrupted in on_test_start: no user was "
                "started\n", prog);
        return 128 + sig;
    }
    if (h->result == SW_STOP) {
        const char *why = h->user->net.last_error;
        fprintf(stderr, "%s: on_test_start failed: %s; the run is aborted "
                "before any user starts\n", prog,
                why ? why : "its feeder ran out of rows (unique mode)");
        return 1;
    }
    run->globals = h->user;
    return 0;
}

void sw__hooks_test_stop(struct sw__hooks *h, struct sw__run *run,
                         const char *prog)
{
    if (!h->user || !run->sc->on_test_stop)
        return;
    run->globals = NULL;        /* every user is gone */
    free(h->user->net.last_error);
    h->user->net.last_error = NULL;
    h->user->net.last_failed = 0;
    int sig = run_hook(h, run->sc->on_test_stop);
    if (sig)
        fprintf(stderr, "%s: on_test_stop interrupted\n", prog);
    else if (h->user->net.last_error)
        fprintf(stderr, "%s: warning: a request in on_test_stop failed: "
                "%s\n", prog, h->user->net.last_error);
}

void sw__hooks_free(struct sw__hooks *h, struct sw__run *run)
{
    run->globals = NULL;
    if (h->user) {
        sw__user_free(h->user);
        h->user = NULL;
    }
    if (h->inited) {
        sw__worker_close(&h->w);
        h->inited = 0;
    }
    if (h->w.stats) {
        sw__stats_free(h->w.stats);
        h->w.stats = NULL;
    }
    if (run->hooks == h)
        run->hooks = NULL;
}
