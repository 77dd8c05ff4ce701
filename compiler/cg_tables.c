/*
 * cg_tables.c - the generated file's assembly: banner, include, enums,
 * helpers, body functions, the static const tables and main().
 *
 * Sets are written leaves first (a set's table before any task table that
 * points at it), so no forward declarations are needed: the checker
 * rejected cycles.  Only sets some user can reach are written, so the C
 * has no unused static data.
 */
#include "cg_int.h"
#include "arena.h"

#include <string.h>

static const char *const wait_c[] = {
    "SW_WAIT_INHERIT", "SW_WAIT_CONSTANT", "SW_WAIT_BETWEEN",
    "SW_WAIT_PACING", "SW_WAIT_THROUGHPUT"
};

static const char *const metric_c[] = {
    [MET_PERCENTILE] = "SW_METRIC_PERCENTILE", [MET_AVG] = "SW_METRIC_AVG",
    [MET_MAX] = "SW_METRIC_MAX",
    [MET_FAILURE_RATIO] = "SW_METRIC_FAILURE_RATIO",
    [MET_RPS] = "SW_METRIC_RPS", [MET_REQUESTS] = "SW_METRIC_REQUESTS",
    [MET_FAILURES] = "SW_METRIC_FAILURES"
};

static const char *const feed_c[] = {
    "SW_FEED_SHARED", "SW_FEED_RANDOM", "SW_FEED_UNIQUE_STOP_USER",
    "SW_FEED_UNIQUE_STOP_RUN"
};

static int set_index(const struct program *pg, const struct set *s)
{
    for (int i = 0; i < pg->nsets; i++)
        if (pg->sets[i] == s)
            return i;
    return -1;
}

/* Marks the sets a user reaches, users included. */
static void reach(const struct program *pg, const struct set *s, int *live)
{
    int k = set_index(pg, s);
    if (live[k])
        return;
    live[k] = 1;
    for (int i = 0; i < s->ntasks; i++)
        if (s->tasks[i]->set != NULL)
            reach(pg, s->tasks[i]->set, live);
}

static void hook_name(struct buf *b, const struct set *s, int start)
{
    if (start ? s->on_start == NULL : s->on_stop == NULL)
        buf_puts(b, "NULL");
    else
        buf_printf(b, "%s%d_%s", start ? "on_start" : "on_stop",
                   start ? s->on_start_id : s->on_stop_id, s->name);
}

static void functions(struct cg *g, struct buf *out, const int *live)
{
    const struct program *pg = g->prog;
    const struct source *src = pg->src;
    for (int i = 0; i < pg->nsets; i++) {
        const struct set *s = pg->sets[i];
        if (!live[i])
            continue;
        if (s->on_start != NULL) {
            char *name = arena_printf(g->arena, "on_start%d_%s",
                                      s->on_start_id, s->name);
            char *what = arena_printf(g->arena, "on_start of %s",
                                      s->name);
            cg_function(g, out, name, what,
                        source_line(src, s->on_start->span.beg),
                        s->on_start);
        }
        for (int j = 0; j < s->ntasks; j++) {
            const struct task *t = s->tasks[j];
            if (t->set != NULL)
                continue;
            char *name = arena_printf(g->arena, "task%d_%s", t->fn_id,
                                      t->name);
            char *what = arena_printf(g->arena, "task %s", t->name);
            cg_function(g, out, name, what,
                        source_line(src, t->span.beg), t->body);
        }
        if (s->on_stop != NULL) {
            char *name = arena_printf(g->arena, "on_stop%d_%s",
                                      s->on_stop_id, s->name);
            char *what = arena_printf(g->arena, "on_stop of %s", s->name);
            cg_function(g, out, name, what,
                        source_line(src, s->on_stop->span.beg), s->on_stop);
        }
    }
}

static void wait_init(struct buf *b, const struct wait *w)
{
    buf_printf(b, "{ %s, ", wait_c[w->kind]);
    cg_double(b, w->a_ms);
    buf_puts(b, ", ");
    cg_double(b, w->b_ms);
    buf_puts(b, ", ");
    cg_double(b, w->per_s);
    buf_puts(b, " }");
}

/* The set's fields after its name, shared by sets and user roots. */
static void set_init(struct buf *b, const struct set *s, const char *ind)
{
    buf_printf(b, "%s.name = ", ind);
    cg_cstr(b, s->name);
    buf_printf(b, ",\n%s.kind = %s,\n", ind,
               s->kind == SET_SEQ ? "SW_SET_SEQ" : "SW_SET_RANDOM");
    buf_printf(b, "%s.tasks = tasks_%s,\n%s.ntasks = %d,\n%s.wait = ", ind,
               s->name, ind, s->ntasks, ind);
    wait_init(b, &s->wait);
    buf_printf(b, ",\n%s.on_start = ", ind);
    hook_name(b, s, 1);
    buf_printf(b, ",\n%s.on_stop = ", ind);
    hook_name(b, s, 0);
    buf_puts(b, ",\n");
}

