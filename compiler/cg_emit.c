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
static void escape_bytes(struct sw__buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '?') {
            char e[2] = { '\\', (char)c };
            sw__buf_add(b, e, 2);
        } else if (c >= 0x20 && c < 0x7f) {
            sw__buf_addc(b, (char)c);
        } else {
            sw__buf_printf(b, "\\%03o", c);
        }
    }
}

const char *const cg_cmp_c[] = {
    [OP_EQ] = "SW_CMP_EQ", [OP_NE] = "SW_CMP_NE", [OP_LT] = "SW_CMP_LT",
    [OP_LE] = "SW_CMP_LE", [OP_GT] = "SW_CMP_GT", [OP_GE] = "SW_CMP_GE"
};

void cg_cstring(struct sw__buf *b, const char *s, size_t len)
{
    sw__buf_addc(b, '"');
    escape_bytes(b, s, len);
    sw__buf_addc(b, '"');
}

void cg_cstr(struct sw__buf *b, const char *s)
{
    cg_cstring(b, s, strlen(s));
}

void cg_cstring_lines(struct sw__buf *b, const char *s, size_t len,
                      int indent)
{
    if (len == 0) {
        sw__buf_adds(b, "\"\"");
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
            sw__buf_printf(b, "\n%*s", indent, "");
        cg_cstring(b, s + start, end - start);
        start = end;
    }
}

void cg_line_swarm(struct cg *g, struct sw__buf *b, int line)
{
    if (!g->opt->line_directives)
        return;
    sw__buf_printf(b, "#line %d ", line);
    cg_cstr(b, g->opt->swarm_path);
    sw__buf_addc(b, '\n');
    g->mapped = 1;
}

void cg_line_back(struct cg *g, struct sw__buf *b)
{
    if (!g->mapped)
        return;
    sw__buf_adds(b, CG_LINE_BACK);
    g->mapped = 0;
}

void cg_resolve_lines(const struct cg_options *opt, struct sw__buf *b)
{
    struct sw__buf out = { 0 };
    int line = 1;
    size_t i = 0;
    size_t mlen = strlen(CG_LINE_BACK);
    while (i < b->len) {
        if (b->len - i >= mlen &&
            memcmp(b->ptr + i, CG_LINE_BACK, mlen) == 0) {
            /* #line names the number of the line after the directive. */
            sw__buf_printf(&out, "#line %d ", line + 1);
            cg_cstr(&out, opt->c_name);
            sw__buf_addc(&out, '\n');
            i += mlen;
            line++;
            continue;
        }
        if (b->ptr[i] == '\n')
            line++;
        sw__buf_addc(&out, b->ptr[i]);
        i++;
    }
    sw__buf_free(b);
    *b = out;
}

void cg_stmt(struct cg *g, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    sw__buf_printf(g->out, "%*s", g->indent, "");
    if (n >= 0 && (size_t)n < sizeof(small)) {
        sw__buf_adds(g->out, small);
    } else if (n >= 0) {
        char *big = xmalloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sw__buf_adds(g->out, big);
        free(big);
    }
    sw__buf_addc(g->out, '\n');
    g->label_pending = 0;
}

void cg_double(struct sw__buf *b, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        sw__buf_printf(b, "%lld", (long long)v);
        return;
    }
    char s[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof(s), "%.*g", prec, v);
        if (strtod(s, NULL) == v)
            break;
    }
    sw__buf_adds(b, s);
}

void cg_parts_text(struct cg_parts *p, const char *s, size_t len)
{
    sw__buf_add(&p->text, s, len);
    if (p->text.ptr == NULL)
        sw__buf_add(&p->text, "", 0);
}

static void flush_text(struct cg_parts *p)
{
    if (p->text.ptr == NULL)
        return;
    sw__buf_adds(&p->args, ", ");
    cg_cstring(&p->args, p->text.ptr, p->text.len);
    p->n++;
    sw__buf_free(&p->text);
}

void cg_parts_expr(struct cg_parts *p, const char *c_expr)
{
    if (p->text.ptr != NULL && p->text.len == 0)
        sw__buf_free(&p->text);
    flush_text(p);
    sw__buf_printf(&p->args, ", %s", c_expr);
    p->n++;
}

void cg_parts_end(struct cg *g, struct cg_parts *p, struct sw__buf *b)
{
    if (p->n == 0) {
        /* All constant: a plain literal. */
        cg_cstring(b, p->text.ptr ? p->text.ptr : "", p->text.len);
    } else {
        if (p->text.ptr != NULL && p->text.len > 0)
            flush_text(p);
        if (p->n == 1) {
            sw__buf_adds(b, p->args.ptr + 2);     /* one piece: no sw_cat */
        } else {
            sw__buf_printf(b, "sw_cat(u, %d%s)", p->n, p->args.ptr);
            g->uses_u = 1;
        }
    }
    sw__buf_free(&p->text);
    sw__buf_free(&p->args);
}
