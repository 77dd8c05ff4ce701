/*
 * diag.c - rendering diagnostics (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag *d, const struct source *src, FILE *out)
{
    d->src = src;
    d->out = out;
    d->errors = 0;
    d->warnings = 0;
    d->last_shown = 0;
}

/* The source line, then '^' under the first byte of the span and '~' under
 * the rest of it on that line.  Tabs are copied so the caret lines up. */
static void show_line(struct diag *d, struct span sp)
{
    const struct source *src = d->src;
    int line = source_line(src, sp.beg);
    uint32_t start, len;
    source_line_text(src, line, &start, &len);
    fprintf(d->out, "%.*s\n", (int)len, src->text + start);
    uint32_t end = sp.end > sp.beg ? sp.end : sp.beg + 1;
    if (end > start + len)
        end = start + len > sp.beg ? start + len : sp.beg + 1;
    for (uint32_t i = start; i < sp.beg; i++) {
        /* Only count the first byte of a UTF-8 sequence as a column. */
        unsigned char c = (unsigned char)src->text[i];
        if ((c & 0xC0) == 0x80)
            continue;
        fputc(c == '\t' ? '\t' : ' ', d->out);
    }
    fputc('^', d->out);
    for (uint32_t i = sp.beg + 1; i < end; i++) {
        unsigned char c = (unsigned char)src->text[i];
        if ((c & 0xC0) != 0x80)
            fputc('~', d->out);
    }
    fputc('\n', d->out);
}

static void emit(struct diag *d, const char *kind, struct span sp,
                 const char *fmt, va_list ap)
{
    fprintf(d->out, "%s:%d:%d: %s: ", d->src->path,
            source_line(d->src, sp.beg), source_column(d->src, sp.beg), kind);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    show_line(d, sp);
}

void diag_error(struct diag *d, struct span sp, const char *fmt, ...)
{
    d->errors++;
    d->last_shown = d->errors <= DIAG_MAX_ERRORS;
    if (!d->last_shown)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(d, "error", sp, fmt, ap);
    va_end(ap);
}

void diag_warning(struct diag *d, struct span sp, const char *fmt, ...)
{
    d->warnings++;
    d->last_shown = d->errors < DIAG_MAX_ERRORS;
    if (!d->last_shown)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(d, "warning", sp, fmt, ap);
    va_end(ap);
}

void diag_note(struct diag *d, struct span sp, const char *fmt, ...)
{
    if (!d->last_shown)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(d, "note", sp, fmt, ap);
    va_end(ap);
}

int diag_finish(struct diag *d)
{
    if (d->errors > DIAG_MAX_ERRORS)
        fprintf(d->out, "swarmc: too many errors, only the first %d shown\n",
                DIAG_MAX_ERRORS);
    if (d->errors > 0)
        fprintf(d->out, "swarmc: %d error%s generated.\n", d->errors,
                d->errors == 1 ? "" : "s");
    else if (d->warnings > 0)
        fprintf(d->out, "swarmc: %d warning%s generated.\n", d->warnings,
                d->warnings == 1 ? "" : "s");
    return d->errors;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Edit distance with adjacent transpositions (optimal string alignment),
 * case-insensitive: 'frist' finds 'first', 'checkout' finds 'CheckOut'. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2])
                && lower(a[i - 2]) == lower(b[j - 1])
                && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *diag_suggest(const char *name, const char *const *candidates)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t limit = strlen(name) / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    for (size_t i = 0; candidates[i] != NULL; i++) {
        size_t dist = distance(name, candidates[i]);
        if (dist < best_d && strcmp(name, candidates[i]) != 0) {
            best_d = dist;
            best = candidates[i];
        }
    }
    return best_d <= limit ? best : NULL;
}