static void task_table(const struct program *pg, struct buf *b,
                       const struct set *s)
{
    for (int i = 0; i < s->ntasks; i++) {
        const struct task *t = s->tasks[i];
        if (t->ntags == 0)
            continue;
        buf_printf(b, "static const char *const tags_task%d[] = { ",
                   t->fn_id);
        for (int k = 0; k < t->ntags; k++) {
            cg_cstr(b, t->tags[k]);
            buf_puts(b, ", ");
        }
        buf_puts(b, "NULL };\n");
    }
    buf_printf(b, "static const sw_task_t tasks_%s[] = {\n", s->name);
    for (int i = 0; i < s->ntasks; i++) {
        const struct task *t = s->tasks[i];
        buf_puts(b, "    { ");
        cg_cstr(b, t->name);
        buf_printf(b, ", %d, ", t->weight_value);
        if (t->set != NULL)
            buf_printf(b, "NULL, &set_%s, ", t->set->name);
        else
            buf_printf(b, "task%d_%s, NULL, ", t->fn_id, t->name);
        if (t->ntags > 0)
            buf_printf(b, "tags_task%d, ", t->fn_id);
        else
            buf_puts(b, "NULL, ");
        buf_printf(b, "%d },\n", source_line(pg->src, t->span.beg));
    }
    buf_puts(b, "};\n");
}

static void set_tables(const struct program *pg, struct buf *b,
                       const struct set *s, int *done)
{
    int k = set_index(pg, s);
    if (done[k])
        return;
    done[k] = 1;
    for (int i = 0; i < s->ntasks; i++)
        if (s->tasks[i]->set != NULL)
            set_tables(pg, b, s->tasks[i]->set, done);
    buf_putc(b, '\n');
    task_table(pg, b, s);
    if (s->kind == SET_USER)
        return;                 /* its root set is inside user_classes */
    buf_printf(b, "static const sw_set_t set_%s = {\n", s->name);
    set_init(b, s, "    ");
    buf_puts(b, "};\n");
}

static void users(const struct program *pg, struct buf *b)
{
    buf_puts(b, "\nstatic const sw_user_class_t user_classes[] = {\n");
    for (int i = 0; i < pg->nsets; i++) {
        const struct set *s = pg->sets[i];
        if (s->kind != SET_USER)
            continue;
        buf_puts(b, "    {\n        .name = ");
        cg_cstr(b, s->name);
        buf_printf(b, ",\n        .weight = %d,\n        .fixed_count = %d,\n"
                   "        .root = {\n", s->weight, s->fixed);
        set_init(b, s, "            ");
        buf_puts(b, "        },\n    },\n");
    }
    buf_puts(b, "};\n");
}

static void data_tables(const struct program *pg, struct buf *b)
{
    if (pg->nvars > 0) {
        buf_puts(b, "\nstatic const char *const var_names[] = {\n");
        for (int i = 0; i < pg->nvars; i++) {
            buf_puts(b, "    ");
            cg_cstr(b, pg->vars[i].name);
            buf_puts(b, ",\n");
        }
        buf_puts(b, "};\n");
    }
    if (pg->nregexes > 0) {
        buf_puts(b, "\nstatic const char *const regexes[] = {\n");
        for (int i = 0; i < pg->nregexes; i++) {
            buf_printf(b, "    [%d] = ", i);
            cg_cstring(b, pg->regexes[i].s, pg->regexes[i].len);
            buf_puts(b, ",\n");
        }
        buf_puts(b, "};\n");
    }
    if (pg->nenvs > 0) {
        buf_puts(b, "\nstatic const sw_env_def_t envs[] = {\n");
        for (int i = 0; i < pg->nenvs; i++) {
            const struct env_def *e = &pg->envs[i];
            buf_printf(b, "    [%d] = { ", i);
            cg_cstring(b, e->name.s, e->name.len);
            buf_puts(b, ", ");
            if (e->has_fallback)
                cg_cstring(b, e->fallback.s, e->fallback.len);
            else
                buf_puts(b, "NULL");
            buf_puts(b, " },\n");
        }
        buf_puts(b, "};\n");
    }
    for (int i = 0; i < pg->nfeeders; i++) {
        const struct feeder *f = &pg->feeders[i];
        buf_printf(b, "\nstatic const char *const columns_%s[] = {\n",
                   f->name);
        for (int k = 0; k < f->ncolumns; k++) {
            buf_puts(b, "    ");
            cg_cstr(b, f->columns[k]);
            buf_puts(b, ",\n");
        }
        buf_puts(b, "};\n");
        if (f->embed) {
            buf_printf(b, "static const char embed_%s[] =\n    ", f->name);
            cg_cstring_lines(b, f->content.s, f->content.len, 4);
            buf_puts(b, ";\n");
        }
    }
    if (pg->nfeeders > 0) {
        buf_puts(b, "\nstatic const sw_feeder_def_t feeders[] = {\n");
        for (int i = 0; i < pg->nfeeders; i++) {
            const struct feeder *f = &pg->feeders[i];
            buf_printf(b, "    [FEED_%s] = { ", f->name);
            cg_cstr(b, f->name);
            buf_puts(b, ", ");
            cg_cstring(b, f->path.s, f->path.len);
            if (f->embed)
                buf_printf(b, ", embed_%s", f->name);
            else
                buf_puts(b, ", NULL");
            buf_printf(b, ", columns_%s, %d, %s },\n", f->name, f->ncolumns,
                       feed_c[f->mode]);
        }
        buf_puts(b, "};\n");
    }
}

