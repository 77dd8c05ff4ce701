/*
 * base64.h - standard base64 (RFC 4648, padded): HDR histograms in the
 * reports, Basic authentication in the native engine and the web UI.
 */
#ifndef SW_UTIL_BASE64_H
#define SW_UTIL_BASE64_H

#include <stddef.h>

/* The encoded length of n bytes, without the NUL. */
#define SW__BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Writes the encoding of s[0..n) and a NUL to out, which has room for
 * SW__BASE64_LEN(n) + 1 bytes.  Returns SW__BASE64_LEN(n). */
size_t sw__base64_encode_into(char *out, const unsigned char *s, size_t n);
/* The encoding as a malloc'd string (the caller frees it); NULL = no
 * memory. */
char *sw__base64_encode(const unsigned char *p, size_t n);
/* Decodes s (trailing white space allowed): malloc'd bytes in *out (the
 * caller frees them), their length returned; -1 on a malformed input or
 * no memory. */
long sw__base64_decode(const char *s, unsigned char **out);

#endif
