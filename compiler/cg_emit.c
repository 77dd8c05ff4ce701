/*
 * cg_emit.c - the low-level emitters: C string literals, #line directives,
 * indented statements and string building.
 */
#include "cg_int.h"
#include "arena.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The one place user text becomes C.  Inside the quotes:
 *   "  and  \        are backslash-escaped;
 *   ?                is \? so no trigraph (??/ and friends) can form;
 *   printable ASCII  is itself (so "*" "/" is harmless: it is in a string,
 *                    and user text is never written into a comment);
 *   anything else    (control bytes, NUL, newlines, UTF-8 bytes) is a
 *                    three-digit octal escape, which can never absorb a
 *                    following digit the way \x or a short octal would.
 */
static void escape_bytes(struct buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '?') {
            char e[2] = { '\\', (char)c };
            buf_put(b, e, 2);
        } else if (c >= 0x20 && c < 0x7f) {
            buf_putc(b, (char)c);
        } else {
            buf_printf(b, "\\%03o", c);
        }
    }
}

const char *const cg_cmp_c[] = {
    [OP_EQ] = "SW_CMP_EQ", [OP_NE] = "SW_CMP_NE", [OP_LT] = "SW_CMP_LT",
    [OP_LE] = "SW_CMP_LE", [OP_GT] = "SW_CMP_GT", [OP_GE] = "SW_CMP_GE"
};

void cg_cstring(struct buf *b, const char *s, size_t len)
{
    buf_putc(b, '"');
    escape_bytes(b, s, len);
    buf_putc(b, '"');
}

void cg_cstr(struct buf *b, const char *s)
{
    cg_cstring(b, s, strlen(s));
}

void cg_cstring_lines(struct buf *b, const char *s, size_t len, int indent)
{
    if (len == 0) {
        buf_puts(b, "\"\"");
        return;
    }
    size_t start = 0;
    while (start < len) {
        size_t end = start;
        while (end < len && s[end] != '\n')
            end++;
        if (end < len)
            end++;
        if (start > 0)
            buf_printf(b, "\n%*s", indent, "");
        cg_cstring(b, s + start, end - start);
        start = end;
    }
}

void cg_line_swarm(struct cg *g, struct buf *b, int line)
{
    if (!g->opt->line_directives)
        return;
    buf_printf(b, "#line %d ", line);
    cg_cstr(b, g->opt->swarm_path);
    buf_putc(b, '\n');
    g->mapped = 1;
}

void cg_line_back(struct cg *g, struct buf *b)
{
    if (!g->mapped)
        return;
    buf_puts(b, CG_LINE_BACK);
    g->mapped = 0;
}

void cg_resolve_lines(const struct cg_options *opt, struct buf *b)
{
    struct buf out = { 0 };
    int line = 1;
    size_t i = 0;
    size_t mlen = strlen(CG_LINE_BACK);
    while (i < b->len) {
        if (b->len - i >= mlen && memcmp(b->p + i, CG_LINE_BACK, mlen) == 0) {
            /* #line names the number of the line after the directive. */
            buf_printf(&out, "#line %d ", line + 1);
            cg_cstr(&out, opt->c_name);
            buf_putc(&out, '\n');
            i += mlen;
            line++;
            continue;
        }
        if (b->p[i] == '\n')
            line++;
        buf_putc(&out, b->p[i]);
        i++;
    }
    buf_free(b);
    *b = out;
}

void cg_stmt(struct cg *g, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    buf_printf(g->out, "%*s", g->indent, "");
    if (n >= 0 && (size_t)n < sizeof(small)) {
        buf_puts(g->out, small);
    } else if (n >= 0) {
        char *big = xmalloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        buf_puts(g->out, big);
        free(big);
    }
    buf_putc(g->out, '\n');
    g->label_pending = 0;
}

void cg_double(struct buf *b, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        buf_printf(b, "%lld", (long long)v);
        return;
    }
    char s[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof(s), "%.*g", prec, v);
        if (strtod(s, NULL) == v)
            break;
    }
    buf_puts(b, s);
}

void cg_parts_text(struct cg_parts *p, const char *s, size_t len)
{
    buf_put(&p->text, s, len);
    if (p->text.p == NULL)
        buf_put(&p->text, "", 0);
}

static void flush_text(struct cg_parts *p)
{
    if (p->text.p == NULL)
        return;
    buf_puts(&p->args, ", ");
    cg_cstring(&p->args, p->text.p, p->text.len);
    p->n++;
    buf_free(&p->text);
}

void cg_parts_expr(struct cg_parts *p, const char *c_expr)
{
    if (p->text.p != NULL && p->text.len == 0)
        buf_free(&p->text);
    flush_text(p);
    buf_printf(&p->args, ", %s", c_expr);
    p->n++;
}

void cg_parts_end(struct cg *g, struct cg_parts *p, struct buf *b)
{
    if (p->n == 0) {
        /* All constant: a plain literal. */
        cg_cstring(b, p->text.p ? p->text.p : "", p->text.len);
    } else {
        if (p->text.p != NULL && p->text.len > 0)
            flush_text(p);
        if (p->n == 1) {
            buf_puts(b, p->args.p + 2);     /* one piece: no sw_cat */
        } else {
            buf_printf(b, "sw_cat(u, %d%s)", p->n, p->args.p);
            g->uses_u = 1;
        }
    }
    buf_free(&p->text);
    buf_free(&p->args);
}
