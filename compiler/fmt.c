/*
 * fmt.c - the canonical layout of a .swarm file (`swarmc fmt`).
 *
 * The formatter works on tokens, not on the tree, so that comments and
 * every literal stay exactly as written (strings, escapes and ${...} are
 * copied byte for byte; durations keep their spelling).  It changes only
 * blanks, and line ends where the scanner ignores them:
 *
 * - indentation: 4 spaces per open '{', '(' and '[';
 * - one space between tokens, none inside ( ) and [ ], before , ; : ) ]
 *   or around '.' and '..', none after a unary - or !, none between a
 *   function's name and its '(';
 * - a trailing ';' is dropped; `}` + newline + `else` joins as `} else`;
 * - trailing comments two spaces after the code, aligned with those on
 *   the neighbouring lines (a line without one ends the group);
 * - blank lines: at most one in a row, none after a '{' or before a '}',
 *   none at the start or end, and one around every top-level block that
 *   spans lines (above the comments that lead it).
 *
 * Newlines end statements, so the formatter keeps every one that means
 * something: the output has the same statements on the same relative
 * lines, and the same tokens (checked before anything is written).
 */
#include "fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

enum tk {
    TK_WORD, TK_NUM, TK_STR, TK_PUNCT, TK_COMMENT, TK_NL
};

struct tok {
    enum tk kind;
    const char *s;      /* borrowed from the source */
    size_t n;
};

struct toks {
    struct tok *v;
    int n, cap;
};

static void add(struct toks *t, enum tk k, const char *s, size_t n)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->v = xrealloc(t->v, sizeof(*t->v) * (size_t)t->cap);
    }
    t->v[t->n].kind = k;
    t->v[t->n].s = s;
    t->v[t->n].n = n;
    t->n++;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The end of a string starting at s[i] == '"': escapes skipped, ${...}
 * nested (strings inside it included), as grammar/lexer.l scans it. */
static size_t string_end(const char *s, size_t i, size_t n)
{
    i++;
    while (i < n && s[i] != '"' && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n') {
            i += 2;
        } else if (s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
            i += 2;
            while (i < n && s[i] != '}') {
                if (s[i] == '"')
                    i = string_end(s, i, n);
                else
                    i++;
            }
            if (i < n)
                i++;
        } else {
            i++;
        }
    }
    return i < n && s[i] == '"' ? i + 1 : i;
}

static size_t digits(const char *s, size_t i, size_t n)
{
    while (i < n && is_digit(s[i]))
        i++;
    return i;
}

/* NUM ( \. DIGITS )? */
static size_t num(const char *s, size_t i, size_t n)
{
    i = digits(s, i, n);
    if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1]))
        i = digits(s, i + 1, n);
    return i;
}

/* The number forms of lexer.l: 42, 0.5, 1h30m, 1.5s, 10%, 500/s. */
static size_t number_end(const char *s, size_t i, size_t n)
{
    size_t e = num(s, i, n);
    /* {NUM}([A-Za-z]+{NUM})*[A-Za-z]+ */
    size_t j = e, best = 0;
    for (;;) {
        size_t k = j;
        while (k < n && ((s[k] >= 'a' && s[k] <= 'z')
                         || (s[k] >= 'A' && s[k] <= 'Z')))
            k++;
        if (k == j)
            break;
        best = k;
        if (k < n && is_digit(s[k]))
            j = num(s, k, n);
        else
            break;
    }
    if (best)
        return best;
    if (e < n && s[e] == '%')
        return e + 1;
    if (e + 1 < n && s[e] == '/' && s[e + 1] == 's')
        return e + 2;
    return e;
}

