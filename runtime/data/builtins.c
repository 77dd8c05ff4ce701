/*
 * builtins.c - the scenario's built-in expressions: random(), choice(),
 * uuid(), env(), user_id, now().  They draw from the user's own
 * xoshiro256** state (rng.c, owned by the scheduler's side).
 *
 * Each user draws from its own generator state (u->rng), so no lock and no
 * shared state is touched, and a seeded run gives each user the same
 * sequence whatever thread runs it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "swarm.h"
#include "user.h"
#include "data.h"
#include "env.h"
#include "rng.h"

/* A user whose state was never seeded would draw zeros forever: seed it
 * from its id instead (deterministic, and distinct per user). */
static uint64_t *user_rng(sw_user_t *u)
{
    if ((u->rng[0] | u->rng[1] | u->rng[2] | u->rng[3]) == 0)
        sw__rng_seed(u->rng, 0, u->id);
    return u->rng;
}

/* ===================================================================== */
/* Built-ins                                                              */
/* ===================================================================== */

int64_t sw_random(sw_user_t *u, int64_t lo, int64_t hi)
{
    if (lo > hi) {
        int64_t t = lo;
        lo = hi;
        hi = t;
    }
    /* hi - lo + 1 in unsigned arithmetic; 0 means the full 2^64 range. */
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    uint64_t *rng = user_rng(u);
    uint64_t r = span == 0 ? sw__rng_next(rng) : sw__rng_below(rng, span);
    return (int64_t)((uint64_t)lo + r);
}

const char *sw_choice_str(sw_user_t *u, int n, ...)
{
    if (n <= 0)
        return "";
    int pick = (int)sw__rng_below(user_rng(u), (uint64_t)n);
    const char *s = "";
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i <= pick; i++)
        s = va_arg(ap, const char *);
    va_end(ap);
    return s != NULL ? s : "";
}

int64_t sw_choice_int(sw_user_t *u, int n, ...)
{
    if (n <= 0)
        return 0;
    int pick = (int)sw__rng_below(user_rng(u), (uint64_t)n);
    int64_t v = 0;
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i <= pick; i++)
        v = va_arg(ap, int64_t);
    va_end(ap);
    return v;
}

/* The index drawn with probability weights[i] / sum (Gatling's
 * randomSwitch, without its remainder: the weights need not add to 100). */
static int pick_weighted(sw_user_t *u, int n, const int64_t *weights)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += weights[i] > 0 ? (uint64_t)weights[i] : 0;
    if (total == 0)
        return 0;
    uint64_t r = sw__rng_below(user_rng(u), total);
    for (int i = 0; i < n; i++) {
        uint64_t w = weights[i] > 0 ? (uint64_t)weights[i] : 0;
        if (r < w)
            return i;
        r -= w;
    }
    return n - 1;
}

const char *sw_choice_weighted_str(sw_user_t *u, int n,
                                   const int64_t *weights, ...)
{
    if (n <= 0)
        return "";
    int pick = pick_weighted(u, n, weights);
    const char *s = "";
    va_list ap;
    va_start(ap, weights);
    for (int i = 0; i <= pick; i++)
        s = va_arg(ap, const char *);
    va_end(ap);
    return s != NULL ? s : "";
}

int64_t sw_choice_weighted_int(sw_user_t *u, int n, const int64_t *weights,
                               ...)
{
    if (n <= 0)
        return 0;
    int pick = pick_weighted(u, n, weights);
    int64_t v = 0;
    va_list ap;
    va_start(ap, weights);
    for (int i = 0; i <= pick; i++)
        v = va_arg(ap, int64_t);
    va_end(ap);
    return v;
}

const char *sw_uuid(sw_user_t *u)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t *rng = user_rng(u);
    uint64_t w[2] = { sw__rng_next(rng), sw__rng_next(rng) };
    unsigned char b[16];

    for (int i = 0; i < 16; i++)
        b[i] = (unsigned char)(w[i / 8] >> (8 * (i % 8)));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);  /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);  /* variant 10xx */

    char *out = sw__scratch_alloc(u, 37);
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
    return out;
}

const char *sw_env(sw_user_t *u, int env_index)
{
    return sw__env_value(&u->data->env, env_index);
}

int64_t sw_user_id(sw_user_t *u)
{
    return u->id;
}

int64_t sw_now_ms(sw_user_t *u)
{
    (void)u;
    /* Wall time on purpose: now() is a value for requests (timestamps),
     * never used for measuring. */
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
