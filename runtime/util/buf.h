/*
 * buf.h - growable byte buffers and arrays, shared by the runtime and the
 * compiler (internal).
 *
 * A struct sw__buf owns its memory (ptr, freed by sw__buf_free); it starts
 * zeroed ({0}: empty, no memory) and is NUL-terminated once anything has
 * been put in it, so ptr can be handed out as a C string (borrowed: valid
 * until the next call that grows, trims or frees the buffer).
 *
 * Running out of memory is fatal: these functions print
 * "swarm: out of memory" and abort(), as nothing that uses them can go on
 * without the bytes (a request's URL, a line of generated C).
 */
#ifndef SW_UTIL_BUF_H
#define SW_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sw__buf {
    char *ptr;          /* owned; NULL until the first byte is put */
    size_t len;         /* bytes in use, not counting the NUL */
    size_t cap;         /* bytes allocated */
};

/* Room for extra more bytes and the NUL without another allocation. */
void sw__buf_reserve(struct sw__buf *b, size_t extra);
/* Appends s[0..n) (which may contain NUL bytes). */
static inline void sw__buf_add(struct sw__buf *b, const char *s, size_t n)
{
    /* inline: the native engine builds every request with it */
    if (b->len + n + 1 > b->cap)
        sw__buf_reserve(b, n);
    if (n > 0)
        memcpy(b->ptr + b->len, s, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}
/* Appends the C string s. */
void sw__buf_adds(struct sw__buf *b, const char *s);
/* Appends v in decimal. */
void sw__buf_add_u64(struct sw__buf *b, uint64_t v);
void sw__buf_addc(struct sw__buf *b, char c);
void sw__buf_printf(struct sw__buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sw__buf_vprintf(struct sw__buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Replaces the contents with the C string s (the memory is kept). */
void sw__buf_set(struct sw__buf *b, const char *s);
/* Empties the buffer for reuse: the memory is kept unless it has grown
 * past keep_cap bytes, so one large use does not pin it for good. */
void sw__buf_trim(struct sw__buf *b, size_t keep_cap);
/* Frees the memory; the buffer is zeroed (empty, reusable). */
void sw__buf_free(struct sw__buf *b);

/*
 * Growable arrays: returns arr (owned by the caller, realloc'd) with room
 * for at least need elements of elem_size bytes each, *cap updated.  The
 * capacity doubles from 64 elements, so appending one at a time costs
 * amortised O(1).  Use as
 *     v = sw__grow(v, &cap, n + 1, sizeof *v);  v[n++] = x;
 */
void *sw__grow(void *arr, size_t *cap, size_t need, size_t elem_size);

/* Prints "swarm: out of memory" and aborts (for callers that share the
 * policy above). */
_Noreturn void sw__oom(void);

#endif /* SW_UTIL_BUF_H */
