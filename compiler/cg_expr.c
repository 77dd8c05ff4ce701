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

static void var(struct cg *g, struct buf *b, const struct expr *e)
{
    const char *name = g->prog->vars[e->index].name;
    g->uses_u = 1;
    switch (e->type) {
    case TY_STR:
        buf_printf(b, "sw_var_str(u, VAR_%s)", name);
        break;
    case TY_ROW:
        buf_printf(b, "sw_var_row(u, VAR_%s)", name);
        break;
    default:
        buf_printf(b, "sw_var_int(u, VAR_%s)", name);
        break;
    }
}

static void next_row(struct cg *g, struct buf *b, const struct expr *e)
{
    int k = ++g->nrows;
    g->uses_u = 1;
    buf_printf(&g->pre, "row%d = sw_feed_next(u, FEED_%s);\n", k,
               g->prog->feeders[e->index].name);
    if (g->in_response)
        buf_printf(&g->pre, "if (row%d == NULL) {\n    sw_req_end(u);\n"
                   "    return SW_STOP;\n}\n", k);
    else
        buf_printf(&g->pre, "if (row%d == NULL)\n    return SW_STOP;\n", k);
    buf_printf(b, "row%d", k);
}

static void call(struct cg *g, struct buf *b, const struct expr *e)
{
    g->uses_u = 1;
    switch (e->builtin) {
    case BI_RANDOM:
        buf_puts(b, "sw_random(u, ");
        cg_expr(g, b, e->args);
        buf_puts(b, ", ");
        cg_expr(g, b, e->args->next);
        buf_putc(b, ')');
        break;
    case BI_CHOICE: {
        int n = 0;
        for (const struct expr *a = e->args; a != NULL; a = a->next)
            n++;
        int is_int = e->type == TY_INT;
        buf_printf(b, "sw_choice_%s(u, %d", is_int ? "int" : "str", n);
        for (const struct expr *a = e->args; a != NULL; a = a->next) {
            /* Variadic: every int must really be an int64_t. */
            buf_puts(b, is_int ? ", (int64_t)" : ", ");
            cg_expr(g, b, a);
        }
        buf_putc(b, ')');
        break;
    }
    case BI_UUID:
        buf_puts(b, "sw_uuid(u)");
        break;
    case BI_NOW:
        buf_puts(b, "sw_now_ms(u)");
        break;
    case BI_ENV:
        buf_printf(b, "sw_env(u, %d)", e->index);
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
    struct buf c = { 0 };
    cg_expr_str(g, &c, e);
    cg_parts_expr(p, c.p);
    buf_free(&c);
}

static void binary(struct cg *g, struct buf *b, const struct expr *e)
{
    if (e->op == OP_ADD && e->type == TY_STR) {
        struct cg_parts p = { 0 };
        cg_expr_parts(g, &p, e);
        cg_parts_end(g, &p, b);
        return;
    }
    if ((e->op == OP_EQ || e->op == OP_NE) && e->lhs->type == TY_STR) {
        buf_puts(b, e->op == OP_EQ ? "sw_streq(" : "!sw_streq(");
        cg_expr(g, b, e->lhs);
        buf_puts(b, ", ");
        cg_expr(g, b, e->rhs);
        buf_putc(b, ')');
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
        buf_puts(b, fn[e->op]);
        cg_expr(g, b, e->lhs);
        buf_puts(b, ", ");
        cg_expr(g, b, e->rhs);
        buf_putc(b, ')');
        return;
    }
    buf_putc(b, '(');
    cg_expr(g, b, e->lhs);
    buf_printf(b, " %s ", logic_c(e->op));
    cg_expr(g, b, e->rhs);
    buf_putc(b, ')');
}

void cg_expr(struct cg *g, struct buf *b, const struct expr *e)
{
    switch (e->kind) {
    case EX_INT:
    case EX_DURATION:
        buf_printf(b, "%lld", (long long)e->i);
        break;
    case EX_BOOL:
        buf_puts(b, e->i ? "1" : "0");
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
        buf_puts(b, "sw_row_col(");
        cg_expr(g, b, e->lhs);
        buf_printf(b, ", %d)", e->index);
        break;
    case EX_CALL:
        call(g, b, e);
        break;
    case EX_BINARY:
        binary(g, b, e);
        break;
    case EX_NOT:
        buf_puts(b, "!");
        cg_expr(g, b, e->lhs);
        break;
    case EX_NEG:
        /* -N of a literal cannot overflow (N <= INT64_MAX). */
        if (e->lhs->kind == EX_INT) {
            buf_printf(b, "(-%lld)", (long long)e->lhs->i);
            break;
        }
        g->need_neg = 1;
        buf_puts(b, "neg_i64(");
        cg_expr(g, b, e->lhs);
        buf_putc(b, ')');
        break;
    case EX_STATUS:
        g->uses_u = 1;
        buf_puts(b, "sw_resp_status(u)");
        break;
    case EX_USER_ID:
        g->uses_u = 1;
        buf_puts(b, "sw_user_id(u)");
        break;
    }
}

void cg_expr_str(struct cg *g, struct buf *b, const struct expr *e)
{
    if (e->type == TY_INT) {
        g->uses_u = 1;
        buf_puts(b, "sw_itoa(u, ");
        cg_expr(g, b, e);
        buf_putc(b, ')');
    } else if (e->type == TY_BOOL) {
        g->uses_u = 1;
        buf_puts(b, "sw_btoa(u, ");
        cg_expr(g, b, e);
        buf_putc(b, ')');
    } else {
        cg_expr(g, b, e);
    }
}

const char *cg_expr_text(struct cg *g, const struct expr *e, int as_str)
{
    struct buf b = { 0 };
    if (as_str)
        cg_expr_str(g, &b, e);
    else
        cg_expr(g, &b, e);
    const char *s = arena_strndup(g->arena, b.p ? b.p : "", b.len);
    buf_free(&b);
    return s;
}
