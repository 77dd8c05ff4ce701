/*
 * metrics.h - custom metrics of a scenario (internal): counters (`count
 * NAME [N]`) and trends (`record NAME VALUE`), kept per worker inside its
 * struct sw__stats and merged with it, exactly like the request entries.
 *
 * A trend keeps its values in an HDR histogram of the runtime's one
 * configuration (hdr.h), so that per-thread and per-shard trends add
 * exactly.  A time trend (values written as durations) stores
 * microseconds, like the response times; a plain trend stores its values
 * as they are (0 .. SW_HDR_HIGHEST; negative values count as 0).  Not
 * thread-safe: the owning stats' lock serialises access.
 */
#ifndef SW_METRICS_H
#define SW_METRICS_H

#include <stdint.h>
#include "swarm.h"

struct sw__hdr;

struct sw__metric {
    char *name;                 /* owned */
    sw_metric_kind_t kind;
    int64_t n;                  /* counter: increments; trend: values */
    int64_t sum;                /* counter: its value; trend: sum of the
                                   values as recorded (us for time) */
    int64_t min, max;           /* trend, exact; min INT64_MAX when empty */
    int64_t negative;           /* trend: negative values recorded as 0 */
    struct sw__hdr *hdr;        /* owned: trend values; NULL: counter */
};

struct sw__metrics {
    struct sw__metric **v;      /* owned, declaration / first-seen order */
    int n, cap;
};

/* The metric named `name`, created (with that kind) if new; `hint` is the
 * index where it usually is (the scenario's metric index), -1: none.
 * NULL when out of memory.  The kind of an existing metric is kept. */
struct sw__metric *sw__metrics_get(struct sw__metrics *m, int hint,
                                   const char *name, sw_metric_kind_t kind);
/* The metric named `name`, or NULL. */
const struct sw__metric *sw__metrics_find(const struct sw__metrics *m,
                                          const char *name);
void sw__metric_count(struct sw__metric *x, int64_t n);
/* value: as written in the scenario (ms for a time trend). */
void sw__metric_record(struct sw__metric *x, int64_t value);
/* into += from, exactly, matching by name.  -1: out of memory, or a name
 * is a counter on one side and a trend on the other (*clash names it). */
int sw__metrics_merge(struct sw__metrics *into, const struct sw__metrics *from,
                      const char **clash);
/* Zeroes every value, keeping the metrics (declared ones stay listed). */
void sw__metrics_zero(struct sw__metrics *m);
void sw__metrics_free(struct sw__metrics *m);

/* Trend statistics in the metric's own unit: ms for a time trend (as a
 * double), the plain value otherwise.  Percentiles are HDR's, clamped to
 * the exact maximum as the request percentiles are. */
double sw__metric_pct(const struct sw__metric *x, double pct);
double sw__metric_avg(const struct sw__metric *x);
double sw__metric_min(const struct sw__metric *x);
double sw__metric_max(const struct sw__metric *x);
/* "counter", "trend" or "time" (a trend of durations). */
const char *sw__metric_kind_name(sw_metric_kind_t k);
int sw__metric_kind_parse(const char *s, sw_metric_kind_t *k);
/* A value of the metric's unit as text: "12.5ms" for time, "12.5" else. */
void sw__metric_fmt(const struct sw__metric *x, double v, char *buf,
                    size_t n);

#endif /* SW_METRICS_H */
