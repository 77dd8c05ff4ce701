/*
 * report_json.c - --json FILE: everything the run measured, including the
 * V2-encoded histograms so that runs (shards) can be merged later.  Built
 * with jansson, written atomically.  Schema: docs/reports.md.
 */
#include "report_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "merge.h"      /* the scenario fingerprint */
#include "report_metrics.h"

/* Sets key to v, taking v; a NULL v (no memory) leaves the key out. */
static void put(json_t *o, const char *key, json_t *v)
{
    if (v)
        json_object_set_new(o, key, v);
}

static json_t *ms_value(double us)
{
    /* us precision, no float noise in the text */
    return json_real((double)(int64_t)(us + (us >= 0 ? 0.5 : -0.5)) / 1000.0);
}

static json_t *phase_json(const struct sw__stats_phase *p)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    put(o, "count", json_integer(p->n));
    put(o, "avg_ms", ms_value(p->n ? (double)p->sum_us / (double)p->n : 0));
    put(o, "max_ms", ms_value((double)p->max_us));
    return o;
}

static json_t *latency_json(const struct sw__stats_entry *e,
                            const struct sw__hdr *h)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int same = h == e->service;
    double n = (double)e->requests;
    if (same) {
        put(o, "avg", ms_value(e->requests ? (double)e->total_us / n : 0));
        put(o, "min", ms_value(e->requests ? (double)e->min_us : 0));
        put(o, "max", ms_value((double)e->max_us));
    } else {
        put(o, "avg", ms_value(sw__hdr_mean(h)));
        put(o, "min", ms_value((double)sw__hdr_min(h)));
        put(o, "max", ms_value((double)sw__hdr_max(h)));
    }
    put(o, "stddev", ms_value(sw__hdr_stddev(h)));
    json_t *p = json_object();
    for (int i = 0; p && i < SW_NPCT; i++) {
        double v;
        if (same) {
            v = (double)sw__report_pct_us(e, sw__report_pcts[i]);
        } else {
            int64_t x = sw__hdr_value_at_percentile(h, sw__report_pcts[i]);
            v = (double)(x > sw__hdr_max(h) ? sw__hdr_max(h) : x);
        }
        char key[16];
        snprintf(key, sizeof(key), "p%g", sw__report_pcts[i]);
        put(p, key, ms_value(v));
    }
    put(o, "percentiles", p);
    return o;
}

static json_t *entry_json(const struct sw__stats_entry *e, const char *method,
                          double dur_s)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    double n = (double)e->requests;
    put(o, "method", method ? json_string(method) : json_null());
    put(o, "name", json_string(e->name));
    put(o, "requests", json_integer(e->requests));
    put(o, "failures", json_integer(e->failures));
    put(o, "fail_ratio", json_real(e->requests ? (double)e->failures / n : 0));
    put(o, "rps", json_real((double)e->requests / dur_s));
    put(o, "failures_per_s", json_real((double)e->failures / dur_s));
    put(o, "bytes", json_integer(e->bytes));
    put(o, "avg_content_size", json_real(e->requests ? (double)e->bytes / n
                                                      : 0));
    put(o, "latency_ms", latency_json(e, e->service));
    put(o, "intended_latency_ms",
        e->intended ? latency_json(e, e->intended) : json_null());
    json_t *t = json_object();
    if (t) {
        put(t, "dns", phase_json(&e->dns));
        put(t, "connect", phase_json(&e->connect));
        put(t, "tls", phase_json(&e->tls));
        put(t, "ttfb", phase_json(&e->ttfb));
    }
    put(o, "timing", t);
    json_t *h = json_object();
    if (h) {
        char *svc = sw__hdr_encode_base64(e->service);
        char *itd = e->intended ? sw__hdr_encode_base64(e->intended) : NULL;
        put(h, "unit", json_string("us"));
        put(h, "lowest", json_integer(e->service->lowest));
        put(h, "highest", json_integer(e->service->highest));
        put(h, "significant_digits", json_integer(e->service->sig_figs));
        put(h, "clamped", json_integer(e->service->clamped));
        put(h, "service", svc ? json_string(svc) : json_null());
        put(h, "intended", itd ? json_string(itd) : json_null());
        free(svc);
        free(itd);
    }
    put(o, "histogram", h);
    /* exact sums, so that averages of merged runs are exact too (the ms
     * fields above are rounded) */
    json_t *sum = json_object();
    if (sum) {
        put(sum, "latency", json_integer(e->total_us));
        put(sum, "dns", json_integer(e->dns.sum_us));
        put(sum, "connect", json_integer(e->connect.sum_us));
        put(sum, "tls", json_integer(e->tls.sum_us));
        put(sum, "ttfb", json_integer(e->ttfb.sum_us));
    }
    put(o, "sum_us", sum);
    return o;
}

