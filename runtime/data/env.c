/*
 * env.c - resolves the scenario's env("NAME") uses at start-up.
 *
 * Reading the environment once, before the worker threads start, gives
 * every user the same value and keeps getenv() (not thread-safe against
 * setenv) off the worker threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

int sw__env_init(struct sw__env *e, const sw_env_def_t *envs, int nenvs,
                 char *err, size_t errlen)
{
    sw__env_free(e);
    if (nenvs <= 0)
        return 0;
    e->values = calloc((size_t)nenvs, sizeof(*e->values));
    if (e->values == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    e->n = nenvs;
    for (int i = 0; i < nenvs; i++) {
        /* An empty variable counts as set, as os.environ["X"] would. */
        const char *v = getenv(envs[i].name);
        if (v == NULL)
            v = envs[i].fallback;
        if (v == NULL) {
            snprintf(err, errlen,
                     "environment variable '%s' is not set and env(\"%s\") "
                     "has no default",
                     envs[i].name, envs[i].name);
            sw__env_free(e);
            return -1;
        }
        e->values[i] = strdup(v);
        if (e->values[i] == NULL) {
            snprintf(err, errlen, "out of memory");
            sw__env_free(e);
            return -1;
        }
    }
    return 0;
}

void sw__env_free(struct sw__env *e)
{
    for (int i = 0; i < e->n; i++)
        free(e->values[i]);
    free(e->values);
    e->values = NULL;
    e->n = 0;
}

const char *sw__env_value(const struct sw__env *e, int i)
{
    if (i < 0 || i >= e->n || e->values[i] == NULL)
        return "";
    return e->values[i];
}
