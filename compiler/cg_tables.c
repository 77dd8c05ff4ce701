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

/* The names of swarm.h's enum values, as the C must spell them. */
static const char *const metric_c[] = {
    [SW_METRIC_PERCENTILE] = "SW_METRIC_PERCENTILE",
    [SW_METRIC_AVG] = "SW_METRIC_AVG",
    [SW_METRIC_MAX] = "SW_METRIC_MAX",
    [SW_METRIC_FAILURE_RATIO] = "SW_METRIC_FAILURE_RATIO",
    [SW_METRIC_RPS] = "SW_METRIC_RPS",
    [SW_METRIC_REQUESTS] = "SW_METRIC_REQUESTS",
    [SW_METRIC_FAILURES] = "SW_METRIC_FAILURES",
    [SW_METRIC_COUNT] = "SW_METRIC_COUNT",
    [SW_METRIC_MIN] = "SW_METRIC_MIN",
    [SW_METRIC_RATE] = "SW_METRIC_RATE"
};

static const char *const cmp_c[] = {
    [SW_CMP_LT] = "SW_CMP_LT", [SW_CMP_LE] = "SW_CMP_LE",
    [SW_CMP_GT] = "SW_CMP_GT", [SW_CMP_GE] = "SW_CMP_GE",
    [SW_CMP_EQ] = "SW_CMP_EQ", [SW_CMP_NE] = "SW_CMP_NE"
};

static const char *const feed_c[] = {
    [SW_FEED_SHARED] = "SW_FEED_SHARED",
    [SW_FEED_RANDOM] = "SW_FEED_RANDOM",
    [SW_FEED_UNIQUE_STOP_USER] = "SW_FEED_UNIQUE_STOP_USER",
    [SW_FEED_UNIQUE_STOP_RUN] = "SW_FEED_UNIQUE_STOP_RUN"
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

static void hook_name(struct sw__buf *b, const struct set *s, int start)
{
    if (start ? s->on_start == NULL : s->on_stop == NULL)
        sw__buf_adds(b, "NULL");
    else
        sw__buf_printf(b, "%s%d_%s", start ? "on_start" : "on_stop",
                       start ? s->on_start_id : s->on_stop_id, s->name);
}

static void functions(struct cg *g, struct sw__buf *out, const int *live)
{
    const struct program *pg = g->prog;
    const struct source *src = pg->src;
    for (int i = 0; i < pg->nsets; i++) {
        const struct set *s = pg->sets[i];
        if (!live[i])
            continue;
        g->set = s;             /* `schedule` names this set's tasks */
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
            if (t->set == NULL)
                cg_group_task(g, out, t);
        }
        if (s->on_stop != NULL) {
            char *name = arena_printf(g->arena, "on_stop%d_%s",
                                      s->on_stop_id, s->name);
            char *what = arena_printf(g->arena, "on_stop of %s", s->name);
            cg_function(g, out, name, what,
                        source_line(src, s->on_stop->span.beg), s->on_stop);
        }
        cg_set_headers(g, out, s);
    }
    cg_group_flush(g, out);
}

/* The members each kind of wait reads; the others stay 0. */
static void wait_init(struct sw__buf *b, const struct wait *w)
{
    sw__buf_printf(b, "{ .kind = %s", wait_c[w->kind]);
    if (w->kind == SW_WAIT_CONSTANT || w->kind == SW_WAIT_BETWEEN ||
        w->kind == SW_WAIT_PACING) {
        sw__buf_adds(b, ", .a_ms = ");
        cg_double(b, w->a_ms);
    }
    if (w->kind == SW_WAIT_BETWEEN) {
        sw__buf_adds(b, ", .b_ms = ");
        cg_double(b, w->b_ms);
    }
    if (w->kind == SW_WAIT_THROUGHPUT) {
        sw__buf_adds(b, ", .per_s = ");
        cg_double(b, w->per_s);
    }
    sw__buf_adds(b, " }");
}

