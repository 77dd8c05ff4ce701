/*
 * scenario_id.c - the compiled scenario's fingerprint (merge.h).
 *
 * Hashes what decides the load a scenario generates and how its result is
 * judged, never addresses or anything that changes from one build to the
 * next, so the same .swarm compiled twice gives the same value.  Task
 * bodies are code, not tables, and are not covered: the source path, the
 * names and the weights are what tells two scenarios apart.
 */
#include "merge.h"

#include <string.h>

struct fnv {
    uint64_t h;
};

static void mix_bytes(struct fnv *f, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        f->h ^= b[i];
        f->h *= 1099511628211ull;
    }
}

/* A string and its terminator (so "ab","c" differs from "a","bc"); NULL
 * is hashed as a distinct marker. */
static void mix_str(struct fnv *f, const char *s)
{
    if (!s) {
        mix_bytes(f, "\xff", 1);
        return;
    }
    mix_bytes(f, s, strlen(s) + 1);
}

static void mix_i64(struct fnv *f, int64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)v >> (8 * i));
    mix_bytes(f, b, sizeof(b));
}

/* Doubles as fixed-point millionths: exact for every value a scenario can
 * spell, and independent of the platform's float layout. */
static void mix_dbl(struct fnv *f, double v)
{
    mix_i64(f, (int64_t)(v * 1e6 + (v >= 0 ? 0.5 : -0.5)));
}

static void mix_wait(struct fnv *f, const sw_wait_t *w)
{
    mix_i64(f, w->kind);
    mix_dbl(f, w->a_ms);
    mix_dbl(f, w->b_ms);
    mix_dbl(f, w->per_s);
}

static void mix_set(struct fnv *f, const sw_set_t *s, int depth)
{
    mix_str(f, s->name);
    mix_i64(f, s->kind);
    mix_wait(f, &s->wait);
    mix_i64(f, s->on_start != NULL);
    mix_i64(f, s->on_stop != NULL);
    mix_i64(f, s->ntasks);
    for (int i = 0; i < s->ntasks; i++) {
        const sw_task_t *t = &s->tasks[i];
        mix_str(f, t->name);
        mix_i64(f, t->weight);
        for (int j = 0; t->tags && t->tags[j]; j++)
            mix_str(f, t->tags[j]);
        /* The checker rejects cycles; the depth cap only guards against a
         * hand-written table that has one. */
        if (t->set && depth < 64)
            mix_set(f, t->set, depth + 1);
    }
}

uint64_t sw__scenario_fingerprint(const sw_scenario_t *sc)
{
    struct fnv f = {1469598103934665603ull};
    mix_str(&f, sc->source);
    mix_str(&f, sc->host);
    mix_i64(&f, sc->nusers);
    for (int i = 0; i < sc->nusers; i++) {
        const sw_user_class_t *u = &sc->users[i];
        mix_str(&f, u->name);
        mix_i64(&f, u->weight);
        mix_i64(&f, u->fixed_count);
        mix_set(&f, &u->root, 0);
    }
    const sw_load_t *l = &sc->load;
    mix_i64(&f, l->users);
    mix_dbl(&f, l->spawn_rate);
    mix_i64(&f, l->run_time_ms);
    mix_i64(&f, l->nstages);
    for (int i = 0; i < l->nstages && l->stages; i++) {
        mix_i64(&f, l->stages[i].duration_ms);
        mix_i64(&f, l->stages[i].users);
        mix_dbl(&f, l->stages[i].rate_per_s);
    }
    mix_dbl(&f, l->rate_per_s);
    mix_i64(&f, l->rate_duration_ms);
    mix_i64(&f, l->max_users);
    mix_i64(&f, l->iterations);
    mix_i64(&f, sc->nthresholds);
    for (int i = 0; i < sc->nthresholds; i++) {
        const sw_threshold_t *t = &sc->thresholds[i];
        mix_str(&f, t->text);
        mix_str(&f, t->name);
        mix_i64(&f, t->metric);
        mix_dbl(&f, t->pct);
        mix_i64(&f, t->cmp);
        mix_dbl(&f, t->value);
        mix_i64(&f, t->abort_on_fail);
    }
    mix_i64(&f, sc->nvars);
    for (int i = 0; i < sc->nvars && sc->var_names; i++)
        mix_str(&f, sc->var_names[i]);
    mix_i64(&f, sc->nregexes);
    for (int i = 0; i < sc->nregexes && sc->regexes; i++)
        mix_str(&f, sc->regexes[i]);
    mix_i64(&f, sc->nfeeders);
    for (int i = 0; i < sc->nfeeders; i++) {
        mix_str(&f, sc->feeders[i].name);
        mix_str(&f, sc->feeders[i].path);
        mix_i64(&f, sc->feeders[i].mode);
        mix_i64(&f, sc->feeders[i].embedded != NULL);
    }
    mix_i64(&f, sc->nenvs);
    for (int i = 0; i < sc->nenvs; i++)
        mix_str(&f, sc->envs[i].name);
    return f.h;
}
