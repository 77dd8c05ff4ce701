/*
 * env.h - env("NAME") values, resolved once at start-up (internal).
 */
#ifndef SW_ENV_H
#define SW_ENV_H

#include <stddef.h>
#include "swarm.h"

/* Reads every scenario env once.  An unset variable with no default is an
 * error: -1 and a message naming it in err.  Copies the values. */
/* The values, resolved by sw__env_init before any worker thread exists,
 * then read-only. */
struct sw__env {
    char **values;              /* owned: n strings */
    int n;
};

int sw__env_init(struct sw__env *e, const sw_env_def_t *envs, int nenvs,
                 char *err, size_t errlen);
void sw__env_free(struct sw__env *e);

/* The resolved value of env index i; "" when out of range. Borrowed. */
const char *sw__env_value(const struct sw__env *e, int i);

#endif /* SW_ENV_H */