/* The set's fields after its name, shared by sets and user roots. */
static void set_init(struct sw__buf *b, const struct set *s, const char *ind)
{
    sw__buf_printf(b, "%s.name = ", ind);
    cg_cstr(b, s->name);
    sw__buf_printf(b, ",\n%s.kind = %s,\n", ind,
                   s->kind == SET_SEQ ? "SW_SET_SEQ" : "SW_SET_RANDOM");
    sw__buf_printf(b, "%s.tasks = tasks_%s,\n%s.ntasks = %d,\n%s.wait = ", ind,
                   s->name, ind, s->ntasks, ind);
    wait_init(b, &s->wait);
    sw__buf_printf(b, ",\n%s.on_start = ", ind);
    hook_name(b, s, 1);
    sw__buf_printf(b, ",\n%s.on_stop = ", ind);
    hook_name(b, s, 0);
    sw__buf_adds(b, ",\n");
}

static void task_table(const struct cg *g, struct sw__buf *b,
                       const struct set *s)
{
    const struct program *pg = g->prog;
    for (int i = 0; i < s->ntasks; i++) {
        const struct task *t = s->tasks[i];
        if (t->ntags == 0)
            continue;
        sw__buf_printf(b, "static const char *const tags_task%d[] = { ",
                       t->fn_id);
        for (int k = 0; k < t->ntags; k++) {
            cg_cstr(b, t->tags[k]);
            sw__buf_adds(b, ", ");
        }
        sw__buf_adds(b, "NULL };\n");
    }
    sw__buf_printf(b, "static const sw_task_t tasks_%s[] = {\n", s->name);
    for (int i = 0; i < s->ntasks; i++) {
        const struct task *t = s->tasks[i];
        /* One row a line; a member the task does not have is left out
         * (NULL): a row names a body function or a set, and its tags. */
        sw__buf_adds(b, "    { .name = ");
        cg_cstr(b, t->name);
        sw__buf_printf(b, ", .weight = %d, ", t->weight_value);
        if (t->set != NULL)
            sw__buf_printf(b, ".set = &set_%s, ", t->set->name);
        else
            cg_group_row(g, b, t);
        if (t->ntags > 0)
            sw__buf_printf(b, ".tags = tags_task%d, ", t->fn_id);
        sw__buf_printf(b, ".line = %d },\n",
                       source_line(pg->src, t->span.beg));
    }
    sw__buf_adds(b, "};\n");
}

static void set_tables(const struct cg *g, struct sw__buf *b,
                       const struct set *s, int *done)
{
    const struct program *pg = g->prog;
    int k = set_index(pg, s);
    if (done[k])
        return;
    done[k] = 1;
    for (int i = 0; i < s->ntasks; i++)
        if (s->tasks[i]->set != NULL)
            set_tables(g, b, s->tasks[i]->set, done);
    sw__buf_addc(b, '\n');
    task_table(g, b, s);
    if (s->kind == SET_USER)
        return;                 /* its root set is inside user_classes */
    sw__buf_printf(b, "static const sw_set_t set_%s = {\n", s->name);
    set_init(b, s, "    ");
    sw__buf_adds(b, "};\n");
}

/* The user classes' `cert` settings, by class index (only when some user
 * has one). */
static int count_user_certs(const struct program *pg)
{
    int n = 0;
    for (int i = 0; i < pg->nsets; i++)
        n += pg->sets[i]->kind == SET_USER && pg->sets[i]->cert.s != NULL;
    return n;
}

static void user_certs(const struct program *pg, struct sw__buf *b)
{
    if (count_user_certs(pg) == 0)
        return;
    sw__buf_adds(b, "\nstatic const sw_user_cert_t user_certs[] = {\n");
    int user = 0;
    for (int i = 0; i < pg->nsets; i++) {
        const struct set *s = pg->sets[i];
        if (s->kind != SET_USER)
            continue;
        if (s->cert.s) {
            sw__buf_printf(b, "    { %d, ", user);
            cg_cstr(b, s->cert.s);
            sw__buf_adds(b, ", ");
            if (s->cert_key.s)
                cg_cstr(b, s->cert_key.s);
            else
                sw__buf_adds(b, "NULL");
            sw__buf_adds(b, " },\n");
        }
        user++;
    }
    sw__buf_adds(b, "};\n");
}

