/*
 * report_metrics.c - custom metrics (count/record) in every report: the
 * console table, PREFIX_metrics.csv, the JSON "metrics" array (with the
 * trends' histograms, so `merge` adds them exactly) and the HTML section.
 * Schema and columns: docs/reports.md.
 */
#include "report_metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "hdr.h"

/* The percentiles each trend reports (a subset of the requests'). */
static const double pcts[] = { 50, 90, 95, 99, 99.9 };
static const char *const pct_labels[] = { "50%", "90%", "95%", "99%",
                                          "99.9%" };
#define NPCT (int)(sizeof(pcts) / sizeof(pcts[0]))

static double per_s(double v, double dur_s)
{
    return dur_s > 0 ? v / dur_s : 0.0;
}

/* ---- console ------------------------------------------------------------ */

void sw__metrics_summary(FILE *out, const struct sw__stats *s, double dur_s)
{
    const struct sw__metrics *m = &s->metrics;
    if (m->n == 0)
        return;
    int nw = 24;
    for (int i = 0; i < m->n; i++) {
        int l = (int)strlen(m->v[i]->name);
        if (l > nw)
            nw = l;
    }
    fprintf(out, "\nCustom metrics (time trends in ms)\n");
    fprintf(out, "%-8s %-*s %8s %10s %9s | %8s %8s %8s %8s %8s %8s\n", "Type",
            nw, "Name", "# count", "value", "per s", "Avg", "Min", "Med",
            "95%", "99%", "Max");
    for (int i = 0; i < m->n; i++) {
        const struct sw__metric *x = m->v[i];
        if (x->kind == SW_COUNTER) {
            fprintf(out, "%-8s %-*s %8lld %10lld %9.2f |\n", "counter", nw,
                    x->name, (long long)x->n, (long long)x->sum,
                    per_s((double)x->sum, dur_s));
            continue;
        }
        char b[6][32];
        const double v[6] = { sw__metric_avg(x), sw__metric_min(x),
                              sw__metric_pct(x, 50), sw__metric_pct(x, 95),
                              sw__metric_pct(x, 99), sw__metric_max(x) };
        for (int k = 0; k < 6; k++)
            snprintf(b[k], sizeof(b[k]), "%.6g", v[k]);
        fprintf(out, "%-8s %-*s %8lld %10s %9.2f | %8s %8s %8s %8s %8s %8s\n",
                sw__metric_kind_name(x->kind), nw, x->name, (long long)x->n,
                "", per_s((double)x->n, dur_s), b[0], b[1], b[2], b[3], b[4],
                b[5]);
    }
    for (int i = 0; i < m->n; i++)
        if (m->v[i]->negative > 0)
            fprintf(out, "Note: %lld negative values recorded in '%s' are "
                         "counted as 0.\n", (long long)m->v[i]->negative,
                    m->v[i]->name);
}

/* ---- CSV ---------------------------------------------------------------- */

void sw__metrics_csv_body(FILE *f, const struct sw__stats *s, double dur_s)
{
    fputs("Name,Type,Unit,Count,Value,Rate/s,Average,Min", f);
    for (int k = 0; k < NPCT; k++)
        fprintf(f, ",%s", pct_labels[k]);
    fputs(",Max\r\n", f);
    const struct sw__metrics *m = &s->metrics;
    for (int i = 0; i < m->n; i++) {
        const struct sw__metric *x = m->v[i];
        sw__csv_field(f, x->name);
        fprintf(f, ",%s,%s,%lld", sw__metric_kind_name(x->kind),
                x->kind == SW_TREND_TIME ? "ms" : "", (long long)x->n);
        if (x->kind == SW_COUNTER) {
            fprintf(f, ",%lld,%.10g", (long long)x->sum,
                    per_s((double)x->sum, dur_s));
            for (int k = 0; k < NPCT + 3; k++)
                fputs(",", f);
            fputs("\r\n", f);
            continue;
        }
        fprintf(f, ",,%.10g,%.10g,%.10g", per_s((double)x->n, dur_s),
                sw__metric_avg(x), sw__metric_min(x));
        for (int k = 0; k < NPCT; k++)
            fprintf(f, ",%.10g", sw__metric_pct(x, pcts[k]));
        fprintf(f, ",%.10g\r\n", sw__metric_max(x));
    }
}