static json_t *run_json(struct sw__reporter *r, const struct sw__run_info *ri)
{
    const struct sw__options *opt = ri->opt;
    json_t *o = json_object();
    if (!o)
        return NULL;
    const char *src = ri->scenario ? ri->scenario->source : NULL;
    put(o, "scenario", src ? json_string(src) : json_null());
    /* which compiled scenario this is (merge checks it) */
    if (ri->scenario_id) {
        put(o, "scenario_id", json_string(ri->scenario_id));
    } else if (ri->scenario) {
        char fp[32];
        snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)
                 sw__scenario_fingerprint(ri->scenario));
        put(o, "scenario_id", json_string(fp));
    }
    put(o, "host", opt && opt->host ? json_string(opt->host) : json_null());
    put(o, "start_unix_ms", json_integer(ri->start_unix_ms));
    put(o, "end_unix_ms", json_integer(ri->now_unix_ms));
    put(o, "duration_s", json_real(sw__report_duration_s(ri)));
    put(o, "users", json_integer(ri->users));
    put(o, "target_users", json_integer(ri->target_users));
    put(o, "max_users", json_integer(r->max_users > ri->users ? r->max_users
                                                             : ri->users));
    put(o, "dropped", json_integer(ri->dropped));
    put(o, "threads", json_integer(ri->threads));
    if (ri->engine_native >= 0 && ri->engine_curl >= 0) {
        json_t *eng = json_object();
        if (eng) {
            put(eng, "native", json_integer(ri->engine_native));
            put(eng, "curl", json_integer(ri->engine_curl));
            put(o, "engines", eng);
        }
    }
    if (opt) {
        json_t *sh = json_object();
        if (sh) {
            put(sh, "index", json_integer(opt->shard_index));
            put(sh, "count", json_integer(opt->shard_count));
            put(sh, "start_at_ms", opt->start_at_ms >= 0
                                       ? json_integer(opt->start_at_ms)
                                       : json_null());
            /* How late this shard began against the common start: the
             * merged report warns about it, and a reader of one shard's
             * result can see it too. */
            put(sh, "late_ms",
                opt->start_at_ms >= 0 &&
                        ri->start_unix_ms > opt->start_at_ms
                    ? json_integer(ri->start_unix_ms - opt->start_at_ms)
                    : json_integer(0));
        }
        put(o, "shard", sh);
        put(o, "seed", opt->seed_given ? json_integer((json_int_t)opt->seed)
                                       : json_null());
        put(o, "spawn_rate", json_real(opt->spawn_rate));
        put(o, "run_time_ms", json_integer(opt->run_time_ms));
        put(o, "rate_per_s", opt->rate_per_s >= 0 ? json_real(opt->rate_per_s)
                                                  : json_null());
    }
    return o;
}

