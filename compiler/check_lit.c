/*
 * check_lit.c - literals outside expressions (durations, numbers) and the
 * compile-time reading of feeder CSV files.
 */
#include "check_int.h"
#include "arena.h"
#include "util/buf.h"
#include "util/csv.h"

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

/* The feeder's columns: the names in the header record, parsed as the
 * runtime parses it (util/csv.h) and trimmed as the runtime matches them,
 * so a column the checker accepts is one the runtime finds.  0 or -1. */
static int read_header(struct checker *ck, struct feeder *f, struct span sp,
                       const char *full, struct str text)
{
    struct sw__csv c;
    size_t *offs = NULL;
    size_t noffs = 0, cap = 0, o = 0, nfields = 0;
    char *out = xmalloc(text.len + 1);
    char why[160];
    sw__csv_init(&c, text.s, text.len);
    int rc = sw__csv_record(&c, out, &o, &offs, &noffs, &cap, &nfields, why,
                            sizeof(why));
    if (rc < 0)
        ck_error(ck, sp, "'%s': %s", full, why);
    else if (rc == 0)
        ck_error(ck, sp, "'%s' has no header line naming its columns", full);
    f->columns = rc > 0 ? arena_alloc(ck->arena, nfields * sizeof(char *))
                        : NULL;
    f->ncolumns = rc > 0 ? (int)nfields : 0;
    for (int k = 0; k < f->ncolumns; k++) {
        size_t n;
        const char *name = sw__csv_trim(out + offs[k], &n);
        f->columns[k] = arena_strndup(ck->arena, name, n);
    }
    free(out);
    free(offs);
    return rc > 0 ? 0 : -1;
}

int ck_read_file(struct checker *ck, struct str path, struct span sp,
                 struct str *out)
{
    char *full = resolve(ck, path);
    FILE *fp = fopen(full, "rb");
    if (fp == NULL) {
        ck_error(ck, sp, "cannot open '%s': %s", full, strerror(errno));
        return -1;
    }
    struct sw__buf data = { 0 };
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        sw__buf_add(&data, chunk, got);
    int failed = ferror(fp);
    fclose(fp);
    if (failed) {
        sw__buf_free(&data);
        ck_error(ck, sp, "cannot read '%s'", full);
        return -1;
    }
    out->s = arena_strndup(ck->arena, data.ptr ? data.ptr : "", data.len);
    out->len = data.len;
    sw__buf_free(&data);
    return 0;
}

int ck_feeder_file(struct checker *ck, struct feeder *f, struct span sp)
{
    struct str text;
    if (ck_read_file(ck, f->path, sp, &text) != 0)
        return -1;
    const char *full = resolve(ck, f->path);

    if (read_header(ck, f, sp, full, text) != 0)
        return -1;
    if (f->embed)
        f->content = text;
    return 0;
}
