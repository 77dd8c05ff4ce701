/*
 * control.h - steering a running test from outside the load (internal):
 * a new user count and spawn rate, and zeroed statistics.  Used by the web
 * UI through main.c; called on the main thread only.
 *
 * The workers never wait for it: a new ramp reaches each worker as a plan
 * handed over through an atomic pointer and its wake-up async
 * (sw__worker_set_plan), and a statistics reset takes each worker's stats
 * lock once, as the 1 s snapshot merge does.
 */
#ifndef SW_CONTROL_H
#define SW_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include "plan.h"
#include "worker.h"

struct sw__control {
    struct sw__run *run;            /* borrowed */
    struct sw__worker *workers;     /* borrowed */
    int nworkers;
    struct sw__plan plan;           /* owned: the ramp asked for last;
                                       nseg 0 until then (run->plan) */
    int64_t max_users;              /* the most users a ramp may ask for */
};

void sw__control_init(struct sw__control *c, struct sw__run *run,
                      struct sw__worker *workers, int nworkers,
                      int64_t max_users);
void sw__control_free(struct sw__control *c);

/* The plan the workers follow now (borrowed). */
const struct sw__plan *sw__control_plan(const struct sw__control *c);

/* From t_ms (since the test start) on: ramp from the current target to
 * `users` at `rate` users per second, as Locust does when the user count
 * is edited mid-run.  0, or -1 with the reason in why (a load shape, the
 * open model, more users than max_users, no memory). */
int sw__control_users(struct sw__control *c, int64_t users, double rate,
                      double t_ms, char *why, size_t nwhy);

/* Zeroes every worker's statistics (Locust's "reset stats"). */
void sw__control_reset_stats(struct sw__control *c);

#endif /* SW_CONTROL_H */
