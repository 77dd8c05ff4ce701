/*
 * url.c - http:// URLs for the native engine: which ones it sends exactly
 * as libcurl would, and redirect targets (see nv.h).
 *
 * Coverage is deliberately narrow: libcurl normalizes some URLs (dot
 * segments, upper-case hosts, fragments, user info, spaces) before it sends
 * them, and rather than copy each rule, a URL that would need one goes to
 * the libcurl engine.
 */
#include <stdlib.h>
#include "nv_int.h"

/* Character classes, one table lookup a character (the URL is parsed for
 * every request): HOST for a host name, TARGET for a path or query
 * (printable ASCII but space, '#' and '\\': a fragment, and characters
 * libcurl would encode, reject or turn into '/'), DOTQ for the two a path
 * needs a second look at. */
enum { HOST = 1, TARGET = 2, DOTQ = 4 };

/* classes[c]: HOST for a-z 0-9 . -; TARGET for 0x21-0x7e but # and \;
 * DOTQ for . and ?.  A constant (not built at the first call): the parse
 * runs for every request, and a once-guard there costs a call each time.
 * tests/unit/test-native-proto.c checks it against those rules. */
const unsigned char sw__nv_url_classes[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
    0, 2, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 7, 2,  /* 0x20 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 6,  /* 0x30 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  /* 0x40 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 2,  /* 0x50 */
    2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  /* 0x60 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 0,  /* 0x70 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x80 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xa0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xb0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xc0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xd0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xe0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xf0 */
};
#define classes sw__nv_url_classes

static int is_host_char(unsigned char c)
{
    return classes[c] & HOST;
}