static void users(const struct program *pg, struct sw__buf *b)
{
    sw__buf_adds(b, "\nstatic const sw_user_class_t user_classes[] = {\n");
    for (int i = 0; i < pg->nsets; i++) {
        const struct set *s = pg->sets[i];
        if (s->kind != SET_USER)
            continue;
        sw__buf_adds(b, "    {\n        .name = ");
        cg_cstr(b, s->name);
        sw__buf_printf(b, ",\n        .weight = %d,\n"
                       "        .fixed_count = %d,\n        .root = {\n",
                       s->weight, s->fixed);
        set_init(b, s, "            ");
        sw__buf_adds(b, "        },\n    },\n");
    }
    sw__buf_adds(b, "};\n");
    user_certs(pg, b);
}

static void data_tables(const struct cg *g, struct sw__buf *b)
{
    const struct program *pg = g->prog;
    if (pg->nvars > 0) {
        sw__buf_adds(b, "\nstatic const char *const var_names[] = {\n");
        for (int i = 0; i < pg->nvars; i++) {
            sw__buf_adds(b, "    ");
            cg_cstr(b, pg->vars[i].name);
            sw__buf_adds(b, ",\n");
        }
        sw__buf_adds(b, "};\n");
    }
    if (pg->nregexes > 0) {
        sw__buf_adds(b, "\nstatic const char *const regexes[] = {\n");
        for (int i = 0; i < pg->nregexes; i++) {
            sw__buf_printf(b, "    [%s] = ", g->re_names[i]);
            cg_cstring(b, pg->regexes[i].s, pg->regexes[i].len);
            sw__buf_adds(b, ",\n");
        }
        sw__buf_adds(b, "};\n");
    }
    if (pg->nenvs > 0) {
        sw__buf_adds(b, "\nstatic const sw_env_def_t envs[] = {\n");
        for (int i = 0; i < pg->nenvs; i++) {
            const struct env_def *e = &pg->envs[i];
            sw__buf_printf(b, "    [%s] = { .name = ", g->env_names[i]);
            cg_cstring(b, e->name.s, e->name.len);
            if (e->has_fallback) {
                sw__buf_adds(b, ", .fallback = ");
                cg_cstring(b, e->fallback.s, e->fallback.len);
            }
            sw__buf_adds(b, " },\n");
        }
        sw__buf_adds(b, "};\n");
    }
    for (int i = 0; i < pg->nfeeders; i++) {
        const struct feeder *f = &pg->feeders[i];
        sw__buf_printf(b, "\nstatic const char *const columns_%s[] = {\n",
                       f->name);
        for (int k = 0; k < f->ncolumns; k++) {
            sw__buf_adds(b, "    ");
            cg_cstr(b, f->columns[k]);
            sw__buf_adds(b, ",\n");
        }
        sw__buf_adds(b, "};\n");
        if (f->embed) {
            sw__buf_printf(b, "static const char embed_%s[] =\n    ", f->name);
            cg_cstring_lines(b, f->content.s, f->content.len, 4);
            sw__buf_adds(b, ";\n");
        }
    }
    if (pg->nfeeders > 0) {
        sw__buf_adds(b, "\nstatic const sw_feeder_def_t feeders[] = {\n");
        for (int i = 0; i < pg->nfeeders; i++) {
            const struct feeder *f = &pg->feeders[i];
            sw__buf_printf(b, "    [FEED_%s] = { .name = ", f->name);
            cg_cstr(b, f->name);
            sw__buf_adds(b, ", .path = ");
            cg_cstring(b, f->path.s, f->path.len);
            if (f->embed)
                sw__buf_printf(b, ", .embedded = embed_%s", f->name);
            sw__buf_printf(b, ", .columns = columns_%s, .ncolumns = %d, "
                           ".mode = %s },\n", f->name, f->ncolumns,
                           feed_c[f->mode]);
        }
        sw__buf_adds(b, "};\n");
    }
}

