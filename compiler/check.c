/*
 * check.c - the checker's driver: declarations, sets and their tasks, set
 * references (and cycles), load and thresholds.  Bodies are in
 * check_body.c, expressions in check_expr.c.
 */
#include "check_int.h"
#include "arena.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void ck_error(struct checker *ck, struct span sp, const char *fmt, ...)
{
    if (ck->quiet)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_error(ck->diag, sp, "%s", msg);
}

void ck_note(struct checker *ck, struct span sp, const char *fmt, ...)
{
    if (ck->quiet)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_note(ck->diag, sp, "%s", msg);
}

const char *ck_set_word(const struct set *s)
{
    return s->kind == SET_USER ? "user" : s->kind == SET_SEQ ? "seq"
                                                             : "taskset";
}

static struct set *find_set(struct checker *ck, const char *name)
{
    int i = symtab_get(&ck->set_tab, 0, name);
    return i < 0 ? NULL : ck->prog->sets[i];
}

void ck_unknown(struct checker *ck, struct span sp, const char *what,
                const char *name, const char *const *cands)
{
    const char *s = diag_suggest(name, cands);
    if (s != NULL)
        ck_error(ck, sp, "unknown %s '%s'; did you mean '%s'?", what, name, s);
    else
        ck_error(ck, sp, "unknown %s '%s'", what, name);
}

/* ===================================================================== */
/* Sets: settings, wait, tasks, hooks                                     */
/* ===================================================================== */

/* cert "FILE" ["KEY"]: the user's TLS client certificate (Locust's
 * self.client.cert), files read when the binary starts. */
static void cert_setting(struct checker *ck, struct set *set,
                         struct member *m, struct member **seen)
{
    if (set->kind != SET_USER) {
        ck_error(ck, m->word_span, "'cert' is a setting of a user, not of a "
                 "%s", ck_set_word(set));
        return;
    }
    if (*seen != NULL) {
        ck_error(ck, m->span, "user '%s' has two 'cert' settings",
                 set->name);
        ck_note(ck, (*seen)->span, "the first one is here");
        return;
    }
    *seen = m;
    if (m->str == NULL) {
        ck_error(ck, m->args->span, "cert takes the certificate's file "
                 "name, and the key's if it is another file: cert "
                 "\"client.crt\" \"client.key\"");
        return;
    }
    struct expr *const e[2] = { m->str, m->str2 };
    struct str *const out[2] = { &set->cert, &set->cert_key };
    for (int i = 0; i < 2 && e[i]; i++) {
        if (!ast_str_literal(e[i], out[i])) {
            ck_error(ck, e[i]->span, "a file name is a plain string (it is "
                     "read when the binary starts)");
            return;
        }
        if (out[i]->len == 0 || memchr(out[i]->s, 0, out[i]->len)) {
            ck_error(ck, e[i]->span, "expected a file name");
            return;
        }
    }
}

static void setting(struct checker *ck, struct set *set, struct member *m,
                    struct member **weight, struct member **fixed,
                    struct member **cert)
{
    static const char *const words[] = { "weight", "fixed", "wait", "cert",
                                         NULL };
    struct member **seen;
    if (strcmp(m->word, "cert") == 0) {
        cert_setting(ck, set, m, cert);
        return;
    }
    if (m->str != NULL) {
        if (strcmp(m->word, "weight") && strcmp(m->word, "fixed") &&
            strcmp(m->word, "wait")) {
            ck_unknown(ck, m->word_span, "setting", m->word, words);
            return;
        }
        ck_error(ck, m->str->span, "'%s' takes a number, not a string",
                 m->word);
        return;
    }
    if (strcmp(m->word, "weight") == 0) {
        seen = weight;
    } else if (strcmp(m->word, "fixed") == 0) {
        seen = fixed;
    } else if (strcmp(m->word, "wait") == 0) {
        ck_error(ck, m->args->span, "wait takes a function: between(a, b), "
                 "constant(t), pacing(t) or throughput(n)");
        return;
    } else {
        ck_unknown(ck, m->word_span, "setting", m->word, words);
        return;
    }
    if (set->kind != SET_USER) {
        ck_error(ck, m->word_span, "'%s' is a setting of a user, not of a "
                 "%s", m->word, ck_set_word(set));
        return;
    }
    if (*seen != NULL) {
        ck_error(ck, m->span, "user '%s' has two '%s' settings", set->name,
                 m->word);
        ck_note(ck, (*seen)->span, "the first one is here");
        return;
    }
    *seen = m;
    int64_t v;
    if (ck_lit_count(ck, m->args, m->word, 1, &v) != 0)
        return;
    if (seen == weight)
        set->weight = (int)v;
    else
        set->fixed = (int)v;
}

