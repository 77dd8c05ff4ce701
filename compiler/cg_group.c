/*
 * cg_group.c - task bodies sharing one C function (a big scenario's).
 *
 *   sw_step_t bodies1(sw_user_t *u, sw_frame_t *f)
 *   {
 *       switch (f->pc) {
 *       (comment: task t0, line 2)
 *       case 0:
 *           sw_req_begin(u, SW_GET, "/t/0");
 *           return sw_req_send(u, f, 1);
 *       case 1:
 *           sw_req_end(u);
 *           return SW_DONE;
 *       (comment: task t1, line 3)
 *       case 2:
 *           ...
 *       }
 *       return SW_DONE;
 *   }
 *
 *   { .name = "t1", .weight = 1, .fn = bodies1, .pc0 = 2, .line = 3 },
 *
 * gcc's cost for a body is almost all per function (docs/compiler.md):
 * a hundred bodies as the cases of one switch compile about four times
 * faster than a hundred functions.  The bodies' resume points are numbered
 * in one space per function; a task's row names the function and its
 * first resume point, where the scheduler starts its frame (sw_task_t.pc0).
 * Each body ends in `return SW_DONE;`, so no body runs into the next.
 *
 * Everything a body's code holds in C is safe to share: resume points,
 * retry labels (retry_failedN) and row temporaries (rowN, declared at the
 * function's top) are numbered per function, not per body; the other C
 * locals are in blocks that hold no resume point; repeat and retry
 * counters are frame locals, and a frame belongs to one run of one body.
 * Only task bodies are grouped: on_start / on_stop and the run's hooks
 * (few in any scenario) keep a function each, as sw_set_t names them
 * without a resume point.
 */
#include "cg_int.h"
#include "arena.h"

#include <string.h>

struct cg_group {
    int id;                     /* bodiesN */
    int n;                      /* bodies in it */
    const char *first, *last;   /* their tasks' names, for the comment */
    struct sw__buf code;        /* the switch's cases */
    /* the function's numbering, kept while other functions are made */
    int pc, nrows, nlabels, uses_u;
};

int cg_group_size(const struct cg_options *opt, int split)
{
    if (opt->group_bodies == 1)
        return 0;
    if (opt->group_bodies > 1)
        return opt->group_bodies;
    return split ? CG_GROUP_BODIES : 0;
}

static int line_of(struct cg *g, struct span sp)
{
    return source_line(g->prog->src, sp.beg);
}

void cg_group_task(struct cg *g, struct sw__buf *out, const struct task *t)
{
    int line = line_of(g, t->span);
    if (g->group_size == 0) {
        char *name = arena_printf(g->arena, "task%d_%s", t->fn_id, t->name);
        char *what = arena_printf(g->arena, "task %s", t->name);
        cg_function(g, out, name, what, line, t->body);
        return;
    }
    struct cg_group *grp = g->group;
    if (grp == NULL) {
        grp = arena_alloc(g->arena, sizeof *grp);
        memset(grp, 0, sizeof *grp);
        grp->id = ++g->ngroups;
        grp->first = t->name;
        g->group = grp;
    }
    g->out = &grp->code;
    g->pc = grp->n == 0 ? 0 : grp->pc + 1;
    g->nrows = grp->nrows;
    g->nlabels = grp->nlabels;
    g->uses_u = grp->uses_u;
    g->task_group[t->fn_id] = grp->id;
    g->task_pc0[t->fn_id] = g->pc;
    sw__buf_printf(&grp->code, "    /* task %s, line %d */\n", t->name, line);
    cg_body_cases(g, t->body);
    cg_line_back(g, &grp->code);
    cg_stmt(g, "return SW_DONE;");
    grp->pc = g->pc;
    grp->nrows = g->nrows;
    grp->nlabels = g->nlabels;
    grp->uses_u = g->uses_u;
    grp->last = t->name;
    g->out = NULL;
    if (++grp->n == g->group_size)
        cg_group_flush(g, out);
}

void cg_group_flush(struct cg *g, struct sw__buf *out)
{
    struct cg_group *grp = g->group;
    if (grp == NULL)
        return;
    g->group = NULL;
    cg_part_mark(g, out, grp->n);
    if (grp->n == 1)
        sw__buf_printf(out, "\n/* task %s: 1 body, its row names its first "
                       "case (.pc0) */\n", grp->first);
    else
        sw__buf_printf(out, "\n/* tasks %s to %s: %d bodies, a task's row "
                       "names its first case (.pc0) */\n", grp->first,
                       grp->last, grp->n);
    g->nrows = grp->nrows;
    g->uses_u = grp->uses_u;
    cg_function_head(g, out,
                     arena_printf(g->arena, "bodies%d", grp->id));
    sw__buf_adds(out, "    switch (f->pc) {\n");
    sw__buf_add(out, grp->code.ptr, grp->code.len);
    sw__buf_adds(out, "    }\n    return SW_DONE;\n}\n");
    sw__buf_free(&grp->code);
}

void cg_group_row(const struct cg *g, struct sw__buf *b, const struct task *t)
{
    if (g->task_group != NULL && g->task_group[t->fn_id] > 0)
        sw__buf_printf(b, ".fn = bodies%d, .pc0 = %d, ",
                       g->task_group[t->fn_id], g->task_pc0[t->fn_id]);
    else
        sw__buf_printf(b, ".fn = task%d_%s, ", t->fn_id, t->name);
}
