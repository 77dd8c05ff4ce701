/*
 * values.c - per-user variables, the scratch arena and the scratch string
 * builders (sw_itoa, sw_cat, sw_json_quote, sw_urlencode, ...).
 *
 * Scratch strings live until the scheduler calls sw__scratch_reset() at the
 * next resume.  The arena is one block per user, reused at every resume;
 * what does not fit goes into overflow chunks that the reset frees.  When a
 * user keeps overflowing, the reset grows the block (up to a cap) so the
 * steady state makes no allocation at all.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swarm.h"
#include "user.h"
#include "data.h"
#include "util/pct.h"

/* First block size: enough for a few URLs and JSON bodies, small enough
 * that 100,000 idle users do not notice it (it is allocated lazily). */
#define SCRATCH_FIRST 1024
/* The block never grows past this (memory per user counts); larger needs
 * stay overflow chunks, freed at each reset. */
#define SCRATCH_MAX_BLOCK (16 * 1024)
/* Every allocation is aligned for any type (pcre2 or jansson may use it). */
#define SCRATCH_ALIGN 16

struct sw__scratch_chunk {
    struct sw__scratch_chunk *next;
    size_t size;                         /* bytes in data[] */
    size_t used;                         /* bytes handed out */
    _Alignas(SCRATCH_ALIGN) char data[];
};

static void oom(size_t n)
{
    fprintf(stderr, "swarm: out of memory (allocating %zu bytes)\n", n);
    abort();
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom(n);
    return p;
}

/* ===================================================================== */
/* Per-user storage                                                       */
/* ===================================================================== */

int sw__values_init(sw_user_t *u, int nvars)
{
    u->vars = NULL;
    if (nvars > 0) {
        u->vars = calloc((size_t)nvars, sizeof(*u->vars));
        if (u->vars == NULL)
            return -1;
    }
    memset(&u->scratch, 0, sizeof(u->scratch));
    return 0;
}

static void free_chunks(struct sw__scratch *s)
{
    struct sw__scratch_chunk *c = s->more;
    while (c != NULL) {
        struct sw__scratch_chunk *next = c->next;
        free(c);
        c = next;
    }
    s->more = NULL;
}

void sw__values_free(sw_user_t *u, int nvars)
{
    if (u->vars != NULL) {
        for (int i = 0; i < nvars; i++)
            free(u->vars[i].s);
        free(u->vars);
        u->vars = NULL;
    }
    free_chunks(&u->scratch);
    free(u->scratch.base);
    memset(&u->scratch, 0, sizeof(u->scratch));
}

/* ===================================================================== */
/* Scratch arena                                                          */
/* ===================================================================== */

void sw__scratch_reset(sw_user_t *u)
{
    struct sw__scratch *s = &u->scratch;

    if (s->more != NULL) {
        /* This resume needed more than the block: size the block for what
         * it used, so the next resume of this user fits in one block. */
        size_t want = s->cap;
        for (struct sw__scratch_chunk *c = s->more; c != NULL; c = c->next)
            want += c->used;
        free_chunks(s);
        if (want > SCRATCH_MAX_BLOCK)
            want = SCRATCH_MAX_BLOCK;
        if (want > s->cap) {
            /* Drop the old block first: nothing in it survives a reset, and
             * freeing before allocating keeps the peak low. */
            free(s->base);
            s->base = xmalloc(want);
            s->cap = want;
        }
    }
    s->used = 0;
}

