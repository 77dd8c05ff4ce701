/*
 * ast.c - node constructors (see ast.h).
 */
#include "ast.h"
#include "arena.h"

#include <string.h>

struct expr *ast_expr(struct arena *a, enum expr_kind kind, struct span sp)
{
    struct expr *e = ARENA_NEW(a, struct expr);
    e->kind = kind;
    e->span = sp;
    e->feeder = -1;
    e->index = -1;
    return e;
}

struct expr *ast_binary(struct arena *a, enum binop op, struct expr *l,
                        struct expr *r, struct span sp)
{
    struct expr *e = ast_expr(a, EX_BINARY, sp);
    e->op = op;
    e->lhs = l;
    e->rhs = r;
    return e;
}

static struct str_part *last_part(struct str_part *list)
{
    return list == NULL ? NULL : list->tail != NULL ? list->tail : list;
}

static struct str_part *append_part(struct str_part *list,
                                    struct str_part *p)
{
    if (list == NULL) {
        p->tail = p;
        return p;
    }
    last_part(list)->next = p;
    list->tail = p;
    return list;
}

/* Adjacent text pieces (the lexer returns one per escape) are merged into
 * one arena copy that doubles when full, so a string of n pieces costs
 * O(n) time and memory. */
struct str_part *ast_str_text(struct arena *a, struct str_part *list,
                              struct str text)
{
    struct str_part *last = last_part(list);
    if (last != NULL && last->expr == NULL) {
        size_t need = last->text.len + text.len + 1;
        if (need > last->cap) {
            size_t cap = last->cap ? last->cap : 16;
            while (cap < need)
                cap *= 2;
            char *s = arena_alloc(a, cap);
            memcpy(s, last->text.s, last->text.len);
            last->text.s = s;
            last->cap = cap;
        }
        char *s = (char *)last->text.s;
        memcpy(s + last->text.len, text.s, text.len);
        last->text.len += text.len;
        s[last->text.len] = '\0';
        return list;
    }
    struct str_part *p = ARENA_NEW(a, struct str_part);
    p->text = text;
    return append_part(list, p);
}

struct str_part *ast_str_expr(struct arena *a, struct str_part *list,
                              struct expr *e)
{
    struct str_part *p = ARENA_NEW(a, struct str_part);
    p->expr = e;
    p->text.s = "";
    return append_part(list, p);
}

struct stmt *ast_stmt(struct arena *a, enum stmt_kind kind, struct span sp)
{
    struct stmt *s = ARENA_NEW(a, struct stmt);
    s->kind = kind;
    s->span = sp;
    s->index = -1;
    return s;
}

struct opt *ast_opt(struct arena *a, enum opt_kind kind, struct span sp)
{
    struct opt *o = ARENA_NEW(a, struct opt);
    o->kind = kind;
    o->span = sp;
    o->var_index = -1;
    o->regex_index = -1;
    return o;
}

struct json *ast_json(struct arena *a, enum json_kind kind, struct span sp)
{
    struct json *j = ARENA_NEW(a, struct json);
    j->kind = kind;
    j->span = sp;
    return j;
}

struct member *ast_member(struct arena *a, enum member_kind kind,
                          struct span sp)
{
    struct member *m = ARENA_NEW(a, struct member);
    m->kind = kind;
    m->span = sp;
    return m;
}

struct decl *ast_decl(struct arena *a, enum decl_kind kind, struct span sp)
{
    struct decl *d = ARENA_NEW(a, struct decl);
    d->kind = kind;
    d->span = sp;
    return d;
}

struct lit *ast_lit(struct arena *a, enum lit_kind kind, struct span sp,
                    const char *text)
{
    struct lit *l = ARENA_NEW(a, struct lit);
    l->kind = kind;
    l->span = sp;
    l->text = text;
    return l;
}

int ast_str_literal(const struct expr *e, struct str *out)
{
    if (e == NULL || e->kind != EX_STR)
        return 0;
    out->s = "";
    out->len = 0;
    for (const struct str_part *p = e->parts; p != NULL; p = p->next) {
        if (p->expr != NULL)
            return 0;
        *out = p->text;     /* adjacent texts are merged: at most one */
    }
    return 1;
}
