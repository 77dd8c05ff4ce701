/*
 * group.c - groups and custom metrics as generated code calls them
 * (swarm.h: sw_group_enter, sw_group_leave, sw_count, sw_record).
 *
 * Both record into the worker's statistics, like sw_req_end: a group's
 * duration is a sample of method SW_GROUP (its own row, kept out of the
 * Aggregated row by stats.c), a metric goes to stats' metric table.
 */
#include "group.h"

#include <time.h>

#include "stats.h"
#include "user.h"
#include "worker.h"

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

const char *sw__group_path(const struct sw__groups *g)
{
    if (g->depth <= 0)
        return NULL;
    int top = g->depth <= SW_GROUP_MAX_DEPTH ? g->depth : SW_GROUP_MAX_DEPTH;
    return g->open[top - 1].path;
}

void sw_group_enter(sw_user_t *u, const char *path)
{
    struct sw__groups *g = &u->groups;
    if (g->depth < SW_GROUP_MAX_DEPTH) {
        g->open[g->depth].path = path;
        g->open[g->depth].start_ms = mono_ms();
    }
    g->depth++;
}

void sw_group_leave(sw_user_t *u)
{
    struct sw__groups *g = &u->groups;
    if (g->depth <= 0)
        return;
    g->depth--;
    if (g->depth >= SW_GROUP_MAX_DEPTH)
        return;
    const struct sw__group_open *o = &g->open[g->depth];
    struct sw__sample s = { 0 };
    s.method = SW_GROUP;
    s.name = o->path;
    s.latency_us = (int64_t)((mono_ms() - o->start_ms) * 1000.0);
    s.intended_us = s.latency_us;
    s.timing.dns_us = s.timing.connect_us = s.timing.tls_us = -1;
    s.timing.ttfb_us = -1;
    s.timing.total_us = s.latency_us;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s.now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    sw__stats_record(u->worker->stats, &s);
}

void sw_count(sw_user_t *u, int metric, int64_t n)
{
    const sw_scenario_t *sc = u->worker->run->sc;
    if (metric < 0 || metric >= sc->nmetrics)
        return;
    sw__stats_count(u->worker->stats, sc->metrics, metric, n);
}

void sw_record(sw_user_t *u, int metric, int64_t value)
{
    const sw_scenario_t *sc = u->worker->run->sc;
    if (metric < 0 || metric >= sc->nmetrics)
        return;
    sw__stats_record_metric(u->worker->stats, sc->metrics, metric, value);
}