static void tokenize(const char *s, size_t n, struct toks *t)
{
    static const char *const two[] = {
        "..", "==", "!=", "<=", ">=", "&&", "||", NULL
    };
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        size_t e = i + 1;
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if (c == '\n') {
            add(t, TK_NL, s + i, 1);
        } else if (c == '#') {
            while (e < n && s[e] != '\n')
                e++;
            while (e > i + 1 && (s[e - 1] == ' ' || s[e - 1] == '\t'
                                 || s[e - 1] == '\r'))
                e--;
            add(t, TK_COMMENT, s + i, e - i);
            while (e < n && s[e] != '\n')
                e++;
        } else if (c == '"') {
            e = string_end(s, i, n);
            add(t, TK_STR, s + i, e - i);
        } else if (c == 'p' && i + 1 < n && is_digit(s[i + 1])
                   && (e = digits(s, i + 1, n)) + 1 < n && s[e] == '.'
                   && is_digit(s[e + 1])) {
            /* p99.9: one word, as the scanner reads it */
            e = digits(s, e + 1, n);
            add(t, TK_WORD, s + i, e - i);
        } else if (is_alpha(c)) {
            e = i + 1;
            while (e < n && (is_alpha(s[e]) || is_digit(s[e])))
                e++;
            add(t, TK_WORD, s + i, e - i);
        } else if (is_digit(c)) {
            e = number_end(s, i, n);
            add(t, TK_NUM, s + i, e - i);
        } else {
            for (int k = 0; two[k] != NULL; k++)
                if (i + 1 < n && s[i] == two[k][0] && s[i + 1] == two[k][1])
                    e = i + 2;
            add(t, TK_PUNCT, s + i, e - i);
        }
        i = e;
    }
}

static int is(const struct tok *t, const char *s)
{
    return t != NULL && t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

/* Reserved words that are not values: a '(' after them is not a call. */
static int keyword(const struct tok *t)
{
    static const char *const kw[] = {
        "host", "user", "taskset", "seq", "task", "on_start", "on_stop",
        "data", "load", "threshold", "let", "if", "else", "repeat", "sleep",
        "stop", "interrupt", "schedule", "tag", "get", "post", "put",
        "patch", "delete", "head", "options", "in", "expect", "capture",
        "name", "header", "query", "json", "form", "body", "timeout", "auth",
        "redirects", "contains", "matches", "exists", "regex", "cookie",
        "while", "retry", "return", "on_test_start", "on_test_stop",
        NULL
    };
    if (t->kind != TK_WORD)
        return 0;
    for (int i = 0; kw[i] != NULL; i++)
        if (is(t, kw[i]))
            return 1;
    return 0;
}

/* A - or ! that applies to what follows: nothing before it that could
 * be a left operand. */
static int unary(const struct tok *prev, const struct tok *t)
{
    if (!is(t, "-") && !is(t, "!"))
        return 0;
    if (prev == NULL)
        return 1;
    if (prev->kind == TK_PUNCT)
        return !is(prev, ")") && !is(prev, "]") && !is(prev, "}");
    return keyword(prev);
}

/* Whether a blank goes between two tokens on one line.  pp_metric: pp is
 * the name after `count` / `record`, so a - or ! in `a` is unary. */
static int space_between(const struct tok *pp, const struct tok *a,
                         const struct tok *b, int pp_metric)
{
    if (is(b, ",") || is(b, ";") || is(b, ":") || is(b, ")") || is(b, "]"))
        return 0;
    if (is(a, "(") || is(a, "["))
        return 0;
    if (is(a, ".") || is(b, ".") || is(a, "..") || is(b, ".."))
        return 0;
    if (is(a, "{") && is(b, "}"))
        return 0;
    if (is(b, "(") && a->kind == TK_WORD && !keyword(a) && !is(a, "status")
        && !is(a, "user_id") && !is(a, "true") && !is(a, "false")
        && !is(a, "failed")
        && !is(pp, "count") && !is(pp, "record"))  /* a metric's name */
        return 0;   /* a call: random(1, 10), between(1s, 5s) */
    if (unary(pp, a) || (pp_metric && (is(a, "-") || is(a, "!"))))
        return 0;
    return 1;
}

struct line {
    char *code;             /* owned; "" for a blank or comment-only line */
    const struct tok *comment;
    int depth;              /* indentation level */
    int blank;
    int opens;              /* top level, ends with its block still open */
    int closes;             /* top level again after this line's '}' */
};

struct lines {
    struct line *v;
    int n, cap;
};

static struct line *new_line(struct lines *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 128;
        l->v = xrealloc(l->v, sizeof(*l->v) * (size_t)l->cap);
    }
    struct line *ln = &l->v[l->n++];
    memset(ln, 0, sizeof(*ln));
    return ln;
}

