/*
 * cg_reqlang.c - code for multipart bodies, default headers and the
 * cookie statements, and the table of the files multipart parts send.
 *
 *   sw_req_multipart_begin(u);
 *   sw_req_part(u, "name", sw_var_str(u, VAR_user));
 *   sw_req_part_file(u, "avatar", 0);          files[0] in the table
 *   sw_req_multipart_end(u);
 *
 *   static void headers_Web(sw_user_t *u)      scenario.set_headers
 *   {
 *       sw_req_header(u, "Authorization", sw_cat(u, 2, "Bearer ", ...));
 *   }
 */
#include "cg_int.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>

const char **cg_multipart_lines(struct cg *g, const struct opt *o)
{
    int n = 0;
    for (const struct mpart *mp = o->parts; mp != NULL; mp = mp->next)
        n++;
    const char **v = arena_alloc(g->arena, sizeof(char *) * (size_t)(n + 3));
    int k = 0;
    v[k++] = "sw_req_multipart_begin(u);";
    for (const struct mpart *mp = o->parts; mp != NULL; mp = mp->next) {
        const char *name = cg_expr_text(g, mp->key, 1);
        if (mp->value != NULL)
            v[k++] = arena_printf(g->arena, "sw_req_part(u, %s, %s);", name,
                                  cg_expr_text(g, mp->value, 1));
        else
            v[k++] = arena_printf(g->arena, "sw_req_part_file(u, %s, %d);",
                                  name, mp->file_index);
    }
    v[k++] = "sw_req_multipart_end(u);";
    v[k] = NULL;
    return v;
}

static const char *attr(struct cg *g, const struct mattr *a, const char *w)
{
    for (; a != NULL; a = a->next)
        if (strcmp(a->word, w) == 0 && a->arg != NULL)
            return cg_expr_text(g, a->arg, 1);
    return "NULL";
}

void cg_cookie_stmt(struct cg *g, const struct stmt *s)
{
    g->uses_u = 1;
    if (s->kind == ST_CLEAR) {
        cg_stmt(g, "sw_cookies_clear(u);");
        return;
    }
    const char *name = cg_expr_text(g, s->arg, 1);
    const char *value = cg_expr_text(g, s->expr, 1);
    const char *domain = attr(g, s->attrs, "domain");
    const char *path = attr(g, s->attrs, "path");
    cg_flush_pre(g);
    cg_stmt(g, "sw_cookie_set(u, %s, %s, %s, %s);", name, value, domain,
            path);
}

void cg_set_headers(struct cg *g, struct sw__buf *out, const struct set *s)
{
    if (s->nheaders == 0)
        return;
    cg_part_mark(g, out, 1);
    struct sw__buf code = { 0 };
    g->out = &code;
    g->indent = 4;
    for (int i = 0; i < s->nheaders; i++) {
        const struct opt *h = s->headers[i];
        cg_line_swarm(g, &code, source_line(g->prog->src, h->span.beg));
        const char *k = cg_expr_text(g, h->a, 1);
        cg_stmt(g, "sw_req_header(u, %s, %s);", k,
                cg_expr_text(g, h->b, 1));
    }
    cg_line_back(g, &code);
    g->out = NULL;
    sw__buf_printf(out, "\n/* default headers of %s %s */\n",
                   s->kind == SET_USER ? "user"
                   : s->kind == SET_SEQ ? "seq" : "taskset", s->name);
    if (g->split)
        sw__buf_printf(&g->protos, "void headers_%s(sw_user_t *u);\n",
                       s->name);
    sw__buf_printf(out, "%svoid headers_%s(sw_user_t *u)\n{\n",
                   g->split ? "" : "static ", s->name);
    sw__buf_add(out, code.ptr, code.len);
    sw__buf_adds(out, "}\n");
    sw__buf_free(&code);
}