int sw__metrics_csv(const struct sw__stats *s, const char *prefix,
                    double dur_s)
{
    if (s->metrics.n == 0)
        return 0;       /* no file for a scenario without metrics */
    size_t n = strlen(prefix) + sizeof("_metrics.csv");
    char *path = malloc(n);
    if (!path)
        return -1;
    snprintf(path, n, "%s_metrics.csv", prefix);
    struct sw__afile af;
    int rc = sw__afile_open(&af, path);
    if (rc == 0) {
        sw__metrics_csv_body(af.f, s, dur_s);
        rc = sw__afile_commit(&af);
    }
    if (rc < 0)
        fprintf(stderr, "swarm: cannot write %s: %s\n", path, strerror(errno));
    free(path);
    return rc;
}

/* ---- JSON --------------------------------------------------------------- */

static void put(json_t *o, const char *key, json_t *v)
{
    if (v)
        json_object_set_new(o, key, v);
}

static json_t *num(double v)
{
    /* three decimals at most: no float noise in the text */
    return json_real((double)(int64_t)(v * 1000.0 + (v >= 0 ? 0.5 : -0.5))
                     / 1000.0);
}

json_t *sw__metrics_json(const struct sw__stats *s, double dur_s)
{
    json_t *arr = json_array();
    const struct sw__metrics *m = &s->metrics;
    for (int i = 0; arr && i < m->n; i++) {
        const struct sw__metric *x = m->v[i];
        json_t *o = json_object();
        if (!o)
            continue;
        put(o, "name", json_string(x->name));
        put(o, "kind", json_string(sw__metric_kind_name(x->kind)));
        put(o, "unit", x->kind == SW_TREND_TIME ? json_string("ms")
                                                : json_null());
        put(o, "count", json_integer(x->n));
        if (x->kind == SW_COUNTER) {
            put(o, "value", json_integer(x->sum));
            put(o, "rate", num(per_s((double)x->sum, dur_s)));
        } else {
            put(o, "rate", num(per_s((double)x->n, dur_s)));
            put(o, "avg", num(sw__metric_avg(x)));
            put(o, "min", num(sw__metric_min(x)));
            put(o, "max", num(sw__metric_max(x)));
            json_t *p = json_object();
            for (int k = 0; p && k < NPCT; k++) {
                char key[16];
                snprintf(key, sizeof(key), "p%g", pcts[k]);
                put(p, key, num(sw__metric_pct(x, pcts[k])));
            }
            put(o, "percentiles", p);
            /* exact, as recorded (us for a time trend): what merge adds */
            json_t *raw = json_object();
            if (raw) {
                put(raw, "sum", json_integer(x->sum));
                put(raw, "min", x->n ? json_integer(x->min) : json_null());
                put(raw, "max", json_integer(x->max));
                put(raw, "negative", json_integer(x->negative));
                char *h = sw__hdr_encode_base64(x->hdr);
                put(raw, "histogram", h ? json_string(h) : json_null());
                free(h);
            }
            put(o, "raw", raw);
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

static int64_t jint(const json_t *o, const char *key, int64_t dflt)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

int sw__metrics_from_json(struct sw__stats *into, const json_t *arr,
                          char *err, size_t errlen)
{
    size_t i;
    const json_t *o;
    if (arr && !json_is_array(arr)) {
        snprintf(err, errlen, "\"metrics\" is not an array");
        return -1;
    }
    json_array_foreach(arr, i, o) {
        const char *name = json_string_value(json_object_get(o, "name"));
        sw_metric_kind_t kind;
        int64_t n = jint(o, "count", -1);
        if (!name || n < 0 ||
            sw__metric_kind_parse(json_string_value(json_object_get(o, "kind")),
                                  &kind) < 0) {
            snprintf(err, errlen, "malformed entry in \"metrics\"");
            return -1;
        }
        struct sw__metrics one = { 0 };
        struct sw__metric *x = sw__metrics_get(&one, 0, name, kind);
        if (!x) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        x->n = n;
        int rc = 0;
        if (kind == SW_COUNTER) {
            x->sum = jint(o, "value", 0);
        } else {
            const json_t *raw = json_object_get(o, "raw");
            const char *b64 = json_string_value(json_object_get(raw,
                                                                "histogram"));
            char why[128] = "";
            struct sw__hdr *h = b64 ? sw__hdr_decode_base64(b64, why,
                                                            sizeof(why))
                                    : NULL;
            if (!h) {
                snprintf(err, errlen, "metric '%s': bad histogram%s%s", name,
                         why[0] ? ": " : "", why);
                rc = -1;
            } else if (h->lowest != SW_HDR_LOWEST ||
                       h->highest != SW_HDR_HIGHEST ||
                       h->sig_figs != SW_HDR_SIGFIGS) {
                snprintf(err, errlen, "metric '%s': histogram encoded with "
                         "other settings", name);
                rc = -1;
            } else if (h->total_count != n) {
                snprintf(err, errlen, "inconsistent metric '%s': %lld values "
                         "but %lld in its histogram", name, (long long)n,
                         (long long)h->total_count);
                rc = -1;
            } else {
                sw__hdr_copy(x->hdr, h);
                x->sum = jint(raw, "sum", 0);
                x->min = jint(raw, "min", INT64_MAX);
                x->max = jint(raw, "max", 0);
                x->negative = jint(raw, "negative", 0);
            }
            sw__hdr_free(h);
        }
        const char *clash = NULL;
        if (rc == 0 && sw__metrics_merge(&into->metrics, &one, &clash) < 0) {
            if (clash)
                snprintf(err, errlen, "metric '%s' is a counter in one "
                         "result and a trend in another", clash);
            else
                snprintf(err, errlen, "out of memory");
            rc = -1;
        }
        sw__metrics_free(&one);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- HTML --------------------------------------------------------------- */

void sw__metrics_html(FILE *f, const struct sw__stats *s, double dur_s)
{
    const struct sw__metrics *m = &s->metrics;
    if (m->n == 0)
        return;
    fputs("<h2>Custom metrics</h2>\n<table>\n<tr><th>Name</th><th>Type</th>"
          "<th>Count</th><th>Value</th><th>Per s</th><th>Avg</th>"
          "<th>Min</th><th>Med</th><th>95%</th><th>99%</th><th>Max</th>"
          "</tr>\n", f);
    for (int i = 0; i < m->n; i++) {
        const struct sw__metric *x = m->v[i];
        fputs("<tr><td>", f);
        sw__xml_text(f, x->name);
        fprintf(f, "</td><td>%s%s</td><td>%lld</td>",
                sw__metric_kind_name(x->kind),
                x->kind == SW_TREND_TIME ? " (ms)" : "", (long long)x->n);
        if (x->kind == SW_COUNTER) {
            fprintf(f, "<td>%lld</td><td>%.2f</td><td></td><td></td><td></td>"
                       "<td></td><td></td><td></td></tr>\n",
                    (long long)x->sum, per_s((double)x->sum, dur_s));
            continue;
        }
        fprintf(f, "<td></td><td>%.2f</td><td>%.6g</td><td>%.6g</td>"
                   "<td>%.6g</td><td>%.6g</td><td>%.6g</td><td>%.6g</td>"
                   "</tr>\n",
                per_s((double)x->n, dur_s), sw__metric_avg(x),
                sw__metric_min(x), sw__metric_pct(x, 50),
                sw__metric_pct(x, 95), sw__metric_pct(x, 99),
                sw__metric_max(x));
    }
    fputs("</table>\n", f);
}