static void load_tables(const struct program *pg, struct buf *b)
{
    const struct load *ld = &pg->load;
    if (ld->nstages > 0) {
        buf_puts(b, "\nstatic const sw_stage_t stages[] = {\n");
        for (int i = 0; i < ld->nstages; i++) {
            const struct stage *s = &ld->stages[i];
            buf_printf(b, "    { %lld, %lld, ", (long long)s->duration_ms,
                       (long long)s->users);
            cg_double(b, s->rate_per_s);
            buf_puts(b, " },\n");
        }
        buf_puts(b, "};\n");
    }
    if (pg->nthresholds > 0) {
        buf_puts(b, "\nstatic const sw_threshold_t thresholds[] = {\n");
        for (int i = 0; i < pg->nthresholds; i++) {
            const struct threshold *t = &pg->thresholds[i];
            buf_puts(b, "    { ");
            cg_cstring(b, t->text.s, t->text.len);
            buf_puts(b, ", ");
            if (t->name.s != NULL)
                cg_cstring(b, t->name.s, t->name.len);
            else
                buf_puts(b, "NULL");
            buf_printf(b, ", %s, ", metric_c[t->metric]);
            cg_double(b, t->pct);
            buf_printf(b, ", %s, ", cg_cmp_c[t->cmp]);
            cg_double(b, t->value);
            buf_printf(b, ", %d, %d },\n", t->abort_on_fail, t->line);
        }
        buf_puts(b, "};\n");
    }
}

static void scenario(const struct program *pg, const struct cg_options *opt,
                     struct buf *b)
{
    const struct load *ld = &pg->load;
    int nusers = 0;
    for (int i = 0; i < pg->nsets; i++)
        nusers += pg->sets[i]->kind == SET_USER;
    buf_puts(b, "\nstatic const sw_scenario_t scenario = {\n    .source = ");
    cg_cstr(b, opt->swarm_path);
    buf_puts(b, ",\n    .host = ");
    if (pg->host.s != NULL)
        cg_cstring(b, pg->host.s, pg->host.len);
    else
        buf_puts(b, "NULL");
    buf_printf(b, ",\n    .users = user_classes,\n    .nusers = %d,\n",
               nusers);
    buf_printf(b, "    .load = {\n        .users = %lld,\n"
               "        .spawn_rate = ", (long long)ld->users);
    cg_double(b, ld->spawn_rate);
    buf_printf(b, ",\n        .run_time_ms = %lld,\n",
               (long long)ld->run_time_ms);
    buf_printf(b, "        .stages = %s,\n        .nstages = %d,\n",
               ld->nstages ? "stages" : "NULL", ld->nstages);
    buf_puts(b, "        .rate_per_s = ");
    cg_double(b, ld->rate_per_s);
    buf_printf(b, ",\n        .rate_duration_ms = %lld,\n"
               "        .max_users = %lld,\n        .iterations = %lld,\n"
               "    },\n", (long long)ld->rate_duration_ms,
               (long long)ld->max_users, (long long)ld->iterations);
    buf_printf(b, "    .thresholds = %s,\n    .nthresholds = %d,\n",
               pg->nthresholds ? "thresholds" : "NULL", pg->nthresholds);
    buf_printf(b, "    .nvars = %d,\n    .var_names = %s,\n", pg->nvars,
               pg->nvars ? "var_names" : "NULL");
    buf_printf(b, "    .nlocals = %d,\n", pg->nlocals);
    buf_printf(b, "    .regexes = %s,\n    .nregexes = %d,\n",
               pg->nregexes ? "regexes" : "NULL", pg->nregexes);
    buf_printf(b, "    .feeders = %s,\n    .nfeeders = %d,\n",
               pg->nfeeders ? "feeders" : "NULL", pg->nfeeders);
    buf_printf(b, "    .envs = %s,\n    .nenvs = %d,\n",
               pg->nenvs ? "envs" : "NULL", pg->nenvs);
    /* Only with --embed-ca, so every other binary's C stays the same. */
    if (opt->ca_pem != NULL)
        buf_puts(b, "    .ca_pem = embedded_ca,\n"
                 "    .ca_pem_len = sizeof embedded_ca - 1,\n");
    buf_puts(b, "};\n");
}

