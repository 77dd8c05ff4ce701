/*
 * render.c - the JSON of GET /stats/requests (render.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "render.h"
#include "report_int.h"

const char *sw__web_state_name(enum sw__web_state st)
{
    static const char *const names[] = {
        "ready", "spawning", "running", "stopping", "stopped"
    };
    return (unsigned)st < 5 ? names[st] : "ready";
}

static void put(json_t *o, const char *key, json_t *v)
{
    if (v)
        json_object_set_new(o, key, v);
}

/* A JSON string even from bytes that are not UTF-8 (shown as '?'). */
static json_t *str(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *c = strdup(s);
    if (!c)
        return NULL;
    for (char *p = c; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(c);
    free(c);
    return j;
}

/* Locust escapes names and errors for HTML (html.escape) in these keys. */
static json_t *html_str(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4
           : *p == '"' || *p == '\'' ? 6 : 1;
    char *b = malloc(n + 1), *o = b;
    if (!b)
        return NULL;
    for (const char *p = s; *p; p++) {
        const char *r = *p == '&' ? "&amp;" : *p == '<' ? "&lt;"
                      : *p == '>' ? "&gt;" : *p == '"' ? "&quot;"
                      : *p == '\'' ? "&#x27;" : NULL;
        if (r) {
            size_t l = strlen(r);
            memcpy(o, r, l);
            o += l;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
    json_t *j = str(b);
    free(b);
    return j;
}

static double ms(int64_t us)
{
    return (double)us / 1000.0;
}

static json_t *entry(const struct sw__stats_entry *e, const char *method,
                     const struct sw__run_info *ri)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    double n = (double)e->requests;
    double fps = 0;
    double rps = sw__stats_current_rps(e, ri->now_unix_ms, ri->start_unix_ms,
                                       &fps);
    put(o, "method", str(method));
    put(o, "name", str(e->name));
    put(o, "safe_name", html_str(e->name));
    put(o, "num_requests", json_integer(e->requests));
    put(o, "num_failures", json_integer(e->failures));
    put(o, "avg_response_time",
        json_real(e->requests ? ms(e->total_us) / n : 0.0));
    put(o, "min_response_time",
        json_real(e->requests ? ms(e->min_us) : 0.0));
    put(o, "max_response_time", json_real(ms(e->max_us)));
    put(o, "current_rps", json_real(rps));
    put(o, "current_fail_per_sec", json_real(fps));
    put(o, "median_response_time", json_real(ms(sw__report_pct_us(e, 50))));
    put(o, "ninetieth_response_time",
        json_real(ms(sw__report_pct_us(e, 90))));
    put(o, "ninety_ninth_response_time",
        json_real(ms(sw__report_pct_us(e, 99))));
    put(o, "avg_content_length",
        json_real(e->requests ? (double)e->bytes / n : 0.0));
    return o;
}

static json_t *window_pct(const struct sw__hdr *w, double p)
{
    if (!w || w->total_count == 0)
        return json_null();
    int64_t v = p >= 100 ? w->max_value : sw__hdr_value_at_percentile(w, p);
    if (v > w->max_value)
        v = w->max_value;
    return json_real(ms(v));
}

static json_t *extra_json(const struct sw__stats *s,
                          const struct sw__run_info *ri,
                          const struct sw__web_view *v,
                          const struct sw__hdr *window)
{
    const struct sw__options *o = ri->opt;
    json_t *x = json_object();
    if (!x)
        return NULL;
    double fps = 0;
    sw__stats_current_rps(&s->total, ri->now_unix_ms, ri->start_unix_ms,
                          &fps);
    put(x, "version", json_string(SW_VERSION));
    put(x, "scenario", str(ri->scenario && ri->scenario->source
                               ? ri->scenario->source : ""));
    put(x, "host", v->host ? str(v->host) : json_null());
    put(x, "target_users", json_integer(v->target_users));
    put(x, "users", json_integer(v->users));
    put(x, "spawn_rate", json_real(v->spawn_rate));
    put(x, "max_users", json_integer(o ? o->web_max_users : 0));
    put(x, "run_time_s", v->run_time_ms >= 0
                             ? json_real((double)v->run_time_ms / 1000.0)
                             : json_null());
    put(x, "start_unix_ms", json_integer(ri->start_unix_ms));
    put(x, "now_unix_ms", json_integer(ri->now_unix_ms));
    put(x, "total_fail_per_sec", json_real(fps));
    put(x, "open_model", json_boolean(v->open_model));
    put(x, "can_change_users", json_boolean(v->can_change_users));
    put(x, "threads", json_integer(ri->threads));
    json_t *sh = json_null();
    if (o && o->shard_count > 1) {
        sh = json_object();
        put(sh, "index", json_integer(o->shard_index));
        put(sh, "count", json_integer(o->shard_count));
    }
    put(x, "shard", sh);
    json_t *pc = json_object();
    for (int i = 0; pc && i < SW_NPCT; i++) {
        char k[16];
        snprintf(k, sizeof k, "%g", sw__report_pcts[i]);
        put(pc, k, window_pct(window, sw__report_pcts[i]));
    }
    put(x, "current_percentiles", pc);
    return x;
}

char *sw__web_render_stats(const struct sw__stats *s,
                           const struct sw__run_info *ri,
                           const struct sw__web_view *view,
                           const struct sw__hdr *window, int extra,
                           size_t *len)
{
    json_t *root = json_object();
    json_t *stats = json_array();
    json_t *errors = json_array();
    char *out = NULL;
    if (!root || !stats || !errors)
        goto done;
    int n = 0;
    struct sw__stats_entry **v = sw__stats_sorted(s, &n);
    for (int i = 0; i < n && i < SW_WEB_MAX_ENTRIES; i++)
        json_array_append_new(stats, entry(v[i], sw__method_name(v[i]->method),
                                           ri));
    free(v);
    json_array_append_new(stats, entry(&s->total, "", ri));
    int ne = 0;
    struct sw__stats_error **ev = sw__stats_errors_sorted(s, &ne);
    for (int i = 0; i < ne && i < SW_WEB_MAX_ENTRIES; i++) {
        json_t *e = json_object();
        if (!e)
            break;
        put(e, "method", str(sw__method_name(ev[i]->method)));
        put(e, "name", str(ev[i]->name));
        put(e, "error", html_str(ev[i]->message));
        put(e, "occurrences", json_integer(ev[i]->count));
        json_array_append_new(errors, e);
    }
    free(ev);
    double fps = 0;
    double rps = sw__stats_current_rps(&s->total, ri->now_unix_ms,
                                       ri->start_unix_ms, &fps);
    json_object_set(root, "stats", stats);
    json_object_set(root, "errors", errors);
    put(root, "total_rps", json_real(rps));
    put(root, "fail_ratio", json_real(s->total.requests
                                          ? (double)s->total.failures /
                                            (double)s->total.requests
                                          : 0.0));
    put(root, "current_response_time_percentile_50", window_pct(window, 50));
    put(root, "current_response_time_percentile_95", window_pct(window, 95));
    put(root, "user_count", json_integer(ri->users));
    put(root, "state", json_string(sw__web_state_name(view->state)));
    if (extra)
        put(root, "swarmc", extra_json(s, ri, view, window));
    /* 12 significant digits: "0.417", not "0.41699999999999998" */
    out = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (out)
        *len = strlen(out);
done:
    json_decref(stats);
    json_decref(errors);
    json_decref(root);
    return out;
}
