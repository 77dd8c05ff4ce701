/*
 * cg_expr.c - expressions to C.
 *
 * ints are int64_t, bools int, strings const char * (scratch or static),
 * rows const sw_row_t *.  Every binary operation is parenthesized, so C
 * precedence never has to match ours.  next(F) is hoisted into a row
 * temporary before the statement (g->pre), because an exhausted unique
 * feeder ends the user with SW_STOP.
 */
#include "cg_int.h"
#include "arena.h"

#include <string.h>

static const char *const cmp_c[] = {
    [OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=",
    [OP_GT] = ">", [OP_GE] = ">="
};

/* The operators C can do as they are: logic and comparisons. */
static const char *logic_c(enum binop op)
{
    switch (op) {
    case OP_AND: return "&&";
    case OP_OR: return "||";
    default: return cmp_c[op];
    }
}

static void var(struct cg *g, struct sw__buf *b, const struct expr *e)
{
    const char *name = g->prog->vars[e->index].name;
    g->uses_u = 1;
    switch (e->type) {
    case TY_STR:
        sw__buf_printf(b, "sw_var_str(u, VAR_%s)", name);
        break;
    case TY_ROW:
        sw__buf_printf(b, "sw_var_row(u, VAR_%s)", name);
        break;
    default:
        sw__buf_printf(b, "sw_var_int(u, VAR_%s)", name);
        break;
    }
}

static void next_row(struct cg *g, struct sw__buf *b, const struct expr *e)
{
    int k = ++g->nrows;
    g->uses_u = 1;
    sw__buf_printf(&g->pre, "row%d = sw_feed_next(u, FEED_%s);\n", k,
                   g->prog->feeders[e->index].name);
    if (g->in_response)
        sw__buf_printf(&g->pre, "if (row%d == NULL) {\n    sw_req_end(u);\n"
                       "    return SW_STOP;\n}\n", k);
    else
        sw__buf_printf(&g->pre,
                       "if (row%d == NULL)\n    return SW_STOP;\n", k);
    sw__buf_printf(b, "row%d", k);
}

static void call(struct cg *g, struct sw__buf *b, const struct expr *e)
{
    g->uses_u = 1;
    switch (e->builtin) {
    case BI_RANDOM:
        sw__buf_adds(b, "sw_random(u, ");
        cg_expr(g, b, e->args);
        sw__buf_adds(b, ", ");
        cg_expr(g, b, e->args->next);
        sw__buf_addc(b, ')');
        break;
    case BI_CHOICE: {
        if (e->args->weight != NULL) {
            cg_flow_choice(g, b, e);
            break;
        }
        int n = 0;
        for (const struct expr *a = e->args; a != NULL; a = a->next)
            n++;
        int is_int = e->type == TY_INT;
        sw__buf_printf(b, "sw_choice_%s(u, %d", is_int ? "int" : "str", n);
        for (const struct expr *a = e->args; a != NULL; a = a->next) {
            /* Variadic: every int must really be an int64_t. */
            sw__buf_adds(b, is_int ? ", (int64_t)" : ", ");
            cg_expr(g, b, a);
        }
        sw__buf_addc(b, ')');
        break;
    }
    case BI_UUID:
        sw__buf_adds(b, "sw_uuid(u)");
        break;
    case BI_NOW:
        sw__buf_adds(b, "sw_now_ms(u)");
        break;
    case BI_ENV:
        sw__buf_printf(b, "sw_env(u, %s)", g->env_names[e->index]);
        break;
    case BI_NEXT:
        next_row(g, b, e);
        break;
    case BI_NONE:
        break;
    }
}

/* A chain of string `+` becomes one sw_cat. */
void cg_expr_parts(struct cg *g, struct cg_parts *p, const struct expr *e)
{
    if (e->kind == EX_STR) {
        for (const struct str_part *s = e->parts; s != NULL; s = s->next) {
            if (s->expr == NULL)
                cg_parts_text(p, s->text.s, s->text.len);
            else
                cg_expr_parts(g, p, s->expr);
        }
        return;
    }
    if (e->kind == EX_BINARY && e->op == OP_ADD && e->type == TY_STR) {
        cg_expr_parts(g, p, e->lhs);
        cg_expr_parts(g, p, e->rhs);
        return;
    }
    if (e->kind == EX_INT) {
        char num[32];
        int n = snprintf(num, sizeof(num), "%lld", (long long)e->i);
        cg_parts_text(p, num, (size_t)n);
        return;
    }
    if (e->kind == EX_BOOL) {
        cg_parts_text(p, e->i ? "true" : "false", e->i ? 4 : 5);
        return;
    }
    struct sw__buf c = { 0 };
    cg_expr_str(g, &c, e);
    cg_parts_expr(p, c.ptr);
    sw__buf_free(&c);
}

static void binary(struct cg *g, struct sw__buf *b, const struct expr *e)
{
    if (e->op == OP_ADD && e->type == TY_STR) {
        struct cg_parts p = { 0 };
        cg_expr_parts(g, &p, e);
        cg_parts_end(g, &p, b);
        return;
    }
    if ((e->op == OP_EQ || e->op == OP_NE) && e->lhs->type == TY_STR) {
        sw__buf_adds(b, e->op == OP_EQ ? "sw_streq(" : "!sw_streq(");
        cg_expr(g, b, e->lhs);
        sw__buf_adds(b, ", ");
        cg_expr(g, b, e->rhs);
        sw__buf_addc(b, ')');
        return;
    }
    if (e->op <= OP_MOD) {
        /* In C, / and % are undefined for 0 and INT64_MIN / -1, and
         * + - * for overflow: helpers define them (see helpers()). */
        static const char *const fn[] = {
            [OP_ADD] = "add_i64(", [OP_SUB] = "sub_i64(",
            [OP_MUL] = "mul_i64(", [OP_DIV] = "div_i64(",
            [OP_MOD] = "mod_i64(",
        };
        int *need[] = {
            [OP_ADD] = &g->need_add, [OP_SUB] = &g->need_sub,
            [OP_MUL] = &g->need_mul, [OP_DIV] = &g->need_div,
            [OP_MOD] = &g->need_mod,
        };
        *need[e->op] = 1;
        sw__buf_adds(b, fn[e->op]);
        cg_expr(g, b, e->lhs);
        sw__buf_adds(b, ", ");
        cg_expr(g, b, e->rhs);
        sw__buf_addc(b, ')');
        return;
    }
    sw__buf_addc(b, '(');
    cg_expr(g, b, e->lhs);
    sw__buf_printf(b, " %s ", logic_c(e->op));
    cg_expr(g, b, e->rhs);
    sw__buf_addc(b, ')');
}

void cg_expr(struct cg *g, struct sw__buf *b, const struct expr *e)
{
    switch (e->kind) {
    case EX_INT:
    case EX_DURATION:
        sw__buf_printf(b, "%lld", (long long)e->i);
        break;
    case EX_BOOL:
        sw__buf_adds(b, e->i ? "1" : "0");
        break;
    case EX_STR: {
        struct cg_parts p = { 0 };
        cg_expr_parts(g, &p, e);
        cg_parts_end(g, &p, b);
        break;
    }
    case EX_VAR:
        var(g, b, e);
        break;
    case EX_FIELD:
        sw__buf_adds(b, "sw_row_col(");
        cg_expr(g, b, e->lhs);
        sw__buf_printf(b, ", %d)", e->index);
        break;
    case EX_CALL:
        call(g, b, e);
        break;
    case EX_BINARY:
        binary(g, b, e);
        break;
    case EX_NOT:
        sw__buf_adds(b, "!");
        cg_expr(g, b, e->lhs);
        break;
    case EX_NEG:
        /* -N of a literal cannot overflow (N <= INT64_MAX). */
        if (e->lhs->kind == EX_INT) {
            sw__buf_printf(b, "(-%lld)", (long long)e->lhs->i);
            break;
        }
        g->need_neg = 1;
        sw__buf_adds(b, "neg_i64(");
        cg_expr(g, b, e->lhs);
        sw__buf_addc(b, ')');
        break;
    case EX_STATUS:
        g->uses_u = 1;
        sw__buf_adds(b, "sw_resp_status(u)");
        break;
    case EX_USER_ID:
        g->uses_u = 1;
        sw__buf_adds(b, "sw_user_id(u)");
        break;
    case EX_FAILED:
        g->uses_u = 1;
        sw__buf_adds(b, "sw_req_failed(u)");
        break;
    }
}

void cg_expr_str(struct cg *g, struct sw__buf *b, const struct expr *e)
{
    if (e->type == TY_INT) {
        g->uses_u = 1;
        sw__buf_adds(b, "sw_itoa(u, ");
        cg_expr(g, b, e);
        sw__buf_addc(b, ')');
    } else if (e->type == TY_BOOL) {
        g->uses_u = 1;
        sw__buf_adds(b, "sw_btoa(u, ");
        cg_expr(g, b, e);
        sw__buf_addc(b, ')');
    } else {
        cg_expr(g, b, e);
    }
}

const char *cg_expr_text(struct cg *g, const struct expr *e, int as_str)
{
    struct sw__buf b = { 0 };
    if (as_str)
        cg_expr_str(g, &b, e);
    else
        cg_expr(g, &b, e);
    const char *s = arena_strndup(g->arena, b.ptr ? b.ptr : "", b.len);
    sw__buf_free(&b);
    return s;
}
