/*
 * report.c - the reporter (report.h): per-second history, the live status
 * line, .hlog intervals, thresholds and the final outputs.
 *
 * The snapshot handed to sw__reporter_tick() is cumulative since the start
 * of the run; the reporter keeps the previous one (per request name only
 * when an .hlog is wanted) and derives each second's interval histogram
 * from the difference.
 */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"

/* A finish this close to the last tick adds no history row. */
#define MIN_INTERVAL_MS 100
#define LIVE_EVERY_MS 2000

struct sw__reporter *sw__reporter_new(const struct sw__run_info *ri)
{
    struct sw__reporter *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->opt = ri->opt;
    r->last_tick_ms = ri->start_unix_ms;
    r->last_live_ms = ri->start_unix_ms;
    r->interval = sw__hdr_new_default();
    if (!r->interval)
        goto fail;
    const struct sw__options *opt = ri->opt;
    /* The live line is for people watching a terminal: never in logs. */
    int quiet = opt && (opt->quiet || opt->only_summary);
    r->live = !quiet && isatty(STDERR_FILENO);
    const char *nc = getenv("NO_COLOR");
    r->color = r->live && !(nc && *nc);
    if (opt && opt->csv_prefix) {
        r->csv_hist_f = open_memstream(&r->csv_hist, &r->csv_hist_len);
        if (!r->csv_hist_f)
            goto fail;
    }
    if (opt && opt->hlog_path) {
        r->hlog_f = open_memstream(&r->hlog, &r->hlog_len);
        if (!r->hlog_f)
            goto fail;
    }
    return r;
fail:
    sw__reporter_free(r);
    return NULL;
}

void sw__reporter_free(struct sw__reporter *r)
{
    if (!r)
        return;
    if (r->csv_hist_f)
        fclose(r->csv_hist_f);
    if (r->hlog_f)
        fclose(r->hlog_f);
    free(r->csv_hist);
    free(r->hlog);
    for (int i = 0; i < r->ntracks; i++) {
        free(r->tracks[i].name);
        sw__hdr_free(r->tracks[i].prev);
    }
    free(r->tracks);
    for (int i = 0; i < r->nrows; i++)
        free(r->rows[i].hist_b64);
    free(r->rows);
    sw__hdr_free(r->interval);
    free(r);
}

/* The track of (method, name); name NULL = the Aggregated row. */
static struct sw__track *track(struct sw__reporter *r, sw_method_t m,
                               const char *name)
{
    for (int i = 0; i < r->ntracks; i++) {
        struct sw__track *t = &r->tracks[i];
        if (!name && !t->name)
            return t;
        if (name && t->name && t->method == m && strcmp(t->name, name) == 0)
            return t;
    }
    if (r->ntracks == r->tracks_cap) {
        int cap = r->tracks_cap ? r->tracks_cap * 2 : 8;
        struct sw__track *nt = realloc(r->tracks, (size_t)cap * sizeof(*nt));
        if (!nt)
            return NULL;
        r->tracks = nt;
        r->tracks_cap = cap;
    }
    struct sw__track *t = &r->tracks[r->ntracks];
    t->method = m;
    t->name = name ? strdup(name) : NULL;
    t->prev = sw__hdr_new_default();
    if ((name && !t->name) || !t->prev) {
        free(t->name);
        sw__hdr_free(t->prev);
        return NULL;
    }
    r->ntracks++;
    return t;
}

/* r->interval = cur - the track's previous snapshot; then remembers cur.
 * 0, or -1 when out of memory (the interval is then empty). */
static int interval_of(struct sw__reporter *r, sw_method_t m,
                       const char *name, const struct sw__hdr *cur)
{
    struct sw__track *t = track(r, m, name);
    if (!t) {
        sw__hdr_reset(r->interval);
        return -1;
    }
    sw__hdr_diff(r->interval, cur, t->prev);
    sw__hdr_copy(t->prev, cur);
    return 0;
}

static double interval_pct_ms(const struct sw__hdr *h, double p)
{
    if (h->total_count == 0)
        return -1.0;
    int64_t v = sw__hdr_value_at_percentile(h, p);
    if (v > h->max_value)
        v = h->max_value;
    return (double)v / 1000.0;
}

static void hlog_interval(struct sw__reporter *r, const char *tag,
                          const struct sw__run_info *ri, int64_t from_ms,
                          int64_t to_ms)
{
    double start_s = (double)(from_ms - ri->start_unix_ms) / 1000.0;
    double len_s = (double)(to_ms - from_ms) / 1000.0;
    sw__hlog_write_interval(r->hlog_f, tag, start_s, len_s, r->interval);
}

/* One history step: interval histograms, hlog lines, a history row and
 * the history CSV rows. */