static int opener(const struct tok *t)
{
    return is(t, "{") || is(t, "(") || is(t, "[");
}

static int closer(const struct tok *t)
{
    return is(t, "}") || is(t, ")") || is(t, "]");
}

/* Splits the tokens into lines with their code laid out on one line. */
static void layout(const struct toks *t, struct lines *out)
{
    /* For each open bracket, the indentation of the line it opened on:
     * its contents go one deeper, its closing line back there, so a line
     * opening two brackets indents the next one level only. */
    int *open_at = NULL;
    int depth = 0, cap = 0;
    int i = 0;
    while (i < t->n) {
        int j = i;
        while (j < t->n && t->v[j].kind != TK_NL)
            j++;
        /* tokens i..j-1 are one source line */
        int end = j;
        const struct tok *comment = NULL;
        if (end > i && t->v[end - 1].kind == TK_COMMENT)
            comment = &t->v[--end];
        while (end > i && is(&t->v[end - 1], ";"))
            end--;
        struct line *ln = new_line(out);
        ln->comment = comment;
        int before = depth;
        int indent = depth > 0 ? open_at[depth - 1] + 1 : 0;
        if (i < end && closer(&t->v[i]) && depth > 0)
            indent = open_at[depth - 1];
        ln->depth = indent;
        ln->blank = end == i && comment == NULL;
        struct sw__buf b = { 0 };
        const struct tok *a = NULL, *pp = NULL, *ppp = NULL;
        for (int k = i; k < end; k++) {
            /* `; }`: the ';' ends nothing that '}' does not */
            if (is(&t->v[k], ";") && k + 1 < end && is(&t->v[k + 1], "}"))
                continue;
            if (a != NULL && space_between(pp, a, &t->v[k],
                                           is(ppp, "count")
                                           || is(ppp, "record")))
                sw__buf_addc(&b, ' ');
            sw__buf_add(&b, t->v[k].s, t->v[k].n);
            if (opener(&t->v[k])) {
                if (depth == cap) {
                    cap = cap ? cap * 2 : 32;
                    open_at = xrealloc(open_at, sizeof(int) * (size_t)cap);
                }
                open_at[depth++] = indent;
            } else if (closer(&t->v[k]) && depth > 0) {
                depth--;
            }
            ppp = pp;
            pp = a;
            a = &t->v[k];
        }
        ln->code = b.ptr ? b.ptr : calloc(1, 1);
        ln->opens = before == 0 && depth > 0;
        ln->closes = before > 0 && depth == 0;
        /* `}` newline `else`: the scanner joins them already. */
        if (end > i && is(&t->v[i], "else") && out->n >= 2) {
            int p = out->n - 2;
            while (p > 0 && out->v[p].blank)
                p--;
            struct line *prev = &out->v[p];
            size_t pl = strlen(prev->code);
            if (prev->comment == NULL && pl > 0 && prev->code[pl - 1] == '}') {
                char *joined = xmalloc(pl + strlen(ln->code) + 2);
                sprintf(joined, "%s %s", prev->code, ln->code);
                free(prev->code);
                prev->code = joined;
                prev->comment = ln->comment;
                prev->closes = ln->closes;
                free(ln->code);
                out->n = p + 1;
            }
        }
        i = j + 1;
    }
    free(open_at);
}

static void put_indent(struct sw__buf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        sw__buf_adds(b, "    ");
}

