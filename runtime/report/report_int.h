/*
 * report_int.h - shared between the report*.c files (internal).
 */
#ifndef SW_REPORT_INT_H
#define SW_REPORT_INT_H

#include <stdio.h>
#include <stdint.h>

#include "report.h"
#include "stats_int.h"
#include "threshold.h"

/* Locust's PERCENTILES_TO_REPORT, as percentages, and their labels. */
#define SW_NPCT 11
extern const double sw__report_pcts[SW_NPCT];
extern const char *const sw__report_pct_labels[SW_NPCT];

/* One tick (about a second) of the run, for the history outputs. */
struct sw__hist_row {
    int64_t ts_ms;              /* Unix ms of the tick */
    int64_t users;
    int64_t reqs;               /* cumulative */
    int64_t fails;
    double interval_s;          /* since the previous tick */
    int64_t interval_reqs;
    int64_t interval_fails;
    double cur_rps;             /* Locust's current RPS (10 s window) */
    double cur_fps;
    double p50_ms;              /* of this interval; -1: no request */
    double p95_ms;
    double p99_ms;
    /* what a merge (merge.c) needs to rebuild this row exactly from
     * several runs */
    int64_t total_us;           /* cumulative service time, us */
    int64_t min_us;             /* cumulative exact min (INT64_MAX: none) */
    int64_t max_us;             /* cumulative exact max */
    int64_t bytes;              /* cumulative response bytes */
    char *hist_b64;             /* owned: this interval's Aggregated
                                   histogram (V2 base64), NULL: empty */
};

/* The previous tick's cumulative histogram of one (method, name). */
struct sw__track {
    sw_method_t method;
    char *name;                 /* owned; NULL for the Aggregated row */
    struct sw__hdr *prev;       /* owned */
};

struct sw__tresult {
    int passed;
    double actual;
};

struct sw__reporter {
    const struct sw__options *opt;      /* borrowed */
    int live;                   /* refresh a status line on stderr */
    int color;
    int64_t last_live_ms;
    int64_t last_tick_ms;
    int64_t max_users;
    struct sw__hist_row *rows;  /* owned */
    int nrows;
    int rows_cap;
    char *csv_hist;             /* history CSV rows so far (memstream) */
    size_t csv_hist_len;
    FILE *csv_hist_f;
    char *hlog;                 /* hlog interval lines so far */
    size_t hlog_len;
    FILE *hlog_f;
    struct sw__track *tracks;   /* owned */
    int ntracks;
    int tracks_cap;
    struct sw__hdr *interval;   /* scratch */
    int warned_names;
    int warned_errors;
    int finished;
    int reset_since_row;        /* statistics zeroed since the last row */
};

/* The value reported for percentile p of e, in us: the HDR value clamped
 * to the exact [min, max] (so p100 == max).  0 when e has no request. */
int64_t sw__report_pct_us(const struct sw__stats_entry *e, double p);
/* Seconds the run has lasted at ri (at least 1 ms). */
double sw__report_duration_s(const struct sw__run_info *ri);
/* Milliseconds from microseconds without losing digits: up to 3 decimals,
 * trailing zeros removed ("5", "1.234", "240.5"). */
void sw__fmt_ms(char *buf, size_t n, double us);
/* The console's 3-significant-digit form: "1.23", "12.3", "123". */
void sw__fmt_ms_short(char *buf, size_t n, double us);
/* A CSV field, quoted as Python's csv module does (QUOTE_MINIMAL). */
void sw__csv_field(FILE *f, const char *s);
/* Text with &, <, >, " escaped for XML and HTML. */
void sw__xml_text(FILE *f, const char *s);

/* report_text.c: the final summary (tables, errors, thresholds). */
void sw__report_summary(FILE *out, const struct sw__stats *s,
                        const struct sw__run_info *ri,
                        const struct sw__tresult *tres, int color);
/* report_csv.c */
void sw__csv_history_rows(FILE *f, const struct sw__stats *s,
                          const struct sw__run_info *ri, int full);
int sw__report_csv(struct sw__reporter *r, const struct sw__stats *s,
                   const struct sw__run_info *ri);
/* The bodies of PREFIX_stats.csv, _failures.csv and _exceptions.csv (the
 * web UI serves the same bytes). */
void sw__csv_stats(FILE *f, const struct sw__stats *s,
                   const struct sw__run_info *ri);
void sw__csv_failures(FILE *f, const struct sw__stats *s);
void sw__csv_exceptions(FILE *f);
/* report_json.c, report_html.c, report_junit.c: 0 or -1 (errno). */
int sw__report_json(struct sw__reporter *r, const struct sw__stats *s,
                    const struct sw__run_info *ri,
                    const struct sw__tresult *tres, const char *path);
int sw__report_html(struct sw__reporter *r, const struct sw__stats *s,
                    const struct sw__run_info *ri,
                    const struct sw__tresult *tres, const char *path);
/* The HTML report into f; 0, or -1 with errno. */
int sw__report_html_write(FILE *f, struct sw__reporter *r,
                          const struct sw__stats *s,
                          const struct sw__run_info *ri,
                          const struct sw__tresult *tres);
int sw__report_junit(const struct sw__stats *s,
                     const struct sw__run_info *ri,
                     const struct sw__tresult *tres, const char *path);

#endif /* SW_REPORT_INT_H */
