/*
 * pct.h - percent-encoding (RFC 3986), shared by the runtime's query
 * parameters (`query` in a request) and sw_urlencode() (internal).
 *
 * The unreserved characters A-Z a-z 0-9 - . _ ~ are kept; every other byte
 * becomes %XX with upper-case hex digits.  With SW__PCT_SPACE_PLUS a space
 * becomes '+' instead, as application/x-www-form-urlencoded (Python's
 * urlencode / quote_plus) writes it.
 */
#ifndef SW_UTIL_PCT_H
#define SW_UTIL_PCT_H

#include <stddef.h>
#include "buf.h"

enum sw__pct_flags {
    SW__PCT_SPACE_PLUS = 1      /* ' ' as '+' (form encoding), not %20 */
};

/* The most bytes encoding n bytes can take (not counting a NUL). */
#define SW__PCT_MAX(n) ((n) * 3)

/*
 * Writes s[0..n) encoded to out (borrowed; room for SW__PCT_MAX(n) bytes
 * and a NUL), NUL-terminates it and returns its length.
 */
size_t sw__pct_encode(char *out, const char *s, size_t n, unsigned flags);
/* Appends the C string s, encoded, to b. */
void sw__buf_add_pct(struct sw__buf *b, const char *s, unsigned flags);

#endif /* SW_UTIL_PCT_H */