static void wait_fn(struct checker *ck, struct set *set, struct member *m,
                    struct member **seen)
{
    static const char *const fns[] = {
        "between", "constant", "pacing", "throughput", NULL
    };
    if (strcmp(m->word, "wait") != 0) {
        static const char *const wait_word[] = { "wait", NULL };
        ck_unknown(ck, m->word_span, "setting", m->word, wait_word);
        return;
    }
    if (*seen != NULL) {
        ck_error(ck, m->span, "%s '%s' has two wait settings", ck_set_word(set),
                 set->name);
        ck_note(ck, (*seen)->span, "the first one is here");
        return;
    }
    *seen = m;
    int n = 0;
    for (struct lit *l = m->args; l != NULL; l = l->next)
        n++;
    int kind = 0;
    int want = 1;
    const char *usage = NULL;
    if (strcmp(m->fn, "between") == 0) {
        kind = 2;
        want = 2;
        usage = "between(MIN, MAX)";
    } else if (strcmp(m->fn, "constant") == 0) {
        kind = 1;
        usage = "constant(TIME)";
    } else if (strcmp(m->fn, "pacing") == 0) {
        kind = 3;
        usage = "pacing(TIME)";
    } else if (strcmp(m->fn, "throughput") == 0) {
        kind = 4;
        usage = "throughput(TASKS_PER_SECOND)";
    } else {
        ck_unknown(ck, m->fn_span, "wait function", m->fn, fns);
        return;
    }
    if (n != want) {
        ck_error(ck, m->fn_span, "wrong number of arguments; write %s", usage);
        return;
    }
    struct wait *w = &set->wait;
    int64_t a, b;
    switch (kind) {
    case 2:
        if (ck_lit_duration(ck, m->args, 1, "a wait time", &a) != 0
            || ck_lit_duration(ck, m->args->next, 1, "a wait time", &b) != 0)
            return;
        if (a > b) {
            ck_error(ck, m->fn_span, "between(%s, %s): the minimum is above "
                     "the maximum", m->args->text, m->args->next->text);
            return;
        }
        w->a_ms = (double)a;
        w->b_ms = (double)b;
        break;
    case 1:
    case 3:
        if (ck_lit_duration(ck, m->args, kind == 1, "a wait time", &a) != 0)
            return;
        w->a_ms = (double)a;
        break;
    case 4:
        if (ck_lit_number(ck, m->args, "throughput", &w->per_s) != 0
            || ck_lit_rate(ck, m->args, "throughput", 0, &w->per_s) != 0)
            return;
        break;
    }
    w->kind = kind;
}

static void task_member(struct checker *ck, struct set *set, struct task *t)
{
    int old = symtab_get(&ck->task_tab, set->index, t->name);
    if (old >= 0) {
        ck_error(ck, t->name_span, "%s '%s' already has a task named "
                 "'%s'", ck_set_word(set), set->name, t->name);
        ck_note(ck, set->tasks[old]->name_span, "the first one is here");
        return;
    }
    symtab_put(&ck->task_tab, ck->arena, set->index, t->name, set->ntasks);
    t->weight_value = 1;
    if (t->weight != NULL) {
        int64_t w = 1;
        if (t->weight->kind == LIT_INT && t->weight->i == 0)
            ck_error(ck, t->weight->span, "a task weight of 0 would never "
                     "run it; the least is 1");
        else if (ck_lit_count(ck, t->weight, "a task weight", 1, &w) == 0)
            t->weight_value = (int)w;
    }
    set->tasks[set->ntasks++] = t;
}