/* The bytes of an embedded file: 32 a line. */
static void embedded_bytes(struct sw__buf *b, const struct str *c)
{
    if (c->len == 0) {
        sw__buf_adds(b, "\"\"");
        return;
    }
    for (size_t at = 0; at < c->len; at += 32) {
        size_t n = c->len - at < 32 ? c->len - at : 32;
        if (at > 0)
            sw__buf_adds(b, "\n    ");
        cg_cstring(b, c->s + at, n);
    }
}

void cg_files_table(const struct program *pg, struct sw__buf *b)
{
    if (pg->nfiles == 0)
        return;
    for (int i = 0; i < pg->nfiles; i++) {
        const struct part_file *f = &pg->files[i];
        if (!f->embed)
            continue;
        sw__buf_printf(b, "\nstatic const char file%d[] =\n    ", i);
        embedded_bytes(b, &f->content);
        sw__buf_adds(b, ";\n");
    }
    sw__buf_adds(b, "\n/* Files sent by multipart parts. */\n"
                 "static const sw_file_def_t files[] = {\n");
    for (int i = 0; i < pg->nfiles; i++) {
        const struct part_file *f = &pg->files[i];
        sw__buf_printf(b, "    [%d] = { .path = ", i);
        cg_cstring(b, f->path.s, f->path.len);
        if (f->embed)
            sw__buf_printf(b, ", .embedded = file%d, .embedded_len = "
                           "sizeof file%d - 1", i, i);
        sw__buf_adds(b, ", .filename = ");
        cg_cstring(b, f->filename.s, f->filename.len);
        if (f->type.s != NULL) {
            sw__buf_adds(b, ", .content_type = ");
            cg_cstring(b, f->type.s, f->type.len);
        }
        sw__buf_adds(b, " },\n");
    }
    sw__buf_adds(b, "};\n");
}

/* ---- the default headers' table ---------------------------------------- */

static int index_of(const struct program *pg, const struct set *s)
{
    for (int i = 0; i < pg->nsets; i++)
        if (pg->sets[i] == s)
            return i;
    return -1;
}

/* Marks the sets a user can reach (only their tables are written). */
static void mark(const struct program *pg, const struct set *s, char *live)
{
    int k = index_of(pg, s);
    if (k < 0 || live[k])
        return;
    live[k] = 1;
    for (int i = 0; i < s->ntasks; i++)
        if (s->tasks[i]->set != NULL)
            mark(pg, s->tasks[i]->set, live);
}

/* The live sets with headers: how many, and (b != NULL) their entries. */
static int entries(const struct program *pg, struct sw__buf *b)
{
    char *live = xmalloc((size_t)pg->nsets + 1);
    memset(live, 0, (size_t)pg->nsets + 1);
    for (int i = 0; i < pg->nsets; i++)
        if (pg->sets[i]->kind == SET_USER)
            mark(pg, pg->sets[i], live);
    int n = 0, user = 0;
    for (int i = 0; i < pg->nsets; i++) {
        const struct set *s = pg->sets[i];
        int u = s->kind == SET_USER ? user++ : -1;
        if (!live[i] || s->nheaders == 0)
            continue;
        n++;
        if (b == NULL)
            continue;
        if (u >= 0)
            sw__buf_printf(b, "    { &user_classes[%d].root, headers_%s },\n",
                           u, s->name);
        else
            sw__buf_printf(b, "    { &set_%s, headers_%s },\n", s->name,
                           s->name);
    }
    free(live);
    return n;
}

int cg_set_headers_count(const struct program *pg)
{
    return entries(pg, NULL);
}

void cg_set_headers_table(const struct program *pg, struct sw__buf *b)
{
    if (entries(pg, NULL) == 0)
        return;
    sw__buf_adds(b, "\n/* Default headers (`header` beside tasks), by set. */\n"
                 "static const sw_set_headers_t set_headers[] = {\n");
    entries(pg, b);
    sw__buf_adds(b, "};\n");
}
