/*
 * fuzz_resp.c - the native HTTP engine's response parser (resp.c), fed
 * bytes as a server would send them.
 *
 * The first input byte chooses how the rest is read: bit 0 a HEAD request
 * (no body), bits 1-2 the size of each read (1, 7, 100 bytes or all at
 * once: callbacks split at every boundary), bit 3 a tiny body cap (16
 * bytes, so the cap is crossed).  A complete keep-alive response followed
 * by more bytes starts the next response on them, as a reused connection
 * would; the end of the input is the server's close.  Whatever the bytes,
 * the parser must return an error class or a response whose kept body fits
 * the cap and whose header block is NUL-terminated and searchable.
 */
#include "fuzz.h"

#include "nv_int.h"

static const size_t read_sizes[4] = {1, 7, 100, (size_t)-1};

static void check(const struct sw__nv_resp *r,
                  const struct sw__nv_result *res)
{
    if (res->body.len > r->body_cap || res->bytes < 0 ||
        (size_t)res->bytes < res->body.len)
        abort();
    if (res->headers.ptr && res->headers.ptr[res->headers.len] != '\0')
        abort();
    if (res->body.ptr && res->body.ptr[res->body.len] != '\0')
        abort();
    size_t vlen;
    const char *v = NULL;
    int n = 0;
    while ((v = sw__nv_header_find(&res->headers, "set-cookie", v, &vlen)) &&
           n++ < 64)
        if (v < res->headers.ptr || v + vlen > res->headers.ptr +
                                                   res->headers.len)
            abort();
    (void)sw__nv_header_find(&res->headers, "Location", NULL, &vlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int head = data[0] & 1;
    size_t step = read_sizes[(data[0] >> 1) & 3];
    size_t cap = data[0] & 8 ? 16 : (size_t)1 << 20;
    const char *p = (const char *)data + 1;
    size_t left = size - 1;

    struct sw__nv_result res;
    memset(&res, 0, sizeof res);
    struct sw__nv_resp r;
    sw__nv_resp_start(&r, &res, head, cap);
    int err = 0;
    while (left > 0 && !err) {
        size_t n = left < step ? left : step;
        size_t used = 0;
        err = sw__nv_resp_feed(&r, p, n, &used);
        if (err) {
            if (err >= SW_NV_ERR_COUNT || !*sw__nv_strerror(err))
                abort();
            break;
        }
        if (used > n || (used == 0 && !r.complete))
            abort();
        check(&r, &res);
        if (r.complete) {
            (void)sw__nv_resp_keep_alive(&r);
            if (used == 0)
                used = n;       /* nothing more of this read is taken */
            /* as conn.c does between responses */
            res.headers.len = 0;
            res.body.len = 0;
            res.bytes = 0;
            if (res.headers.ptr)
                res.headers.ptr[0] = '\0';
            if (res.body.ptr)
                res.body.ptr[0] = '\0';
            sw__nv_resp_start(&r, &res, head, cap);
        }
        p += used;
        left -= used;
    }
    if (!err && r.got_bytes) {
        err = sw__nv_resp_eof(&r);
        check(&r, &res);
        (void)sw__nv_errdetail(err);
    }
    sw__buf_free(&res.headers);
    sw__buf_free(&res.body);
    return 0;
}