/* The --embed-ca bundle, one PEM line per C line. */
static void embedded_ca(const struct cg_options *opt, struct buf *b)
{
    if (opt->ca_pem == NULL)
        return;
    /* The file's name is user text: not in the comment. */
    buf_puts(b, "\n/* CA certificates for HTTPS, embedded by swarmc build "
             "--embed-ca: used\n * unless --cacert or SSL_CERT_FILE names "
             "another (docs/distributed.md). */\n"
             "static const char embedded_ca[] =\n    ");
    cg_cstring_lines(b, opt->ca_pem, opt->ca_pem_len, 4);
    buf_puts(b, ";\n");
}

static void enums(const struct program *pg, struct buf *b)
{
    if (pg->nvars > 0) {
        buf_puts(b, "\n/* User variables (let, capture). */\nenum {\n");
        for (int i = 0; i < pg->nvars; i++)
            buf_printf(b, "    VAR_%s,\n", pg->vars[i].name);
        buf_puts(b, "};\n");
    }
    if (pg->nfeeders > 0) {
        buf_puts(b, "\n/* Feeders (data). */\nenum {\n");
        for (int i = 0; i < pg->nfeeders; i++)
            buf_printf(b, "    FEED_%s,\n", pg->feeders[i].name);
        buf_puts(b, "};\n");
    }
}

static void helpers(const struct cg *g, struct buf *b)
{
    /* C's / and % are undefined for a zero divisor and INT64_MIN / -1;
     * the scenario language defines both as 0. */
    if (g->need_div)
        buf_puts(b, "\nstatic int64_t div_i64(int64_t a, int64_t b)\n{\n"
                 "    return b == 0 || (b == -1 && a == INT64_MIN) ? 0 "
                 ": a / b;\n}\n");
    if (g->need_mod)
        buf_puts(b, "\nstatic int64_t mod_i64(int64_t a, int64_t b)\n{\n"
                 "    return b == 0 || b == -1 ? 0 : a % b;\n}\n");
}

void cg_generate(const struct program *prog, const struct cg_options *opt,
                 struct arena *a, struct buf *out)
{
    struct cg g = { 0 };
    g.prog = prog;
    g.opt = opt;
    g.arena = a;
    int *live = arena_alloc(a, sizeof(int) * (size_t)(prog->nsets + 1));
    for (int i = 0; i < prog->nsets; i++)
        if (prog->sets[i]->kind == SET_USER)
            reach(prog, prog->sets[i], live);

    struct buf fns = { 0 };
    functions(&g, &fns, live);
    buf_free(&g.pre);

    struct buf b = { 0 };
    /* The path is user text: never inside a comment unescaped. */
    buf_puts(&b, "/* Generated by swarmc. Do not edit. */\n");
    buf_puts(&b, "#include <swarm.h>\n");
    enums(prog, &b);
    helpers(&g, &b);
    buf_put(&b, fns.p ? fns.p : "", fns.len);
    buf_free(&fns);

    int *done = arena_alloc(a, sizeof(int) * (size_t)(prog->nsets + 1));
    for (int i = 0; i < prog->nsets; i++)
        if (prog->sets[i]->kind == SET_USER)
            set_tables(prog, &b, prog->sets[i], done);
    users(prog, &b);
    data_tables(prog, &b);
    load_tables(prog, &b);
    embedded_ca(opt, &b);
    scenario(prog, opt, &b);
    buf_puts(&b, "\nint main(int argc, char **argv)\n{\n"
             "    return sw_main(argc, argv, &scenario);\n}\n");
    cg_resolve_lines(opt, &b);
    buf_put(out, b.p, b.len);
    buf_free(&b);
}
