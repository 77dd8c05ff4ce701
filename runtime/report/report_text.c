/*
 * report_text.c - the final summary on stdout, Locust's layout: request
 * table, percentile table, error report, then the thresholds with
 * check marks.  Latencies are ms with 3 significant digits (see
 * docs/reports.md).
 */
#include "report_int.h"
#include "report_metrics.h"

#include <stdlib.h>
#include <string.h>

#define GREEN "\033[32m"
#define RED "\033[31m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

static int name_width(struct sw__stats_entry **v, int n)
{
    int w = (int)strlen("Aggregated");
    for (int i = 0; i < n; i++) {
        int l = (int)strlen(v[i]->name);
        if (l > w)
            w = l;
    }
    if (w < 20)
        w = 20;
    if (w > 76)
        w = 76;
    return w;
}

static void dashes(FILE *out, int n)
{
    for (int i = 0; i < n; i++)
        fputc('-', out);
}

/* The rule under the request table's header: '|' where the columns meet. */
static void table_rule(FILE *out, int nw)
{
    fputs("--------|", out);
    dashes(out, nw);
    fputc('|', out);
    dashes(out, 7);
    fputc('|', out);
    dashes(out, 12);
    fputs("-|-", out);
    for (int i = 0; i < 4; i++) {
        if (i)
            fputc('|', out);
        dashes(out, 7);
    }
    fputs("-|-", out);
    dashes(out, 7);
    fputc('|', out);
    dashes(out, 11);
    fputc('\n', out);
}

static void request_row(FILE *out, const struct sw__stats_entry *e,
                        const char *type, int nw, double dur_s)
{
    char fails[48], avg[16], mn[16], mx[16], med[16];
    double pct = e->requests ? 100.0 * (double)e->failures /
                               (double)e->requests : 0.0;
    snprintf(fails, sizeof(fails), "%lld(%.2f%%)", (long long)e->failures,
             pct);
    sw__fmt_ms_short(avg, sizeof(avg), e->requests ? (double)e->total_us /
                                       (double)e->requests : 0.0);
    sw__fmt_ms_short(mn, sizeof(mn), e->requests ? (double)e->min_us : 0.0);
    sw__fmt_ms_short(mx, sizeof(mx), (double)e->max_us);
    sw__fmt_ms_short(med, sizeof(med), (double)sw__report_pct_us(e, 50));
    fprintf(out, "%-8s %-*.*s %7lld %12s | %7s %7s %7s %7s | %7.2f %11.2f\n",
            type, nw, nw, e->name, (long long)e->requests, fails, avg, mn,
            mx, med, (double)e->requests / dur_s,
            (double)e->failures / dur_s);
}

static void pct_row(FILE *out, const struct sw__stats_entry *e,
                    const char *type, int nw)
{
    fprintf(out, "%-8s %-*.*s", type, nw, nw, e->name);
    for (int i = 0; i < SW_NPCT; i++) {
        char b[16];
        if (e->requests)
            sw__fmt_ms_short(b, sizeof(b),
                             (double)sw__report_pct_us(e, sw__report_pcts[i]));
        else
            snprintf(b, sizeof(b), "N/A");
        fprintf(out, " %6s", b);
    }
    fprintf(out, " %6lld\n", (long long)e->requests);
}

