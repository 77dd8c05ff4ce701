/*
 * worker.h - the run as a whole and its worker threads (internal).
 *
 * struct sw__run is built once by main.c before any thread starts and is
 * read-only afterwards, except for the atomics.  Each struct sw__worker is
 * owned by its thread; the main thread only touches its atomics, its
 * `wake` async handle and (through sw__stats_merge's lock) its stats.
 */
#ifndef SW_WORKER_H
#define SW_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <uv.h>
#include "swarm.h"
#include "options.h"
#include "plan.h"
#include "arrival.h"
#include "request.h"
#include "clock.h"
#include "stats.h"

struct sw__rset;
struct sw__hooks;

struct sw__run {
    const sw_scenario_t *sc;        /* borrowed */
    const struct sw__options *opt;  /* borrowed */
    struct sw__data *data;          /* borrowed: env, regexes, feeders */
    struct sw__plan plan;           /* owned; open model: max_users = the
                                       pool, end_ms = the run's end */
    int open;                       /* open model (arrival rate) */
    struct sw__arrivals arrivals;   /* open model schedule; owned */
    struct sw__rset **roots;        /* per class, tag-filtered; owned */
    int *class_of;                  /* global user k (1-based) -> class */
    uint64_t seed;
    uint64_t t0_ms;                 /* uv_hrtime()/1e6 at the test start */
    int threads;
    atomic_int_fast64_t iter_tickets;   /* --iterations-shared: this
                                           process's tickets 0, 1, ... */
    uv_async_t *main_wake;          /* borrowed: main loop's async */
    atomic_int loops_left_open;     /* worker loops that did not close
                                       cleanly (an internal error) */
    struct sw__hooks *hooks;        /* borrowed: main's (hooks.c) */
    const struct sw_user *globals;  /* borrowed: the test hooks' user, whose
                                       variables every new user copies
                                       (hooks.c); NULL: no on_test_start */
};

/* SW_CMD_DRAIN: stop because the data ran out (a unique_stop_run feeder):
 * always graceful, see sw__worker_drain. */
enum { SW_CMD_NONE = 0, SW_CMD_STOP = 1, SW_CMD_DRAIN = 2 };

struct sw__worker {
    int index;
    struct sw__run *run;            /* borrowed */
    pthread_t thread;
    uv_loop_t uv;
    struct sw__net net;             /* its engines and request pool */
    struct sw__clock clock;         /* the scheduler's time (worker.c) */
    uv_async_t wake;                /* main -> worker: look at cmd */
    uv_timer_t spawn_timer;
    uv_timer_t kill_timer;          /* --stop-timeout expiry */
    uv_check_t reaper;              /* frees finished users */
    struct sw__stats *stats;        /* owned; merged by the main thread */
    sw_user_t **slots;              /* this thread's users by slot */
    int64_t nslots;
    sw_user_t **grave;              /* finished users to free; owned */
    int ngrave;
    size_t capgrave;
    sw_user_t **ready;              /* users with a 0 ms step to run */
    int nready;
    size_t capready;
    sw_user_t **ready_spare;        /* swapped with `ready` while running */
    size_t capspare;
    uv_idle_t idler;                /* keeps the poll from blocking */
    int64_t cur_target;             /* plan target already applied */
    /* open model: this thread's share of the pool and of the arrivals */
    int open;                       /* = run->open */
    uv_timer_t arrival_timer;
    int64_t next_m;                 /* this thread's next arrival, m-th */
    sw_user_t **pool;               /* idle users, the last idle on top */
    int64_t npool;
    int64_t *vacant;                /* free slots, the lowest on top */
    int64_t nvacant;
    int64_t busy;                   /* users in on_start or an iteration */
    int spawning_done;              /* the plan has no further change */
    int stopping;
    int closed;
    /* --- shared with the main thread --- */
    atomic_int cmd;
    atomic_int_fast64_t alive;      /* users running now */
    atomic_int_fast64_t failures;   /* failed requests recorded */
    atomic_int_fast64_t dropped;    /* open model: arrivals with no user
                                       free in the pool */
    atomic_int idle;                /* no users and no spawns to come */
    atomic_int finished;            /* the thread's loop has ended */
    /* --- run control (control.c): a new ramp for this worker --- */
    _Atomic(struct sw__plan *) plan_next;   /* owned; set by main */
    struct sw__plan *plan;          /* owned by the thread once taken;
                                       NULL: run->plan */
};

/* Starts the thread; 0 or -1. */
int sw__worker_start(struct sw__worker *w);
/* What sw__worker_start does before the thread: the loop, the engines,
 * the clock.  The test hooks (hooks.c) run a worker so set up on the
 * calling thread, then sw__worker_close it (closes and frees what init
 * made, running the loop until every handle is closed). */
int sw__worker_init(struct sw__worker *w);
void sw__worker_close(struct sw__worker *w);
/* Asks the worker to stop its users (async-signal-safe enough: an atomic
 * store and uv_async_send). */
void sw__worker_stop(struct sw__worker *w);
/* Like sw__worker_stop, for a run whose data ran out: the running users
 * finish their current task (its requests in flight are recorded) even
 * without --stop-timeout, within --stop-timeout when it is given, else
 * within --timeout (no request outlives it). */
void sw__worker_drain(struct sw__worker *w);
/* Called by sched.c when one of this worker's users has ended. */
void sw__worker_user_gone(struct sw__worker *w, sw_user_t *u);
/* sched.c: run u's next step on this loop turn (a 0 ms wait, an immediate
 * pick).  libuv 1.44 runs a 0 ms timer started from a timer callback in
 * the same timer pass, so a chain of them would starve the loop; this
 * queue runs once per turn instead. */
void sw__worker_defer(struct sw__worker *w, sw_user_t *u);

/* sched.c: open-model user u finished its iteration (or its on_start)
 * and is back in the pool. */
void sw__worker_user_idle(struct sw__worker *w, sw_user_t *u);

/* Run control (main thread): from now on the worker follows plan p
 * (takes p: heap-allocated, freed by the worker) instead of run->plan,
 * starting or stopping users to meet its target at once.  Closed model
 * only. */
void sw__worker_set_plan(struct sw__worker *w, struct sw__plan *p);

/* Open model: the global index of the m-th arrival (0-based) of thread
 * `index`: n = (m * threads + index) * shards + shard. */
int64_t sw__arrival_index(const struct sw__options *o, int threads,
                          int index, int64_t m);

/* Which thread and slot run global user k (1-based); -1: another shard. */
int sw__user_home(const struct sw__options *o, int threads, int64_t k,
                  int64_t *slot);

#endif /* SW_WORKER_H */
