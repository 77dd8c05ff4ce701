/*
 * arrival.h - the open model's arrival schedule (internal): pure
 * arithmetic, no clock and no state, so every worker thread and every
 * shard computes the same global schedule (k6's constant- and
 * ramping-arrival-rate executors).
 *
 * Arrival n (0-based, global over threads and shards) is due when the
 * cumulative arrival count A(t) = integral of rate(t) dt reaches n: with a
 * constant rate R, at n / R seconds; a rate stage ramps the rate linearly
 * from the previous stage's rate to its own over its duration.  Arrival n
 * runs in shard n mod shards; the shard's j-th arrival (j = n / shards)
 * runs on thread j mod threads.
 */
#ifndef SW_ARRIVAL_H
#define SW_ARRIVAL_H

#include <stdint.h>
#include "swarm.h"
#include "options.h"

struct sw__arrival_seg {
    double start_ms;            /* from the test start */
    double dur_ms;              /* < 0: open-ended (constant r0) */
    double r0, r1;              /* arrivals per second at start and end */
    double before;              /* arrivals due before this segment */
};

struct sw__arrivals {
    struct sw__arrival_seg *seg;    /* owned */
    int nseg;
    double end_ms;                  /* no arrival at or after; -1: never */
    int64_t limit;                  /* only arrivals n < limit; -1: none */
};

/* 1 when the options ask for the open model: --rate / `rate R/s`, or rate
 * stages (stages whose rate_per_s >= 0). */
int sw__open_model(const struct sw__options *o);

/*
 * rate_per_s: the constant rate, or with rate stages the rate the first
 * stage starts from (<= 0: 0).  run_time_ms < 0: no end besides the
 * stages'.  limit < 0: no --iterations cap.  0, or -1 when out of memory.
 */
int sw__arrivals_init(struct sw__arrivals *a, double rate_per_s,
                      const sw_stage_t *stages, int nstages,
                      int64_t run_time_ms, int64_t limit);
/* When arrival n is due, in ms from the test start; -1: there is none
 * (beyond the end, the --iterations cap, or a rate of 0 for ever). */
double sw__arrival_ms(const struct sw__arrivals *a, int64_t n);
/* The arrival rate at t_ms, per second (0 after the end). */
double sw__arrival_rate(const struct sw__arrivals *a, double t_ms);
void sw__arrivals_free(struct sw__arrivals *a);

#endif /* SW_ARRIVAL_H */
