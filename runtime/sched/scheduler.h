/*
 * scheduler.h - (sched.c) users and their task sets (internal): Locust 2.x semantics.
 *
 * A user's life: spawned by its worker, runs its on_start, then its root
 * set; stopped by the worker (end of run, ramp-down) or by itself (`stop`,
 * --iterations); its on_stop chain runs; it ends and is freed.
 */
#ifndef SW_SCHEDULER_H
#define SW_SCHEDULER_H

#include <stdint.h>
#include "user.h"
#include "worker.h"

/* A set after --tags/--exclude-tags filtering (built once at start-up). */
struct sw__rtask {
    const sw_task_t *def;
    struct sw__rset *child;         /* a set run as a task, or NULL */
};

struct sw__rset {
    const sw_set_t *def;
    struct sw__rtask *all;          /* def->ntasks entries, table order */
    int *pick;                      /* indexes into all[] still eligible */
    int *weights;                   /* their weights */
    int npick;
    int64_t total_weight;
    int nall;                       /* entries in all[] */
    int flat;                       /* --equal-weights: all[] is the tasks
                                       of every nested set, flattened */
};

/* Builds run->roots for every class: 0, or -1 with a message on stderr.
 * skip[i] is set for classes left without any task by the tag filter. */
int sw__sched_prepare(struct sw__run *run, unsigned char *skip);
void sw__sched_release(struct sw__run *run);

/* A new user of class cls with global id on worker w, started after
 * delay_ms (0: now).  NULL when out of memory. */
sw_user_t *sw__user_spawn(struct sw__worker *w, int cls, int64_t id,
                          uint64_t delay_ms);
/* Stops u: graceful (finish the running task first, waiting users stop at
 * once) or not (cancel what runs now, unrecorded); then its on_stop chain
 * runs and it ends. */
void sw__user_stop(sw_user_t *u, int graceful);
/* u's request has finished (the request module's completion callback,
 * installed by the worker): resume its body. */
void sw__sched_complete(sw_user_t *u, const struct sw__http_result *res);
/* The user's turn, asked for through its worker's clock (clock.h):
 * its timer fired / the 0 ms queue reached it. */
void sw__sched_timer(sw_user_t *u);
void sw__sched_deferred(sw_user_t *u);
/* Open model: idle user u (in its worker's pool) starts an iteration for
 * an arrival due at intended_ms (uv_hrtime ms). */
void sw__user_arrive(sw_user_t *u, double intended_ms);
/* Frees a user that has ended (called by the worker's reaper). */
void sw__user_free(sw_user_t *u);
/* hooks.c: runs fn as u's one body (no set, no wait); done(u, r) is
 * called with its last step when it ends. */
void sw__user_run_hook(sw_user_t *u, sw_task_fn fn,
                       void (*done)(sw_user_t *u, sw_step_t r));
/* hooks.c: u (new) takes a copy of the variables of g. */
void sw__hooks_copy_vars(sw_user_t *u, const sw_user_t *g, int nvars);

#endif /* SW_SCHEDULER_H */