static void hook(struct checker *ck, struct set *set, struct member *m,
                 struct member **seen)
{
    const char *word = m->kind == MB_ON_START ? "on_start" : "on_stop";
    if (*seen != NULL) {
        ck_error(ck, m->word_span, "%s '%s' has two %s blocks",
                 ck_set_word(set), set->name, word);
        ck_note(ck, (*seen)->word_span, "the first one is here");
        return;
    }
    *seen = m;
    if (m->kind == MB_ON_START)
        set->on_start = m->body;
    else
        set->on_stop = m->body;
}

static void members(struct checker *ck, struct set *set)
{
    int n = 0;
    for (struct member *m = set->members; m != NULL; m = m->next)
        n += m->kind == MB_TASK;
    set->tasks = arena_alloc(ck->arena, sizeof(struct task *)
                             * (size_t)(n + 1));
    set->weight = 1;
    struct member *weight = NULL, *fixed = NULL, *wait = NULL, *cert = NULL;
    struct member *start = NULL, *stop = NULL;
    for (struct member *m = set->members; m != NULL; m = m->next) {
        switch (m->kind) {
        case MB_SETTING:
            setting(ck, set, m, &weight, &fixed, &cert);
            break;
        case MB_WAIT:
            wait_fn(ck, set, m, &wait);
            break;
        case MB_TASK:
            task_member(ck, set, m->task);
            break;
        case MB_ON_START:
            hook(ck, set, m, &start);
            break;
        case MB_ON_STOP:
            hook(ck, set, m, &stop);
            break;
        case MB_HEADER:
            ck_set_header(ck, set, m);
            break;
        case MB_STMT:
            ck_stray(ck, m->body);
            break;
        }
    }
    if (weight != NULL && fixed != NULL) {
        ck_error(ck, fixed->span, "user '%s' has both 'weight' and 'fixed'; "
                 "a fixed count replaces the weight", set->name);
        ck_note(ck, weight->span, "'weight' is here");
    }
    if (n == 0)
        ck_error(ck, set->name_span, "%s '%s' has no tasks", ck_set_word(set),
                 set->name);
}

/* ===================================================================== */
/* Set references and cycles                                              */
/* ===================================================================== */

static void resolve_tasks(struct checker *ck, struct set *set)
{
    struct program *pg = ck->prog;
    for (int i = 0; i < set->ntasks; i++) {
        struct task *t = set->tasks[i];
        if (t->set_name == NULL)
            continue;
        struct set *target = find_set(ck, t->set_name);
        if (target == NULL) {
            const char **cands = arena_alloc(ck->arena, sizeof(char *)
                                             * (size_t)(pg->nsets + 1));
            int k = 0;
            for (int j = 0; j < pg->nsets; j++)
                if (pg->sets[j]->kind != SET_USER)
                    cands[k++] = pg->sets[j]->name;
            ck_unknown(ck, t->set_span, "taskset", t->set_name, cands);
            continue;
        }
        if (target->kind == SET_USER) {
            ck_error(ck, t->set_span, "'%s' is a user, not a taskset or seq",
                     t->set_name);
            ck_note(ck, target->name_span, "user '%s' declared here",
                    target->name);
            continue;
        }
        t->set = target;
        target->used = 1;
    }
}

/* Depth-first; a set met again while it is being visited is a cycle.
 * Nesting is limited like blocks are, since later passes recurse the same
 * way: a link is cut (and reported) when the walk is already too deep or
 * when the set it leads to has too many levels below it.  Returns the
 * set's height. */
static int cycles(struct checker *ck, struct set *set, int depth)
{
    if (set->done)
        return set->height;
    set->visiting = 1;
    int height = 0;
    for (int i = 0; i < set->ntasks; i++) {
        struct task *t = set->tasks[i];
        if (t->set == NULL)
            continue;
        if (t->set->visiting) {
            ck_error(ck, t->set_span, "%s '%s' runs itself: sets used as "
                     "tasks cannot form a cycle", ck_set_word(t->set),
                     t->set->name);
            ck_note(ck, t->set->name_span, "%s '%s' declared here",
                    ck_set_word(t->set), t->set->name);
            t->set = NULL;      /* so later passes terminate */
            continue;
        }
        int below = depth < CK_MAX_SET_DEPTH
                    ? cycles(ck, t->set, depth + 1) : CK_MAX_SET_DEPTH;
        if (below >= CK_MAX_SET_DEPTH) {
            ck_error(ck, t->set_span, "sets used as tasks are nested too "
                     "deeply (more than %d levels)", CK_MAX_SET_DEPTH);
            t->set = NULL;
            continue;
        }
        if (below + 1 > height)
            height = below + 1;
    }
    set->visiting = 0;
    set->done = 1;
    set->height = height;
    return height;
}