void sw__report_summary(FILE *out, const struct sw__stats *s,
                        const struct sw__run_info *ri,
                        const struct sw__tresult *tres, int color)
{
    int n = 0;
    struct sw__stats_entry **v = sw__stats_sorted(s, &n);
    int nw = name_width(v, n);
    double dur = sw__report_duration_s(ri);

    fprintf(out, "%-8s %-*s %7s %12s | %7s %7s %7s %7s | %7s %11s\n",
            "Type", nw, "Name", "# reqs", "# fails", "Avg", "Min", "Max",
            "Med", "req/s", "failures/s");
    table_rule(out, nw);
    for (int i = 0; i < n; i++)
        request_row(out, v[i], sw__method_name(v[i]->method), nw, dur);
    table_rule(out, nw);
    request_row(out, &s->total, "", nw, dur);

    fprintf(out, "\nResponse time percentiles (ms)\n");
    fprintf(out, "%-8s %-*s", "Type", nw, "Name");
    for (int i = 0; i < SW_NPCT; i++)
        fprintf(out, " %6s", sw__report_pct_labels[i]);
    fprintf(out, " %6s\n", "# reqs");
    fputs("--------|", out);
    dashes(out, nw);
    for (int i = 0; i <= SW_NPCT; i++)
        fputs("|------", out);
    fputc('\n', out);
    for (int i = 0; i < n; i++)
        pct_row(out, v[i], sw__method_name(v[i]->method), nw);
    fputs("--------|", out);
    dashes(out, nw);
    for (int i = 0; i <= SW_NPCT; i++)
        fputs("|------", out);
    fputc('\n', out);
    pct_row(out, &s->total, "", nw);
    free(v);

    /* latency from the intended start, and the open model's drops */
    if (s->total.intended && s->total.requests > 0) {
        char b[4][16];
        const double p[3] = { 50, 95, 99 };
        for (int i = 0; i < 3; i++)
            sw__fmt_ms_short(b[i], sizeof(b[i]), (double)
                             sw__hdr_value_at_percentile(s->total.intended,
                                                         p[i]));
        sw__fmt_ms_short(b[3], sizeof(b[3]),
                         (double)sw__hdr_max(s->total.intended));
        fprintf(out, "\nLatency from the intended start (ms, no coordinated "
                     "omission): 50%% %s  95%% %s  99%% %s  max %s\n",
                b[0], b[1], b[2], b[3]);
    }
    if (ri->dropped > 0 ||
        (ri->opt && (ri->opt->rate_per_s > 0 ||
                     (ri->opt->nstages > 0 &&
                      ri->opt->stages[0].rate_per_s >= 0))))
        fprintf(out, "\nDropped iterations: %lld (arrivals with no user "
                     "free in the pool)\n", (long long)ri->dropped);
    if (ri->engine_native > 0 || ri->engine_curl > 0)
        fprintf(out, "\nHTTP engines: native %lld, curl %lld requests\n",
                (long long)ri->engine_native, (long long)ri->engine_curl);

    int ne = 0;
    struct sw__stats_error **ev = sw__stats_errors_sorted(s, &ne);
    if (ne > 0) {
        fprintf(out, "\nError report\n");
        fprintf(out, "%-18s %s\n", "# occurrences", "Error");
        fputs("------------------|", out);
        dashes(out, 60);
        fputc('\n', out);
        for (int i = 0; i < ne; i++)
            fprintf(out, "%-18lld %s %s: %s\n", (long long)ev[i]->count,
                    sw__method_name(ev[i]->method), ev[i]->name,
                    ev[i]->message);
        fputs("------------------|", out);
        dashes(out, 60);
        fputc('\n', out);
    }
    free(ev);

    sw__metrics_summary(out, s, dur);

    if (s->folded_samples > 0)
        fprintf(out, "\nNote: more than %d request names; %lld requests "
                     "are counted under '%s'.\n", SW_STATS_MAX_NAMES,
                (long long)s->folded_samples, SW_STATS_OTHER_NAME);
    if (s->total.service->clamped > 0)
        fprintf(out, "\nNote: %lld requests took longer than 1 h and are "
                     "counted as 1 h in the percentiles.\n",
                (long long)s->total.service->clamped);

    const struct sw__options *opt = ri->opt;
    if (opt && opt->nthresholds > 0) {
        fprintf(out, "\nThresholds\n");
        int tw = 0;
        for (int i = 0; i < opt->nthresholds; i++) {
            int l = (int)strlen(opt->thresholds[i].text ?
                                opt->thresholds[i].text : "");
            if (l > tw)
                tw = l;
        }
        for (int i = 0; i < opt->nthresholds; i++) {
            const sw_threshold_t *t = &opt->thresholds[i];
            char actual[64];
            sw__threshold_format_actual_in(t, s, tres[i].actual, actual,
                                        sizeof(actual));
            const char *mark = tres[i].passed ? "\xe2\x9c\x93" : "\xe2\x9c\x97";
            if (color)
                fprintf(out, "  %s%s%s ", tres[i].passed ? GREEN : RED,
                        mark, RESET);
            else
                fprintf(out, "  %s ", mark);
            fprintf(out, "%-*s  %s%s\n", tw, t->text ? t->text : "", actual,
                    t->abort_on_fail ? "  (abort)" : "");
        }
    }
    fflush(out);
}
