/*
 * control.c - steering a running test (control.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "control.h"

void sw__control_init(struct sw__control *c, struct sw__run *run,
                      struct sw__worker *workers, int nworkers,
                      int64_t max_users)
{
    memset(c, 0, sizeof *c);
    c->run = run;
    c->workers = workers;
    c->nworkers = nworkers;
    c->max_users = max_users;
}

void sw__control_free(struct sw__control *c)
{
    sw__plan_free(&c->plan);
}

const struct sw__plan *sw__control_plan(const struct sw__control *c)
{
    return c->plan.nseg > 0 ? &c->plan : &c->run->plan;
}

/* One ramp from `from` at t_ms to `to`, held until end_ms. */
static int one_ramp(struct sw__plan *p, double t_ms, int64_t from,
                    int64_t to, double rate, int64_t max_users,
                    double end_ms)
{
    memset(p, 0, sizeof *p);
    p->seg = calloc(1, sizeof *p->seg);
    if (!p->seg)
        return -1;
    p->seg[0].start_ms = t_ms;
    p->seg[0].end_ms = -1;
    p->seg[0].from = from;
    p->seg[0].to = to;
    p->seg[0].rate = rate;
    p->nseg = 1;
    p->max_users = max_users;
    p->end_ms = end_ms;
    return 0;
}

int sw__control_users(struct sw__control *c, int64_t users, double rate,
                      double t_ms, char *why, size_t nwhy)
{
    const struct sw__options *o = c->run->opt;
    if (c->run->open) {
        snprintf(why, nwhy, "this run is the open model (--rate): it has "
                 "no user count to change");
        return -1;
    }
    if (o->nstages > 0) {
        snprintf(why, nwhy, "this run follows a load shape (--stages): its "
                 "user count cannot be changed");
        return -1;
    }
    if (users > c->max_users) {
        snprintf(why, nwhy, "user_count: at most %lld users in this process "
                 "(--max-users, or the open-file limit)",
                 (long long)c->max_users);
        return -1;
    }
    const struct sw__plan *cur = sw__control_plan(c);
    int64_t from = sw__plan_target(cur, t_ms, NULL);
    double end_ms = cur->end_ms;
    struct sw__plan mine;
    if (one_ramp(&mine, t_ms, from, users, rate, c->max_users, end_ms) != 0)
        goto oom;
    for (int i = 0; i < c->nworkers; i++) {
        struct sw__plan *p = malloc(sizeof *p);
        if (!p || one_ramp(p, t_ms, from, users, rate, c->max_users,
                           end_ms) != 0) {
            /* the workers already told follow the new ramp; the others
             * keep the old one: say so rather than pretend */
            free(p);
            sw__plan_free(&mine);
            snprintf(why, nwhy, "out of memory: %d of %d threads follow "
                     "the new user count", i, c->nworkers);
            return -1;
        }
        sw__worker_set_plan(&c->workers[i], p);
    }
    sw__plan_free(&c->plan);
    c->plan = mine;
    return 0;
oom:
    snprintf(why, nwhy, "out of memory");
    return -1;
}

void sw__control_reset_stats(struct sw__control *c)
{
    for (int i = 0; i < c->nworkers; i++)
        sw__stats_reset(c->workers[i].stats);
}
