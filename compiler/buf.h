/*
 * buf.h - growable byte buffer for generated text (owns its memory).
 */
#ifndef SWC_BUF_H
#define SWC_BUF_H

#include <stddef.h>

struct buf {
    char *p;        /* owned; always NUL-terminated once anything is put */
    size_t len;
    size_t cap;
};

void buf_put(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

#endif
