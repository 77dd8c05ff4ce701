/*
 * cg_body.c - a task, on_start or on_stop body as a resumable function.
 *
 *   static sw_step_t task3_index(sw_user_t *u, sw_frame_t *f)
 *   {
 *       switch (f->pc) {
 *       case 0:
 *   #line 9 "shop.swarm"
 *           sw_req_begin(u, SW_GET, "/");
 *           return sw_req_send(u, f, 1);
 *       case 1:
 *           sw_req_end(u);
 *   #line 20 "shop.c"
 *       }
 *       return SW_DONE;
 *   }
 *
 * Every request and sleep returns to the scheduler and is resumed at its
 * `case`; if/else and repeat are plain C around those labels (the
 * protothread pattern).  No C local lives across a resume point: repeat
 * counters are frame locals (f->loc[depth]).
 */
#include "cg_int.h"
#include "arena.h"

#include <string.h>

static void stmts(struct cg *g, const struct stmt *s);

void cg_flush_pre(struct cg *g)
{
    if (g->pre.len == 0)
        return;
    const char *p = g->pre.ptr;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        sw__buf_printf(g->out, "%*s%.*s\n", g->indent, "", (int)n, p);
        p += n + (nl != NULL);
    }
    g->pre.len = 0;
    g->pre.ptr[0] = '\0';
    g->label_pending = 0;
}

int cg_next_pc(struct cg *g)
{
    return ++g->pc;
}

void cg_label(struct cg *g, int pc)
{
    /* Labels sit at the switch's indentation wherever the code is, so
     * the resume points stand out. */
    sw__buf_printf(g->out, "    case %d:\n", pc);
    g->label_pending = 1;
}

/* Leaves a block; a label right before `}` needs a statement. */
static void end_block(struct cg *g)
{
    if (g->label_pending)
        cg_stmt(g, ";");
    g->indent -= 4;
}

static void close_block(struct cg *g, const char *text)
{
    end_block(g);
    cg_stmt(g, "%s", text);
}

void cg_close_block(struct cg *g, const char *text)
{
    close_block(g, text);
}

static int line_of(struct cg *g, struct span sp)
{
    return source_line(g->prog->src, sp.beg);
}

/* A condition's own outer parentheses: `if ((a && b))` reads badly. */
static const char *bare(struct cg *g, const char *c)
{
    size_t n = strlen(c);
    if (n < 2 || c[0] != '(' || c[n - 1] != ')')
        return c;
    int depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < n - 1; i++) {
        if (in_str) {
            if (c[i] == '\\')
                i++;
            else if (c[i] == '"')
                in_str = 0;
            continue;
        }
        if (c[i] == '"')
            in_str = 1;
        else if (c[i] == '(')
            depth++;
        else if (c[i] == ')' && --depth == 0)
            return c;           /* "(a) && (b)": not one group */
    }
    return arena_strndup(g->arena, c + 1, n - 2);
}

const char *cg_bare(struct cg *g, const char *c)
{
    return bare(g, c);
}

static void let(struct cg *g, const struct stmt *s)
{
    const char *v = cg_expr_text(g, s->expr, 0);
    const char *name = g->prog->vars[s->index].name;
    const char *fn = s->expr->type == TY_STR ? "str"
                   : s->expr->type == TY_ROW ? "row" : "int";
    cg_flush_pre(g);
    cg_stmt(g, "sw_var_set_%s(u, VAR_%s, %s);", fn, name, v);
    g->uses_u = 1;
}

static void if_stmt(struct cg *g, const struct stmt *s)
{
    const char *cond = cg_expr_text(g, s->expr, 0);
    cg_flush_pre(g);
    cg_stmt(g, "if (%s) {", bare(g, cond));
    for (;;) {
        g->indent += 4;
        stmts(g, s->body);
        const struct stmt *e = s->els;
        if (e == NULL) {
            close_block(g, "}");
            return;
        }
        /* `else if` stays flat unless its condition needs statements
         * first (a next() row), which must not run when an earlier
         * branch is taken. */
        if (e->kind == ST_IF && e->next == NULL) {
            size_t mark = g->pre.len;
            int rows = g->nrows;
            const char *c2 = cg_expr_text(g, e->expr, 0);
            if (g->pre.len == mark) {
                end_block(g);
                cg_line_swarm(g, g->out, line_of(g, e->span));
                cg_stmt(g, "} else if (%s) {", bare(g, c2));
                s = e;
                continue;
            }
            g->pre.len = mark;
            g->pre.ptr[mark] = '\0';
            g->nrows = rows;
        }
        close_block(g, "} else {");
        g->indent += 4;
        stmts(g, e);
        close_block(g, "}");
        return;
    }
}

