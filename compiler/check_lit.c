/*
 * check_lit.c - literals outside expressions (durations, numbers) and the
 * compile-time reading of feeder CSV files.
 */
#include "check_int.h"
#include "arena.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The units, largest first: a duration names them in this order. */
static const struct { const char *name; int64_t ms; } units[] = {
    { "h", 3600000 }, { "m", 60000 }, { "s", 1000 }, { "ms", 1 },
};
#define NUNITS ((int)(sizeof(units) / sizeof(units[0])))

int ck_duration(struct checker *ck, const char *text, struct span sp,
                int64_t *ms)
{
    const char *p = text;
    int last = -1;              /* index of the previous unit */
    double total = 0;
    while (*p != '\0') {
        char *end;
        double v = strtod(p, &end);
        if (end == p)
            break;
        p = end;
        const char *u = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            p++;
        int k = -1;
        for (int i = 0; i < NUNITS; i++)
            if ((size_t)(p - u) == strlen(units[i].name)
                && strncmp(u, units[i].name, (size_t)(p - u)) == 0)
                k = i;
        if (k < 0) {
            ck_error(ck, sp, "unknown unit '%.*s' in duration '%s' "
                     "(use ms, s, m or h)", (int)(p - u), u, text);
            return -1;
        }
        if (k <= last) {
            ck_error(ck, sp, "bad duration '%s': each unit at most once, "
                     "largest first (as in 1h30m)", text);
            return -1;
        }
        last = k;
        total += v * (double)units[k].ms;
    }
    if (total > 9.2e15) {
        ck_error(ck, sp, "duration '%s' is too long", text);
        return -1;
    }
    if (total != floor(total)) {
        ck_error(ck, sp, "duration '%s' is not a whole number of "
                 "milliseconds", text);
        return -1;
    }
    *ms = (int64_t)total;
    return 0;
}

int ck_lit_duration(struct checker *ck, const struct lit *l, int allow_zero,
                    const char *what, int64_t *ms)
{
    if (l->kind == LIT_INT || l->kind == LIT_FLOAT) {
        ck_error(ck, l->span, "%s '%s' needs a unit (ms, s, m or h)", what,
                 l->text);
        return -1;
    }
    if (l->kind != LIT_DURATION) {
        ck_error(ck, l->span, "%s must be a duration, not '%s'", what,
                 l->text);
        return -1;
    }
    if (ck_duration(ck, l->text, l->span, ms) != 0)
        return -1;
    if (*ms == 0 && !allow_zero) {
        ck_error(ck, l->span, "%s must be longer than zero", what);
        return -1;
    }
    return 0;
}

int ck_lit_value(struct checker *ck, const struct lit *l, double *out)
{
    if (l->kind == LIT_INT) {
        *out = (double)l->i;
        return 0;
    }
    /* The lexer lets through any number of digits; "1e400" is not
     * written (no exponents), but 400 digits are, and they would reach
     * the generated C as inf. */
    double v = strtod(l->text, NULL);
    if (!isfinite(v) || v > CK_MAX_NUMBER) {
        ck_error(ck, l->span, "number out of range (at most %.0f)",
                 CK_MAX_NUMBER);
        return -1;
    }
    *out = v;
    return 0;
}

int ck_lit_rate(struct checker *ck, const struct lit *l, const char *what,
                int allow_zero, double *out)
{
    double v;
    if (ck_lit_value(ck, l, &v) != 0)
        return -1;
    if (v == 0 && allow_zero) {
        *out = 0;
        return 0;
    }
    if (v < CK_MIN_RATE || v > CK_MAX_RATE) {
        ck_error(ck, l->span, "%s out of range: from %g to %.0f per "
                 "second%s", what, CK_MIN_RATE, CK_MAX_RATE,
                 allow_zero ? ", or 0" : "");
        return -1;
    }
    *out = v;
    return 0;
}

