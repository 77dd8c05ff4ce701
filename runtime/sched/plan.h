/*
 * plan.h - the pure arithmetic of scheduling (internal): wait times,
 * weighted picks, how users are spread over classes, and how many users
 * the load plan asks for at a given moment.  No I/O, no clock, no global
 * state: every function gets the time and the random state it needs, so
 * the unit tests can check the formulas exactly and every worker thread
 * computes the same global schedule.
 */
#ifndef SW_PLAN_H
#define SW_PLAN_H

#include <stdint.h>
#include "swarm.h"

/* ---- wait_time (Locust user/wait_time.py) ---------------------------- */

/* constant_pacing's memory; owned by whoever owns the wait function (the
 * user's root set, or a set with its own wait).  last_run_ms < 0: unused. */
struct sw__pacing {
    double last_run_ms;
    double last_wait_ms;
};

void sw__pacing_init(struct sw__pacing *p);

/*
 * The next wait in milliseconds for wait function w at time now_ms:
 * constant: a_ms; between: a + U[0,1) * (b - a); pacing(T): T on the first
 * call, then max(0, T - (now - last_run - last_wait)); throughput(r):
 * pacing(1000 / r).  SW_WAIT_INHERIT (no wait declared anywhere) is 0.
 */
double sw__wait_ms(const sw_wait_t *w, struct sw__pacing *p, double now_ms,
                   uint64_t rng[4]);

/*
 * The schedule of a pacing(T) / throughput(r) wait, for latency measured
 * from the intended start: when the task after the wait sw__wait_ms is
 * about to compute (same w, p, now_ms; call this first) is meant to
 * start.  now + T on the first call, then the previous task's start + T,
 * which is earlier than now when that task overran its period (the wait
 * is then 0 and the next task starts late).  -1 for other waits.
 */
double sw__wait_intended_ms(const sw_wait_t *w, const struct sw__pacing *p,
                            double now_ms);

/* ---- weighted choice ------------------------------------------------- */

/* Index i with probability weights[i] / sum (Locust: random.choice over
 * the list with each task repeated weight times).  total = the sum. */
int sw__pick_weighted(const int *weights, int n, int64_t total,
                      uint64_t rng[4]);

/* ---- user classes: fixed_count first, then smooth weighted round-robin */

struct sw__spread {
    int n;                  /* classes */
    int *order;             /* class indexes sorted by name; owned */
    int64_t *fixed_left;    /* per class, fixed_count still to hand out */
    int64_t *weight;        /* normalised weight, 0 for fixed classes */
    int64_t *current;       /* smooth RR state */
    int64_t *effective;
    int nweighted;
    int fixed_pos;          /* round-robin position among fixed classes */
};

/* Prepares the sequence for classes[0..n); skip[i] != 0 leaves class i out
 * (no tasks after tag filtering).  0, or -1 when out of memory. */
int sw__spread_init(struct sw__spread *sp, const sw_user_class_t *classes,
                    int n, const unsigned char *skip);
/* The class of the next spawned user, or -1 when none can be spawned (only
 * fixed classes, all of them full). */
int sw__spread_next(struct sw__spread *sp);
void sw__spread_free(struct sw__spread *sp);

/* ---- spawn ramps (Locust dispatch.py) --------------------------------- */

/*
 * Going from `from` to `to` users at `rate` users per second: each step adds
 * (or removes) max(1, floor(rate)) users and the steps are that many / rate
 * seconds apart, the first at 0.  Returns the count elapsed_ms after the
 * ramp started; *next_ms (if not NULL) gets the time of the next change, or
 * -1 when the ramp is complete.
 */
int64_t sw__ramp_count(int64_t from, int64_t to, double rate,
                       double elapsed_ms, double *next_ms);

/* ---- the load plan: a list of ramps in time -------------------------- */

struct sw__segment {
    double start_ms;        /* from the test start */
    double end_ms;          /* -1: open-ended (hold until the run ends) */
    int64_t from, to;
    double rate;            /* users per second for this ramp */
};

struct sw__plan {
    struct sw__segment *seg;    /* owned */
    int nseg;
    int64_t max_users;          /* the largest target anywhere */
    double end_ms;              /* when the plan (and run) ends, -1: never */
};

/*
 * Closed model: ramp 0 -> users at spawn_rate, hold; run_time_ms < 0 runs
 * until stopped.  With stages, each stage ramps from the previous target to
 * its own over its duration (rate = |delta| / duration) and the plan ends
 * after the last stage, or at run_time_ms if that is earlier.
 */
int sw__plan_init(struct sw__plan *p, int64_t users, double spawn_rate,
                  const sw_stage_t *stages, int nstages, int64_t run_time_ms);
/* Users the plan asks for at t_ms; *next_ms = next change or -1. */
int64_t sw__plan_target(const struct sw__plan *p, double t_ms,
                        double *next_ms);
/* The interval between two spawn steps of the ramp running at t_ms (what
 * --jitter-start spreads a step over); 0 when there is none. */
double sw__plan_step_ms(const struct sw__plan *p, double t_ms);
void sw__plan_free(struct sw__plan *p);

#endif /* SW_PLAN_H */
