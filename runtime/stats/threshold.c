/*
 * threshold.c - parse and evaluate thresholds (threshold.h).
 */
#include "threshold.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stats_int.h"

/* ---- parsing ----------------------------------------------------------- */

struct scan {
    const char *p;
};

static void skip_ws(struct scan *sc)
{
    while (isspace((unsigned char)*sc->p))
        sc->p++;
}

static int is_word(int c)
{
    return isalnum(c) || c == '_';
}

/* Does the text at p start a metric keyword (followed by a non-word)? */
static int metric_at(const char *p, sw_threshold_t *t, int *failures_kw,
                     int *ratio_kw, size_t *len)
{
    static const struct {
        const char *kw;
        sw_metric_t m;
        double pct;
    } kws[] = {
        {"median", SW_METRIC_PERCENTILE, 50}, {"med", SW_METRIC_PERCENTILE, 50},
        {"avg", SW_METRIC_AVG, 0},            {"mean", SW_METRIC_AVG, 0},
        {"max", SW_METRIC_MAX, 0},            {"rps", SW_METRIC_RPS, 0},
        {"requests", SW_METRIC_REQUESTS, 0},  {"reqs", SW_METRIC_REQUESTS, 0},
        {"failures", SW_METRIC_FAILURES, 0},  {"fails", SW_METRIC_FAILURES, 0},
        {"fail_ratio", SW_METRIC_FAILURE_RATIO, 0},
        {"failure_rate", SW_METRIC_FAILURE_RATIO, 0},
        {"error_rate", SW_METRIC_FAILURE_RATIO, 0},
        {"count", SW_METRIC_COUNT, 0},        {"min", SW_METRIC_MIN, 0},
        {"rate", SW_METRIC_RATE, 0},
    };
    *failures_kw = 0;
    *ratio_kw = 0;
    for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
        size_t n = strlen(kws[i].kw);
        if (strncasecmp(p, kws[i].kw, n) == 0 && !is_word((unsigned char)p[n])) {
            t->metric = kws[i].m;
            t->pct = kws[i].pct;
            *failures_kw = kws[i].m == SW_METRIC_FAILURES;
            *ratio_kw = kws[i].m == SW_METRIC_FAILURE_RATIO;
            *len = n;
            return 1;
        }
    }
    /* pN, pN.N, p(N) */
    if (p[0] == 'p' || p[0] == 'P') {
        const char *q = p + 1;
        int paren = *q == '(';
        if (paren)
            q++;
        if (!isdigit((unsigned char)*q))
            return 0;
        char *end;
        double v = strtod(q, &end);
        if (paren) {
            if (*end != ')')
                return 0;
            end++;
        }
        if (is_word((unsigned char)*end) || v < 0 || v > 100)
            return 0;
        t->metric = SW_METRIC_PERCENTILE;
        t->pct = v;
        *len = (size_t)(end - p);
        return 1;
    }
    return 0;
}

static int fail(char *err, size_t errlen, const char *text, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "bad threshold '%s': %s", text, msg);
    return -1;
}