/* ===================================================================== */
/* Declarations                                                           */
/* ===================================================================== */

static void host(struct checker *ck, struct decl *d, struct decl **seen)
{
    if (*seen != NULL) {
        ck_error(ck, d->span, "a second 'host'");
        ck_note(ck, (*seen)->span, "the first one is here");
        return;
    }
    *seen = d;
    struct str s;
    if (!ast_str_literal(d->str, &s)) {
        ck_error(ck, d->str->span, "the host is a plain string; use "
                 "--host to choose one at run time");
        return;
    }
    if (strncmp(s.s, "http://", 7) != 0 && strncmp(s.s, "https://", 8) != 0) {
        ck_error(ck, d->str->span, "the host must start with http:// or "
                 "https://");
        return;
    }
    ck->prog->host = s;
}

static void data(struct checker *ck, struct decl *d)
{
    struct program *pg = ck->prog;
    struct feeder *old = ck_feeder_find(ck, d->name);
    if (old != NULL) {
        ck_error(ck, d->name_span, "a second feeder named '%s'", d->name);
        ck_note(ck, old->span, "the first one is here");
        return;
    }
    if (strcmp(d->format, "csv") != 0) {
        static const char *const formats[] = { "csv", NULL };
        ck_unknown(ck, d->format_span, "data format", d->format, formats);
        return;
    }
    struct feeder *f = &pg->feeders[pg->nfeeders];
    f->name = d->name;
    f->span = d->name_span;
    if (!ast_str_literal(d->str, &f->path) || f->path.len == 0
        || memchr(f->path.s, '\0', f->path.len) != NULL) {
        ck_error(ck, d->str->span, "a CSV file name is a plain string");
        return;
    }
    for (struct expr *w = d->words; w != NULL; w = w->next) {
        if (strcmp(w->name, "embed") == 0) {
            f->embed = 1;
        } else if (strcmp(w->name, "mode") == 0) {
            static const char *const modes[] = {
                "shared", "random", "unique", "unique_stop_run", NULL
            };
            static const sw_feed_mode_t mode_c[] = {
                SW_FEED_SHARED, SW_FEED_RANDOM, SW_FEED_UNIQUE_STOP_USER,
                SW_FEED_UNIQUE_STOP_RUN
            };
            struct expr *m = w->next;
            if (m == NULL) {
                ck_error(ck, w->span, "mode needs a value: shared, random, "
                         "unique or unique_stop_run");
                break;
            }
            w = m;
            int k = 0;
            while (modes[k] != NULL && strcmp(modes[k], m->name) != 0)
                k++;
            if (modes[k] == NULL)
                ck_unknown(ck, m->span, "feeder mode", m->name, modes);
            else
                f->mode = mode_c[k];
        } else {
            static const char *const words[] = { "embed", "mode", NULL };
            ck_unknown(ck, w->span, "feeder option", w->name, words);
        }
    }
    symtab_put(&ck->feeder_tab, ck->arena, 0, f->name, pg->nfeeders);
    pg->nfeeders++;
    ck_feeder_file(ck, f, d->str->span);
}