static void load_tables(const struct program *pg, struct sw__buf *b)
{
    const sw_load_t *ld = &pg->load;
    if (ld->nstages > 0) {
        sw__buf_adds(b, "\nstatic const sw_stage_t stages[] = {\n");
        for (int i = 0; i < ld->nstages; i++) {
            const sw_stage_t *s = &ld->stages[i];
            sw__buf_printf(b, "    { .duration_ms = %lld, .users = %lld, "
                           ".rate_per_s = ", (long long)s->duration_ms,
                           (long long)s->users);
            cg_double(b, s->rate_per_s);
            sw__buf_adds(b, " },\n");
        }
        sw__buf_adds(b, "};\n");
    }
    if (pg->nthresholds > 0) {
        sw__buf_adds(b, "\nstatic const sw_threshold_t thresholds[] = {\n");
        for (int i = 0; i < pg->nthresholds; i++) {
            const sw_threshold_t *t = &pg->thresholds[i];
            /* A request name, a percentile and `abort` only where the
             * threshold has them (left out: NULL, 0). */
            sw__buf_adds(b, "    { .text = ");
            cg_cstr(b, t->text);
            if (t->name != NULL) {
                sw__buf_adds(b, ", .name = ");
                cg_cstr(b, t->name);
            }
            sw__buf_printf(b, ", .metric = %s", metric_c[t->metric]);
            if (t->metric == SW_METRIC_PERCENTILE) {
                sw__buf_adds(b, ", .pct = ");
                cg_double(b, t->pct);
            }
            sw__buf_printf(b, ", .cmp = %s, .value = ", cmp_c[t->cmp]);
            cg_double(b, t->value);
            if (t->abort_on_fail)
                sw__buf_adds(b, ", .abort_on_fail = 1");
            if (t->custom)
                sw__buf_adds(b, ", .custom = 1");
            sw__buf_printf(b, ", .line = %d },\n", t->line);
        }
        sw__buf_adds(b, "};\n");
    }
    cg_metrics_table(pg, b);
}

static void scenario(const struct program *pg, const struct cg_options *opt,
                     struct sw__buf *b)
{
    const sw_load_t *ld = &pg->load;
    int nusers = 0;
    for (int i = 0; i < pg->nsets; i++)
        nusers += pg->sets[i]->kind == SET_USER;
    sw__buf_adds(b,
                 "\nstatic const sw_scenario_t scenario = {\n    .source = ");
    cg_cstr(b, opt->swarm_path);
    sw__buf_adds(b, ",\n    .host = ");
    if (pg->host.s != NULL)
        cg_cstring(b, pg->host.s, pg->host.len);
    else
        sw__buf_adds(b, "NULL");
    sw__buf_printf(b, ",\n    .users = user_classes,\n    .nusers = %d,\n",
                   nusers);
    sw__buf_printf(b, "    .load = {\n        .users = %lld,\n"
                   "        .spawn_rate = ", (long long)ld->users);
    cg_double(b, ld->spawn_rate);
    sw__buf_printf(b, ",\n        .run_time_ms = %lld,\n",
                   (long long)ld->run_time_ms);
    sw__buf_printf(b, "        .stages = %s,\n        .nstages = %d,\n",
                   ld->nstages ? "stages" : "NULL", ld->nstages);
    sw__buf_adds(b, "        .rate_per_s = ");
    cg_double(b, ld->rate_per_s);
    sw__buf_printf(b, ",\n        .rate_duration_ms = %lld,\n"
               "        .max_users = %lld,\n        .iterations = %lld,\n"
               "    },\n", (long long)ld->rate_duration_ms,
               (long long)ld->max_users, (long long)ld->iterations);
    sw__buf_printf(b, "    .thresholds = %s,\n    .nthresholds = %d,\n",
               pg->nthresholds ? "thresholds" : "NULL", pg->nthresholds);
    sw__buf_printf(b, "    .nvars = %d,\n    .var_names = %s,\n", pg->nvars,
               pg->nvars ? "var_names" : "NULL");
    sw__buf_printf(b, "    .nlocals = %d,\n", pg->nlocals);
    sw__buf_printf(b, "    .regexes = %s,\n    .nregexes = %d,\n",
               pg->nregexes ? "regexes" : "NULL", pg->nregexes);
    sw__buf_printf(b, "    .feeders = %s,\n    .nfeeders = %d,\n",
               pg->nfeeders ? "feeders" : "NULL", pg->nfeeders);
    sw__buf_printf(b, "    .envs = %s,\n    .nenvs = %d,\n",
               pg->nenvs ? "envs" : "NULL", pg->nenvs);
    cg_flow_scenario(pg, b);
    /* Only with --embed-ca, so every other binary's C stays the same. */
    if (count_user_certs(pg) > 0)
        sw__buf_printf(b, "    .user_certs = user_certs,\n"
                       "    .nuser_certs = %d,\n", count_user_certs(pg));
    if (opt->ca_pem != NULL)
        sw__buf_adds(b, "    .ca_pem = embedded_ca,\n"
                 "    .ca_pem_len = sizeof embedded_ca - 1,\n");
    if (pg->nmetrics > 0)
        sw__buf_printf(b, "    .metrics = metrics,\n    .nmetrics = %d,\n",
                       pg->nmetrics);
    if (pg->nfiles > 0)
        sw__buf_printf(b, "    .files = files,\n    .nfiles = %d,\n",
                       pg->nfiles);
    int nh = cg_set_headers_count(pg);
    if (nh > 0)
        sw__buf_printf(b, "    .set_headers = set_headers,\n"
                       "    .nset_headers = %d,\n", nh);
    sw__buf_adds(b, "};\n");
}