void *sw__scratch_alloc(sw_user_t *u, size_t n)
{
    struct sw__scratch *s = &u->scratch;
    size_t need = (n + SCRATCH_ALIGN - 1) & ~(size_t)(SCRATCH_ALIGN - 1);

    if (need < n)
        oom(n);
    if (s->base == NULL) {
        s->base = xmalloc(SCRATCH_FIRST);
        s->cap = SCRATCH_FIRST;
        s->used = 0;
    }
    if (need <= s->cap - s->used) {
        void *p = s->base + s->used;
        s->used += need;
        return p;
    }
    /* Overflow: bump in the newest chunk while it has room, so that many
     * small allocations after an overflow do not each cost a malloc. */
    struct sw__scratch_chunk *c = s->more;
    if (c == NULL || need > c->size - c->used) {
        size_t size = need > s->cap ? need : s->cap;
        if (size > SIZE_MAX - sizeof(*c))
            oom(n);
        c = xmalloc(sizeof(*c) + size);
        c->size = size;
        c->used = 0;
        c->next = s->more;
        s->more = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    return p;
}

static char *scratch_strndup(sw_user_t *u, const char *s, size_t n)
{
    char *p = sw__scratch_alloc(u, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ===================================================================== */
/* Variables                                                              */
/* ===================================================================== */

int64_t sw_var_int(sw_user_t *u, int var)
{
    return u->vars[var].i;
}

void sw_var_set_int(sw_user_t *u, int var, int64_t v)
{
    u->vars[var].i = v;
}

const char *sw_var_str(sw_user_t *u, int var)
{
    const char *s = u->vars[var].s;
    return s != NULL ? s : "";
}

void sw_var_set_str(sw_user_t *u, int var, const char *s)
{
    /* Copy before freeing: s may be the variable's own current value. */
    char *copy = NULL;
    if (s != NULL && s[0] != '\0') {
        size_t n = strlen(s);
        copy = xmalloc(n + 1);
        memcpy(copy, s, n + 1);
    }
    free(u->vars[var].s);
    u->vars[var].s = copy;
}

const sw_row_t *sw_var_row(sw_user_t *u, int var)
{
    return u->vars[var].row;
}

void sw_var_set_row(sw_user_t *u, int var, const sw_row_t *row)
{
    u->vars[var].row = row;
}

/* ===================================================================== */
/* Scratch builders                                                       */
/* ===================================================================== */

const char *sw_itoa(sw_user_t *u, int64_t v)
{
    /* by hand: snprintf costs ~600 instructions a call, and a realistic
     * request formats a few numbers (random(), captured ids) */
    char buf[24];
    char *p = buf + sizeof(buf);
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        *--p = '-';
    return scratch_strndup(u, p, (size_t)(buf + sizeof(buf) - p));
}

const char *sw_btoa(sw_user_t *u, int v)
{
    (void)u;
    return v ? "true" : "false";
}

const char *sw_cat(sw_user_t *u, int n, ...)
{
    va_list ap;
    size_t total = 0;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        if (s != NULL)
            total += strlen(s);
    }
    va_end(ap);

    char *out = sw__scratch_alloc(u, total + 1);
    char *p = out;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        if (s != NULL) {
            size_t len = strlen(s);
            memcpy(p, s, len);
            p += len;
        }
    }
    va_end(ap);
    *p = '\0';
    return out;
}

const char *sw_json_quote(sw_user_t *u, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (s == NULL)
        s = "";
    /* Worst case: every byte becomes \u00XX (6 bytes), plus the quotes. */
    size_t n = strlen(s);
    char *out = sw__scratch_alloc(u, n * 6 + 3);
    char *p = out;

    *p++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"':  *p++ = '\\'; *p++ = '"'; break;
        case '\\': *p++ = '\\'; *p++ = '\\'; break;
        case '\b': *p++ = '\\'; *p++ = 'b'; break;
        case '\f': *p++ = '\\'; *p++ = 'f'; break;
        case '\n': *p++ = '\\'; *p++ = 'n'; break;
        case '\r': *p++ = '\\'; *p++ = 'r'; break;
        case '\t': *p++ = '\\'; *p++ = 't'; break;
        default:
            if (*c < 0x20 || *c == 0x7f) {
                *p++ = '\\'; *p++ = 'u'; *p++ = '0'; *p++ = '0';
                *p++ = hex[*c >> 4];
                *p++ = hex[*c & 15];
            } else {
                /* UTF-8 passes through: JSON text is UTF-8. */
                *p++ = (char)*c;
            }
        }
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

const char *sw_urlencode(sw_user_t *u, const char *s)
{
    if (s == NULL)
        s = "";
    size_t n = strlen(s);
    char *out = sw__scratch_alloc(u, SW__PCT_MAX(n) + 1);
    /* application/x-www-form-urlencoded as Python's urlencode (quote_plus)
     * writes it: unreserved characters kept, space as '+', the rest %XX. */
    sw__pct_encode(out, s, n, SW__PCT_SPACE_PLUS);
    return out;
}

int sw_streq(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}
