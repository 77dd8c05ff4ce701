/*
 * buf.c - growable byte buffers and arrays (see buf.h).
 */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first allocation of a buffer: most hold a URL, a name or a line. */
#define BUF_MIN_CAP 64
/* The first allocation of an array, in elements. */
#define ARRAY_MIN_CAP 64

_Noreturn void sw__oom(void)
{
    fputs("swarm: out of memory\n", stderr);
    abort();
}

void sw__buf_reserve(struct sw__buf *b, size_t extra)
{
    if (extra >= SIZE_MAX / 2 - b->len)
        sw__oom();
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : BUF_MIN_CAP;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->ptr, cap);
    if (p == NULL)
        sw__oom();
    b->ptr = p;
    b->cap = cap;
}

void sw__buf_add_u64(struct sw__buf *b, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sw__buf_add(b, tmp + sizeof tmp - n, (size_t)n);
}

void sw__buf_adds(struct sw__buf *b, const char *s)
{
    sw__buf_add(b, s, strlen(s));
}

void sw__buf_addc(struct sw__buf *b, char c)
{
    sw__buf_add(b, &c, 1);
}

void sw__buf_vprintf(struct sw__buf *b, const char *fmt, va_list ap)
{
    /* Formats straight into the spare room; only text longer than that
     * is formatted twice.  (Not vsnprintf(NULL, 0, ...) first: besides
     * the second pass, GCC 12's -Wformat-truncation rejects it under
     * -fsanitize=undefined.) */
    sw__buf_reserve(b, BUF_MIN_CAP);
    size_t room = b->cap - b->len;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(b->ptr + b->len, room, fmt, ap);
    if (n > 0 && (size_t)n >= room) {
        sw__buf_reserve(b, (size_t)n);
        vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, again);
    }
    va_end(again);
    if (n <= 0) {
        b->ptr[b->len] = '\0';     /* nothing (or an encoding error) */
        return;
    }
    b->len += (size_t)n;
}

void sw__buf_printf(struct sw__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sw__buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void sw__buf_set(struct sw__buf *b, const char *s)
{
    b->len = 0;
    sw__buf_adds(b, s);
}

void sw__buf_trim(struct sw__buf *b, size_t keep_cap)
{
    if (b->cap > keep_cap) {
        free(b->ptr);
        b->ptr = NULL;
        b->cap = 0;
    }
    b->len = 0;
    if (b->ptr != NULL)
        b->ptr[0] = '\0';
}

void sw__buf_free(struct sw__buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

void *sw__grow(void *arr, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return arr;
    size_t c = *cap ? *cap : ARRAY_MIN_CAP;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            sw__oom();
        c *= 2;
    }
    if (elem_size != 0 && c > SIZE_MAX / elem_size)
        sw__oom();
    void *p = realloc(arr, c * elem_size);
    if (p == NULL)
        sw__oom();
    *cap = c;
    return p;
}
