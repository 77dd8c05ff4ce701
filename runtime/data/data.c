/*
 * data.c - start-up and shutdown of the data side: environment values,
 * regexes and feeders (see data.h).
 */
#include <stdio.h>

#include "data.h"
#include "env.h"
#include "feed.h"
#include "regex.h"

/* The scenario tables are static const in the generated program. */
static const sw_scenario_t *scenario;

int sw__data_init(const sw_scenario_t *sc, int shard_index, int shard_count,
                  char *err, size_t errlen)
{
    sw__data_free();
    /* Environment first: it is the cheapest and the likeliest mistake. */
    if (sw__env_init(sc->envs, sc->nenvs, err, errlen) != 0)
        return -1;
    if (sw__regex_init(sc->regexes, sc->nregexes, err, errlen) != 0) {
        sw__env_free();
        return -1;
    }
    if (sw__feed_init(sc, shard_index, shard_count, err, errlen) != 0) {
        sw__regex_free();
        sw__env_free();
        return -1;
    }
    scenario = sc;
    return 0;
}

void sw__data_free(void)
{
    sw__feed_free();
    sw__regex_free();
    sw__env_free();
    scenario = NULL;
}

const sw_scenario_t *sw__data_scenario(void)
{
    return scenario;
}

int sw__data_run_exhausted(void)
{
    return sw__feed_run_exhausted();
}

void sw__data_on_exhausted(void (*cb)(void *arg), void *arg)
{
    sw__feed_on_exhausted(cb, arg);
}
