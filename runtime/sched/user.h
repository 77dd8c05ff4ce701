/*
 * user.h - the virtual user as the runtime's modules see it (internal).
 *
 * The scheduler (sched.c) owns users: it allocates them when they spawn and
 * frees them after their last on_stop.  http.c fills `resp` and keeps
 * `easy` attached from the transfer's end until sw_req_end(); check.c and
 * values.c read the response and write `fail_msg`, `vars` and `scratch`.
 */
#ifndef SW_USER_H
#define SW_USER_H

#include <stdint.h>
#include <stddef.h>
#include "swarm.h"

struct sw__worker;
struct sw__set_frame;
struct sw__request;

/* A growable byte buffer with a cap; always NUL-terminated when len > 0. */
struct sw__buf {
    char *ptr;
    size_t len;
    size_t cap;
};

/* The last response of a user, valid from resume to sw_req_end(). */
struct sw__response {
    long status;                /* 0 after a transport error */
    struct sw__buf body;        /* the whole body, NUL-terminated */
    struct sw__buf headers;     /* raw header lines of the final response */
    const char *transport_error;/* libcurl's message, or NULL; static */
    void *easy;                 /* the CURL easy handle, still attached */
};

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
    void *timer;                /* uv_timer_t, owned, freed on close */

    /* --- the request being built or in flight (http.c) --- */
    struct sw__request *req;    /* owned; NULL between requests */
    void *share;                /* CURLSH: this user's cookies + connection */
    struct sw__response resp;

    /* --- what checks and captures decided (check.c) --- */
    char *fail_msg;             /* first failed check's message; owned */
    int status_checked;         /* an `expect status` replaced the >=400 rule */

    /* --- values (values.c) --- */
    struct sw__var *vars;       /* scenario->nvars; owned */
    struct sw__scratch scratch;

    /* --- BEGIN data helper addition (values.c, check.c) --- */
    /* The response body parsed as JSON (a json_t *), parsed by the first
     * json check or capture after a resume and shared by the others; freed
     * by sw__scratch_reset() and sw__values_free().  json_state: 0 = not
     * parsed yet, 1 = parsed, -1 = the body is not JSON.  json_body is the
     * body pointer it was parsed from (a guard against a stale cache). */
    void *json;
    const char *json_body;
    int json_state;
    /* --- END data helper addition --- */

    /* --- BEGIN load-models helper addition (sched.c, worker.c) --- */
    /* Latency from the intended start (no coordinated omission).
     * intended_ms: when the running iteration was scheduled to start (an
     * open-model arrival, or the schedule of a pacing/throughput wait), in
     * uv_hrtime milliseconds; -1: none.  The iteration's first recorded
     * request is measured from it (sw__sched_intended_us), which clears it.
     * arrival_ms: an open-model arrival handed to this user while it is
     * created, started once its on_start is done; -1: none.  pool_pos: the
     * user's index in its worker's idle pool (open model); -1: not idle. */
    double intended_ms;
    double arrival_ms;
    int64_t pool_pos;
    /* --- END load-models helper addition --- */
};

/* values.c: per-user variable storage and scratch arena. */
int sw__values_init(sw_user_t *u, int nvars);      /* 0 or -1 (no memory) */
void sw__values_free(sw_user_t *u, int nvars);
void sw__scratch_reset(sw_user_t *u);
void *sw__scratch_alloc(sw_user_t *u, size_t n);   /* never NULL (aborts) */

/* check.c: sets the request's failure message once (first one wins). */
void sw__fail(sw_user_t *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* SW_USER_H */
