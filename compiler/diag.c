/*
 * diag.c - rendering diagnostics (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* One kept diagnostic (DIAG_JSON).  Notes follow the error or warning they
 * belong to, so children are the records after a top-level one. */
struct diag_rec {
    const char *kind;           /* "error", "warning", "note" (static) */
    char *message;              /* owned */
    struct span span;
    int has_fixit;
    struct span fix_span;
    char *fix_text;             /* owned */
};

void diag_init(struct diag *d, const struct source *src, FILE *out)
{
    memset(d, 0, sizeof(*d));
    d->src = src;
    d->out = out;
    d->format = DIAG_TEXT;
}

void diag_set_format(struct diag *d, enum diag_format f)
{
    d->format = f;
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

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    return s;
}

/* "...; did you mean 'X'?" about the span 'W' quoted first in the message:
 * the fix-it replaces W by X.  Only when the span is exactly that word, so
 * a suggestion about something else never rewrites the wrong text. */
static void auto_fixit(struct diag *d, const char *msg, struct span sp)
{
    const char *dym = strstr(msg, "did you mean '");
    const char *q = strchr(msg, '\'');
    if (dym == NULL || q == NULL || q > dym)
        return;
    const char *qe = strchr(q + 1, '\'');
    const char *w = dym + strlen("did you mean '");
    const char *we = strchr(w, '\'');
    if (qe == NULL || we == NULL)
        return;
    size_t n = (size_t)(qe - q - 1);
    if (sp.end - sp.beg != n || memcmp(d->src->text + sp.beg, q + 1, n) != 0)
        return;
    char *text = xmalloc((size_t)(we - w) + 1);
    memcpy(text, w, (size_t)(we - w));
    text[we - w] = '\0';
    diag_fixit(d, sp, text);
    free(text);
}

static void keep(struct diag *d, const char *kind, struct span sp,
                 const char *fmt, va_list ap)
{
    if (d->nrecs == d->caprecs) {
        d->caprecs = d->caprecs ? d->caprecs * 2 : 16;
        d->recs = xrealloc(d->recs, sizeof(*d->recs) * (size_t)d->caprecs);
    }
    struct diag_rec *r = &d->recs[d->nrecs++];
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->message = vformat(fmt, ap);
    r->span = sp;
    if (kind[0] != 'n')
        auto_fixit(d, r->message, sp);
}

static void emit(struct diag *d, const char *kind, struct span sp,
                 const char *fmt, va_list ap)
{
    if (d->format == DIAG_JSON) {
        keep(d, kind, sp, fmt, ap);
        return;
    }
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

void diag_fixit(struct diag *d, struct span sp, const char *text)
{
    if (d->format != DIAG_JSON || !d->last_shown)
        return;
    /* The last error or warning: notes never carry fix-its. */
    for (int i = d->nrecs - 1; i >= 0; i--) {
        struct diag_rec *r = &d->recs[i];
        if (r->kind[0] == 'n')
            continue;
        free(r->fix_text);
        r->has_fixit = 1;
        r->fix_span = sp;
        r->fix_text = xmalloc(strlen(text) + 1);
        strcpy(r->fix_text, text);
        return;
    }
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* gcc's location object: 1-based line, display column (tabs to 8, UTF-8
 * characters once) and byte column. */
static void json_point(struct diag *d, uint32_t off)
{
    const struct source *src = d->src;
    if (off > src->len)
        off = (uint32_t)src->len;
    int line = source_line(src, off);
    int col = source_column(src, off);
    fputs("{\"file\": ", d->out);
    json_string(d->out, src->path);
    fprintf(d->out, ", \"line\": %d, \"display-column\": %d, "
            "\"byte-column\": %u, \"column\": %d}", line, col,
            off - src->lines[line - 1] + 1, col);
}

/* caret and start at the first byte, finish at the last (inclusive). */
static void json_locations(struct diag *d, struct span sp)
{
    uint32_t last = sp.end > sp.beg ? sp.end - 1 : sp.beg;
    fputs("\"locations\": [{\"caret\": ", d->out);
    json_point(d, sp.beg);
    fputs(", \"start\": ", d->out);
    json_point(d, sp.beg);
    fputs(", \"finish\": ", d->out);
    json_point(d, last);
    fputs("}]", d->out);
}

static void json_rec(struct diag *d, const struct diag_rec *r)
{
    fputs("{\"kind\": ", d->out);
    json_string(d->out, r->kind);
    fputs(", \"message\": ", d->out);
    json_string(d->out, r->message);
    fputs(", ", d->out);
    json_locations(d, r->span);
    if (r->has_fixit) {
        fputs(", \"fixits\": [{\"start\": ", d->out);
        json_point(d, r->fix_span.beg);
        fputs(", \"next\": ", d->out);
        json_point(d, r->fix_span.end);
        fputs(", \"string\": ", d->out);
        json_string(d->out, r->fix_text);
        fputs("}]", d->out);
    }
}

/* One array, one top-level diagnostic per line; notes are its children. */
static void json_finish(struct diag *d)
{
    fputc('[', d->out);
    int first = 1;
    for (int i = 0; i < d->nrecs;) {
        fputs(first ? "" : ",\n ", d->out);
        first = 0;
        json_rec(d, &d->recs[i]);
        fputs(", \"column-origin\": 1, \"children\": [", d->out);
        int j = i + 1;
        for (; j < d->nrecs && d->recs[j].kind[0] == 'n'; j++) {
            fputs(j == i + 1 ? "" : ", ", d->out);
            json_rec(d, &d->recs[j]);
            fputc('}', d->out);
        }
        fputs("]}", d->out);
        i = j;
    }
    fputs("]\n", d->out);
    for (int i = 0; i < d->nrecs; i++) {
        free(d->recs[i].message);
        free(d->recs[i].fix_text);
    }
    free(d->recs);
    d->recs = NULL;
    d->nrecs = d->caprecs = 0;
}

int diag_finish(struct diag *d)
{
    if (d->format == DIAG_JSON) {
        json_finish(d);
        return d->errors;
    }
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
