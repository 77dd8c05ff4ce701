/*
 * user.h - the virtual user as the runtime's modules see it (internal).
 *
 * The scheduler (sched.c) owns users: it allocates them when they spawn and
 * frees them after their last on_stop.  The request module (request.c)
 * keeps the user's request and sessions in `net`; values.c keeps `vars`
 * and `scratch`.
 */
#ifndef SW_USER_H
#define SW_USER_H

#include <stdint.h>
#include <stddef.h>
#include "swarm.h"
#include "request.h"
#include "group.h"

struct sw__worker;
struct sw__data;
struct sw__set_frame;

/* One user variable: which member is used is known at compile time. */
struct sw__var {
    int64_t i;                  /* int and bool */
    char *s;                    /* string: owned, NULL = "" */
    const sw_row_t *row;        /* feeder row: borrowed from the feeder */
};

/* Bump allocator for scratch strings; reset at each resume point. */
struct sw__scratch {
    char *base;
    size_t used;
    size_t cap;
    struct sw__scratch_chunk *more;  /* overflow chunks, freed at reset */
};

struct sw_user {
    struct sw__worker *worker;  /* borrowed: the thread that runs this user */
    const sw_user_class_t *cls; /* borrowed: scenario table */
    struct sw__data *data;      /* borrowed: the run's env values, regexes,
                                   feeders (data.h) */
    int64_t id;                 /* 1-based, unique across threads */
    uint64_t rng[4];            /* xoshiro256** state, seeded per user */

    /* --- scheduler state (sched.c) --- */
    struct sw__set_frame *stack;/* running sets, innermost last; owned */
    int depth;
    int stack_cap;
    sw_frame_t frame;           /* the running body's frame */
    sw_task_fn running;         /* the running body, or NULL */
    int phase;                  /* sched.c's state machine */
    int stopping;               /* a stop was asked for */
    int chain;                  /* in its response's callback: a 0 ms
                                   wait may pick the next task at once */
    void (*hook_done)(sw_user_t *u, sw_step_t r);   /* K_HOOK's end */
    void *timer;                /* the clock's timer (clock.h); owned */

    /* --- its requests and HTTP sessions (request.c) --- */
    struct sw__user_net net;

    /* --- values (values.c) --- */
    struct sw__var *vars;       /* scenario->nvars; owned */
    struct sw__scratch scratch;

    /* --- latency from the intended start (sched.c, worker.c) --- */
    /* No coordinated omission: intended_ms is when the running iteration
     * was scheduled to start (an open-model arrival, or the schedule of a
     * pacing/throughput wait), in the scheduler's clock (ms); -1: none.
     * The iteration's first request takes it with it when it is sent
     * (sw_req_send), which clears it.
     * arrival_ms: an open-model arrival handed to this user while it is
     * created, started once its on_start is done; -1: none.  pool_pos: the
     * user's index in its worker's idle pool (open model); -1: not idle. */
    double intended_ms;
    double arrival_ms;
    int64_t pool_pos;

    /* --- the groups the running body is in (request/group.c) --- */
    struct sw__groups groups;
};

/* values.c: per-user variable storage and scratch arena. */
int sw__values_init(sw_user_t *u, int nvars);      /* 0 or -1 (no memory) */
void sw__values_free(sw_user_t *u, int nvars);
void sw__scratch_reset(sw_user_t *u);
void *sw__scratch_alloc(sw_user_t *u, size_t n);   /* never NULL (aborts) */

#endif /* SW_USER_H */
