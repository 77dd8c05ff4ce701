/*
 * check_metrics.c - groups (`group "name" { ... }`), custom metrics
 * (`count NAME [N]`, `record NAME VALUE`) and thresholds on them.
 *
 * Metrics need no declaration: the first use of a name makes it, and
 * every use must agree on what it is (a counter, a trend of plain numbers
 * or a trend of durations).  Their table (program.metrics) is what the
 * runtime reports, in the order of first use.
 */
#include "check_int.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>

/* ---- groups ---- */

void ck_group_enter(struct checker *ck, struct stmt *s)
{
    struct str name;
    s->path = NULL;
    if (!ast_str_literal(s->expr, &name) || name.len == 0) {
        ck_error(ck, s->expr->span, "a group name is a plain, non-empty "
                 "string");
    } else if (strstr(name.s, "::") != NULL || memchr(name.s, '\0',
                                                      name.len) != NULL) {
        ck_error(ck, s->expr->span, "a group name cannot contain '::' "
                 "(it joins nested groups: write group \"a\" { group \"b\" "
                 "{ ... } })");
    } else {
        s->path = ck->group_path == NULL
            ? name.s : arena_printf(ck->arena, "%s::%s", ck->group_path,
                                    name.s);
    }
    if (ck->group_depth >= CK_MAX_GROUP_DEPTH)
        ck_error(ck, s->span, "groups nested too deeply (more than %d)",
                 CK_MAX_GROUP_DEPTH);
    ck->group_saved[ck->group_depth < CK_MAX_GROUP_DEPTH
                    ? ck->group_depth : CK_MAX_GROUP_DEPTH - 1] =
        ck->group_path;
    ck->group_depth++;
    if (s->path != NULL) {
        ck->group_path = s->path;
        ck_req_name(ck, s->path);   /* thresholds may name the group */
    }
}

void ck_group_leave(struct checker *ck)
{
    ck->group_depth--;
    ck->group_path = ck->group_saved[ck->group_depth < CK_MAX_GROUP_DEPTH
                                     ? ck->group_depth
                                     : CK_MAX_GROUP_DEPTH - 1];
}

/* ---- metrics ---- */

static int has_duration(const struct expr *e)
{
    if (e == NULL)
        return 0;
    if (e->kind == EX_DURATION)
        return 1;
    if (has_duration(e->lhs) || has_duration(e->rhs))
        return 1;
    for (const struct expr *a = e->args; a != NULL; a = a->next)
        if (has_duration(a))
            return 1;
    return 0;
}

static const char *kind_word(sw_metric_kind_t k)
{
    return k == SW_COUNTER ? "a counter ('count')"
           : k == SW_TREND ? "a trend of plain numbers ('record')"
                           : "a trend of durations ('record')";
}

static int metric_find(const struct program *pg, const char *name)
{
    for (int i = 0; i < pg->nmetrics; i++)
        if (strcmp(pg->metrics[i].name, name) == 0)
            return i;
    return -1;
}

/* The index of metric `name` of kind k, made on first use. */
static int metric_use(struct checker *ck, struct stmt *s, sw_metric_kind_t k)
{
    struct program *pg = ck->prog;
    int i = metric_find(pg, s->name);
    if (i < 0) {
        pg->metrics = arena_grow(ck->arena, pg->metrics, pg->nmetrics + 1,
                                 &ck->metric_cap, sizeof(*pg->metrics));
        ck->metric_spans = arena_grow(ck->arena, ck->metric_spans,
                                      pg->nmetrics + 1, &ck->metric_spans_cap,
                                      sizeof(*ck->metric_spans));
        /* NULL-terminated names, for did-you-mean */
        ck->metric_names = arena_grow(ck->arena, ck->metric_names,
                                      pg->nmetrics + 2, &ck->metric_names_cap,
                                      sizeof(*ck->metric_names));
        i = pg->nmetrics++;
        pg->metrics[i].name = s->name;
        pg->metrics[i].kind = k;
        ck->metric_spans[i] = s->name_span;
        ck->metric_names[i] = s->name;
        ck->metric_names[i + 1] = NULL;
        return i;
    }
    sw_metric_kind_t had = pg->metrics[i].kind;
    if (had != k) {
        if ((had == SW_COUNTER) != (k == SW_COUNTER))
            ck_error(ck, s->name_span, "'%s' is %s, so it cannot be %s",
                     s->name, kind_word(had), kind_word(k));
        else if (had == SW_TREND_TIME)
            ck_error(ck, s->expr->span, "trend '%s' records durations; "
                     "write this value with a unit too (as in 250ms, or "
                     "n * 1ms)", s->name);
        else
            ck_error(ck, s->expr->span, "trend '%s' records plain numbers, "
                     "not durations", s->name);
        ck_note(ck, ck->metric_spans[i], "'%s' is first used here", s->name);
    }
    return i;
}

