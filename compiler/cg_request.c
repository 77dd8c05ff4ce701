/*
 * cg_request.c - one request: building it, sending it (a resume point),
 * then its checks and captures before sw_req_end (as Locust's
 * catch_response: they decide success or failure before it is recorded).
 *
 * JSON and form bodies are concatenations: the constant parts are rendered
 * here, only the expressions are formatted at run time.
 */
#include "cg_int.h"
#include "arena.h"
#include "util/pct.h"

#include <stdio.h>
#include <string.h>

static const char *const method_c[] = {
    [M_GET] = "SW_GET", [M_POST] = "SW_POST", [M_PUT] = "SW_PUT",
    [M_PATCH] = "SW_PATCH", [M_DELETE] = "SW_DELETE", [M_HEAD] = "SW_HEAD",
    [M_OPTIONS] = "SW_OPTIONS"
};

/* ---- constant text rendered at compile time ---- */

static void json_quote(struct cg_parts *p, const char *s, size_t len)
{
    cg_parts_text(p, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            cg_parts_text(p, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            cg_parts_text(p, esc, 6);
        } else {
            cg_parts_text(p, (const char *)&s[i], 1);
        }
    }
    cg_parts_text(p, "\"", 1);
}

/* application/x-www-form-urlencoded, as sw_urlencode() writes it at run
 * time (the same encoder): unreserved bytes as they are, space as '+',
 * everything else %XX. */
static void url_encode(struct cg *g, struct cg_parts *p, const char *s,
                       size_t len)
{
    char *out = arena_alloc(g->arena, SW__PCT_MAX(len) + 1);
    cg_parts_text(p, out, sw__pct_encode(out, s, len, SW__PCT_SPACE_PLUS));
}

/* An int or bool literal's text (also -N), or NULL. */
static const char *const_scalar(struct cg *g, const struct expr *e)
{
    if (e->kind == EX_INT)
        return arena_printf(g->arena, "%lld", (long long)e->i);
    if (e->kind == EX_NEG && e->lhs->kind == EX_INT)
        return arena_printf(g->arena, "-%lld", (long long)e->lhs->i);
    if (e->kind == EX_BOOL)
        return e->i ? "true" : "false";
    return NULL;
}

static void json_value(struct cg *g, struct cg_parts *p, const struct json *j)
{
    if (j->kind != J_VALUE) {
        int obj = j->kind == J_OBJECT;
        cg_parts_text(p, obj ? "{" : "[", 1);
        for (const struct json *m = j->items; m != NULL; m = m->next) {
            if (m != j->items)
                cg_parts_text(p, ",", 1);
            if (obj) {
                struct str key;
                ast_str_literal(m->key, &key);
                json_quote(p, key.s, key.len);
                cg_parts_text(p, ":", 1);
            }
            json_value(g, p, m);
        }
        cg_parts_text(p, obj ? "}" : "]", 1);
        return;
    }
    const struct expr *e = j->value;
    struct str lit;
    const char *scalar = const_scalar(g, e);
    if (ast_str_literal(e, &lit)) {
        json_quote(p, lit.s, lit.len);
    } else if (scalar != NULL) {
        cg_parts_text(p, scalar, strlen(scalar));
    } else if (e->type == TY_STR) {
        const char *c = cg_expr_text(g, e, 0);
        cg_parts_expr(p, arena_printf(g->arena, "sw_json_quote(u, %s)", c));
    } else {
        cg_parts_expr(p, cg_expr_text(g, e, 1));
    }
}

static void form_body(struct cg *g, struct cg_parts *p, const struct json *j)
{
    for (const struct json *m = j->items; m != NULL; m = m->next) {
        if (m != j->items)
            cg_parts_text(p, "&", 1);
        struct str key, lit;
        ast_str_literal(m->key, &key);
        url_encode(g, p, key.s, key.len);
        cg_parts_text(p, "=", 1);
        const char *scalar = const_scalar(g, m->value);
        if (ast_str_literal(m->value, &lit)) {
            url_encode(g, p, lit.s, lit.len);
        } else if (scalar != NULL) {
            cg_parts_text(p, scalar, strlen(scalar));
        } else {
            const char *c = cg_expr_text(g, m->value, 1);
            cg_parts_expr(p, arena_printf(g->arena, "sw_urlencode(u, %s)", c));
        }
    }
}