int sw__threshold_parse(const char *text, sw_threshold_t *out, char *err,
                        size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->text = text;
    struct scan sc = {text};
    int failures_kw = 0, ratio_kw = 0;
    size_t mlen = 0;
    char *name = NULL;

    skip_ws(&sc);
    if (*sc.p == '"') {
        const char *start = ++sc.p;
        while (*sc.p && *sc.p != '"')
            sc.p++;
        if (*sc.p != '"')
            return fail(err, errlen, text, "unterminated quoted name");
        name = strndup(start, (size_t)(sc.p - start));
        sc.p++;
    } else if (!metric_at(sc.p, out, &failures_kw, &ratio_kw, &mlen)) {
        /* A bare name: everything up to the white space before a metric. */
        const char *start = sc.p;
        while (*sc.p && !isspace((unsigned char)*sc.p))
            sc.p++;
        if (sc.p == start)
            return fail(err, errlen, text, "empty");
        name = strndup(start, (size_t)(sc.p - start));
    }
    if (name == NULL && sc.p != text + strspn(text, " \t")) {
        return fail(err, errlen, text, "out of memory");
    }
    skip_ws(&sc);
    if (!metric_at(sc.p, out, &failures_kw, &ratio_kw, &mlen)) {
        free(name);
        return fail(err, errlen, text,
                    "expected a metric (pN, med, avg, min, max, failures, "
                    "fail_ratio, rps, requests, count, rate)");
    }
    sc.p += mlen;
    skip_ws(&sc);

    const char *op = sc.p;
    if (op[0] == '<' && op[1] == '=') {
        out->cmp = SW_CMP_LE;
        sc.p += 2;
    } else if (op[0] == '>' && op[1] == '=') {
        out->cmp = SW_CMP_GE;
        sc.p += 2;
    } else if (op[0] == '=' && op[1] == '=') {
        out->cmp = SW_CMP_EQ;
        sc.p += 2;
    } else if (op[0] == '!' && op[1] == '=') {
        out->cmp = SW_CMP_NE;
        sc.p += 2;
    } else if (op[0] == '<') {
        out->cmp = SW_CMP_LT;
        sc.p++;
    } else if (op[0] == '>') {
        out->cmp = SW_CMP_GT;
        sc.p++;
    } else if (op[0] == '=') {
        out->cmp = SW_CMP_EQ;
        sc.p++;
    } else {
        free(name);
        return fail(err, errlen, text, "expected < <= > >= == or !=");
    }
    skip_ws(&sc);
    char *end;
    double v = strtod(sc.p, &end);
    if (end == sc.p || !isfinite(v) || v < 0) {
        free(name);
        return fail(err, errlen, text, "expected a non-negative number");
    }
    sc.p = end;
    /* unit */
    const char *u = sc.p;
    size_t ulen = 0;
    while (u[ulen] && !isspace((unsigned char)u[ulen]))
        ulen++;
    int latency = out->metric == SW_METRIC_PERCENTILE ||
                  out->metric == SW_METRIC_AVG || out->metric == SW_METRIC_MAX ||
                  out->metric == SW_METRIC_MIN;
    const char *bad = NULL;
    if (ulen == 0) {
        /* plain number: ms for latencies, as written for the rest */
    } else if (ulen == 1 && u[0] == '%') {
        if (failures_kw)
            out->metric = SW_METRIC_FAILURE_RATIO;
        else if (!ratio_kw)
            bad = "'%' only applies to failures and fail_ratio";
        v /= 100.0;
    } else if (latency && ulen == 2 && strncmp(u, "ms", 2) == 0) {
    } else if (latency && ulen == 2 && strncmp(u, "us", 2) == 0) {
        v /= 1000.0;
    } else if (latency && ulen == 1 && u[0] == 's') {
        v *= 1000.0;
    } else if (latency && ulen == 1 && u[0] == 'm') {
        v *= 60000.0;
    } else if ((out->metric == SW_METRIC_RPS ||
                out->metric == SW_METRIC_RATE) && ulen == 2 &&
               strncmp(u, "/s", 2) == 0) {
    } else {
        bad = latency ? "unknown unit (use us, ms, s or m)"
                      : "unexpected unit";
    }
    if (bad) {
        free(name);
        return fail(err, errlen, text, bad);
    }
    sc.p += ulen;
    skip_ws(&sc);
    if (strncasecmp(sc.p, "abort", 5) == 0 && !is_word((unsigned char)sc.p[5])) {
        out->abort_on_fail = 1;
        sc.p += 5;
        skip_ws(&sc);
    }
    if (*sc.p) {
        free(name);
        return fail(err, errlen, text, "unexpected text at the end");
    }
    if (ratio_kw && v > 1.0) {
        free(name);
        return fail(err, errlen, text, "a ratio is between 0 and 1 "
                                       "(or write a percentage)");
    }
    out->value = v;
    out->name = name;
    return 0;
}

