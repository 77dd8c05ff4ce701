/*
 * data.c - start-up and shutdown of the data side: environment values,
 * regexes and feeders (see data.h).
 */
#include <stdio.h>
#include <string.h>

#include "data.h"

int sw__data_init(struct sw__data *d, const sw_scenario_t *sc,
                  int shard_index, int shard_count, char *err, size_t errlen)
{
    sw__data_free(d);
    /* Environment first: it is the cheapest and the likeliest mistake. */
    if (sw__env_init(&d->env, sc->envs, sc->nenvs, err, errlen) != 0)
        return -1;
    if (sw__regex_init(&d->re, sc->regexes, sc->nregexes, err, errlen) != 0) {
        sw__env_free(&d->env);
        return -1;
    }
    if (sw__feed_init(&d->feed, sc, shard_index, shard_count, err,
                      errlen) != 0) {
        sw__regex_free(&d->re);
        sw__env_free(&d->env);
        return -1;
    }
    d->sc = sc;
    return 0;
}

void sw__data_free(struct sw__data *d)
{
    sw__feed_free(&d->feed);
    sw__regex_free(&d->re);
    sw__env_free(&d->env);
    d->sc = NULL;
}

int sw__data_run_exhausted(struct sw__data *d)
{
    return sw__feed_run_exhausted(&d->feed);
}

void sw__data_on_exhausted(struct sw__data *d, void (*cb)(void *arg),
                           void *arg)
{
    sw__feed_on_exhausted(&d->feed, cb, arg);
}
