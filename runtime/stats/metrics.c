/*
 * metrics.c - custom metrics: counters and trends (metrics.h).
 *
 * A scenario has few metrics (their names are written in it), so a
 * lookup is the scenario's index first, then a linear search by name.
 */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "stats_int.h"      /* the stats' lock, for the sw__stats_* ones */

static void metric_free(struct sw__metric *x)
{
    if (!x)
        return;
    free(x->name);
    sw__hdr_free(x->hdr);
    free(x);
}

static struct sw__metric *metric_new(const char *name, sw_metric_kind_t kind)
{
    struct sw__metric *x = calloc(1, sizeof(*x));
    if (!x)
        return NULL;
    x->name = strdup(name);
    x->kind = kind;
    x->min = INT64_MAX;
    if (kind != SW_COUNTER)
        x->hdr = sw__hdr_new_default();
    if (!x->name || (kind != SW_COUNTER && !x->hdr)) {
        metric_free(x);
        return NULL;
    }
    return x;
}

const struct sw__metric *sw__metrics_find(const struct sw__metrics *m,
                                          const char *name)
{
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->v[i]->name, name) == 0)
            return m->v[i];
    return NULL;
}

struct sw__metric *sw__metrics_get(struct sw__metrics *m, int hint,
                                   const char *name, sw_metric_kind_t kind)
{
    if (hint >= 0 && hint < m->n && strcmp(m->v[hint]->name, name) == 0)
        return m->v[hint];
    struct sw__metric *x = (struct sw__metric *)sw__metrics_find(m, name);
    if (x)
        return x;
    if (m->n == m->cap) {
        int cap = m->cap ? m->cap * 2 : 8;
        struct sw__metric **nv = realloc(m->v, (size_t)cap * sizeof(*nv));
        if (!nv)
            return NULL;
        m->v = nv;
        m->cap = cap;
    }
    x = metric_new(name, kind);
    if (x)
        m->v[m->n++] = x;
    return x;
}

void sw__metric_count(struct sw__metric *x, int64_t n)
{
    x->n++;
    x->sum += n;
}

void sw__metric_record(struct sw__metric *x, int64_t value)
{
    if (x->kind == SW_COUNTER) {
        sw__metric_count(x, value);
        return;
    }
    if (value < 0) {
        /* HDR holds no negative values: kept as 0, and said in reports */
        x->negative++;
        value = 0;
    }
    if (x->kind == SW_TREND_TIME)
        value = value > INT64_MAX / 1000 ? INT64_MAX : value * 1000;
    x->n++;
    x->sum += value;
    if (value < x->min)
        x->min = value;
    if (value > x->max)
        x->max = value;
    sw__hdr_record(x->hdr, value);
}

int sw__metrics_merge(struct sw__metrics *into, const struct sw__metrics *from,
                      const char **clash)
{
    for (int i = 0; i < from->n; i++) {
        const struct sw__metric *f = from->v[i];
        struct sw__metric *x = sw__metrics_get(into, i, f->name, f->kind);
        if (!x)
            return -1;
        if ((x->kind == SW_COUNTER) != (f->kind == SW_COUNTER)) {
            if (clash)
                *clash = f->name;
            return -1;
        }
        x->n += f->n;
        x->sum += f->sum;
        x->negative += f->negative;
        if (f->min < x->min)
            x->min = f->min;
        if (f->max > x->max)
            x->max = f->max;
        if (x->hdr && f->hdr && sw__hdr_add(x->hdr, f->hdr) < 0)
            return -1;
    }
    return 0;
}

void sw__metrics_zero(struct sw__metrics *m)
{
    for (int i = 0; i < m->n; i++) {
        struct sw__metric *x = m->v[i];
        x->n = x->sum = x->max = x->negative = 0;
        x->min = INT64_MAX;
        if (x->hdr)
            sw__hdr_reset(x->hdr);
    }
}

void sw__metrics_free(struct sw__metrics *m)
{
    for (int i = 0; i < m->n; i++)
        metric_free(m->v[i]);
    free(m->v);
    m->v = NULL;
    m->n = m->cap = 0;
}

/* A stored value in the metric's unit. */
static double unit(const struct sw__metric *x, double v)
{
    return x->kind == SW_TREND_TIME ? v / 1000.0 : v;
}

double sw__metric_pct(const struct sw__metric *x, double pct)
{
    if (!x->hdr || x->n == 0)
        return 0.0;
    int64_t v = sw__hdr_value_at_percentile(x->hdr, pct);
    if (v > x->max)
        v = x->max;     /* the same clamp as the request percentiles */
    return unit(x, (double)v);
}

double sw__metric_avg(const struct sw__metric *x)
{
    return x->n ? unit(x, (double)x->sum / (double)x->n) : 0.0;
}

double sw__metric_min(const struct sw__metric *x)
{
    return x->n && x->hdr ? unit(x, (double)x->min) : 0.0;
}

double sw__metric_max(const struct sw__metric *x)
{
    return x->n && x->hdr ? unit(x, (double)x->max) : 0.0;
}

const char *sw__metric_kind_name(sw_metric_kind_t k)
{
    switch (k) {
    case SW_COUNTER: return "counter";
    case SW_TREND: return "trend";
    case SW_TREND_TIME: return "time";
    }
    return "?";
}

int sw__metric_kind_parse(const char *s, sw_metric_kind_t *k)
{
    static const sw_metric_kind_t all[] = { SW_COUNTER, SW_TREND,
                                            SW_TREND_TIME };
    for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(s, sw__metric_kind_name(all[i])) == 0) {
            *k = all[i];
            return 0;
        }
    }
    return -1;
}

void sw__metric_fmt(const struct sw__metric *x, double v, char *buf, size_t n)
{
    snprintf(buf, n, "%.10g%s", (double)(int64_t)(v * 1000.0 +
                                                  (v >= 0 ? 0.5 : -0.5))
                                    / 1000.0,
             x->kind == SW_TREND_TIME ? "ms" : "");
}

/* ---- in a worker's statistics (stats.h) -------------------------------- */

void sw__stats_declare_metrics(struct sw__stats *s, const sw_metric_def_t *defs,
                               int n)
{
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < n; i++)
        sw__metrics_get(&s->metrics, i, defs[i].name, defs[i].kind);
    pthread_mutex_unlock(&s->lock);
}

void sw__stats_count(struct sw__stats *s, const sw_metric_def_t *defs,
                     int index, int64_t n)
{
    pthread_mutex_lock(&s->lock);
    struct sw__metric *x = sw__metrics_get(&s->metrics, index,
                                           defs[index].name,
                                           defs[index].kind);
    if (x)
        sw__metric_count(x, n);
    pthread_mutex_unlock(&s->lock);
}

void sw__stats_record_metric(struct sw__stats *s, const sw_metric_def_t *defs,
                             int index, int64_t value)
{
    pthread_mutex_lock(&s->lock);
    struct sw__metric *x = sw__metrics_get(&s->metrics, index,
                                           defs[index].name,
                                           defs[index].kind);
    if (x)
        sw__metric_record(x, value);
    pthread_mutex_unlock(&s->lock);
}