/* ---- evaluation -------------------------------------------------------- */

static int compare(double a, sw_cmp_t cmp, double b)
{
    switch (cmp) {
    case SW_CMP_LT: return a < b;
    case SW_CMP_LE: return a <= b;
    case SW_CMP_GT: return a > b;
    case SW_CMP_GE: return a >= b;
    case SW_CMP_EQ: return a == b;
    case SW_CMP_NE: return a != b;
    }
    return 0;
}

/* The custom metric a threshold applies to: one it names as such, or a
 * name that is a metric's and no request's (`--threshold "basket p95 <
 * 300"`).  *custom says whether it is about a metric at all (one never
 * recorded anywhere is NULL then, and counts as empty). */
static const struct sw__metric *custom_of(const sw_threshold_t *t,
                                          const struct sw__stats *s,
                                          int *custom)
{
    *custom = 0;
    if (!t->name)
        return NULL;
    const struct sw__metric *x = sw__metrics_find(&s->metrics, t->name);
    if (!t->custom) {
        if (!x)
            return NULL;
        for (int i = 0; i < s->nentries; i++)
            if (strcmp(s->entries[i]->name, t->name) == 0)
                return NULL;
    }
    *custom = 1;
    return x;
}

static double metric_value(const sw_threshold_t *t, const struct sw__metric *x,
                           double duration_s)
{
    if (!x)
        return 0.0;
    int counter = x->kind == SW_COUNTER;
    switch (t->metric) {
    case SW_METRIC_PERCENTILE:
        return sw__metric_pct(x, t->pct);
    case SW_METRIC_AVG:
        return sw__metric_avg(x);
    case SW_METRIC_MAX:
        return sw__metric_max(x);
    case SW_METRIC_MIN:
        return sw__metric_min(x);
    case SW_METRIC_RATE:
    case SW_METRIC_RPS:
        return duration_s > 0 ? (double)(counter ? x->sum : x->n) / duration_s
                              : 0.0;
    case SW_METRIC_COUNT:
    case SW_METRIC_REQUESTS:
        return (double)(counter ? x->sum : x->n);
    case SW_METRIC_FAILURES:
    case SW_METRIC_FAILURE_RATIO:
        break;
    }
    return 0.0;
}

int sw__threshold_eval(const sw_threshold_t *t, const struct sw__stats *s,
                       double duration_s, double *actual)
{
    int custom;
    const struct sw__metric *x = custom_of(t, s, &custom);
    if (custom) {
        *actual = metric_value(t, x, duration_s);
        return compare(*actual, t->cmp, t->value);
    }
    int64_t reqs = 0, fails = 0, total_us = 0, max_us = 0;
    int64_t min_us = INT64_MAX;
    struct sw__hdr *merged = NULL;
    const struct sw__hdr *h = s->total.service;
    *actual = 0.0;
    if (t->name) {
        if (t->metric == SW_METRIC_PERCENTILE) {
            merged = sw__hdr_new_default();
            if (!merged)
                return 0;
            h = merged;
        }
        for (int i = 0; i < s->nentries; i++) {
            const struct sw__stats_entry *e = s->entries[i];
            if (strcmp(e->name, t->name) != 0)
                continue;
            reqs += e->requests;
            fails += e->failures;
            total_us += e->total_us;
            if (e->max_us > max_us)
                max_us = e->max_us;
            if (e->min_us < min_us)
                min_us = e->min_us;
            if (merged)
                sw__hdr_add(merged, e->service);
        }
    } else {
        reqs = s->total.requests;
        fails = s->total.failures;
        total_us = s->total.total_us;
        max_us = s->total.max_us;
        min_us = s->total.min_us;
    }
    double v = 0.0;
    switch (t->metric) {
    case SW_METRIC_PERCENTILE: {
        int64_t us = sw__hdr_value_at_percentile(h, t->pct);
        if (us > max_us)
            us = max_us;    /* the same clamp as the reports */
        v = (double)us / 1000.0;
        break;
    }
    case SW_METRIC_AVG:
        v = reqs ? (double)total_us / (double)reqs / 1000.0 : 0.0;
        break;
    case SW_METRIC_MAX:
        v = (double)max_us / 1000.0;
        break;
    case SW_METRIC_FAILURE_RATIO:
        v = reqs ? (double)fails / (double)reqs : 0.0;
        break;
    case SW_METRIC_RPS:
        v = duration_s > 0 ? (double)reqs / duration_s : 0.0;
        break;
    case SW_METRIC_REQUESTS:
        v = (double)reqs;
        break;
    case SW_METRIC_FAILURES:
        v = (double)fails;
        break;
    case SW_METRIC_MIN:
        v = reqs ? (double)min_us / 1000.0 : 0.0;
        break;
    case SW_METRIC_COUNT:
        v = (double)reqs;
        break;
    case SW_METRIC_RATE:
        v = duration_s > 0 ? (double)reqs / duration_s : 0.0;
        break;
    }
    sw__hdr_free(merged);
    *actual = v;
    return compare(v, t->cmp, t->value);
}