/* The --embed-ca bundle, one PEM line per C line. */
static void embedded_ca(const struct cg_options *opt, struct sw__buf *b)
{
    if (opt->ca_pem == NULL)
        return;
    /* The file's name is user text: not in the comment. */
    sw__buf_adds(b, "\n/* CA certificates for HTTPS, embedded by swarmc build "
             "--embed-ca: used\n * unless --cacert or SSL_CERT_FILE names "
             "another (docs/distributed.md). */\n"
             "static const char embedded_ca[] =\n    ");
    cg_cstring_lines(b, opt->ca_pem, opt->ca_pem_len, 4);
    sw__buf_adds(b, ";\n");
}

static void enums(const struct cg *g, struct sw__buf *b)
{
    const struct program *pg = g->prog;
    if (pg->nvars > 0) {
        sw__buf_adds(b, "\n/* User variables (let, capture). */\nenum {\n");
        for (int i = 0; i < pg->nvars; i++)
            sw__buf_printf(b, "    VAR_%s,\n", pg->vars[i].name);
        sw__buf_adds(b, "};\n");
    }
    if (pg->nfeeders > 0) {
        sw__buf_adds(b, "\n/* Feeders (data). */\nenum {\n");
        for (int i = 0; i < pg->nfeeders; i++)
            sw__buf_printf(b, "    FEED_%s,\n", pg->feeders[i].name);
        sw__buf_adds(b, "};\n");
    }
    cg_names_enums(g, b);
}

/* One integer helper: `static int64_t NAME(PARAMS) { return EXPR; }`. */
static void int_helper(struct sw__buf *b, const char *inl, const char *name,
                       const char *params, const char *expr)
{
    sw__buf_printf(b, "\nstatic %sint64_t %s(%s)\n{\n    return %s;\n}\n",
                   inl, name, params, expr);
}

static void helpers(const struct cg *g, struct sw__buf *b)
{
    /* In parts, a part that does not call a helper must not warn. */
    const char *inl = g->split ? "inline " : "";
    const char *ab = "int64_t a, int64_t b";
    /* C's / and % are undefined for a zero divisor and INT64_MIN / -1;
     * the scenario language defines both as 0. */
    if (g->need_div)
        int_helper(b, inl, "div_i64", ab,
                   "b == 0 || (b == -1 && a == INT64_MIN) ? 0 : a / b");
    if (g->need_mod)
        int_helper(b, inl, "mod_i64", ab, "b == 0 || b == -1 ? 0 : a % b");
    /* Signed overflow is undefined in C; the language wraps (two's
     * complement), done in uint64_t, where it is defined.  Converting
     * back is implementation-defined, and modular in GCC and Clang. */
    if (g->need_add)
        int_helper(b, inl, "add_i64", ab,
                   "(int64_t)((uint64_t)a + (uint64_t)b)");
    if (g->need_sub)
        int_helper(b, inl, "sub_i64", ab,
                   "(int64_t)((uint64_t)a - (uint64_t)b)");
    if (g->need_mul)
        int_helper(b, inl, "mul_i64", ab,
                   "(int64_t)((uint64_t)a * (uint64_t)b)");
    if (g->need_neg)
        int_helper(b, inl, "neg_i64", "int64_t a", "(int64_t)(0 - (uint64_t)a)");
}

