/*
 * base64.c - standard base64 (see base64.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/base64.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t sw__base64_encode_into(char *out, const unsigned char *s, size_t n)
{
    char *o = out;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        *o++ = b64[(v >> 18) & 63];
        *o++ = b64[(v >> 12) & 63];
        *o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? b64[v & 63] : '=';
    }
    *o = 0;
    return (size_t)(o - out);
}

char *sw__base64_encode(const unsigned char *p, size_t n)
{
    char *out = malloc(SW__BASE64_LEN(n) + 1);
    if (out)
        sw__base64_encode_into(out, p, n);
    return out;
}

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long sw__base64_decode(const char *s, unsigned char **out)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
                     s[n - 1] == ' '))
        n--;
    if (n % 4 != 0)
        return -1;
    unsigned char *p = malloc(n / 4 * 3 + 1);
    if (!p)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            int c = (unsigned char)s[i + k];
            if (c == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
            } else {
                v[k] = pad ? -1 : b64_value(c);
            }
            if (v[k] < 0) {
                free(p);
                return -1;
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
                     (uint32_t)v[2] << 6 | (uint32_t)v[3];
        p[o++] = (unsigned char)(w >> 16);
        if (pad < 2)
            p[o++] = (unsigned char)(w >> 8);
        if (pad < 1)
            p[o++] = (unsigned char)w;
    }
    *out = p;
    return (long)o;
}