int ck_lit_number(struct checker *ck, const struct lit *l, const char *what,
                  double *out)
{
    if (l->kind == LIT_INT || l->kind == LIT_FLOAT)
        return ck_lit_value(ck, l, out);
    ck_error(ck, l->span, "%s must be a number, not '%s'", what, l->text);
    return -1;
}

int ck_lit_count(struct checker *ck, const struct lit *l, const char *what,
                 int64_t min, int64_t *out)
{
    if (l->kind != LIT_INT) {
        ck_error(ck, l->span, "%s must be a whole number, not '%s'", what,
                 l->text);
        return -1;
    }
    if (l->i < min) {
        ck_error(ck, l->span, "%s must be at least %lld", what,
                 (long long)min);
        return -1;
    }
    if (l->i > 1000000000) {
        ck_error(ck, l->span, "%s is too large", what);
        return -1;
    }
    *out = l->i;
    return 0;
}

/* ---- feeder files ---- */

/* The file relative to the directory of the .swarm file. */
static char *resolve(struct checker *ck, struct str path)
{
    const char *src = ck->prog->src->path;
    const char *slash = strrchr(src, '/');
    if (path.s[0] == '/' || slash == NULL)
        return arena_strndup(ck->arena, path.s, path.len);
    return arena_printf(ck->arena, "%.*s/%s", (int)(slash - src), src,
                        path.s);
}

/* Splits the header line: commas, "quoted ""fields""", spaces trimmed. */
static void split_header(struct checker *ck, struct feeder *f,
                         const char *line, size_t len)
{
    int cap = 0;
    size_t i = 0;
    for (;;) {
        char *col = arena_alloc(ck->arena, len + 1);
        size_t n = 0;
        while (i < len && line[i] == ' ')
            i++;
        if (i < len && line[i] == '"') {
            i++;
            while (i < len) {
                if (line[i] == '"' && i + 1 < len && line[i + 1] == '"') {
                    col[n++] = '"';
                    i += 2;
                } else if (line[i] == '"') {
                    i++;
                    break;
                } else {
                    col[n++] = line[i++];
                }
            }
            while (i < len && line[i] != ',')
                i++;
        } else {
            while (i < len && line[i] != ',')
                col[n++] = line[i++];
            while (n > 0 && col[n - 1] == ' ')
                n--;
        }
        col[n] = '\0';
        f->columns = arena_grow(ck->arena, f->columns, f->ncolumns, &cap,
                                sizeof(char *));
        f->columns[f->ncolumns++] = col;
        if (i >= len)
            break;
        i++;                    /* the comma */
    }
}

int ck_feeder_file(struct checker *ck, struct feeder *f, struct span sp)
{
    char *full = resolve(ck, f->path);
    FILE *fp = fopen(full, "rb");
    if (fp == NULL) {
        ck_error(ck, sp, "cannot open '%s': %s", full, strerror(errno));
        return -1;
    }
    struct str text = { NULL, 0 };
    size_t cap = 0;
    char chunk[8192];
    char *data = NULL;
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (text.len + got + 1 > cap) {
            cap = (text.len + got + 1) * 2;
            data = xrealloc(data, cap);
        }
        memcpy(data + text.len, chunk, got);
        text.len += got;
    }
    int failed = ferror(fp);
    fclose(fp);
    if (failed) {
        free(data);
        ck_error(ck, sp, "cannot read '%s'", full);
        return -1;
    }
    text.s = arena_strndup(ck->arena, data ? data : "", text.len);
    free(data);

    const char *line = text.s;
    size_t len = 0;
    if (text.len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
        line += 3;              /* a UTF-8 byte order mark */
    while (line + len < text.s + text.len && line[len] != '\n')
        len++;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len == 0) {
        ck_error(ck, sp, "'%s' has no header line naming its columns",
                 full);
        return -1;
    }
    split_header(ck, f, line, len);
    if (f->embed)
        f->content = text;
    return 0;
}