static void load_item(struct checker *ck, struct load_item *it,
                      struct load_item **seen)
{
    static const char *const words[] = {
        "users", "spawn_rate", "run_time", "stage", "rate", "max_users",
        "iterations", NULL
    };
    sw_load_t *ld = &ck->prog->load;
    int k = 0;
    while (words[k] != NULL && strcmp(words[k], it->word) != 0)
        k++;
    if (words[k] == NULL) {
        ck_unknown(ck, it->word_span, "load setting", it->word, words);
        return;
    }
    const char *second = k == 3 ? "to" : k == 4 ? "for" : NULL;
    if (it->word2 != NULL && (second == NULL
                              || strcmp(it->word2, second) != 0)) {
        if (second != NULL)
            ck_error(ck, it->word2_span, "expected '%s', not '%s'", second,
                     it->word2);
        else
            ck_error(ck, it->word2_span, "'%s' takes one value", it->word);
        return;
    }
    if (k == 3 && it->word2 == NULL) {
        ck_error(ck, it->span, "write stage DURATION to USERS (or to "
                 "RATE/s)");
        return;
    }
    if (k != 3 && seen[k] != NULL) {
        ck_error(ck, it->word_span, "'%s' is set twice", it->word);
        ck_note(ck, seen[k]->word_span, "the first one is here");
        return;
    }
    seen[k] = it;
    switch (k) {
    case 0:
        ck_lit_count(ck, it->a, "users", 1, &ld->users);
        break;
    case 1:
        if (ck_lit_number(ck, it->a, "spawn_rate", &ld->spawn_rate) != 0
            || ck_lit_rate(ck, it->a, "spawn_rate", 0, &ld->spawn_rate) != 0)
            ld->spawn_rate = -1;
        break;
    case 2:
        ck_lit_duration(ck, it->a, 0, "run_time", &ld->run_time_ms);
        break;
    case 3: {
        sw_stage_t *st = &ck->stages[ld->nstages];
        st->users = -1;
        st->rate_per_s = -1;
        if (ck_lit_duration(ck, it->a, 0, "a stage", &st->duration_ms) != 0)
            return;
        if (it->b->kind == LIT_RATE) {
            if (ck_lit_rate(ck, it->b, "a stage's rate", 1,
                            &st->rate_per_s) != 0)
                return;
        } else if (ck_lit_count(ck, it->b, "a stage's users", 0,
                                &st->users) != 0) {
            return;
        }
        if (ld->nstages > 0 && (st->users < 0)
            != (ld->stages[0].users < 0)) {
            ck_error(ck, it->b->span, "stages go to users or to a rate, "
                     "not both");
            return;
        }
        ld->nstages++;
        break;
    }
    case 4:
        if (it->a->kind != LIT_RATE) {
            ck_error(ck, it->a->span, "a rate is written as N/s, not '%s'",
                     it->a->text);
            return;
        }
        if (ck_lit_rate(ck, it->a, "a rate", 0, &ld->rate_per_s) != 0) {
            ld->rate_per_s = -1;
            return;
        }
        if (it->b != NULL)
            ck_lit_duration(ck, it->b, 0, "a rate's duration",
                            &ld->rate_duration_ms);
        break;
    case 5:
        ck_lit_count(ck, it->a, "max_users", 1, &ld->max_users);
        break;
    case 6:
        ck_lit_count(ck, it->a, "iterations", 1, &ld->iterations);
        break;
    }
}

static void load(struct checker *ck, struct decl *d, struct decl **seen)
{
    if (*seen != NULL) {
        ck_error(ck, d->span, "a second 'load' block");
        ck_note(ck, (*seen)->span, "the first one is here");
        return;
    }
    *seen = d;
    sw_load_t *ld = &ck->prog->load;
    int n = 0;
    for (struct load_item *it = d->items; it != NULL; it = it->next)
        n++;
    ck->stages = arena_alloc(ck->arena, sizeof(sw_stage_t) * (size_t)n);
    ld->stages = ck->stages;
    struct load_item *items[7] = { 0 };
    for (struct load_item *it = d->items; it != NULL; it = it->next)
        load_item(ck, it, items);
    if (items[4] != NULL && items[0] != NULL) {
        ck_error(ck, items[0]->word_span, "'users' belongs to the closed "
                 "model; with 'rate' the pool size is 'max_users'");
        ck_note(ck, items[4]->word_span, "'rate' is here");
    }
    if (items[5] != NULL && items[4] == NULL && (ld->nstages == 0
                                                 || ld->stages[0].users >= 0))
        ck_error(ck, items[5]->word_span, "'max_users' needs the open "
                 "model: 'rate N/s' or rate stages");
}

