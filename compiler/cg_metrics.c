/*
 * cg_metrics.c - groups and custom metrics in generated code:
 *
 *       sw_group_enter(u, "checkout");
 *       ... the group's statements, resume points included ...
 *       sw_group_leave(u);
 *       sw_count(u, 0, 1);  (comment: the metric's name)
 *       sw_record(u, 1, sw_var_int(u, VAR_n));
 *
 * and the table of the scenario's metrics (their names and kinds; the
 * index is the one sw_count/sw_record pass).
 */
#include "cg_int.h"
#include "arena.h"

void cg_group_enter(struct cg *g, const struct stmt *s)
{
    struct sw__buf lit = { 0 };
    cg_cstr(&lit, s->path != NULL ? s->path : "");
    g->uses_u = 1;
    cg_stmt(g, "sw_group_enter(u, %s);", lit.ptr);
    sw__buf_free(&lit);
}

void cg_group_leave(struct cg *g)
{
    cg_stmt(g, "sw_group_leave(u);");
}

void cg_metric(struct cg *g, const struct stmt *s)
{
    const char *v = s->expr != NULL ? cg_expr_text(g, s->expr, 0) : "1";
    cg_flush_pre(g);
    g->uses_u = 1;
    /* the name in a comment: it is an identifier, so it cannot end one */
    cg_stmt(g, "%s(u, %d, %s);  /* %s */",
            s->kind == ST_COUNT ? "sw_count" : "sw_record", s->index, v,
            s->name);
}

void cg_metrics_table(const struct program *pg, struct sw__buf *b)
{
    static const char *const kind_c[] = {
        [SW_COUNTER] = "SW_COUNTER", [SW_TREND] = "SW_TREND",
        [SW_TREND_TIME] = "SW_TREND_TIME",
    };
    if (pg->nmetrics == 0)
        return;
    sw__buf_adds(b, "\nstatic const sw_metric_def_t metrics[] = {\n");
    for (int i = 0; i < pg->nmetrics; i++) {
        sw__buf_adds(b, "    { ");
        cg_cstr(b, pg->metrics[i].name);
        sw__buf_printf(b, ", %s },\n", kind_c[pg->metrics[i].kind]);
    }
    sw__buf_adds(b, "};\n");
}
