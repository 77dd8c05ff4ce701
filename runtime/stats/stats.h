/*
 * stats.h - request statistics (internal).
 *
 * Each worker thread owns one struct sw__stats and records into it; the
 * reporter takes snapshots (sw__stats_merge under the source's lock) for the
 * live view and merges all of them once at the end.  Pure: no I/O and no
 * clock; times are passed in.
 */
#ifndef SW_STATS_H
#define SW_STATS_H

#include <stdint.h>
#include <stddef.h>
#include "swarm.h"

struct sw__stats;

/* The engine's timing breakdown of one request, microseconds (-1: unknown). */
struct sw__timing {
    int64_t dns_us;
    int64_t connect_us;
    int64_t tls_us;
    int64_t ttfb_us;
    int64_t total_us;
};

/* One finished request. */
struct sw__sample {
    sw_method_t method;
    const char *name;           /* borrowed; copied on first sight */
    int64_t latency_us;         /* service time: the transfer */
    int64_t intended_us;        /* from the intended start; = latency_us
                                   when there is no schedule */
    int64_t bytes;              /* response body size */
    const char *error;          /* NULL = success; borrowed message */
    struct sw__timing timing;
    int64_t now_ms;             /* completion time, Unix ms (history) */
};

struct sw__stats *sw__stats_new(void);            /* owns; NULL: no memory */
void sw__stats_free(struct sw__stats *s);
void sw__stats_record(struct sw__stats *s, const struct sw__sample *x);
/* Adds `from` into `into` exactly (histograms, counters, errors, history).
 * Takes from's lock while reading, so it may run on another thread. */
void sw__stats_merge(struct sw__stats *into, struct sw__stats *from);
void sw__stats_reset(struct sw__stats *s);

/* Custom metrics (metrics.h), under s's lock.  `index` is the metric's
 * index in `defs` (the scenario's table). */
void sw__stats_declare_metrics(struct sw__stats *s, const sw_metric_def_t *defs,
                               int n);
void sw__stats_count(struct sw__stats *s, const sw_metric_def_t *defs,
                     int index, int64_t n);
void sw__stats_record_metric(struct sw__stats *s, const sw_metric_def_t *defs,
                             int index, int64_t value);

#endif /* SW_STATS_H */
