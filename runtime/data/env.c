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

/* Written by sw__env_init before any worker thread exists, then read-only. */
static char **values;
static int nvalues;

int sw__env_init(const sw_env_def_t *envs, int nenvs, char *err,
                 size_t errlen)
{
    sw__env_free();
    if (nenvs <= 0)
        return 0;
    values = calloc((size_t)nenvs, sizeof(*values));
    if (values == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    nvalues = nenvs;
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
            sw__env_free();
            return -1;
        }
        values[i] = strdup(v);
        if (values[i] == NULL) {
            snprintf(err, errlen, "out of memory");
            sw__env_free();
            return -1;
        }
    }
    return 0;
}

void sw__env_free(void)
{
    for (int i = 0; i < nvalues; i++)
        free(values[i]);
    free(values);
    values = NULL;
    nvalues = 0;
}

const char *sw__env_value(int i)
{
    if (i < 0 || i >= nvalues || values[i] == NULL)
        return "";
    return values[i];
}