/* A threshold's comparison as the runtime names it. */
static sw_cmp_t cmp_of(enum binop op)
{
    switch (op) {
    case OP_LT: return SW_CMP_LT;
    case OP_LE: return SW_CMP_LE;
    case OP_GT: return SW_CMP_GT;
    case OP_GE: return SW_CMP_GE;
    case OP_NE: return SW_CMP_NE;
    default:    return SW_CMP_EQ;  /* the parser allows comparisons only */
    }
}

int ck_is_percentile(const char *m)
{
    return m[0] == 'p' && m[1] >= '0' && m[1] <= '9';
}

int ck_percentile(struct checker *ck, const struct decl *d,
                  sw_threshold_t *t)
{
    char *end;
    t->metric = SW_METRIC_PERCENTILE;
    t->pct = strtod(d->metric + 1, &end);
    if (*end != '\0' || t->pct <= 0 || t->pct > 100) {
        ck_error(ck, d->metric_span, "a percentile is p1 to p100, such "
                 "as p95 or p99.9");
        return -1;
    }
    return 0;
}


static void threshold(struct checker *ck, struct decl *d, sw_threshold_t *t)
{
    const struct source *src = ck->prog->src;
    t->line = source_line(src, d->span.beg);
    /* Rebuilt from the tokens, not copied from the source, so the report
     * says "p95 < 300ms" however it was spaced (and `swarmc fmt` cannot
     * change it). */
    static const char *const op_text[] = {
        [OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=",
        [OP_GT] = ">", [OP_GE] = ">=",
    };
    const char *op = (size_t)d->cmp < sizeof(op_text) / sizeof(op_text[0])
                     && op_text[d->cmp] ? op_text[d->cmp] : "?";
    t->text = arena_printf(ck->arena, "%s %s %s", d->metric, op,
                           d->value->text);
    t->cmp = cmp_of(d->cmp);
    if (d->custom != NULL) {
        t->text = arena_printf(ck->arena, "%s %s %s %s", d->custom,
                               d->metric, op, d->value->text);
        ck_threshold_custom(ck, d, t);
        if (d->abort_word != NULL && strcmp(d->abort_word, "abort") != 0)
            ck_error(ck, d->abort_span, "expected 'abort' or the end of "
                     "the line, not '%s'", d->abort_word);
        t->abort_on_fail = d->abort_word != NULL;
        return;
    }
    if (d->str != NULL) {
        struct str name;
        if (!ast_str_literal(d->str, &name)) {
            ck_error(ck, d->str->span, "a request name in a threshold is a "
                     "plain string");
        } else {
            t->name = name.s;
            int found = 0;
            for (int i = 0; i < ck->nreq_names; i++)
                found |= strcmp(ck->req_names[i], t->name) == 0;
            if (!found) {
                const char *s = ck->req_names != NULL
                    ? diag_suggest(t->name, ck->req_names) : NULL;
                if (s != NULL)
                    diag_warning(ck->diag, d->str->span, "no request is "
                                 "named '%s'; did you mean '%s'?",
                                 t->name, s);
                else
                    diag_warning(ck->diag, d->str->span, "no request is "
                                 "named '%s'", t->name);
            }
        }
    }
    if (d->abort_word != NULL && strcmp(d->abort_word, "abort") != 0)
        ck_error(ck, d->abort_span, "expected 'abort' or the end of the "
                 "line, not '%s'", d->abort_word);
    t->abort_on_fail = d->abort_word != NULL;

    const char *m = d->metric;
    struct lit *v = d->value;
    int latency = 1;
    if (ck_is_percentile(m)) {
        if (ck_percentile(ck, d, t) != 0)
            return;
    } else if (strcmp(m, "avg") == 0) {
        t->metric = SW_METRIC_AVG;
    } else if (strcmp(m, "max") == 0) {
        t->metric = SW_METRIC_MAX;
    } else if (strcmp(m, "min") == 0) {
        t->metric = SW_METRIC_MIN;
    } else {
        latency = 0;
        static const char *const metrics[] = {
            "avg", "min", "max", "failures", "rps", "requests", "p50", "p90",
            "p95", "p99", NULL
        };
        if (strcmp(m, "failures") == 0) {
            if (v->kind == LIT_PERCENT) {
                t->metric = SW_METRIC_FAILURE_RATIO;
                if (ck_lit_value(ck, v, &t->value) != 0)
                    return;
                t->value /= 100.0;
            } else if (v->kind == LIT_FLOAT) {
                t->metric = SW_METRIC_FAILURE_RATIO;
                if (ck_lit_value(ck, v, &t->value) != 0)
                    return;
            } else if (v->kind == LIT_INT) {
                t->metric = SW_METRIC_FAILURES;
                t->value = (double)v->i;
            } else {
                ck_error(ck, v->span, "failures are compared with a "
                         "percentage (1%%), a ratio (0.01) or a count (5)");
                return;
            }
            if (t->metric == SW_METRIC_FAILURE_RATIO && t->value > 1)
                ck_error(ck, v->span, "a failure ratio is at most 1 (100%%)");
        } else if (strcmp(m, "rps") == 0) {
            t->metric = SW_METRIC_RPS;
            ck_lit_number(ck, v, "rps", &t->value);
        } else if (strcmp(m, "requests") == 0) {
            t->metric = SW_METRIC_REQUESTS;
            int64_t n;
            if (ck_lit_count(ck, v, "a request count", 0, &n) == 0)
                t->value = (double)n;
        } else {
            ck_unknown(ck, d->metric_span, "metric", m, metrics);
        }
    }
    if (latency) {
        int64_t ms;
        if (ck_lit_duration(ck, v, 1, "a latency", &ms) == 0)
            t->value = (double)ms;
    }
}

/* ===================================================================== */
/* The passes                                                             */
/* ===================================================================== */

/* Type inference needs every variable's type before any use is checked,
 * and a variable may be set after (in source order) a use elsewhere:
 * quiet rounds run until no type changes, then one round reports. */
static void bodies(struct checker *ck)
{
    struct program *pg = ck->prog;
    for (int round = 0; round <= pg->nvars + 1; round++) {
        ck->quiet = 1;
        ck->changed = 0;
        ck_test_hook_bodies(ck);
        for (int i = 0; i < pg->nsets; i++) {
            struct set *s = pg->sets[i];
            ck_body(ck, s, BODY_ON_START, NULL, s->on_start);
            for (int j = 0; j < s->ntasks; j++)
                ck_body(ck, s, BODY_TASK, s->tasks[j], s->tasks[j]->body);
            ck_body(ck, s, BODY_ON_STOP, NULL, s->on_stop);
        }
        if (!ck->changed)
            break;
    }
    ck->quiet = 0;
    ck->nreq_names = 0;
    pg->nlocals = 0;
    ck_test_hook_bodies(ck);
    for (int i = 0; i < pg->nsets; i++) {
        struct set *s = pg->sets[i];
        ck_body(ck, s, BODY_ON_START, NULL, s->on_start);
        for (int j = 0; j < s->ntasks; j++)
            ck_body(ck, s, BODY_TASK, s->tasks[j], s->tasks[j]->body);
        ck_body(ck, s, BODY_ON_STOP, NULL, s->on_stop);
    }
    /* A variable whose type is still unknown is set only from itself
     * (`let n = n + 1`, or a ring of lets), or from an expression with an
     * error already reported.  Its uses were skipped as untyped, so the
     * first case needs an error of its own. */
    for (int i = 0; i < pg->nvars; i++) {
        struct var *v = &pg->vars[i];
        if (v->type == TY_ERROR && !v->set_bad)
            ck_error(ck, v->first, "cannot tell the type of '%s': it is only "
                     "set from itself (directly or through other variables); "
                     "give it a first value, as in let %s = 0", v->name,
                     v->name);
    }
}

int check_program(struct ast_file *file, const struct source *src,
                  struct arena *a, struct diag *d, struct program *prog)
{
    memset(prog, 0, sizeof(*prog));
    prog->src = src;
    sw_load_t *ld = &prog->load;
    ld->users = ld->run_time_ms = ld->max_users = ld->iterations = -1;
    ld->rate_duration_ms = -1;
    ld->spawn_rate = ld->rate_per_s = -1;

    struct checker ck = { 0 };
    ck.arena = a;
    ck.diag = d;
    ck.prog = prog;
    int before = d->errors;

    int nsets = 0, nfeeders = 0, nthresholds = 0;
    for (struct decl *dc = file->decls; dc != NULL; dc = dc->next) {
        nsets += dc->kind == D_SET;
        nfeeders += dc->kind == D_DATA;
        nthresholds += dc->kind == D_THRESHOLD;
    }
    prog->sets = arena_alloc(a, sizeof(struct set *) * (size_t)(nsets + 1));
    prog->feeders = arena_alloc(a, sizeof(struct feeder)
                                * (size_t)(nfeeders + 1));
    prog->thresholds = arena_alloc(a, sizeof(sw_threshold_t)
                                   * (size_t)(nthresholds + 1));

    /* Declarations first: bodies may use any feeder or set by name. */
    struct decl *seen_host = NULL, *seen_load = NULL;
    struct decl *seen_start = NULL, *seen_stop = NULL;
    int nusers = 0;
    for (struct decl *dc = file->decls; dc != NULL; dc = dc->next) {
        switch (dc->kind) {
        case D_HOST:
            host(&ck, dc, &seen_host);
            break;
        case D_SET: {
            struct set *old = find_set(&ck, dc->set->name);
            if (old != NULL) {
                ck_error(&ck, dc->set->name_span, "'%s' is already the name "
                         "of a %s", dc->set->name, ck_set_word(old));
                ck_note(&ck, old->name_span, "%s '%s' declared here",
                        ck_set_word(old), old->name);
                break;
            }
            dc->set->span = dc->span;
            dc->set->index = prog->nsets;
            symtab_put(&ck.set_tab, a, 0, dc->set->name, prog->nsets);
            prog->sets[prog->nsets++] = dc->set;
            nusers += dc->set->kind == SET_USER;
            break;
        }
        case D_DATA:
            data(&ck, dc);
            break;
        case D_LOAD:
            load(&ck, dc, &seen_load);
            break;
        case D_THRESHOLD:
            break;
        case D_STMT:
            ck_stray(&ck, dc->stmt);
            break;
        case D_TEST_START:
        case D_TEST_STOP:
            ck_test_hook_decl(&ck, dc, &seen_start, &seen_stop);
            break;
        }
    }
    for (int i = 0; i < prog->nsets; i++)
        members(&ck, prog->sets[i]);
    for (int i = 0; i < prog->nsets; i++)
        resolve_tasks(&ck, prog->sets[i]);
    for (int i = 0; i < prog->nsets; i++)
        cycles(&ck, prog->sets[i], 0);

    /* Function numbers in source order (codegen names). */
    for (int i = 0; i < prog->nsets; i++) {
        struct set *s = prog->sets[i];
        if (s->on_start != NULL)
            s->on_start_id = ++prog->nhook_fns;
        for (int j = 0; j < s->ntasks; j++)
            if (s->tasks[j]->set_name == NULL)
                s->tasks[j]->fn_id = ++prog->ntask_fns;
        if (s->on_stop != NULL)
            s->on_stop_id = ++prog->nhook_fns;
    }

    bodies(&ck);
    ck_default_headers(&ck);
    if (d->errors == before)
        ck_reach(&ck);

    for (struct decl *dc = file->decls; dc != NULL; dc = dc->next)
        if (dc->kind == D_THRESHOLD)
            threshold(&ck, dc, &prog->thresholds[prog->nthresholds++]);

    if (nusers == 0) {
        struct span sp = { 0, 0 };
        if (file->decls != NULL)
            sp = file->decls->span;
        ck_error(&ck, sp, "the scenario has no user: declare one with "
                 "'user NAME { ... }'");
    }
    for (int i = 0; i < prog->nsets; i++) {
        struct set *s = prog->sets[i];
        if (s->kind != SET_USER && !s->used)
            diag_warning(d, s->name_span, "%s '%s' is never used by a task",
                         ck_set_word(s), s->name);
    }
    return d->errors - before;
}
