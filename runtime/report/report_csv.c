/*
 * report_csv.c - Locust 2.x's four CSV files (--csv PREFIX), with its exact
 * headers and row layout, written atomically at the end of the run.  As
 * Python's csv module does, lines end in "\r\n".  Times are ms, written
 * with up to 3 decimals (us precision) instead of Locust's rounding.
 */
#include "report_int.h"
#include "report_metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"

#define EOL "\r\n"

static const char stats_header[] =
    "Type,Name,Request Count,Failure Count,Median Response Time,"
    "Average Response Time,Min Response Time,Max Response Time,"
    "Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,"
    "98%,99%,99.9%,99.99%,100%";
static const char history_header[] =
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,"
    "90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,"
    "Total Failure Count,Total Median Response Time,"
    "Total Average Response Time,Total Min Response Time,"
    "Total Max Response Time,Total Average Content Size";
static const char failures_header[] = "Method,Name,Error,Occurrences";
static const char exceptions_header[] = "Count,Message,Traceback,Nodes";

/* A number with up to `dec` decimals, trailing zeros removed. */
static void num(FILE *f, double v, int dec)
{
    char b[64];
    snprintf(b, sizeof(b), "%.*f", dec, v);
    char *dot = strchr(b, '.');
    if (dot) {
        char *end = b + strlen(b) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    fputs(b, f);
}

static void ms(FILE *f, double us)
{
    char b[64];
    sw__fmt_ms(b, sizeof(b), us);
    fputs(b, f);
}

static void percentiles(FILE *f, const struct sw__stats_entry *e)
{
    for (int i = 0; i < SW_NPCT; i++) {
        fputc(',', f);
        if (e->requests)
            ms(f, (double)sw__report_pct_us(e, sw__report_pcts[i]));
        else
            fputs("N/A", f);
    }
}

/* Median, Average, Min, Max, Average Content Size (5 fields). */
static void totals(FILE *f, const struct sw__stats_entry *e)
{
    double n = (double)e->requests;
    ms(f, (double)sw__report_pct_us(e, 50));
    fputc(',', f);
    ms(f, e->requests ? (double)e->total_us / n : 0.0);
    fputc(',', f);
    ms(f, e->requests ? (double)e->min_us : 0.0);
    fputc(',', f);
    ms(f, (double)e->max_us);
    fputc(',', f);
    num(f, e->requests ? (double)e->bytes / n : 0.0, 2);
}

static void stats_row(FILE *f, const struct sw__stats_entry *e,
                      const char *type, double dur_s)
{
    sw__csv_field(f, type);
    fputc(',', f);
    sw__csv_field(f, e->name);
    fprintf(f, ",%lld,%lld,", (long long)e->requests,
            (long long)e->failures);
    totals(f, e);
    fputc(',', f);
    num(f, (double)e->requests / dur_s, 6);
    fputc(',', f);
    num(f, (double)e->failures / dur_s, 6);
    percentiles(f, e);
    fputs(EOL, f);
}

static void history_row(FILE *f, const struct sw__stats_entry *e,
                        const char *type, const struct sw__run_info *ri)
{
    double fps = 0.0;
    double rps = sw__stats_current_rps(e, ri->now_unix_ms, ri->start_unix_ms,
                                       &fps);
    fprintf(f, "%lld,%lld,", (long long)(ri->now_unix_ms / 1000),
            (long long)ri->users);
    sw__csv_field(f, type);
    fputc(',', f);
    sw__csv_field(f, e->name);
    fprintf(f, ",%f,%f", rps, fps);
    percentiles(f, e);
    fprintf(f, ",%lld,%lld,", (long long)e->requests,
            (long long)e->failures);
    totals(f, e);
    fputs(EOL, f);
}

void sw__csv_history_rows(FILE *f, const struct sw__stats *s,
                          const struct sw__run_info *ri, int full)
{
    if (full) {
        int n = 0;
        struct sw__stats_entry **v = sw__stats_sorted(s, &n);
        for (int i = 0; i < n; i++)
            history_row(f, v[i], sw__method_name(v[i]->method), ri);
        free(v);
    }
    history_row(f, &s->total, "", ri);
}

/* Opens PREFIX + suffix for an atomic write.  -1 with a message. */
static int open_csv(struct sw__afile *af, const char *prefix,
                    const char *suffix)
{
    size_t n = strlen(prefix) + strlen(suffix) + 1;
    char *path = malloc(n);
    if (!path)
        return -1;
    snprintf(path, n, "%s%s", prefix, suffix);
    int rc = sw__afile_open(af, path);
    if (rc < 0)
        fprintf(stderr, "swarm: cannot write %s: %s\n", path,
                strerror(errno));
    free(path);
    return rc;
}

static int commit(struct sw__afile *af)
{
    char *path = strdup(af->path);
    int rc = sw__afile_commit(af);
    if (rc < 0)
        fprintf(stderr, "swarm: cannot write %s: %s\n",
                path ? path : "csv file", strerror(errno));
    free(path);
    return rc;
}

void sw__csv_stats(FILE *f, const struct sw__stats *s,
                   const struct sw__run_info *ri)
{
    double dur = sw__report_duration_s(ri);
    fputs(stats_header, f);
    fputs(EOL, f);
    int n = 0;
    struct sw__stats_entry **v = sw__stats_sorted(s, &n);
    for (int i = 0; i < n; i++)
        stats_row(f, v[i], sw__method_name(v[i]->method), dur);
    free(v);
    stats_row(f, &s->total, "", dur);
}

void sw__csv_failures(FILE *f, const struct sw__stats *s)
{
    fputs(failures_header, f);
    fputs(EOL, f);
    /* Locust sorts failures like the entries: by (name, method). */
    int n = 0;
    struct sw__stats_error **ev = sw__stats_errors_sorted(s, &n);
    for (int i = 1; i < n; i++) {
        struct sw__stats_error *x = ev[i];
        int j = i - 1;
        while (j >= 0) {
            int c = strcmp(ev[j]->name, x->name);
            if (c == 0)
                c = strcmp(sw__method_name(ev[j]->method),
                           sw__method_name(x->method));
            if (c <= 0)
                break;
            ev[j + 1] = ev[j];
            j--;
        }
        ev[j + 1] = x;
    }
    for (int i = 0; i < n; i++) {
        sw__csv_field(f, sw__method_name(ev[i]->method));
        fputc(',', f);
        sw__csv_field(f, ev[i]->name);
        fputc(',', f);
        sw__csv_field(f, ev[i]->message);
        fprintf(f, ",%lld" EOL, (long long)ev[i]->count);
    }
    free(ev);
}

void sw__csv_exceptions(FILE *f)
{
    /* Scenarios have no user-code exceptions: the file has its header. */
    fputs(exceptions_header, f);
    fputs(EOL, f);
}

int sw__report_csv(struct sw__reporter *r, const struct sw__stats *s,
                   const struct sw__run_info *ri)
{
    const char *prefix = ri->opt->csv_prefix;
    struct sw__afile af;
    int rc = 0;

    if (open_csv(&af, prefix, "_stats.csv") == 0) {
        sw__csv_stats(af.f, s, ri);
        rc |= commit(&af);
    } else {
        rc = -1;
    }

    if (open_csv(&af, prefix, "_stats_history.csv") == 0) {
        fputs(history_header, af.f);
        fputs(EOL, af.f);
        if (r->csv_hist_f) {
            fflush(r->csv_hist_f);
            fwrite(r->csv_hist, 1, r->csv_hist_len, af.f);
        }
        rc |= commit(&af);
    } else {
        rc = -1;
    }

    if (open_csv(&af, prefix, "_failures.csv") == 0) {
        sw__csv_failures(af.f, s);
        rc |= commit(&af);
    } else {
        rc = -1;
    }

    if (open_csv(&af, prefix, "_exceptions.csv") == 0) {
        sw__csv_exceptions(af.f);
        rc |= commit(&af);
    } else {
        rc = -1;
    }

    if (sw__metrics_csv(s, prefix, sw__report_duration_s(ri)) < 0)
        rc = -1;
    return rc ? -1 : 0;
}
