/*
 * arena.h - bump allocator for everything the compiler allocates.
 *
 * The AST, interned strings, symbol tables and generated text pieces all
 * live in one arena that is freed once at exit, so no pass frees anything
 * and bison error recovery cannot leak.  Running out of memory is fatal:
 * xmalloc() prints a message and exits with status 70 (EX_SOFTWARE).
 */
#ifndef SWC_ARENA_H
#define SWC_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);

/* Zeroed memory, aligned for any type; owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of s[0..n); s may contain NUL bytes. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Room for element n of an arena array of *cap elements of size bytes:
 * returns the array, moved to a bigger copy when it was full.  The old
 * copy is simply left in the arena. */
void *arena_grow(struct arena *a, void *array, int n, int *cap, size_t size);

#define ARENA_NEW(a, type) ((type *)arena_alloc((a), sizeof(type)))

/* malloc/realloc that never return NULL (exit 70 instead). */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

#endif
