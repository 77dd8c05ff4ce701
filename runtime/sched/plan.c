/*
 * plan.c - wait formulas, weighted choice, class spreading and spawn ramps.
 * See plan.h; the Locust sources each part follows are named inline.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "plan.h"
#include "rng.h"

/* ---- wait_time ------------------------------------------------------- */

void sw__pacing_init(struct sw__pacing *p)
{
    p->last_run_ms = -1;
    p->last_wait_ms = 0;
}

/* Locust constant_pacing: the first call returns the full period; later
 * calls subtract the time spent running since the previous wait ended, and
 * never go below 0 (no catch-up). */
static double pacing(struct sw__pacing *p, double period_ms, double now_ms)
{
    if (p->last_run_ms < 0) {
        p->last_wait_ms = period_ms;
        p->last_run_ms = now_ms;
        return period_ms;
    }
    double run_ms = now_ms - p->last_run_ms - p->last_wait_ms;
    double w = period_ms - run_ms;
    p->last_wait_ms = w > 0 ? w : 0;
    p->last_run_ms = now_ms;
    return p->last_wait_ms;
}

double sw__wait_ms(const sw_wait_t *w, struct sw__pacing *p, double now_ms,
                   uint64_t rng[4])
{
    switch (w->kind) {
    case SW_WAIT_CONSTANT:
        return w->a_ms > 0 ? w->a_ms : 0;
    case SW_WAIT_BETWEEN:
        return w->a_ms + sw__rng_double(rng) * (w->b_ms - w->a_ms);
    case SW_WAIT_PACING:
        return pacing(p, w->a_ms, now_ms);
    case SW_WAIT_THROUGHPUT:
        return pacing(p, w->per_s > 0 ? 1000.0 / w->per_s : 0, now_ms);
    case SW_WAIT_INHERIT:
    default:
        return 0;
    }
}

double sw__wait_intended_ms(const sw_wait_t *w, const struct sw__pacing *p,
                            double now_ms)
{
    double period_ms;
    if (w->kind == SW_WAIT_PACING)
        period_ms = w->a_ms;
    else if (w->kind == SW_WAIT_THROUGHPUT)
        period_ms = w->per_s > 0 ? 1000.0 / w->per_s : 0;
    else
        return -1;
    if (p->last_run_ms < 0)
        return now_ms + period_ms;
    /* the previous task started when the previous wait ended */
    return p->last_run_ms + p->last_wait_ms + period_ms;
}

/* ---- weighted choice ------------------------------------------------- */

int sw__pick_weighted(const int *weights, int n, int64_t total,
                      uint64_t rng[4])
{
    if (n <= 1 || total <= 0)
        return 0;
    int64_t r = (int64_t)sw__rng_below(rng, (uint64_t)total);
    for (int i = 0; i < n; i++) {
        r -= weights[i];
        if (r < 0)
            return i;
    }
    return n - 1;
}

/* ---- class spreading (Locust dispatch.py _user_gen) ------------------ */

/* qsort_r's comparator: class indexes by the classes' names (arg). */
static int by_name(const void *a, const void *b, void *arg)
{
    const sw_user_class_t *classes = arg;
    int ia = *(const int *)a, ib = *(const int *)b;
    int c = strcmp(classes[ia].name, classes[ib].name);
    return c ? c : ia - ib;
}

int sw__spread_init(struct sw__spread *sp, const sw_user_class_t *classes,
                    int n, const unsigned char *skip)
{
    memset(sp, 0, sizeof *sp);
    sp->n = n;
    sp->order = calloc((size_t)n + 1, sizeof *sp->order);
    sp->fixed_left = calloc((size_t)n + 1, sizeof *sp->fixed_left);
    sp->weight = calloc((size_t)n + 1, sizeof *sp->weight);
    sp->current = calloc((size_t)n + 1, sizeof *sp->current);
    sp->effective = calloc((size_t)n + 1, sizeof *sp->effective);
    if (!sp->order || !sp->fixed_left || !sp->weight || !sp->current ||
        !sp->effective) {
        sw__spread_free(sp);
        return -1;
    }
    /* Locust sorts the classes by name before dispatching; qsort is only
     * called here, at start-up, on the main thread. */
    for (int i = 0; i < n; i++)
        sp->order[i] = i;
    qsort_r(sp->order, (size_t)n, sizeof *sp->order, by_name,
            (void *)classes);

    int64_t min_w = 0;
    for (int i = 0; i < n; i++) {
        if (skip && skip[i])
            continue;
        if (classes[i].fixed_count > 0) {
            sp->fixed_left[i] = classes[i].fixed_count;
        } else if (classes[i].weight > 0) {
            if (!min_w || classes[i].weight < min_w)
                min_w = classes[i].weight;
        }
    }
    /* Normalised so the smallest weight is 2 (Locust's target_min_weight),
     * rounded half to even like Python's round(). */
    for (int i = 0; i < n; i++) {
        if ((skip && skip[i]) || classes[i].fixed_count > 0 ||
            classes[i].weight <= 0)
            continue;
        sp->weight[i] = (int64_t)nearbyint(2.0 * classes[i].weight /
                                           (double)min_w);
        sp->effective[i] = sp->weight[i];
        sp->nweighted++;
    }
    return 0;
}

/* roundrobin.smooth: every candidate gains its effective weight, the one
 * with the highest current weight (first on ties) wins and pays the total. */
