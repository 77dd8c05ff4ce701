/*
 * inflate.c - gzip and deflate response bodies decoded as they arrive
 * (zlib), as libcurl 7.88 decodes them in the libcurl engine when
 * CURLOPT_ACCEPT_ENCODING is set: checks, captures and the counted size
 * see the decoded body.
 *
 * The same rules as libcurl's content_encoding.c: "gzip" (and "x-gzip")
 * takes a gzip or a zlib stream (zlib's automatic header detection);
 * "deflate" a zlib stream, or a raw deflate stream when the first two
 * bytes are not a zlib header (servers that send raw deflate exist;
 * libcurl tries raw deflate when zlib's header check fails); "identity"
 * and an empty value mean no decoding.  Any other coding (br, compress, a
 * list of codings) is an error, as in a libcurl built with zlib only.  A
 * stream that ends early is not an error (libcurl 7.88 does not check);
 * bytes after the end of the stream are ignored.
 */
#include <stdlib.h>
#include <strings.h>
#include <zlib.h>
#include "nv_int.h"

#define OUT_CHUNK 16384

enum { Z_GZIP = 1, Z_DEFLATE };

struct sw__nv_inflate {
    z_stream z;
    int ready;                  /* inflateInit2 succeeded (z is live) */
    int kind;                   /* Z_GZIP or Z_DEFLATE */
    int ended;                  /* Z_STREAM_END seen */
    /* deflate: the stream's first two bytes, held until both are here to
     * tell a zlib header from raw deflate (whatever the pieces are) */
    unsigned char hdr[2];
    int hdr_len;                /* -1: decided */
};

static int has_token(const char *v, size_t n, const char *tok)
{
    size_t k = strlen(tok);
    return n == k && !strncasecmp(v, tok, k);
}

int sw__nv_inflate_begin(struct sw__nv_inflate **zp, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n == 0 || has_token(v, n, "identity"))
        return 0;
    int kind;
    if (has_token(v, n, "gzip") || has_token(v, n, "x-gzip"))
        kind = Z_GZIP;
    else if (has_token(v, n, "deflate"))
        kind = Z_DEFLATE;
    else
        return -1;
    struct sw__nv_inflate *z = *zp;
    if (!z) {
        if (!(z = calloc(1, sizeof *z)))
            sw__oom();
        *zp = z;
    }
    if (z->ready)
        inflateEnd(&z->z);
    memset(&z->z, 0, sizeof z->z);
    z->ready = 0;
    z->kind = kind;
    z->ended = 0;
    z->hdr_len = kind == Z_DEFLATE ? 0 : -1;
    /* 32 + 15: a gzip or a zlib header, detected (deflate: decided at
     * its first two bytes, see open_deflate) */
    if (kind == Z_GZIP) {
        if (inflateInit2(&z->z, 32 + MAX_WBITS) != Z_OK)
            sw__oom();
        z->ready = 1;
    }
    return 1;
}

/* Appends n decoded bytes to the result (counted; kept up to cap). */
static void take(struct sw__nv_result *res, size_t cap, const char *p,
                 size_t n)
{
    res->bytes += (int64_t)n;
    if (res->body.len < cap) {
        size_t room = cap - res->body.len;
        sw__buf_add(&res->body, p, n < room ? n : room);
    }
}

/* Inflates n bytes into res; 0 or -1 (corrupt). */
static int inflate_some(struct sw__nv_inflate *z, struct sw__nv_result *res,
                        size_t cap, const unsigned char *p, size_t n)
{
    char out[OUT_CHUNK];
    z->z.next_in = (Bytef *)(uintptr_t)p;
    z->z.avail_in = (uInt)n;
    for (;;) {
        z->z.next_out = (Bytef *)out;
        z->z.avail_out = sizeof out;
        int rc = inflate(&z->z, Z_NO_FLUSH);
        size_t got = sizeof out - z->z.avail_out;
        if (got)
            take(res, cap, out, got);
        if (rc == Z_STREAM_END) {
            z->ended = 1;       /* trailing bytes: ignored, as libcurl */
            return 0;
        }
        if (rc == Z_BUF_ERROR)
            return 0;           /* no progress without more input */
        if (rc != Z_OK)
            return -1;          /* corrupt data, a dictionary, no memory */
        if (z->z.avail_in == 0 && z->z.avail_out != 0)
            return 0;
    }
}

/* deflate: a zlib stream when its first two bytes are a zlib header
 * (RFC 1950: method 8, a multiple of 31), else raw deflate. */
static void open_deflate(struct sw__nv_inflate *z)
{
    int zlib = (z->hdr[0] & 0x0f) == 8 &&
               ((z->hdr[0] << 8) | z->hdr[1]) % 31 == 0;
    if (inflateInit2(&z->z, zlib ? MAX_WBITS : -MAX_WBITS) != Z_OK)
        sw__oom();
    z->ready = 1;
}

int sw__nv_inflate_feed(struct sw__nv_inflate *z, struct sw__nv_result *res,
                        size_t cap, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    if (z->ended || n == 0)
        return 0;
    if (z->hdr_len >= 0) {
        while (z->hdr_len < 2 && n) {
            z->hdr[z->hdr_len++] = *u++;
            n--;
        }
        if (z->hdr_len < 2)
            return 0;
        z->hdr_len = -1;
        open_deflate(z);
        if (inflate_some(z, res, cap, z->hdr, 2) != 0)
            return -1;
        if (z->ended || n == 0)
            return 0;
    }
    return inflate_some(z, res, cap, u, n);
}

void sw__nv_inflate_free(struct sw__nv_inflate *z)
{
    if (!z)
        return;
    if (z->ready)
        inflateEnd(&z->z);
    free(z);
}
