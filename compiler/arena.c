/*
 * arena.c - bump allocator (see arena.h).
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 65536
#define ALIGN 16

struct chunk {
    struct chunk *next;
    size_t used;
    size_t cap;
    /* the memory follows, aligned to ALIGN */
};

struct arena {
    struct chunk *head;
};

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fputs("swarmc: internal error: out of memory\n", stderr);
        exit(70);
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fputs("swarmc: internal error: out of memory\n", stderr);
        exit(70);
    }
    return q;
}

struct arena *arena_new(void)
{
    struct arena *a = xmalloc(sizeof(*a));
    a->head = NULL;
    return a;
}

void arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    struct chunk *c = a->head;
    while (c != NULL) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

static size_t header_size(void)
{
    return (sizeof(struct chunk) + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

void *arena_alloc(struct arena *a, size_t n)
{
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    struct chunk *c = a->head;
    if (c == NULL || c->cap - c->used < n) {
        /* Big requests get a chunk of their own so the current one,
         * probably still half empty, stays in use. */
        size_t cap = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
        struct chunk *fresh = xmalloc(header_size() + cap);
        fresh->used = 0;
        fresh->cap = cap;
        if (cap == n && c != NULL) {
            fresh->next = c->next;
            c->next = fresh;
        } else {
            fresh->next = c;
            a->head = fresh;
        }
        c = fresh;
    }
    char *p = (char *)c + header_size() + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_grow(struct arena *a, void *array, int n, int *cap, size_t size)
{
    if (n < *cap)
        return array;
    int ncap = *cap ? *cap * 2 : 8;
    while (ncap <= n)
        ncap *= 2;
    void *bigger = arena_alloc(a, size * (size_t)ncap);
    if (array != NULL && *cap > 0)
        memcpy(bigger, array, size * (size_t)*cap);
    *cap = ncap;
    return bigger;
}
