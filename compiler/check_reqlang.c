/*
 * check_reqlang.c - the request-side additions: multipart { } bodies and
 * their files, default headers (`header` at user, taskset or seq level),
 * and the cookie statements (`cookie "n" = V`, `clear cookies`).
 */
#include "check_int.h"
#include "arena.h"
#include "util/buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A string, or an int or bool that is formatted. */
static void text_value(struct checker *ck, struct expr *e, const char *what)
{
    if (ck_expr(ck, e) == TY_ROW)
        ck_error(ck, e->span, "%s cannot be a row; take one of its "
                 "columns (.name)", what);
}

static void string_value(struct checker *ck, struct expr *e,
                         const char *what)
{
    enum type t = ck_expr(ck, e);
    if (t != TY_STR && t != TY_ERROR && !e->bad)
        ck_error(ck, e->span, "%s must be a string, not %s", what,
                 ck_a_type(t));
}

/* A plain string literal's text, or an error naming what it is. */
static int literal(struct checker *ck, struct expr *e, const char *what,
                   struct str *out)
{
    if (ast_str_literal(e, out))
        return 1;
    ck_error(ck, e->span, "%s must be a plain string (no ${...})", what);
    return 0;
}

/* ---- multipart ---------------------------------------------------------- */

static const char *const file_words[] = { "type", "filename", "embed", NULL };

static void file_part(struct checker *ck, struct mpart *mp)
{
    static const char *const kinds[] = { "file", NULL };
    if (strcmp(mp->word, "file") != 0) {
        ck_unknown(ck, mp->word_span, "part kind", mp->word, kinds);
        return;
    }
    struct part_file f = { 0 };
    f.span = mp->span;
    int ok = literal(ck, mp->path, "a file path (read at start-up)",
                     &f.path);
    if (ok && f.path.len == 0) {
        ck_error(ck, mp->path->span, "a file path cannot be empty");
        ok = 0;
    }
    struct mattr *seen[3] = { NULL, NULL, NULL };
    for (struct mattr *a = mp->attrs; a != NULL; a = a->next) {
        int k = 0;
        while (file_words[k] != NULL && strcmp(file_words[k], a->word) != 0)
            k++;
        if (file_words[k] == NULL) {
            ck_unknown(ck, a->word_span, "file option", a->word, file_words);
            ok = 0;
            continue;
        }
        if (seen[k] != NULL) {
            ck_error(ck, a->word_span, "a file part has one '%s'", a->word);
            ck_note(ck, seen[k]->word_span, "the first one is here");
            ok = 0;
            continue;
        }
        seen[k] = a;
        if (k == 2) {
            if (a->arg != NULL) {
                ck_error(ck, a->arg->span, "'embed' takes no value");
                ok = 0;
            }
            f.embed = 1;
            continue;
        }
        if (a->arg == NULL) {
            ck_error(ck, a->word_span, "'%s' needs a string, as in %s",
                     a->word, k == 0 ? "type \"image/png\""
                                     : "filename \"photo.png\"");
            ok = 0;
            continue;
        }
        struct str v;
        if (!literal(ck, a->arg, k == 0 ? "a part's type" : "a file name",
                     &v)) {
            ok = 0;
            continue;
        }
        if (memchr(v.s, '\n', v.len) || memchr(v.s, '\r', v.len) ||
            memchr(v.s, '\0', v.len)) {
            ck_error(ck, a->arg->span, "%s cannot hold a line break or a "
                     "NUL", k == 0 ? "a part's type" : "a file name");
            ok = 0;
            continue;
        }
        if (k == 0)
            f.type = v;
        else
            f.filename = v;
    }
    /* Files are registered once, in the round that reports. */
    if (!ok || ck->quiet)
        return;
    if (f.filename.s == NULL) {
        const char *slash = strrchr(f.path.s, '/');
        f.filename.s = slash ? slash + 1 : f.path.s;
        f.filename.len = strlen(f.filename.s);
    }
    if (f.embed && ck_read_file(ck, f.path, mp->path->span, &f.content) != 0)
        return;
    struct program *pg = ck->prog;
    pg->files = arena_grow(ck->arena, pg->files, pg->nfiles, &pg->files_cap,
                           sizeof(struct part_file));
    mp->file_index = pg->nfiles;
    pg->files[pg->nfiles++] = f;
}