void ck_metric_stmt(struct checker *ck, struct stmt *s)
{
    sw_metric_kind_t k = SW_COUNTER;
    if (s->expr != NULL) {
        enum type t = ck_expr(ck, s->expr);
        const char *what = s->kind == ST_COUNT ? "a count increment"
                                               : "a recorded value";
        if (t != TY_INT && t != TY_ERROR && !s->expr->bad)
            ck_error(ck, s->expr->span, "%s must be an int, not %s", what,
                     ck_a_type(t));
        if (s->kind == ST_RECORD && s->expr->kind == EX_NEG
            && s->expr->lhs != NULL && s->expr->lhs->kind == EX_INT)
            ck_error(ck, s->expr->span, "a trend records values of 0 or "
                     "more");
    }
    if (s->kind == ST_RECORD)
        k = has_duration(s->expr) ? SW_TREND_TIME : SW_TREND;
    s->index = metric_use(ck, s, k);
}

/* ---- thresholds on metrics ---- */

void ck_threshold_custom(struct checker *ck, struct decl *d,
                         sw_threshold_t *t)
{
    const struct program *pg = ck->prog;
    int i = metric_find(pg, d->custom);
    t->name = d->custom;
    t->custom = 1;
    if (i < 0) {
        const char *s = ck->metric_names != NULL
            ? diag_suggest(d->custom, ck->metric_names) : NULL;
        if (s != NULL)
            ck_error(ck, d->custom_span, "unknown metric '%s'; did you mean "
                     "'%s'?", d->custom, s);
        else
            ck_error(ck, d->custom_span, "unknown metric '%s' (metrics are "
                     "made by 'count %s' or 'record %s VALUE'; a request or "
                     "group name is written as a string)", d->custom,
                     d->custom, d->custom);
        return;
    }
    sw_metric_kind_t k = pg->metrics[i].kind;
    const char *m = d->metric;
    struct lit *v = d->value;
    static const char *const counter_words[] = { "count", "rate", NULL };
    static const char *const trend_words[] = {
        "p50", "p90", "p95", "p99", "med", "avg", "min", "max", "count",
        "rate", NULL
    };
    int value_unit = 0;     /* compared in the trend's unit */
    if (strcmp(m, "count") == 0) {
        t->metric = SW_METRIC_COUNT;
    } else if (strcmp(m, "rate") == 0) {
        t->metric = SW_METRIC_RATE;
    } else if (k == SW_COUNTER) {
        ck_error(ck, d->metric_span, "'%s' is a counter: its thresholds "
                 "use count or rate, not '%s'", d->custom, m);
        return;
    } else if (ck_is_percentile(m)) {
        if (ck_percentile(ck, d, t) != 0)
            return;
        value_unit = 1;
    } else if (strcmp(m, "med") == 0) {
        t->metric = SW_METRIC_PERCENTILE;
        t->pct = 50;
        value_unit = 1;
    } else if (strcmp(m, "avg") == 0) {
        t->metric = SW_METRIC_AVG;
        value_unit = 1;
    } else if (strcmp(m, "min") == 0) {
        t->metric = SW_METRIC_MIN;
        value_unit = 1;
    } else if (strcmp(m, "max") == 0) {
        t->metric = SW_METRIC_MAX;
        value_unit = 1;
    } else {
        ck_unknown(ck, d->metric_span, "metric", m,
                   k == SW_COUNTER ? counter_words : trend_words);
        return;
    }
    if (t->metric == SW_METRIC_COUNT) {
        int64_t n;
        if (ck_lit_count(ck, v, "a count", 0, &n) == 0)
            t->value = (double)n;
    } else if (t->metric == SW_METRIC_RATE) {
        ck_lit_rate(ck, v, "a rate", 1, &t->value);
    } else if (value_unit && k == SW_TREND_TIME) {
        int64_t ms;
        if (ck_lit_duration(ck, v, 1, "a duration", &ms) == 0)
            t->value = (double)ms;
    } else {
        ck_lit_number(ck, v, "a value of a plain trend", &t->value);
    }
}