void cg_generate(const struct program *prog, const struct cg_options *opt,
                 struct arena *a, struct sw__buf *out)
{
    struct cg g = { 0 };
    g.prog = prog;
    g.opt = opt;
    g.arena = a;
    int *live = arena_alloc(a, sizeof(int) * (size_t)(prog->nsets + 1));
    for (int i = 0; i < prog->nsets; i++)
        if (prog->sets[i]->kind == SET_USER)
            reach(prog, prog->sets[i], live);

    int nbodies = 0;
    for (int i = 0; i < prog->nsets; i++) {
        const struct set *s = prog->sets[i];
        if (!live[i])
            continue;
        nbodies += (s->on_start != NULL) + (s->on_stop != NULL);
        for (int j = 0; j < s->ntasks; j++)
            nbodies += s->tasks[j]->set == NULL;
    }
    nbodies += cg_flow_nhooks(prog);
    g.split = nbodies > CG_PART_FNS;
    g.group_size = cg_group_size(opt, g.split);
    g.part_max = g.group_size > 0 ? CG_PART_GROUPED : CG_PART_FNS;
    if (g.group_size > 0) {
        size_t n = sizeof(int) * (size_t)(prog->ntask_fns + 1);
        g.task_group = arena_alloc(a, n);
        g.task_pc0 = arena_alloc(a, n);
        memset(g.task_group, 0, n);
    }

    cg_names_init(&g);
    struct sw__buf fns = { 0 };
    cg_flow_hooks(&g, &fns);
    functions(&g, &fns, live);
    sw__buf_free(&g.pre);

    struct sw__buf b = { 0 };
    /* The path is user text: never inside a comment unescaped. */
    sw__buf_adds(&b, "/* Generated by swarmc. Do not edit. */\n");
    sw__buf_adds(&b, "#include <swarm.h>\n");
    enums(&g, &b);
    helpers(&g, &b);
    if (g.split && g.group_size > 0)
        sw__buf_printf(&b, "\n/* %d bodies, task bodies %d to a function, "
                       "compiled in parts of %d bodies: see the markers. "
                       "*/\n" CG_PART_MARK, nbodies, g.group_size,
                       g.part_max);
    else if (g.split)
        sw__buf_printf(&b, "\n/* %d bodies, compiled in parts of %d: see the "
                   "markers. */\n" CG_PART_MARK, nbodies, CG_PART_FNS);
    sw__buf_add(&b, fns.ptr ? fns.ptr : "", fns.len);
    sw__buf_free(&fns);
    if (g.split) {
        /* Only the tables refer to the bodies. */
        sw__buf_adds(&b, "\n" CG_PART_MARK "\n");
        sw__buf_add(&b, g.protos.ptr, g.protos.len);
    }
    sw__buf_free(&g.protos);

    int *done = arena_alloc(a, sizeof(int) * (size_t)(prog->nsets + 1));
    for (int i = 0; i < prog->nsets; i++)
        if (prog->sets[i]->kind == SET_USER)
            set_tables(&g, &b, prog->sets[i], done);
    users(prog, &b);
    cg_set_headers_table(prog, &b);
    data_tables(&g, &b);
    load_tables(prog, &b);
    cg_files_table(prog, &b);
    embedded_ca(opt, &b);
    scenario(prog, opt, &b);
    sw__buf_adds(&b, "\nint main(int argc, char **argv)\n{\n"
                 "    return sw_main(argc, argv, &scenario);\n}\n");
    cg_resolve_lines(opt, &b);
    sw__buf_add(out, b.ptr, b.len);
    sw__buf_free(&b);
}
