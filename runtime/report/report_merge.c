/*
 * report_merge.c - the reporter's entry point for `merge` (merge.h).
 *
 * A single run builds its history tick by tick (report.c, advance()); a
 * merge already has the whole history, one row per Unix second summed over
 * the shards.  This file loads those rows into a reporter exactly where a
 * run would have put them (history rows, history CSV lines, .hlog
 * intervals) and then calls the same sw__reporter_finish(), so a merged
 * result is written by the very code that writes a single run's.
 */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"

/* Percentile p of one interval in ms, clamped to its max; -1: empty
 * (the same rule as report.c's per-second percentiles). */
static double interval_pct_ms(const struct sw__hdr *h, double p)
{
    if (!h || h->total_count == 0)
        return -1.0;
    int64_t v = sw__hdr_value_at_percentile(h, p);
    if (v > h->max_value)
        v = h->max_value;
    return (double)v / 1000.0;
}

/*
 * Makes sw__stats_current_rps(e, now, start) return rps/fps: the history
 * CSV asks the entry's per-second ring for Locust's current rate, but a
 * merge knows that rate only as the sum of the shards' rates.  The window
 * is [max(now-12, start), now-2) seconds; putting the window's whole count
 * into its first second gives the same average.
 */
static void ring_for_rate(struct sw__stats_entry *e, int64_t now_ms,
                          int64_t start_ms, double rps, double fps)
{
    for (int i = 0; i < SW_STATS_RING; i++)
        e->sec_key[i] = -1;
    int64_t now_s = now_ms / 1000;
    int64_t from = now_s - 12;
    if (from < start_ms / 1000)
        from = start_ms / 1000;
    int64_t to = now_s - 2;
    if (to <= from)
        return;
    double n = (double)(to - from);
    int slot = (int)(from % SW_STATS_RING);
    e->sec_key[slot] = from;
    e->sec_reqs[slot] = llround(rps * n);
    e->sec_fails[slot] = llround(fps * n);
}

/* Appends one history row built from sec (its histogram decoded in
 * `interval`, NULL when empty) to r->rows.  0, or -1. */
static int add_row(struct sw__reporter *r, const struct sw__merged_sec *sec,
                   const struct sw__hdr *interval, int64_t prev_ts)
{
    if (r->nrows == r->rows_cap) {
        int cap = r->rows_cap ? r->rows_cap * 2 : 64;
        struct sw__hist_row *nr = realloc(r->rows, (size_t)cap * sizeof(*nr));
        if (!nr)
            return -1;
        r->rows = nr;
        r->rows_cap = cap;
    }
    struct sw__hist_row *row = &r->rows[r->nrows];
    const struct sw__hist_row *prev = r->nrows ? row - 1 : NULL;
    memset(row, 0, sizeof(*row));
    row->ts_ms = sec->ts_ms;
    row->users = sec->users;
    row->reqs = sec->reqs;
    row->fails = sec->fails;
    row->interval_s = (double)(sec->ts_ms - prev_ts) / 1000.0;
    row->interval_reqs = sec->reqs - (prev ? prev->reqs : 0);
    row->interval_fails = sec->fails - (prev ? prev->fails : 0);
    row->cur_rps = sec->cur_rps;
    row->cur_fps = sec->cur_fps;
    row->p50_ms = interval_pct_ms(interval, 50);
    row->p95_ms = interval_pct_ms(interval, 95);
    row->p99_ms = interval_pct_ms(interval, 99);
    row->total_us = sec->total_us;
    row->min_us = sec->min_us;
    row->max_us = sec->max_us;
    row->bytes = sec->bytes;
    row->hist_b64 = NULL;
    if (sec->hist_b64) {
        /* kept in the merged JSON so that a merge can be merged again */
        row->hist_b64 = strdup(sec->hist_b64);
        if (!row->hist_b64)
            return -1;
    }
    r->nrows++;
    return 0;
}

int sw__report_merged(const struct sw__stats *s, const struct sw__run_info *ri,
                      const struct sw__merged_sec *secs, int n,
                      int64_t max_users)
{
    struct sw__reporter *r = sw__reporter_new(ri);
    /* One cumulative Aggregated entry, advanced second by second, feeds
     * the history CSV the way the live snapshot does in a run. */
    struct sw__stats *tick = sw__stats_new();
    struct sw__hdr *interval = NULL;
    int rc = -1;
    if (!r || !tick)
        goto out;
    struct sw__stats_entry *t = &tick->total;
    int64_t prev_ts = ri->start_unix_ms;
    for (int i = 0; i < n; i++) {
        const struct sw__merged_sec *sec = &secs[i];
        /* merge.c encoded it from a histogram of this build's settings */
        interval = sec->hist_b64
                       ? sw__hdr_decode_base64(sec->hist_b64, NULL, 0) : NULL;
        if (sec->hist_b64 && !interval)
            goto out;
        if (add_row(r, sec, interval, prev_ts) < 0)
            goto out;
        if (interval && sw__hdr_add(t->service, interval) < 0)
            goto out;
        if (r->hlog_f && interval)
            sw__hlog_write_interval(
                r->hlog_f, NULL,
                (double)(prev_ts - ri->start_unix_ms) / 1000.0,
                (double)(sec->ts_ms - prev_ts) / 1000.0, interval);
        sw__hdr_free(interval);
        interval = NULL;
        if (r->csv_hist_f) {
            t->requests = sec->reqs;
            t->failures = sec->fails;
            t->total_us = sec->total_us;
            t->min_us = sec->min_us;
            t->max_us = sec->max_us;
            t->bytes = sec->bytes;
            ring_for_rate(t, sec->ts_ms, ri->start_unix_ms, sec->cur_rps,
                          sec->cur_fps);
            struct sw__run_info at = *ri;
            at.now_unix_ms = sec->ts_ms;
            at.users = sec->users;
            sw__csv_history_rows(r->csv_hist_f, tick, &at, 0);
        }
        prev_ts = sec->ts_ms;
        if (sec->users > max_users)
            max_users = sec->users;
    }
    r->max_users = max_users;
    /* The history is complete: finish must not add a row of its own. */
    r->last_tick_ms = ri->now_unix_ms;
    rc = sw__reporter_finish(r, s, ri);
out:
    sw__hdr_free(interval);
    sw__stats_free(tick);
    sw__reporter_free(r);
    return rc;
}
