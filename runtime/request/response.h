/*
 * response.h - one HTTP response as the runtime keeps it (internal).
 *
 * The request module (request.c) owns every struct sw__response: it lends
 * one to an engine while a transfer runs (the engine appends the body and
 * the header lines through the two functions below), then checks and
 * captures read it through sw__resp(u) until sw_req_end().  Nobody else
 * frees or swaps its buffers.  The parsed-JSON cache of the body lives here
 * too, so it goes when the response goes.
 */
#ifndef SW_RESPONSE_H
#define SW_RESPONSE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"     /* struct sw__buf */

/* A worker's response buffers not in use (response.c): a response takes a
 * pair when its engine appends the first byte and gives it back when it
 * is emptied, so that with thousands of users in flight each response is
 * written into memory that the previous response used a moment ago
 * rather than into buffers of its own, last touched thousands of requests
 * earlier (a cache miss for every line).  Owned by the request module's
 * worker context; LIFO. */
struct sw__resp_pool {
    struct sw__resp_bufs *spare;
    size_t n, cap;
};

struct sw__response {
    long status;                /* 0 after a transport error */
    struct sw__buf body;        /* the body, NUL-terminated, cut at
                                   SW__BODY_CAP bytes */
    struct sw__buf headers;     /* raw header lines of the final response */
    int64_t body_bytes;         /* body bytes received, also past the cap */
    const char *transport_error;/* the engine's message, or NULL; valid
                                   until sw_req_end */
    /* What the checks decided (check.c): the first failed check's message
     * (owned), and whether an `expect status` replaced the >= 400 rule. */
    char *fail_msg;
    int status_checked;
    /* The body parsed as JSON (a json_t *), by the first json check or
     * capture of this response; the others reuse it.  json_state: 0 = not
     * parsed yet, 1 = parsed, -1 = the body is not JSON.  Dropped with the
     * response (sw__resp_reset). */
    void *json;
    int json_state;
    /* --http-debug (httpdebug.h): when log_sent is set, engines append
     * each request header block they send (every hop) to `sent`. */
    int log_sent;
    struct sw__buf sent;
    /* borrowed: where body and headers come from and go back to (NULL:
     * the response keeps its own) */
    struct sw__resp_pool *pool;
};

/* Bodies larger than this are counted but not kept (checks see the start). */
#define SW__BODY_CAP ((size_t)8 << 20)
/* Header bytes kept per response. */
#define SW__HEADERS_CAP ((size_t)64 << 10)

/* sw__buf_add with its fast path inline (util/buf.c grows the buffer). */
/* Takes body and headers from r->pool when it holds none (response.c). */
void sw__resp_take_(struct sw__response *r);

static inline void sw__resp_add_(struct sw__buf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap)
        sw__buf_reserve(b, n);
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = 0;
}

/* For engines: appends n body bytes (counted; kept up to SW__BODY_CAP).
 * Inline: it runs for every piece of every response. */
static inline void sw__resp_add_body(struct sw__response *r, const char *p,
                                     size_t n)
{
    r->body_bytes += (int64_t)n;
    if (!r->body.ptr && r->pool)
        sw__resp_take_(r);
    if (r->body.len < SW__BODY_CAP)
        sw__resp_add_(&r->body, p, n < SW__BODY_CAP - r->body.len
                                       ? n : SW__BODY_CAP - r->body.len);
}

/* For engines: appends one raw header line as received, CRLF included.
 * A status line ("HTTP/...") starts the headers over, so only the final
 * response's lines are kept (after redirects and 1xx). */
static inline void sw__resp_add_header(struct sw__response *r, const char *p,
                                       size_t n)
{
    if (!r->headers.ptr && r->pool)
        sw__resp_take_(r);
    if (n >= 5 && !memcmp(p, "HTTP/", 5))
        r->headers.len = 0;
    if (r->headers.len < SW__HEADERS_CAP)
        sw__resp_add_(&r->headers, p, n);
}

/* Empties the response for the next request: buffers kept up to a cap,
 * the JSON cache and the failure message freed (the one place they are). */
void sw__resp_reset(struct sw__response *r);
/* Frees the response's memory. */
void sw__resp_free(struct sw__response *r);
/* Frees the buffers in the pool. */
void sw__resp_pool_free(struct sw__resp_pool *p);

#endif /* SW_RESPONSE_H */