static void advance(struct sw__reporter *r, const struct sw__stats *snap,
                    const struct sw__run_info *ri)
{
    int64_t now = ri->now_unix_ms;
    if (r->hlog_f) {
        for (int i = 0; i < snap->nentries; i++) {
            const struct sw__stats_entry *e = snap->entries[i];
            if (interval_of(r, e->method, e->name, e->service) < 0 ||
                r->interval->total_count == 0)
                continue;
            const char *m = sw__method_name(e->method);
            size_t n = strlen(m) + strlen(e->name) + 2;
            char *tag = malloc(n);
            if (!tag)
                continue;
            snprintf(tag, n, "%s:%s", m, e->name);
            hlog_interval(r, tag, ri, r->last_tick_ms, now);
            free(tag);
        }
    }
    interval_of(r, SW_GET, NULL, snap->total.service);
    if (r->hlog_f)
        hlog_interval(r, NULL, ri, r->last_tick_ms, now);

    if (r->nrows == r->rows_cap) {
        int cap = r->rows_cap ? r->rows_cap * 2 : 64;
        struct sw__hist_row *nr = realloc(r->rows, (size_t)cap * sizeof(*nr));
        if (nr) {
            r->rows = nr;
            r->rows_cap = cap;
        }
    }
    if (r->nrows < r->rows_cap) {
        struct sw__hist_row *row = &r->rows[r->nrows];
        const struct sw__hist_row *prev = r->nrows ? row - 1 : NULL;
        row->ts_ms = now;
        row->users = ri->users;
        row->reqs = snap->total.requests;
        row->fails = snap->total.failures;
        row->interval_s = (double)(now - r->last_tick_ms) / 1000.0;
        /* after a statistics reset the counts start again from 0 */
        int base = prev && !r->reset_since_row;
        row->interval_reqs = row->reqs - (base ? prev->reqs : 0);
        row->interval_fails = row->fails - (base ? prev->fails : 0);
        r->reset_since_row = 0;
        row->cur_rps = sw__stats_current_rps(&snap->total, now,
                                             ri->start_unix_ms, &row->cur_fps);
        row->p50_ms = interval_pct_ms(r->interval, 50);
        row->p95_ms = interval_pct_ms(r->interval, 95);
        row->p99_ms = interval_pct_ms(r->interval, 99);
        /* exact cumulative totals and the interval histogram, so runs
         * can be merged second by second */
        row->total_us = snap->total.total_us;
        row->min_us = snap->total.min_us;
        row->max_us = snap->total.max_us;
        row->bytes = snap->total.bytes;
        row->hist_b64 = r->interval->total_count
                            ? sw__hdr_encode_base64(r->interval) : NULL;
        r->nrows++;
    }
    if (r->csv_hist_f)
        sw__csv_history_rows(r->csv_hist_f, snap, ri,
                             r->opt->csv_full_history);
    if (ri->users > r->max_users)
        r->max_users = ri->users;
    r->last_tick_ms = now;
}

static void live_line(struct sw__reporter *r, const struct sw__stats *snap,
                      const struct sw__run_info *ri)
{
    const struct sw__stats_entry *t = &snap->total;
    double rps = sw__stats_current_rps(t, ri->now_unix_ms, ri->start_unix_ms,
                                       NULL);
    if (rps == 0.0)   /* the 10 s window is still empty: average so far */
        rps = (double)t->requests / sw__report_duration_s(ri);
    char p50[16], p95[16], p99[16];
    sw__fmt_ms_short(p50, sizeof(p50), (double)sw__report_pct_us(t, 50));
    sw__fmt_ms_short(p95, sizeof(p95), (double)sw__report_pct_us(t, 95));
    sw__fmt_ms_short(p99, sizeof(p99), (double)sw__report_pct_us(t, 99));
    double fpct = t->requests ? 100.0 * (double)t->failures /
                                (double)t->requests : 0.0;
    int red = r->color && t->failures > 0;
    fprintf(stderr, "\r\033[K[%4llds] users %lld/%lld | %lld reqs, %s%lld "
                    "fails (%.2f%%)%s | %.1f req/s | p50 %sms p95 %sms "
                    "p99 %sms",
            (long long)((ri->now_unix_ms - ri->start_unix_ms) / 1000),
            (long long)ri->users, (long long)ri->target_users,
            (long long)t->requests, red ? "\033[31m" : "",
            (long long)t->failures, fpct, red ? "\033[0m" : "", rps, p50,
            p95, p99);
    fflush(stderr);
}

void sw__reporter_tick(struct sw__reporter *r, const struct sw__stats *snap,
                       const struct sw__run_info *ri)
{
    if (r->finished)
        return;
    if (snap->folded_samples > 0 && !r->warned_names) {
        r->warned_names = 1;
        fprintf(stderr, "%sswarm: warning: more than %d distinct request "
                        "names; further names are counted as '%s'\n",
                r->live ? "\r\033[K" : "", SW_STATS_MAX_NAMES,
                SW_STATS_OTHER_NAME);
    }
    if (snap->folded_errors > 0 && !r->warned_errors) {
        r->warned_errors = 1;
        fprintf(stderr, "%sswarm: warning: more than %d distinct error "
                        "messages; further ones are counted as '%s'\n",
                r->live ? "\r\033[K" : "", SW_STATS_MAX_ERRORS,
                SW_STATS_OTHER_ERROR);
    }
    advance(r, snap, ri);
    if (r->live && ri->now_unix_ms - r->last_live_ms >= LIVE_EVERY_MS - 100) {
        r->last_live_ms = ri->now_unix_ms;
        live_line(r, snap, ri);
    }
}

