/*
 * hdr.h - an HDR histogram (clean-room, after Gil Tene's published
 * algorithm) for latencies in microseconds, plus its V2 compressed base64
 * encoding and the .hlog interval-log line format (internal).
 *
 * Values are recorded with a relative error of at most 10^-sig_figs.  Two
 * histograms with the same configuration add exactly (element-wise), which
 * is what makes per-thread and per-machine results mergeable.  Not
 * thread-safe: the owner serialises access.
 */
#ifndef SW_HDR_H
#define SW_HDR_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include "util/base64.h"

/* The runtime's one configuration: 1 us .. 1 h, 3 significant digits. */
#define SW_HDR_LOWEST 1
#define SW_HDR_HIGHEST INT64_C(3600000000)
#define SW_HDR_SIGFIGS 3

struct sw__hdr {
    int64_t lowest;             /* lowest discernible value (>= 1) */
    int64_t highest;            /* highest trackable value */
    int sig_figs;               /* 1..5 */
    int unit_magnitude;         /* floor(log2(lowest)) */
    int sub_bucket_half_count_magnitude;
    int32_t sub_bucket_count;
    int32_t sub_bucket_half_count;
    int64_t sub_bucket_mask;
    int32_t bucket_count;
    int32_t counts_len;
    int64_t total_count;        /* including clamped values */
    int64_t clamped;            /* values above `highest`, recorded as it */
    int64_t min_value;          /* exact; INT64_MAX when empty */
    int64_t max_value;          /* exact; 0 when empty */
    int64_t *counts;            /* owned, counts_len entries */
};

/* owns: a new histogram; NULL on bad arguments or no memory. */
struct sw__hdr *sw__hdr_new(int64_t lowest, int64_t highest, int sig_figs);
/* The runtime's standard configuration (SW_HDR_*). */
struct sw__hdr *sw__hdr_new_default(void);
void sw__hdr_free(struct sw__hdr *h);
void sw__hdr_reset(struct sw__hdr *h);
/* Records one value (negative values count as 0; above highest: clamped to
 * highest and counted in h->clamped). */
void sw__hdr_record(struct sw__hdr *h, int64_t value);
void sw__hdr_record_n(struct sw__hdr *h, int64_t value, int64_t n);
/* into += from, exactly.  -1 when the configurations differ. */
int sw__hdr_add(struct sw__hdr *into, const struct sw__hdr *from);
/* into = a - b (counts clipped at 0): the interval between two snapshots
 * of one cumulative histogram.  min/max are taken from the counts. */
int sw__hdr_diff(struct sw__hdr *into, const struct sw__hdr *a,
                 const struct sw__hdr *b);
/* Copies counts and totals; same configuration required (-1 otherwise). */
int sw__hdr_copy(struct sw__hdr *into, const struct sw__hdr *from);

/* The value at percentile p (0..100): the highest value equivalent to the
 * bucket holding rank ceil(p/100 * total) (at least 1); p == 0 gives the
 * lowest equivalent value of the first bucket.  0 when empty. */
int64_t sw__hdr_value_at_percentile(const struct sw__hdr *h, double p);
double sw__hdr_mean(const struct sw__hdr *h);
double sw__hdr_stddev(const struct sw__hdr *h);
int64_t sw__hdr_min(const struct sw__hdr *h);   /* 0 when empty */
int64_t sw__hdr_max(const struct sw__hdr *h);   /* 0 when empty */

/* Bucket arithmetic, exposed for iteration and tests. */
int32_t sw__hdr_index_of(const struct sw__hdr *h, int64_t value);
int64_t sw__hdr_value_at_index(const struct sw__hdr *h, int32_t index);
int64_t sw__hdr_lowest_equivalent(const struct sw__hdr *h, int64_t value);
int64_t sw__hdr_highest_equivalent(const struct sw__hdr *h, int64_t value);
int64_t sw__hdr_median_equivalent(const struct sw__hdr *h, int64_t value);

/* Iteration over the non-empty buckets, lowest first. */
struct sw__hdr_iter {
    const struct sw__hdr *h;
    int32_t index;              /* current bucket index, -1 before start */
    int64_t count;              /* count in the current bucket */
    int64_t value;              /* its lowest equivalent value */
    int64_t highest;            /* its highest equivalent value */
    int64_t cumulative;         /* counts up to and including it */
};
void sw__hdr_iter_init(struct sw__hdr_iter *it, const struct sw__hdr *h);
int sw__hdr_iter_next(struct sw__hdr_iter *it);  /* 1 = a bucket, 0 = end */

/* V2 compressed encoding (zlib) in base64, the "HISTF..." strings of the
 * HdrHistogram family.  Returns a malloc'd NUL-terminated string the caller
 * owns, or NULL on no memory. */
char *sw__hdr_encode_base64(const struct sw__hdr *h);
/* Decodes one such string into a new histogram (owned by the caller).
 * The histogram's configuration is the encoded one.  NULL on a malformed
 * input (err, if not NULL, gets a reason) or no memory. */
struct sw__hdr *sw__hdr_decode_base64(const char *text, char *err,
                                      size_t errlen);

/* Base64 (sw__base64_encode, sw__base64_decode): util/base64.h. */

/* .hlog interval log (Java HdrHistogram log format 1.3 with tags). */
void sw__hlog_write_header(FILE *f, int64_t start_unix_ms);
/* One interval line: start/length in seconds since the StartTime,
 * the max converted from us to ms.  tag may be NULL; commas and white
 * space in it are written as '_'.  0, or -1 on no memory. */
int sw__hlog_write_interval(FILE *f, const char *tag, double start_s,
                            double length_s, const struct sw__hdr *h);

#endif /* SW_HDR_H */
