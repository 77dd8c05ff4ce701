/*
 * cg_names.c - the named constants the generated C passes instead of bare
 * numbers: one enum constant per regex (RE_...), environment variable
 * (ENV_...) and `schedule` target (TASK_<set>_<task>).
 *
 * A name is made from the scenario's own text so that it reads as what it
 * stands for: the identifier characters of a regex or a variable name, each
 * run of other bytes folded to one '_' (none at either end), at most
 * NAME_MAX_TEXT of them; set and task names are identifiers, kept whole.  Such names
 * can meet (two regexes that differ only in punctuation, set `a_b` task
 * `c` against set `a` task `b_c`), so every name is checked against all
 * names made before it and the later one gets `_2`, `_3`, ...: the result
 * is collision-free for any input and, as names are made in a fixed order
 * (regexes, env variables, then targets as the bodies are generated in
 * source order), deterministic.  The prefixes keep these names apart from
 * VAR_ and FEED_ (whose identifiers are unique already) and from swarm.h's
 * SW_ and sw_ names.
 */
#include "cg_int.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>

/* Characters of scenario text a name keeps (regexes, env variables). */
#define NAME_MAX_TEXT 24

static int taken(const struct cg *g, const char *name)
{
    for (int i = 0; i < g->nnames; i++)
        if (strcmp(g->names[i], name) == 0)
            return 1;
    return 0;
}

/* prefix + the text's identifier characters (at most limit of them, 0:
 * all), or + index when the text has none; unique in the file. */
static const char *make_name(struct cg *g, const char *prefix,
                             const char *text, size_t len, int limit,
                             int index)
{
    struct sw__buf b = { 0 };
    sw__buf_adds(&b, prefix);
    size_t start = b.len;
    int fold = 0;                   /* other bytes since the last kept one */
    for (size_t i = 0; i < len && (limit == 0 || b.len - start <
                                                 (size_t)limit); i++) {
        unsigned char c = (unsigned char)text[i];
        int word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '_';
        if (!word) {
            fold = b.len > start;
            continue;
        }
        if (fold && b.ptr[b.len - 1] != '_')
            sw__buf_addc(&b, '_');
        fold = 0;
        sw__buf_addc(&b, (char)c);
    }
    if (b.len == start)             /* nothing readable: the index */
        sw__buf_printf(&b, "%d", index);
    const char *name = arena_strndup(g->arena, b.ptr, b.len);
    for (int k = 2; taken(g, name); k++)
        name = arena_printf(g->arena, "%s_%d", b.ptr, k);
    sw__buf_free(&b);
    g->names = arena_grow(g->arena, g->names, g->nnames, &g->names_cap,
                          sizeof(char *));
    g->names[g->nnames++] = name;
    return name;
}

void cg_names_init(struct cg *g)
{
    const struct program *pg = g->prog;
    g->re_names = arena_alloc(g->arena,
                              sizeof(char *) * (size_t)(pg->nregexes + 1));
    for (int i = 0; i < pg->nregexes; i++)
        g->re_names[i] = make_name(g, "RE_", pg->regexes[i].s,
                                   pg->regexes[i].len, NAME_MAX_TEXT, i);
    g->env_names = arena_alloc(g->arena,
                               sizeof(char *) * (size_t)(pg->nenvs + 1));
    for (int i = 0; i < pg->nenvs; i++)
        g->env_names[i] = make_name(g, "ENV_", pg->envs[i].name.s,
                                    pg->envs[i].name.len, NAME_MAX_TEXT,
                                    i);
}

const char *cg_task_name(struct cg *g, const struct set *s, int index)
{
    for (int i = 0; i < g->ntargets; i++)
        if (g->targets[i].set == s && g->targets[i].index == index)
            return g->targets[i].name;
    /* Set and task names are identifiers: kept whole, as in the names
     * of the body functions. */
    const char *id = arena_printf(g->arena, "%s_%s", s->name,
                                  s->tasks[index]->name);
    g->targets = arena_grow(g->arena, g->targets, g->ntargets,
                            &g->targets_cap, sizeof(*g->targets));
    struct cg_target *t = &g->targets[g->ntargets++];
    t->set = s;
    t->index = index;
    t->name = make_name(g, "TASK_", id, strlen(id), 0, index);
    return t->name;
}

static int set_order(const struct program *pg, const struct set *s)
{
    for (int i = 0; i < pg->nsets; i++)
        if (pg->sets[i] == s)
            return i;
    return -1;
}

void cg_names_enums(const struct cg *g, struct sw__buf *b)
{
    const struct program *pg = g->prog;
    if (pg->nregexes > 0) {
        sw__buf_adds(b, "\n/* Regexes (expect body matches, capture x = "
                     "regex). */\nenum {\n");
        for (int i = 0; i < pg->nregexes; i++)
            sw__buf_printf(b, "    %s,\n", g->re_names[i]);
        sw__buf_adds(b, "};\n");
    }
    if (pg->nenvs > 0) {
        sw__buf_adds(b, "\n/* Environment variables (env). */\nenum {\n");
        for (int i = 0; i < pg->nenvs; i++)
            sw__buf_printf(b, "    %s,\n", g->env_names[i]);
        sw__buf_adds(b, "};\n");
    }
    if (g->ntargets == 0)
        return;
    /* Sets in source order, each set's tasks in table order. */
    sw__buf_adds(b, "\n/* Tasks that schedule names: their index in their "
                 "set. */\nenum {\n");
    for (int k = 0; k < pg->nsets; k++)
        for (int j = 0; j < pg->sets[k]->ntasks; j++)
            for (int i = 0; i < g->ntargets; i++)
                if (g->targets[i].index == j &&
                    set_order(pg, g->targets[i].set) == k)
                    sw__buf_printf(b, "    %s = %d,\n", g->targets[i].name,
                                   j);
    sw__buf_adds(b, "};\n");
}
