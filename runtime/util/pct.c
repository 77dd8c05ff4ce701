/*
 * pct.c - percent-encoding (see pct.h).
 */
#include "pct.h"

#include <string.h>

static int is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

size_t sw__pct_encode(char *out, const char *s, size_t n, unsigned flags)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *c = (const unsigned char *)s;
    char *p = out;
    for (size_t i = 0; i < n; i++) {
        if (is_unreserved(c[i])) {
            *p++ = (char)c[i];
        } else if (c[i] == ' ' && (flags & SW__PCT_SPACE_PLUS)) {
            *p++ = '+';
        } else {
            *p++ = '%';
            *p++ = hex[c[i] >> 4];
            *p++ = hex[c[i] & 15];
        }
    }
    *p = '\0';
    return (size_t)(p - out);
}

void sw__buf_add_pct(struct sw__buf *b, const char *s, unsigned flags)
{
    size_t n = strlen(s);
    sw__buf_reserve(b, SW__PCT_MAX(n));
    b->len += sw__pct_encode(b->ptr + b->len, s, n, flags);
}
