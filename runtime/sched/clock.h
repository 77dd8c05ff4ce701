/*
 * clock.h - the scheduler's time (internal): what it reads the time from
 * and how it asks to be called back, so sched.c never touches the event
 * loop itself.
 *
 * The worker provides the real one (worker.c: uv_hrtime and one uv_timer
 * per user, the 0 ms queue of sw__worker_defer); a unit test provides a
 * virtual one and drives the scheduler by hand (tests/unit/test-sched-clock.c).
 */
#ifndef SW_CLOCK_H
#define SW_CLOCK_H

#include <stdint.h>
#include "swarm.h"

struct sw__clock {
    /* Monotonic time in milliseconds (any origin, the same for the run). */
    double (*now_ms)(void *ctx);
    /* A timer for u (u->timer); 0 or -1.  timer_close stops and frees it. */
    int (*timer_open)(void *ctx, sw_user_t *u);
    void (*timer_close)(void *ctx, sw_user_t *u);
    /* Calls sw__sched_timer(u) once, ms (> 0) from now; replaces a timer
     * already started. */
    void (*timer_start)(void *ctx, sw_user_t *u, uint64_t ms);
    void (*timer_stop)(void *ctx, sw_user_t *u);
    /* Calls sw__sched_deferred(u) on this loop turn, after the current
     * callback (never from inside this call). */
    void (*defer)(void *ctx, sw_user_t *u);
    void *ctx;
};

#endif /* SW_CLOCK_H */