void sw__threshold_format_actual_in(const sw_threshold_t *t,
                                    const struct sw__stats *s, double actual,
                                    char *buf, size_t n)
{
    int custom;
    const struct sw__metric *x = custom_of(t, s, &custom);
    if (!custom || (x && x->kind == SW_TREND_TIME)) {
        sw__threshold_format_actual(t, actual, buf, n);
        return;
    }
    /* a counter or a plain trend: numbers without a unit */
    switch (t->metric) {
    case SW_METRIC_PERCENTILE:
        if (t->pct == 50)
            snprintf(buf, n, "med=%g", actual);
        else
            snprintf(buf, n, "p%g=%g", t->pct, actual);
        return;
    case SW_METRIC_AVG:
        snprintf(buf, n, "avg=%.2f", actual);
        return;
    case SW_METRIC_MAX:
        snprintf(buf, n, "max=%g", actual);
        return;
    case SW_METRIC_MIN:
        snprintf(buf, n, "min=%g", actual);
        return;
    default:
        sw__threshold_format_actual(t, actual, buf, n);
        return;
    }
}

void sw__threshold_format_actual(const sw_threshold_t *t, double actual,
                                 char *buf, size_t n)
{
    switch (t->metric) {
    case SW_METRIC_PERCENTILE:
        if (t->pct == 50)
            snprintf(buf, n, "med=%.2fms", actual);
        else
            snprintf(buf, n, "p%g=%.2fms", t->pct, actual);
        break;
    case SW_METRIC_AVG:
        snprintf(buf, n, "avg=%.2fms", actual);
        break;
    case SW_METRIC_MAX:
        snprintf(buf, n, "max=%.2fms", actual);
        break;
    case SW_METRIC_FAILURE_RATIO:
        snprintf(buf, n, "failures=%.2f%%", actual * 100.0);
        break;
    case SW_METRIC_RPS:
        snprintf(buf, n, "rps=%.2f", actual);
        break;
    case SW_METRIC_REQUESTS:
        snprintf(buf, n, "requests=%.0f", actual);
        break;
    case SW_METRIC_FAILURES:
        snprintf(buf, n, "failures=%.0f", actual);
        break;
    case SW_METRIC_COUNT:
        snprintf(buf, n, "count=%.0f", actual);
        break;
    case SW_METRIC_MIN:
        snprintf(buf, n, "min=%.2fms", actual);
        break;
    case SW_METRIC_RATE:
        snprintf(buf, n, "rate=%.2f/s", actual);
        break;
    }
}