int sw__reporter_should_abort(struct sw__reporter *r,
                              const struct sw__stats *snap,
                              const struct sw__run_info *ri)
{
    const struct sw__options *opt = ri->opt;
    if (!opt)
        return 0;
    double dur = sw__report_duration_s(ri);
    for (int i = 0; i < opt->nthresholds; i++) {
        const sw_threshold_t *t = &opt->thresholds[i];
        double actual;
        if (!t->abort_on_fail || sw__threshold_eval(t, snap, dur, &actual))
            continue;
        char buf[64];
        sw__threshold_format_actual_in(t, snap, actual, buf, sizeof(buf));
        fprintf(stderr, "%sswarm: threshold '%s' broken (%s): aborting "
                        "the run\n", r->live ? "\r\033[K" : "",
                t->text ? t->text : "?", buf);
        return 1;
    }
    return 0;
}

static int write_hlog(struct sw__reporter *r, const struct sw__run_info *ri)
{
    struct sw__afile af;
    if (sw__afile_open(&af, ri->opt->hlog_path) < 0)
        goto fail;
    sw__hlog_write_header(af.f, ri->start_unix_ms);
    fflush(r->hlog_f);
    fwrite(r->hlog, 1, r->hlog_len, af.f);
    if (sw__afile_commit(&af) < 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "swarm: cannot write %s: %s\n", ri->opt->hlog_path,
            strerror(errno));
    return -1;
}

int sw__reporter_finish(struct sw__reporter *r, const struct sw__stats *total,
                        const struct sw__run_info *ri)
{
    const struct sw__options *opt = ri->opt;
    if (r->live)
        fputs("\r\033[K", stderr);
    /* also when requests finished since the last tick, so the history
     * always adds up to the totals (merge relies on it) */
    if (ri->now_unix_ms - r->last_tick_ms >= MIN_INTERVAL_MS ||
        r->nrows == 0 || r->rows[r->nrows - 1].reqs != total->total.requests)
        advance(r, total, ri);
    r->finished = 1;

    int nt = opt ? opt->nthresholds : 0;
    struct sw__tresult *tres = calloc(nt > 0 ? (size_t)nt : 1, sizeof(*tres));
    int broken = 0;
    double dur = sw__report_duration_s(ri);
    for (int i = 0; i < nt && tres; i++) {
        tres[i].passed = sw__threshold_eval(&opt->thresholds[i], total, dur,
                                            &tres[i].actual);
        broken |= !tres[i].passed;
    }
    if (!tres && nt > 0)
        broken = 1;  /* cannot evaluate: never report a pass */

    const char *nc = getenv("NO_COLOR");
    int color = isatty(STDOUT_FILENO) && !(nc && *nc);
    static const struct sw__tresult none = {0, 0.0};
    sw__report_summary(stdout, total, ri, tres ? tres : &none, color);

    int files_failed = 0;
    if (opt && opt->csv_prefix && sw__report_csv(r, total, ri) < 0)
        files_failed = 1;
    if (opt && opt->json_path && tres &&
        sw__report_json(r, total, ri, tres, opt->json_path) < 0)
        files_failed = 1;
    if (opt && opt->html_path && tres &&
        sw__report_html(r, total, ri, tres, opt->html_path) < 0)
        files_failed = 1;
    if (opt && opt->junit_path && tres &&
        sw__report_junit(total, ri, tres, opt->junit_path) < 0)
        files_failed = 1;
    if (opt && opt->hlog_path && write_hlog(r, ri) < 0)
        files_failed = 1;
    free(tres);
    if (broken)
        return SW_EXIT_THRESHOLDS;
    return files_failed ? 1 : 0;
}

void sw__reporter_stats_reset(struct sw__reporter *r)
{
    for (int i = 0; i < r->ntracks; i++)
        sw__hdr_reset(r->tracks[i].prev);
    r->reset_since_row = 1;
}

char *sw__reporter_html(struct sw__reporter *r, const struct sw__stats *snap,
                        const struct sw__run_info *ri, size_t *len)
{
    const struct sw__options *opt = ri->opt;
    int nt = opt ? opt->nthresholds : 0;
    struct sw__tresult *tres = calloc(nt > 0 ? (size_t)nt : 1, sizeof(*tres));
    if (!tres)
        return NULL;
    double dur = sw__report_duration_s(ri);
    for (int i = 0; i < nt; i++)
        tres[i].passed = sw__threshold_eval(&opt->thresholds[i], snap, dur,
                                            &tres[i].actual);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    int rc = f ? sw__report_html_write(f, r, snap, ri, tres) : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(tres);
    if (rc < 0) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}
