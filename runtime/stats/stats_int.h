/*
 * stats_int.h - the layout behind struct sw__stats (internal to stats.c,
 * the reporter and their tests).  Other modules use stats.h only.
 *
 * A snapshot that the main thread built with sw__stats_merge() is read
 * here without locks: nothing else touches it.
 */
#ifndef SW_STATS_INT_H
#define SW_STATS_INT_H

#include <pthread.h>
#include <stdint.h>

#include "hdr.h"
#include "metrics.h"
#include "stats.h"
#include "util/method.h"    /* sw__method_name, for the reports */

/* Distinct (method, name) entries kept; later names are folded into
 * (method, "(other)").  Same for distinct error messages. */
#define SW_STATS_MAX_NAMES 1000
#define SW_STATS_MAX_ERRORS 1000
#define SW_STATS_OTHER_NAME "(other)"
#define SW_STATS_OTHER_ERROR "(other errors)"
/* Seconds of per-second counts kept for the current-RPS window. */
#define SW_STATS_RING 32

/* Sum of one timing phase over the samples that reported it. */
struct sw__stats_phase {
    int64_t sum_us;
    int64_t n;
    int64_t max_us;
};

struct sw__stats_entry {
    sw_method_t method;
    char *name;                 /* owned; "Aggregated" for the total */
    uint64_t hash;
    int64_t requests;           /* failed requests included (Locust) */
    int64_t failures;
    int64_t bytes;              /* response bodies, summed */
    int64_t total_us;           /* service time, summed */
    int64_t min_us;             /* exact; INT64_MAX when no request */
    int64_t max_us;             /* exact; 0 when no request */
    int64_t first_ms;           /* first/last completion, Unix ms; 0 */
    int64_t last_ms;
    struct sw__hdr *service;    /* owned: service time, us */
    struct sw__hdr *intended;   /* owned: from the intended start, us; NULL
                                   until a sample had a schedule */
    struct sw__stats_phase dns, connect, tls, ttfb;
    /* Per-second request/failure counts, slot = second % SW_STATS_RING;
     * sec_key says which Unix second a slot holds. */
    int64_t sec_key[SW_STATS_RING];
    int64_t sec_reqs[SW_STATS_RING];
    int64_t sec_fails[SW_STATS_RING];
};

struct sw__stats_error {
    sw_method_t method;
    char *name;                 /* owned */
    char *message;              /* owned */
    uint64_t hash;
    int64_t count;
};

struct sw__stats {
    pthread_mutex_t lock;
    struct sw__stats_entry **entries;   /* owned, first-seen order */
    int nentries;
    int cap;
    int32_t *table;             /* open addressing: entry index + 1 */
    int table_size;             /* power of two, >= 2 * cap */
    struct sw__stats_entry total;       /* the Aggregated row */
    struct sw__stats_error **errors;    /* owned, first-seen order */
    int nerrors;
    int errors_cap;
    int32_t *etable;
    int etable_size;
    int64_t folded_samples;     /* samples counted under "(other)" */
    int64_t folded_errors;      /* errors counted as "(other errors)" */
    struct sw__metrics metrics; /* custom metrics (metrics.h) */
};


/* owns: an array of the entries sorted by (name, method); the entries are
 * borrowed from s.  NULL with *n = 0 when empty or out of memory. */
struct sw__stats_entry **sw__stats_sorted(const struct sw__stats *s, int *n);
/* The entry for (m, name), created on first sight without the name cap
 * (merge.c); borrowed from s.  NULL only when out of memory. */
struct sw__stats_entry *sw__stats_entry(struct sw__stats *s, sw_method_t m,
                                        const char *name);
/* owns: the errors sorted by occurrences, most first (borrowed items). */
struct sw__stats_error **sw__stats_errors_sorted(const struct sw__stats *s,
                                                 int *n);

/* Locust's current RPS: the average of the per-second counts over the
 * seconds [now-12, now-2), clipped to the start; 0 before there is one. */
double sw__stats_current_rps(const struct sw__stats_entry *e, int64_t now_ms,
                             int64_t start_ms, double *fails_per_s);

#endif /* SW_STATS_INT_H */