void ck_multipart(struct checker *ck, struct opt *o)
{
    for (struct mpart *mp = o->parts; mp != NULL; mp = mp->next) {
        struct str key;
        literal(ck, mp->key, "a part's name", &key);
        mp->file_index = -1;
        if (mp->value != NULL)
            text_value(ck, mp->value, "a part's value");
        else
            file_part(ck, mp);
    }
}

/* ---- cookies ------------------------------------------------------------ */

void ck_cookie(struct checker *ck, struct stmt *s)
{
    static const char *const words[] = { "domain", "path", NULL };
    string_value(ck, s->arg, "a cookie's name");
    struct str name;
    if (ast_str_literal(s->arg, &name)) {
        if (name.len == 0)
            ck_error(ck, s->arg->span, "a cookie's name cannot be empty");
        for (size_t i = 0; i < name.len; i++) {
            unsigned char c = (unsigned char)name.s[i];
            if (c <= ' ' || c == 0x7f || c == '=' || c == ';' || c == ',') {
                ck_error(ck, s->arg->span, "a cookie's name cannot hold "
                         "blanks, control characters, '=', ';' or ','");
                break;
            }
        }
    }
    text_value(ck, s->expr, "a cookie's value");
    struct mattr *seen[2] = { NULL, NULL };
    for (struct mattr *a = s->attrs; a != NULL; a = a->next) {
        int k = strcmp(a->word, "domain") == 0 ? 0
                : strcmp(a->word, "path") == 0 ? 1 : -1;
        if (k < 0) {
            ck_unknown(ck, a->word_span, "cookie option", a->word, words);
            continue;
        }
        if (seen[k] != NULL) {
            ck_error(ck, a->word_span, "a cookie has one '%s'", a->word);
            ck_note(ck, seen[k]->word_span, "the first one is here");
            continue;
        }
        seen[k] = a;
        if (a->arg == NULL) {
            ck_error(ck, a->word_span, "'%s' needs a string, as in %s",
                     a->word, k == 0 ? "domain \"example.com\""
                                     : "path \"/api\"");
            continue;
        }
        string_value(ck, a->arg, k == 0 ? "a cookie's domain"
                                        : "a cookie's path");
        struct str v;
        if (k == 1 && ast_str_literal(a->arg, &v) &&
            (v.len == 0 || v.s[0] != '/'))
            ck_error(ck, a->arg->span, "a cookie's path starts with '/'");
    }
}

void ck_clear(struct checker *ck, struct stmt *s)
{
    static const char *const words[] = { "cookies", NULL };
    if (strcmp(s->name, "cookies") != 0)
        ck_unknown(ck, s->name_span, "thing to clear", s->name, words);
}

/* ---- default headers ---------------------------------------------------- */

void ck_set_header(struct checker *ck, struct set *set, struct member *m)
{
    int cap = set->nheaders;
    set->headers = arena_grow(ck->arena, set->headers, set->nheaders, &cap,
                              sizeof(struct opt *));
    set->headers[set->nheaders++] = m->header;
}

/* next() takes a row for the statement it is in; a default header has
 * none (it is evaluated for every request below it). */
static void no_next(struct checker *ck, const struct expr *e)
{
    for (; e != NULL; e = e->next) {
        if (e->kind == EX_CALL && e->builtin == BI_NEXT) {
            ck_error(ck, e->span, "next() in a default header: it is "
                     "evaluated for every request; take the row in a task "
                     "with let and use the variable");
            return;
        }
        if (e->kind == EX_CALL)
            no_next(ck, e->args);
        no_next(ck, e->lhs);
        no_next(ck, e->rhs);
        for (const struct str_part *p = e->parts; p != NULL; p = p->next)
            no_next(ck, p->expr);
    }
}

void ck_default_headers(struct checker *ck)
{
    struct program *pg = ck->prog;
    for (int i = 0; i < pg->nsets; i++) {
        struct set *s = pg->sets[i];
        ck->set = s;
        ck->body = BODY_TASK;
        ck->task = NULL;
        for (int k = 0; k < s->nheaders; k++) {
            struct opt *h = s->headers[k];
            string_value(ck, h->a, "a header name");
            text_value(ck, h->b, "a header value");
            no_next(ck, h->a);
            no_next(ck, h->b);
        }
    }
}