int sw__report_json(struct sw__reporter *r, const struct sw__stats *s,
                    const struct sw__run_info *ri,
                    const struct sw__tresult *tres, const char *path)
{
    double dur = sw__report_duration_s(ri);
    json_t *root = json_object();
    if (!root)
        goto nomem;
    put(root, "tool", json_string("swarmc"));
    put(root, "version", json_string(SW_VERSION));
    put(root, "format", json_integer(1));
    put(root, "run", run_json(r, ri));
    json_t *pl = json_array();
    for (int i = 0; pl && i < SW_NPCT; i++)
        json_array_append_new(pl, json_real(sw__report_pcts[i]));
    put(root, "percentiles", pl);

    json_t *reqs = json_array();
    int n = 0;
    struct sw__stats_entry **v = sw__stats_sorted(s, &n);
    for (int i = 0; reqs && i < n; i++) {
        json_t *e = entry_json(v[i], sw__method_name(v[i]->method), dur);
        if (e)
            json_array_append_new(reqs, e);
    }
    free(v);
    put(root, "requests", reqs);
    put(root, "aggregated", entry_json(&s->total, NULL, dur));

    json_t *errs = json_array();
    int ne = 0;
    struct sw__stats_error **ev = sw__stats_errors_sorted(s, &ne);
    for (int i = 0; errs && i < ne; i++) {
        json_t *e = json_object();
        if (!e)
            continue;
        put(e, "method", json_string(sw__method_name(ev[i]->method)));
        put(e, "name", json_string(ev[i]->name));
        put(e, "message", json_string(ev[i]->message));
        put(e, "occurrences", json_integer(ev[i]->count));
        json_array_append_new(errs, e);
    }
    free(ev);
    put(root, "errors", errs);
    put(root, "metrics", sw__metrics_json(s, dur));

    json_t *hist = json_array();
    for (int i = 0; hist && i < r->nrows; i++) {
        const struct sw__hist_row *row = &r->rows[i];
        json_t *e = json_object();
        if (!e)
            continue;
        put(e, "ts_ms", json_integer(row->ts_ms));
        put(e, "users", json_integer(row->users));
        put(e, "requests", json_integer(row->reqs));
        put(e, "failures", json_integer(row->fails));
        double is = row->interval_s > 0 ? row->interval_s : 1.0;
        put(e, "rps", json_real((double)row->interval_reqs / is));
        put(e, "failures_per_s", json_real((double)row->interval_fails / is));
        put(e, "current_rps", json_real(row->cur_rps));
        put(e, "current_failures_per_s", json_real(row->cur_fps));
        put(e, "p50_ms", row->p50_ms >= 0 ? json_real(row->p50_ms)
                                          : json_null());
        put(e, "p95_ms", row->p95_ms >= 0 ? json_real(row->p95_ms)
                                          : json_null());
        put(e, "p99_ms", row->p99_ms >= 0 ? json_real(row->p99_ms)
                                          : json_null());
        /* exact cumulative totals and the interval's histogram (see
         * report_int.h) */
        put(e, "total_us", json_integer(row->total_us));
        put(e, "min_us", row->min_us == INT64_MAX ? json_null()
                                                  : json_integer(row->min_us));
        put(e, "max_us", json_integer(row->max_us));
        put(e, "bytes", json_integer(row->bytes));
        put(e, "histogram", row->hist_b64 ? json_string(row->hist_b64)
                                          : json_null());
            json_array_append_new(hist, e);
    }
    put(root, "history", hist);

    json_t *th = json_array();
    int all_ok = 1;
    const struct sw__options *opt = ri->opt;
    for (int i = 0; th && opt && i < opt->nthresholds; i++) {
        const sw_threshold_t *t = &opt->thresholds[i];
        json_t *e = json_object();
        if (!e)
            continue;
        put(e, "text", json_string(t->text ? t->text : ""));
        put(e, "name", t->name ? json_string(t->name) : json_null());
        put(e, "ok", json_boolean(tres[i].passed));
        put(e, "actual", json_real(tres[i].actual));
        put(e, "abort", json_boolean(t->abort_on_fail));
        /* the parsed form, so that `merge` re-evaluates exactly this
         * threshold */
        put(e, "metric", json_integer(t->metric));
        put(e, "pct", json_real(t->pct));
        put(e, "cmp", json_integer(t->cmp));
        put(e, "value", json_real(t->value));
        put(e, "custom", json_boolean(t->custom));
            all_ok &= tres[i].passed;
        json_array_append_new(th, e);
    }
    put(root, "thresholds", th);
    put(root, "thresholds_ok", json_boolean(all_ok));
    json_t *w = json_object();
    if (w) {
        put(w, "names_folded", json_integer(s->folded_samples));
        put(w, "errors_folded", json_integer(s->folded_errors));
        put(w, "clamped", json_integer(s->total.service->clamped));
    }
    put(root, "warnings", w);

    struct sw__afile af;
    if (sw__afile_open(&af, path) < 0)
        goto ioerr;
    int rc = json_dumpf(root, af.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
                                    JSON_REAL_PRECISION(10));
    fputc('\n', af.f);
    if (rc != 0) {
        sw__afile_abort(&af);
        errno = EIO;
        goto ioerr;
    }
    if (sw__afile_commit(&af) < 0)
        goto ioerr;
    json_decref(root);
    return 0;
nomem:
    errno = ENOMEM;
ioerr:
    fprintf(stderr, "swarm: cannot write %s: %s\n", path, strerror(errno));
    json_decref(root);
    return -1;
}
