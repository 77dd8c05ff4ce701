/*
 * arrival.c - the open model's arrival schedule.  See arrival.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "arrival.h"

int sw__open_model(const struct sw__options *o)
{
    return o->rate_per_s > 0 ||
           (o->nstages > 0 && o->stages && o->stages[0].rate_per_s >= 0);
}

int sw__arrivals_init(struct sw__arrivals *a, double rate_per_s,
                      const sw_stage_t *stages, int nstages,
                      int64_t run_time_ms, int64_t limit)
{
    memset(a, 0, sizeof *a);
    int n = nstages > 0 ? nstages : 1;
    a->seg = calloc((size_t)n, sizeof *a->seg);
    if (!a->seg)
        return -1;
    a->limit = limit;
    double r = rate_per_s > 0 ? rate_per_s : 0;
    if (nstages > 0) {
        double t = 0, before = 0;
        for (int i = 0; i < nstages; i++) {
            struct sw__arrival_seg *s = &a->seg[i];
            double to = stages[i].rate_per_s >= 0 ? stages[i].rate_per_s : r;
            s->start_ms = t;
            s->dur_ms = (double)stages[i].duration_ms;
            s->r0 = r;
            s->r1 = to;
            s->before = before;
            before += (r + to) / 2 * s->dur_ms / 1000.0;
            t += s->dur_ms;
            r = to;
        }
        a->nseg = nstages;
        a->end_ms = t;
        if (run_time_ms >= 0 && (double)run_time_ms < t)
            a->end_ms = (double)run_time_ms;
    } else {
        a->seg[0].start_ms = 0;
        a->seg[0].dur_ms = -1;
        a->seg[0].r0 = a->seg[0].r1 = r;
        a->nseg = 1;
        a->end_ms = run_time_ms >= 0 ? (double)run_time_ms : -1;
    }
    return 0;
}

/* Seconds into segment s at which m arrivals of it are due: the root of
 * r0 t + (r1 - r0) t^2 / (2 D) = m, written 2m / (r0 + sqrt(r0^2 + 4am))
 * so that a flat rate (a = 0) and a ramp from 0 (r0 = 0) both work. */
static double solve_s(const struct sw__arrival_seg *s, double m)
{
    if (m <= 0)
        return 0;
    double a = 0;
    if (s->dur_ms > 0)
        a = (s->r1 - s->r0) / (2 * s->dur_ms / 1000.0);
    double disc = s->r0 * s->r0 + 4 * a * m;
    if (disc < 0)
        disc = 0;
    double den = s->r0 + sqrt(disc);
    return den > 0 ? 2 * m / den : -1;
}

double sw__arrival_ms(const struct sw__arrivals *a, int64_t n)
{
    if (n < 0 || (a->limit >= 0 && n >= a->limit))
        return -1;
    double x = (double)n;
    for (int i = 0; i < a->nseg; i++) {
        const struct sw__arrival_seg *s = &a->seg[i];
        double total = s->dur_ms < 0 ? INFINITY
                                     : (s->r0 + s->r1) / 2 * s->dur_ms / 1000.0;
        if (!(x < s->before + total))
            continue;
        double sec = solve_s(s, x - s->before);
        if (sec < 0)
            return -1;
        double t = s->start_ms + sec * 1000.0;
        if (s->dur_ms >= 0 && t > s->start_ms + s->dur_ms)
            t = s->start_ms + s->dur_ms;    /* rounding at the very end */
        if (a->end_ms >= 0 && t >= a->end_ms)
            return -1;
        return t;
    }
    return -1;
}

double sw__arrival_rate(const struct sw__arrivals *a, double t_ms)
{
    if (t_ms < 0 || (a->end_ms >= 0 && t_ms >= a->end_ms))
        return 0;
    for (int i = 0; i < a->nseg; i++) {
        const struct sw__arrival_seg *s = &a->seg[i];
        if (s->dur_ms >= 0 && t_ms >= s->start_ms + s->dur_ms)
            continue;
        if (s->dur_ms <= 0)
            return s->r0;
        return s->r0 + (s->r1 - s->r0) * (t_ms - s->start_ms) / s->dur_ms;
    }
    return 0;
}

void sw__arrivals_free(struct sw__arrivals *a)
{
    free(a->seg);
    memset(a, 0, sizeof *a);
}
