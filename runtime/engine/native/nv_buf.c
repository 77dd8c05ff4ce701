/*
 * nv_buf.c - the native engine's growable buffers (see nv_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include "nv_int.h"

void sw__nv_oom(void)
{
    fputs("swarm: out of memory\n", stderr);
    abort();
}

void sw__nv_buf_reserve(struct sw__nv_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->ptr, cap);
    if (!p)
        sw__nv_oom();
    b->ptr = p;
    b->cap = cap;
}

void sw__nv_buf_adds(struct sw__nv_buf *b, const char *s)
{
    sw__nv_buf_add(b, s, strlen(s));
}

void sw__nv_buf_add_u64(struct sw__nv_buf *b, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sw__nv_buf_add(b, tmp + sizeof tmp - n, (size_t)n);
}

void sw__nv_buf_free(struct sw__nv_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}