static int smooth_next(struct sw__spread *sp)
{
    if (sp->nweighted == 0)
        return -1;
    int64_t total = 0;
    int best = -1;
    for (int k = 0; k < sp->n; k++) {
        int i = sp->order[k];
        if (!sp->weight[i])
            continue;
        if (sp->nweighted == 1)
            return i;
        sp->current[i] += sp->effective[i];
        total += sp->effective[i];
        if (sp->effective[i] < sp->weight[i])
            sp->effective[i]++;
        if (best < 0 || sp->current[best] < sp->current[i])
            best = i;
    }
    sp->current[best] -= total;
    return best;
}

int sw__spread_next(struct sw__spread *sp)
{
    /* Fixed-count classes first, handed out round-robin in name order. */
    for (int tries = 0; tries < sp->n; tries++) {
        int i = sp->order[sp->fixed_pos];
        sp->fixed_pos = (sp->fixed_pos + 1) % sp->n;
        if (sp->fixed_left[i] > 0) {
            sp->fixed_left[i]--;
            return i;
        }
    }
    return smooth_next(sp);
}

void sw__spread_free(struct sw__spread *sp)
{
    free(sp->order);
    free(sp->fixed_left);
    free(sp->weight);
    free(sp->current);
    free(sp->effective);
    memset(sp, 0, sizeof *sp);
}

/* ---- ramps ------------------------------------------------------------ */

int64_t sw__ramp_count(int64_t from, int64_t to, double rate,
                       double elapsed_ms, double *next_ms)
{
    int64_t delta = to > from ? to - from : from - to;
    if (next_ms)
        *next_ms = -1;
    if (delta == 0 || elapsed_ms < 0) {
        if (next_ms && delta)
            *next_ms = 0;
        return from;
    }
    if (!(rate > 0)) {
        /* no rate: everything at once */
        return to;
    }
    int64_t step = (int64_t)floor(rate);
    if (step < 1)
        step = 1;
    double interval_ms = (double)step / rate * 1000.0;
    int64_t nsteps = (delta + step - 1) / step;
    int64_t done = (int64_t)floor(elapsed_ms / interval_ms) + 1;
    if (done > nsteps)
        done = nsteps;
    if (next_ms && done < nsteps)
        *next_ms = (double)done * interval_ms;
    int64_t moved = done * step;
    if (moved > delta)
        moved = delta;
    return to > from ? from + moved : from - moved;
}

/* ---- plan ------------------------------------------------------------- */

int sw__plan_init(struct sw__plan *p, int64_t users, double spawn_rate,
                  const sw_stage_t *stages, int nstages, int64_t run_time_ms)
{
    memset(p, 0, sizeof *p);
    int n = nstages > 0 ? nstages : 1;
    p->seg = calloc((size_t)n, sizeof *p->seg);
    if (!p->seg)
        return -1;
    if (nstages > 0) {
        double t = 0;
        int64_t cur = 0;
        for (int i = 0; i < nstages; i++) {
            struct sw__segment *s = &p->seg[i];
            int64_t to = stages[i].users < 0 ? cur : stages[i].users;
            double dur_ms = (double)stages[i].duration_ms;
            s->start_ms = t;
            s->end_ms = t + dur_ms;
            s->from = cur;
            s->to = to;
            int64_t d = to > cur ? to - cur : cur - to;
            s->rate = dur_ms > 0 ? (double)d / (dur_ms / 1000.0) : 0;
            if (to > p->max_users)
                p->max_users = to;
            cur = to;
            t += dur_ms;
        }
        p->nseg = nstages;
        p->end_ms = t;
        if (run_time_ms >= 0 && (double)run_time_ms < p->end_ms)
            p->end_ms = (double)run_time_ms;
    } else {
        p->seg[0].start_ms = 0;
        p->seg[0].end_ms = -1;
        p->seg[0].from = 0;
        p->seg[0].to = users;
        p->seg[0].rate = spawn_rate;
        p->nseg = 1;
        p->max_users = users;
        p->end_ms = run_time_ms >= 0 ? (double)run_time_ms : -1;
    }
    return 0;
}

int64_t sw__plan_target(const struct sw__plan *p, double t_ms,
                        double *next_ms)
{
    if (next_ms)
        *next_ms = -1;
    for (int i = 0; i < p->nseg; i++) {
        const struct sw__segment *s = &p->seg[i];
        int last = i == p->nseg - 1;
        if (!last && t_ms >= s->end_ms)
            continue;
        if (t_ms < s->start_ms) {
            if (next_ms)
                *next_ms = s->start_ms;
            return s->from;
        }
        double nx;
        int64_t c = sw__ramp_count(s->from, s->to, s->rate,
                                   t_ms - s->start_ms, &nx);
        if (next_ms) {
            if (nx >= 0)
                *next_ms = s->start_ms + nx;
            else if (!last)
                *next_ms = s->end_ms;   /* the next stage starts there */
        }
        return c;
    }
    return 0;
}

double sw__plan_step_ms(const struct sw__plan *p, double t_ms)
{
    for (int i = 0; i < p->nseg; i++) {
        const struct sw__segment *s = &p->seg[i];
        if (i < p->nseg - 1 && t_ms >= s->end_ms)
            continue;
        if (!(s->rate > 0))
            return 0;
        double step = floor(s->rate);
        return (step < 1 ? 1 : step) / s->rate * 1000.0;
    }
    return 0;
}

void sw__plan_free(struct sw__plan *p)
{
    free(p->seg);
    memset(p, 0, sizeof *p);
}