static const char *body_text(struct cg *g, const struct opt *o)
{
    struct cg_parts p = { 0 };
    if (o->kind == OPT_FORM)
        form_body(g, &p, o->json);
    else
        json_value(g, &p, o->json);
    struct sw__buf b = { 0 };
    cg_parts_end(g, &p, &b);
    const char *s = arena_strndup(g->arena, b.ptr, b.len);
    sw__buf_free(&b);
    return s;
}

static const char *quoted(struct cg *g, const struct expr *e)
{
    return cg_expr_text(g, e, 1);
}

/* ---- building and sending ---- */

struct lines {
    const char **v;
    int n, cap;
};

static void add(struct cg *g, struct lines *l, const char *s)
{
    l->v = arena_grow(g->arena, l->v, l->n, &l->cap, sizeof(char *));
    l->v[l->n++] = s;
}

static void option(struct cg *g, struct lines *l, const struct opt *o)
{
    struct arena *a = g->arena;
    switch (o->kind) {
    case OPT_NAME:
        add(g, l, arena_printf(a, "sw_req_name(u, %s);", quoted(g, o->a)));
        break;
    case OPT_HEADER: {
        const char *k = quoted(g, o->a);
        add(g, l, arena_printf(a, "sw_req_header(u, %s, %s);", k,
                               quoted(g, o->b)));
        break;
    }
    case OPT_QUERY:
        for (const struct json *m = o->json->items; m != NULL; m = m->next) {
            const char *k = quoted(g, m->key);
            add(g, l, arena_printf(a, "sw_req_query(u, %s, %s);", k,
                                   quoted(g, m->value)));
        }
        break;
    case OPT_JSON:
        add(g, l, arena_printf(a, "sw_req_body(u, \"application/json\", "
                               "%s);", body_text(g, o)));
        break;
    case OPT_FORM:
        add(g, l, arena_printf(a, "sw_req_body(u, "
                               "\"application/x-www-form-urlencoded\", %s);",
                               body_text(g, o)));
        break;
    case OPT_BODY:
        add(g, l, arena_printf(a, "sw_req_body(u, NULL, %s);",
                               quoted(g, o->a)));
        break;
    case OPT_TIMEOUT:
        add(g, l, arena_printf(a, "sw_req_timeout_ms(u, %s);",
                               cg_expr_text(g, o->a, 0)));
        break;
    case OPT_AUTH: {
        const char *user = quoted(g, o->a);
        add(g, l, arena_printf(a, "sw_req_auth(u, %s, %s);", user,
                               quoted(g, o->b)));
        break;
    }
    case OPT_REDIRECTS:
        add(g, l, arena_printf(a, "sw_req_redirects(u, %d);",
                               strcmp(o->word, "on") == 0));
        break;
    case OPT_MULTIPART:
        for (const char **v = cg_multipart_lines(g, o); *v != NULL; v++)
            add(g, l, *v);
        break;
    case OPT_EXPECT:
    case OPT_CAPTURE:
        break;
    }
}

/* ---- after the response ---- */

