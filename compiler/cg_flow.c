/*
 * cg_flow.c - while, retry N and return inside a resumable body, weighted
 * choice(), and the run-level hooks on_test_start / on_test_stop.
 *
 *   while COND { ... }          while (COND) {
 *                                   ...
 *                                   return sw_loop_next(u, f, 4);
 *                               case 4:
 *                                   ;
 *                               }
 *
 * Each round of a while returns to the scheduler (sw_loop_next), so a loop
 * without requests cannot starve the event loop, and a stopping user
 * leaves it there.
 *
 *   retry 3 { get "/a" }        for (f->loc[0] = 3; ; ) {
 *                                   ... sw_req_end(u);
 *                                   if (sw_req_failed(u))
 *                                       goto retry_failed1;
 *                                   break;
 *                               retry_failed1:
 *                                   if (--f->loc[0] > 0)
 *                                       continue;
 *                                   break;
 *                               }
 *
 * A failed request ends the try at once (Gatling's tryMax); the tries
 * left live in a frame local, as repeat counters do.  After the last
 * failed try the failure goes on to the enclosing retry, if any; in
 * on_test_start a failure that no retry takes ends the hook with SW_STOP,
 * which aborts the run (runtime/sched/hooks.c).
 */
#include "cg_int.h"
#include "arena.h"

#include <string.h>

static int line_of(struct cg *g, struct span sp)
{
    return source_line(g->prog->src, sp.beg);
}

/* Where a failure goes: the enclosing retry's next try, else (in
 * on_test_start) the end of the hook.  in_if: the line is an if's. */
static void failure_exit(struct cg *g, int in_if)
{
    const char *ind = in_if ? "    " : "";
    if (g->retry_fail > 0) {
        g->retry_used = 1;
        cg_stmt(g, "%sgoto retry_failed%d;", ind, g->retry_fail);
    } else {
        cg_stmt(g, "%sreturn SW_STOP;", ind);
    }
}

void cg_flow_after_request(struct cg *g)
{
    if (g->retry_fail == 0 && !g->fail_stops)
        return;
    g->uses_u = 1;
    cg_stmt(g, "if (sw_req_failed(u))");
    failure_exit(g, 1);
}

static void while_stmt(struct cg *g, const struct stmt *s)
{
    size_t mark = g->pre.len;
    const char *cond = cg_expr_text(g, s->expr, 0);
    g->uses_u = 1;
    if (g->pre.len == mark) {
        cg_stmt(g, "while (%s) {", cg_bare(g, cond));
        g->indent += 4;
    } else {
        /* the condition needs statements first (a next() row): they run
         * before every test */
        cg_stmt(g, "for (;;) {");
        g->indent += 4;
        cg_flush_pre(g);
        cg_stmt(g, "if (!(%s))", cond);
        cg_stmt(g, "    break;");
    }
    cg_stmts(g, s->body);
    int pc = cg_next_pc(g);
    cg_stmt(g, "return sw_loop_next(u, f, %d);", pc);
    cg_label(g, pc);
    cg_close_block(g, "}");
}

static void retry_stmt(struct cg *g, const struct stmt *s)
{
    const char *tries = cg_expr_text(g, s->expr, 0);
    cg_flush_pre(g);
    int d = g->repeat_depth++;
    int outer = g->retry_fail, outer_used = g->retry_used;
    int label = ++g->nlabels;
    cg_stmt(g, "for (f->loc[%d] = %s; ; ) {", d, tries);
    g->indent += 4;
    g->retry_fail = label;
    g->retry_used = 0;
    cg_stmts(g, s->body);
    int used = g->retry_used;
    g->retry_fail = outer;
    g->retry_used = outer_used;
    cg_stmt(g, "break;");
    if (!used) {
        /* no request in it can fail: one try */
        cg_close_block(g, "}");
        g->repeat_depth--;
        return;
    }
    sw__buf_printf(g->out, "%*sretry_failed%d:\n", g->indent - 4, "", label);
    cg_stmt(g, "if (--f->loc[%d] > 0)", d);
    cg_stmt(g, "    continue;");
    if (outer > 0 || g->fail_stops) {
        g->uses_u = 1;
        failure_exit(g, 0);
    } else {
        cg_stmt(g, "break;");
    }
    cg_close_block(g, "}");
    g->repeat_depth--;
}

static void return_stmt(struct cg *g, const struct stmt *s)
{
    if (s->expr == NULL) {
        cg_stmt(g, "return SW_DONE;");
        return;
    }
    const char *cond = cg_expr_text(g, s->expr, 0);
    cg_flush_pre(g);
    cg_stmt(g, "if (%s)", cond);
    cg_stmt(g, "    return SW_DONE;");
}

void cg_flow_stmt(struct cg *g, const struct stmt *s)
{
    switch (s->kind) {
    case ST_WHILE:
        while_stmt(g, s);
        break;
    case ST_RETRY:
        retry_stmt(g, s);
        break;
    case ST_RETURN:
        return_stmt(g, s);
        break;
    default:
        break;
    }
}

void cg_flow_choice(struct cg *g, struct sw__buf *b, const struct expr *e)
{
    int n = 0;
    for (const struct expr *a = e->args; a != NULL; a = a->next)
        n++;
    int is_int = e->type == TY_INT;
    sw__buf_printf(b, "sw_choice_weighted_%s(u, %d, (const int64_t[]){",
                   is_int ? "int" : "str", n);
    for (const struct expr *a = e->args; a != NULL; a = a->next)
        sw__buf_printf(b, "%s%lld", a == e->args ? "" : ", ",
                       (long long)a->weight->i);
    sw__buf_adds(b, "}");
    for (const struct expr *a = e->args; a != NULL; a = a->next) {
        /* Variadic: every int must really be an int64_t. */
        sw__buf_adds(b, is_int ? ", (int64_t)" : ", ");
        cg_expr(g, b, a);
    }
    sw__buf_addc(b, ')');
}

/* ---- the run-level hooks ------------------------------------------------- */

int cg_flow_nhooks(const struct program *pg)
{
    return pg->has_test_start + pg->has_test_stop;
}

void cg_flow_hooks(struct cg *g, struct sw__buf *out)
{
    const struct program *pg = g->prog;
    g->set = NULL;
    if (pg->has_test_start) {
        g->fail_stops = 1;
        int line = line_of(g, pg->test_start_at);
        cg_function(g, out, "on_test_start", "on_test_start", line,
                    pg->test_start);
        g->fail_stops = 0;
    }
    if (pg->has_test_stop) {
        int line = line_of(g, pg->test_stop_at);
        cg_function(g, out, "on_test_stop", "on_test_stop", line,
                    pg->test_stop);
    }
}

void cg_flow_scenario(const struct program *pg, struct sw__buf *b)
{
    /* Only when declared, so every other scenario's C stays the same. */
    if (pg->has_test_start)
        sw__buf_adds(b, "    .on_test_start = on_test_start,\n");
    if (pg->has_test_stop)
        sw__buf_adds(b, "    .on_test_stop = on_test_stop,\n");
}