int sw__nv_url_parse(const char *url, size_t len, struct sw__nv_url *out)
{
    if (len < 8 || memcmp(url, "http://", 7))
        return -1;
    const char *p = url + 7, *end = url + len;
    const char *host = p;
    if (*p == '[') {
        while (p < end && *p != ']') {
            unsigned char c = (unsigned char)*++p;
            if (c != ']' && c != ':' && c != '.' &&
                !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                return -1;
        }
        if (p == end || p - host < 3)
            return -1;
        p++;
    } else {
        while (p < end && is_host_char((unsigned char)*p))
            p++;
        if (p == host || p[-1] == '.')
            return -1;
    }
    out->host = host;
    out->host_len = (size_t)(p - host);
    out->port = 80;
    if (p < end && *p == ':') {
        long port = 0;
        const char *d = ++p;
        while (p < end && *p >= '0' && *p <= '9' && p - d < 6)
            port = port * 10 + (*p++ - '0');
        if (p == d || port < 1 || port > 65535)
            return -1;
        out->port = (int)port;
    }
    if (p < end && *p != '/' && *p != '?')
        return -1;              /* user info, or a character out of place */
    out->target = p;
    out->target_len = (size_t)(end - p);
    /* one pass: the characters, the end of the path, dot segments */
    const char *qm = NULL;
    for (const char *q = p; q < end; q++) {
        unsigned char c = (unsigned char)*q, k = classes[c];
        if (!(k & TARGET))
            return -1;
        if (!(k & DOTQ))
            continue;
        if (c == '?' && !qm)
            qm = q;
        else if (c == '.' && !qm && q[-1] == '/' &&
                 (q + 1 == end || q[1] == '/' || q[1] == '?' ||
                  (q[1] == '.' &&
                   (q + 2 == end || q[2] == '/' || q[2] == '?'))))
            return -1;          /* "." or ".." segment: libcurl removes it */
    }
    out->path_len = (size_t)((qm ? qm : end) - p);
    return 0;
}

/* RFC 3986 5.2.4 on path[0..n) into out (appended). */
static void remove_dot_segments(const char *in, size_t n,
                                struct sw__buf *out)
{
    size_t base = out->len;
    size_t i = 0;
    while (i < n) {
        const char *s = in + i;
        size_t left = n - i;
        if (left >= 3 && !memcmp(s, "../", 3)) {
            i += 3;
        } else if (left >= 2 && !memcmp(s, "./", 2)) {
            i += 2;
        } else if (left >= 3 && !memcmp(s, "/./", 3)) {
            i += 2;
        } else if (left == 2 && !memcmp(s, "/.", 2)) {
            sw__buf_add(out, "/", 1);
            i += 2;
        } else if ((left >= 4 && !memcmp(s, "/../", 4)) ||
                   (left == 3 && !memcmp(s, "/..", 3))) {
            /* drop the last segment written */
            while (out->len > base && out->ptr[out->len - 1] != '/')
                out->len--;
            if (out->len > base)
                out->len--;
            out->ptr[out->len] = 0;
            /* "/../x" continues as "/x"; a final "/.." leaves "/" */
            if (left == 3)
                sw__buf_add(out, "/", 1);
            i += 3;
        } else if ((left == 1 && s[0] == '.') ||
                   (left == 2 && !memcmp(s, "..", 2))) {
            i = n;
        } else {
            size_t j = (s[0] == '/') ? 1 : 0;
            while (j < left && s[j] != '/')
                j++;
            sw__buf_add(out, s, j);
            i += j;
        }
    }
}

int sw__nv_url_resolve(const char *base, const char *loc, size_t loc_len,
                       struct sw__buf *out)
{
    struct sw__nv_url b;
    if (sw__nv_url_parse(base, strlen(base), &b) != 0)
        return -1;
    for (size_t i = 0; i < loc_len; i++) {
        if (loc[i] == '#') {
            loc_len = i;
            break;
        }
        if ((unsigned char)loc[i] <= 0x20 || (unsigned char)loc[i] >= 0x7f)
            return -1;          /* libcurl would percent-encode it */
    }
    out->len = 0;
    sw__buf_reserve(out, loc_len + strlen(base) + 8);
    /* the scheme, if any: letters, digits, + - . before a ':' */
    size_t k = 0;
    while (k < loc_len && loc[k] != ':' && loc[k] != '/' && loc[k] != '?')
        k++;
    if (k < loc_len && loc[k] == ':' && k > 0) {
        sw__buf_add(out, loc, loc_len);
    } else if (loc_len >= 2 && loc[0] == '/' && loc[1] == '/') {
        sw__buf_add(out, "http:", 5);
        sw__buf_add(out, loc, loc_len);
    } else {
        const char *origin_end = b.target;
        sw__buf_add(out, base, (size_t)(origin_end - base));
        struct sw__buf merged = { 0 };
        const char *query = NULL;
        size_t query_len = 0;
        if (loc_len == 0) {
            sw__buf_add(&merged, b.target, b.path_len);
            query = b.target + b.path_len;
            query_len = b.target_len - b.path_len;
        } else if (loc[0] == '?') {
            sw__buf_add(&merged, b.target, b.path_len);
            query = loc;
            query_len = loc_len;
        } else {
            size_t pl = 0;
            while (pl < loc_len && loc[pl] != '?')
                pl++;
            if (loc[0] == '/') {
                sw__buf_add(&merged, loc, pl);
            } else {
                /* the base path up to its last '/' (or "/"), then loc */
                size_t d = b.path_len;
                while (d > 0 && b.target[d - 1] != '/')
                    d--;
                if (d == 0)
                    sw__buf_add(&merged, "/", 1);
                else
                    sw__buf_add(&merged, b.target, d);
                sw__buf_add(&merged, loc, pl);
            }
            query = loc + pl;
            query_len = loc_len - pl;
        }
        if (merged.len == 0 || merged.ptr[0] != '/')
            sw__buf_add(out, "/", 1);
        if (merged.len)
            remove_dot_segments(merged.ptr, merged.len, out);
        sw__buf_free(&merged);
        sw__buf_add(out, query, query_len);
    }
    struct sw__nv_url check;
    return sw__nv_url_parse(out->ptr, out->len, &check) == 0 ? 0 : -2;
}