static void repeat(struct cg *g, const struct stmt *s)
{
    const char *count = cg_expr_text(g, s->expr, 0);
    int d = g->repeat_depth++;
    cg_flush_pre(g);
    /* A resume inside the body jumps into the loop; the counter lives in
     * the frame, so the loop goes on where it was. */
    cg_stmt(g, "for (f->loc[%d] = %s; f->loc[%d] > 0; f->loc[%d]--) {", d,
            count, d, d);
    g->indent += 4;
    stmts(g, s->body);
    close_block(g, "}");
    g->repeat_depth--;
}

static void stmt(struct cg *g, const struct stmt *s)
{
    if (s->kind == ST_TAG)
        return;                 /* in the task table, not code */
    cg_line_swarm(g, g->out, line_of(g, s->span));
    switch (s->kind) {
    case ST_LET:
        let(g, s);
        break;
    case ST_REQUEST:
        cg_request(g, s);
        cg_flow_after_request(g);
        break;
    case ST_IF:
        if_stmt(g, s);
        break;
    case ST_REPEAT:
        repeat(g, s);
        break;
    case ST_SLEEP: {
        const char *ms = cg_expr_text(g, s->expr, 0);
        cg_flush_pre(g);
        int pc = cg_next_pc(g);
        g->uses_u = 1;
        cg_stmt(g, "return sw_sleep_ms(u, f, %s, %d);", ms, pc);
        cg_label(g, pc);
        break;
    }
    case ST_STOP:
        cg_stmt(g, "return SW_STOP;");
        break;
    case ST_INTERRUPT:
        cg_stmt(g, "return %s;", s->flag ? "SW_INTERRUPT_NOW"
                                         : "SW_INTERRUPT");
        break;
    case ST_SCHEDULE:
        g->uses_u = 1;
        cg_stmt(g, "sw_schedule(u, %s, %s);",
                cg_task_name(g, g->set, s->index),
                s->flag ? "SW_SCHEDULE_FIRST" : "SW_SCHEDULE_LAST");
        break;
    case ST_TAG:
        break;
    case ST_WHILE:
    case ST_RETRY:
    case ST_RETURN:
        cg_flow_stmt(g, s);
        break;
    case ST_GROUP:
        cg_group_enter(g, s);
        stmts(g, s->body);
        cg_group_leave(g);
        break;
    case ST_COUNT:
    case ST_RECORD:
        cg_metric(g, s);
        break;
    case ST_COOKIE:
    case ST_CLEAR:
        cg_cookie_stmt(g, s);
        break;
    }
}

static void stmts(struct cg *g, const struct stmt *s)
{
    for (; s != NULL; s = s->next)
        stmt(g, s);
}

void cg_stmts(struct cg *g, const struct stmt *s)
{
    stmts(g, s);
}

void cg_body_cases(struct cg *g, const struct stmt *body)
{
    g->indent = 8;
    g->repeat_depth = 0;
    g->retry_fail = 0;
    g->in_response = 0;
    g->label_pending = 0;
    cg_label(g, g->pc);
    stmts(g, body);
    if (g->label_pending)
        cg_stmt(g, ";");
}

void cg_part_mark(struct cg *g, struct sw__buf *out, int bodies)
{
    if (!g->split)
        return;
    if (g->part_bodies > 0 && g->part_bodies + bodies > g->part_max) {
        sw__buf_adds(out, "\n" CG_PART_MARK);
        g->part_bodies = 0;
    }
    g->part_bodies += bodies;
}

void cg_function_head(struct cg *g, struct sw__buf *out, const char *name)
{
    if (g->split)
        sw__buf_printf(&g->protos, "sw_step_t %s(sw_user_t *u, sw_frame_t *f);\n",
                   name);
    sw__buf_printf(out, "%ssw_step_t %s(sw_user_t *u, sw_frame_t *f)\n{\n",
               g->split ? "" : "static ", name);
    for (int i = 1; i <= g->nrows; i++)
        sw__buf_printf(out, "    const sw_row_t *row%d = NULL;\n", i);
    if (!g->uses_u)
        sw__buf_adds(out, "    (void)u;\n");
}

void cg_function(struct cg *g, struct sw__buf *out, const char *name,
                 const char *what, int line, const struct stmt *body)
{
    struct sw__buf code = { 0 };
    g->out = &code;
    g->pc = 0;
    g->uses_u = 0;
    g->nrows = 0;
    g->nlabels = 0;
    sw__buf_adds(&code, "    switch (f->pc) {\n");
    cg_body_cases(g, body);
    cg_line_back(g, &code);
    sw__buf_adds(&code, "    }\n    return SW_DONE;\n}\n");

    /* The header is written last: only now is it known which row
     * temporaries the body needs and whether it uses u. */
    cg_part_mark(g, out, 1);
    sw__buf_printf(out, "\n/* %s, line %d */\n", what, line);
    cg_function_head(g, out, name);
    sw__buf_add(out, code.ptr, code.len);
    sw__buf_free(&code);
    g->out = NULL;
}