static void expect(struct cg *g, struct lines *l, const struct opt *o)
{
    struct arena *a = g->arena;
    switch ((enum expect_kind)o->expect) {
    case EXP_STATUS:
        add(g, l, arena_printf(a, "sw_expect_status(u, %s);",
                               cg_expr_text(g, o->a, 0)));
        break;
    case EXP_STATUS_IN: {
        struct sw__buf b = { 0 };
        int n = 0;
        for (const struct expr *e = o->list; e != NULL; e = e->next, n++)
            sw__buf_printf(&b, "%s%lld", n ? ", " : "", (long long)e->i);
        add(g, l, "{");
        add(g, l, arena_printf(a, "    static const int64_t list[] = "
                               "{ %s };", b.ptr));
        add(g, l, arena_printf(a, "    sw_expect_status_in(u, list, %d);",
                               n));
        add(g, l, "}");
        sw__buf_free(&b);
        break;
    }
    case EXP_STATUS_RANGE: {
        const char *lo = cg_expr_text(g, o->a, 0);
        add(g, l, arena_printf(a, "sw_expect_status_range(u, %s, %s);", lo,
                               cg_expr_text(g, o->b, 0)));
        break;
    }
    case EXP_BODY_CONTAINS:
        add(g, l, arena_printf(a, "sw_expect_body_contains(u, %s);",
                               cg_expr_text(g, o->a, 0)));
        break;
    case EXP_BODY_MATCHES:
        add(g, l, arena_printf(a, "sw_expect_body_matches(u, %s);",
                               g->re_names[o->regex_index]));
        break;
    case EXP_JSON_CMP: {
        const char *path = cg_expr_text(g, o->a, 0);
        const char *v = cg_expr_text(g, o->b, 0);
        if (o->b->type == TY_BOOL)
            add(g, l, arena_printf(a, "sw_expect_json_bool(u, %s, %s);",
                                   path, v));
        else
            add(g, l, arena_printf(a, "sw_expect_json_%s(u, %s, %s, %s);",
                                   o->b->type == TY_INT ? "int" : "str",
                                   path, cg_cmp_c[o->cmp], v));
        break;
    }
    case EXP_JSON_EXISTS:
        add(g, l, arena_printf(a, "sw_expect_json_exists(u, %s);",
                               cg_expr_text(g, o->a, 0)));
        break;
    case EXP_HEADER: {
        const char *k = cg_expr_text(g, o->a, 0);
        add(g, l, arena_printf(a, "sw_expect_header(u, %s, %s);", k,
                               o->b ? cg_expr_text(g, o->b, 0) : "NULL"));
        break;
    }
    }
}

static void capture(struct cg *g, struct lines *l, const struct opt *o)
{
    struct arena *a = g->arena;
    const char *var = g->prog->vars[o->var_index].name;
    switch ((enum capture_kind)o->capture) {
    case CAP_JSON:
        add(g, l, arena_printf(a, "sw_capture_json(u, VAR_%s, %s);", var,
                               cg_expr_text(g, o->a, 0)));
        break;
    case CAP_REGEX:
        add(g, l, arena_printf(a, "sw_capture_regex(u, VAR_%s, %s);", var,
                               g->re_names[o->regex_index]));
        break;
    case CAP_HEADER:
        add(g, l, arena_printf(a, "sw_capture_header(u, VAR_%s, %s);", var,
                               cg_expr_text(g, o->a, 0)));
        break;
    case CAP_COOKIE:
        add(g, l, arena_printf(a, "sw_capture_cookie(u, VAR_%s, %s);", var,
                               cg_expr_text(g, o->a, 0)));
        break;
    case CAP_STATUS:
        add(g, l, arena_printf(a, "sw_capture_status(u, VAR_%s);", var));
        break;
    }
}

static void emit(struct cg *g, struct lines *l)
{
    cg_flush_pre(g);
    for (int i = 0; i < l->n; i++)
        cg_stmt(g, "%s", l->v[i]);
    l->n = 0;
}

void cg_request(struct cg *g, const struct stmt *s)
{
    g->uses_u = 1;
    struct lines l = { 0 };
    add(g, &l, arena_printf(g->arena, "sw_req_begin(u, %s, %s);",
                            method_c[s->method], cg_expr_text(g, s->expr, 0)));
    for (const struct opt *o = s->opts; o != NULL; o = o->next)
        option(g, &l, o);
    emit(g, &l);
    int pc = cg_next_pc(g);
    cg_stmt(g, "return sw_req_send(u, f, %d);", pc);
    cg_label(g, pc);

    /* In source order, each with what it needs first: a next() row here
     * must end the request before the user stops.  Each has its own
     * #line: a request with its checks spans several .swarm lines. */
    g->in_response = 1;
    for (const struct opt *o = s->opts; o != NULL; o = o->next) {
        if (o->kind == OPT_EXPECT)
            expect(g, &l, o);
        else if (o->kind == OPT_CAPTURE)
            capture(g, &l, o);
        else
            continue;
        cg_line_swarm(g, g->out,
                      source_line(g->prog->src, o->span.beg));
        emit(g, &l);
    }
    g->in_response = 0;
    cg_stmt(g, "sw_req_end(u);");
}