/* The blank-line rules, on the laid-out lines. */
static void blank_lines(struct lines *l)
{
    struct line *v = l->v;
    int n = 0;
    for (int i = 0; i < l->n; i++) {
        if (v[i].blank) {
            int prev_open = n > 0 && v[n - 1].code[0] != '\0'
                            && v[n - 1].code[strlen(v[n - 1].code) - 1]
                               == '{';
            if (n == 0 || v[n - 1].blank || prev_open) {
                free(v[i].code);
                continue;
            }
        }
        if (!v[i].blank && v[i].code[0] == '}' && n > 0 && v[n - 1].blank) {
            free(v[n - 1].code);
            n--;
        }
        v[n++] = v[i];
    }
    while (n > 0 && v[n - 1].blank) {
        free(v[n - 1].code);
        n--;
    }
    l->n = n;
    /* One blank line around each top-level block that spans lines; the
     * comment lines right above a block belong to it. */
    struct lines res = { 0 };
    for (int i = 0; i < l->n; i++) {
        int at = res.n;
        if (v[i].opens && v[i].depth == 0) {
            while (at > 0 && res.v[at - 1].code[0] == '\0'
                   && !res.v[at - 1].blank && res.v[at - 1].depth == 0)
                at--;
            if (at > 0 && !res.v[at - 1].blank) {
                new_line(&res);
                memmove(&res.v[at + 1], &res.v[at],
                        sizeof(*res.v) * (size_t)(res.n - 1 - at));
                res.v[at].code = calloc(1, 1);
                res.v[at].blank = 1;
                res.v[at].comment = NULL;
            }
        }
        *new_line(&res) = v[i];
        if (v[i].closes && i + 1 < l->n && !v[i + 1].blank) {
            struct line *bl = new_line(&res);
            bl->code = calloc(1, 1);
            bl->blank = 1;
        }
    }
    free(l->v);
    *l = res;
}

/* Trailing comments: two spaces after the longest code of their group. */
static void emit(const struct lines *l, struct sw__buf *out)
{
    for (int i = 0; i < l->n;) {
        const struct line *ln = &l->v[i];
        if (ln->comment == NULL || ln->code[0] == '\0') {
            if (!ln->blank || ln->comment != NULL) {
                put_indent(out, ln->depth);
                sw__buf_adds(out, ln->code);
                if (ln->comment != NULL)
                    sw__buf_add(out, ln->comment->s, ln->comment->n);
            }
            sw__buf_addc(out, '\n');
            i++;
            continue;
        }
        int j = i;
        size_t width = 0;
        while (j < l->n && l->v[j].comment != NULL
               && l->v[j].code[0] != '\0') {
            size_t w = (size_t)l->v[j].depth * 4 + strlen(l->v[j].code);
            if (w > width)
                width = w;
            j++;
        }
        for (int k = i; k < j; k++) {
            const struct line *c = &l->v[k];
            size_t w = (size_t)c->depth * 4 + strlen(c->code);
            put_indent(out, c->depth);
            sw__buf_adds(out, c->code);
            for (size_t s = w; s < width + 2; s++)
                sw__buf_addc(out, ' ');
            sw__buf_add(out, c->comment->s, c->comment->n);
            sw__buf_addc(out, '\n');
        }
        i = j;
    }
}

/* The same tokens, comments included, in the same order: blanks, line
 * ends and dropped ';' aside. */
static int same_tokens(const struct toks *a, const struct toks *b)
{
    int i = 0, j = 0;
    for (;;) {
        while (i < a->n && (a->v[i].kind == TK_NL || is(&a->v[i], ";")))
            i++;
        while (j < b->n && (b->v[j].kind == TK_NL || is(&b->v[j], ";")))
            j++;
        if (i == a->n || j == b->n)
            return i == a->n && j == b->n;
        if (a->v[i].kind != b->v[j].kind || a->v[i].n != b->v[j].n
            || memcmp(a->v[i].s, b->v[j].s, a->v[i].n) != 0)
            return 0;
        i++;
        j++;
    }
}

void fmt_source(const struct source *src, struct sw__buf *out)
{
    struct toks t = { 0 };
    tokenize(src->text, src->len, &t);
    struct lines l = { 0 };
    layout(&t, &l);
    blank_lines(&l);
    size_t start = out->len;
    emit(&l, out);
    struct toks again = { 0 };
    tokenize(out->ptr + start, out->len - start, &again);
    if (!same_tokens(&t, &again)) {
        fprintf(stderr, "swarmc: internal error: fmt would change the "
                "tokens of '%s'; it is left as it is\n", src->path);
        out->len = start;
        sw__buf_add(out, src->text, src->len);
    }
    for (int i = 0; i < l.n; i++)
        free(l.v[i].code);
    free(l.v);
    free(t.v);
    free(again.v);
}
