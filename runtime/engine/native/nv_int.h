/*
 * nv_int.h - the native engine's modules as they see each other
 * (internal to runtime/engine/native).
 *
 *   url.c      http:// URLs: what is covered, redirect resolution
 *   reqfmt.c   request serialization, with a per-engine template cache
 *   resp.c     response parsing (libhttp-parser) into a struct sw__nv_result
 *   cookie.c   the per-session cookie jar (libcurl 7.88's RFC 6265 rules)
 *   dns.c      host:port -> address, resolved once per engine
 *   conn.c     sessions, connections and transfers on libuv
 */
#ifndef SW_NV_INT_H
#define SW_NV_INT_H

#include <string.h>
#include <http_parser.h>
#include "nv.h"

/* ---- URLs (url.c) ---------------------------------------------------------- */

/* The character classes of URL parsing: 1 host, 2 path or query, 4 '.'
 * or '?' (url.c). */
extern const unsigned char sw__nv_url_classes[256];

/* ---- cookies (cookie.c) -------------------------------------------------- */

struct sw__nv_cookie;

/* A session's cookies; owns them. */
struct sw__nv_jar {
    struct sw__nv_cookie *head;
    uint64_t next_order;        /* creation order (the last sort key) */
};

/* 1 when host is one libcurl treats as a secure context over plain HTTP
 * (localhost, 127.0.0.1, [::1]): Secure cookies are kept and sent. */
int sw__nv_cookie_secure_host(const char *host, size_t host_len);
/* Takes one Set-Cookie value received from host (without port) for the
 * request path (without query).  Bad cookies are ignored, as libcurl does. */
void sw__nv_jar_set(struct sw__nv_jar *j, const char *v, size_t vlen,
                    const char *host, size_t host_len, const char *path,
                    size_t path_len, int64_t now_s);
/* Appends "Cookie: a=1; b=2\r\n" for a request to host and path, or
 * nothing when no cookie matches. */
void sw__nv_jar_header(struct sw__nv_jar *j, const char *host,
                       size_t host_len, const char *path, size_t path_len,
                       int64_t now_s, struct sw__buf *out);
size_t sw__nv_jar_count(const struct sw__nv_jar *j);
/* The jar as libcurl's cookie list (see cookies_export in engine.h). */
void sw__nv_jar_export(const struct sw__nv_jar *j, struct sw__buf *out);
/* Replaces the jar's cookies with those of such a list. */
void sw__nv_jar_import(struct sw__nv_jar *j, const char *lines, size_t len);
/* The oldest cookie called name (exact): 1 and its value, or 0. */
int sw__nv_jar_get(const struct sw__nv_jar *j, const char *name,
                   const char **value);
void sw__nv_jar_free(struct sw__nv_jar *j);

/* ---- request serialization (reqfmt.c) ------------------------------------ */

struct sw__nv_tcache;

/* What one request on the wire is made of, besides the cookies and the
 * request's own body: the parts that only depend on the request's method,
 * URL, header lines and credentials, prepared once and reused. */
struct sw__nv_template {
    struct sw__buf head;     /* request line .. Accept (before Cookie) */
    struct sw__buf tail;     /* custom headers (before Content-Length) */
    struct sw__buf ctype;    /* after Content-Length: default type, CRLF */
    int own_cookie;          /* the request has a Cookie line: no jar's */
};

/* One send of a request, after redirects changed what they change. */
struct sw__nv_wire {
    int method;                 /* enum sw__nv_method */
    const char *method_str;     /* what the request line says */
    const struct sw__nv_url *url;
    const struct sw__nv_request *req;   /* headers, auth, user agent */
    int same_host;              /* the host and port of the first request
                                   (credentials go there only) */
    int send_auth;              /* basic credentials: has_auth && same_host */
    int has_body;
    const char *body;
    size_t body_len;
};

/* "GET", "POST", ... for an enum sw__nv_method. */
const char *sw__nv_method_str(int method);

struct sw__nv_tcache *sw__nv_tcache_new(void);
void sw__nv_tcache_free(struct sw__nv_tcache *c);
/* The template for w, built or found in the cache; borrowed until the
 * next call. */
const struct sw__nv_template *sw__nv_template_get(struct sw__nv_tcache *c,
                                                  const struct sw__nv_wire *w);
/* Builds a template without the cache (tests; the cache uses it). */
void sw__nv_template_build(const struct sw__nv_wire *w,
                           struct sw__nv_template *t);
/* The whole request into out (cleared first). */
void sw__nv_format(const struct sw__nv_template *t, const struct sw__nv_wire *w,
                   struct sw__nv_jar *jar, int64_t now_s,
                   struct sw__buf *out);

/* ---- response parsing (resp.c) ------------------------------------------- */

struct sw__nv_resp {
    http_parser parser;
    struct sw__nv_result *res;
    size_t body_cap;
    int head;                   /* HEAD request: no body */
    int in_value;               /* header state: last callback was a value */
    long name_start;            /* offset of the header name being read in
                                   res->headers, or -1 */
    const char *feed_start;     /* the bytes of the current feed call */
    int status_written;
    int headers_done;           /* the current response's headers ended */
    int complete;               /* the final response is complete */
    int keep_alive;             /* its framing allows another request */
    int interim;                /* 1xx responses seen */
    int got_bytes;              /* any byte received */
    int upgrade;
    /* Header size limits (SW_NV_MAX_HEADERS, SW_NV_MAX_LINE), counted in
     * raw bytes as libcurl counts them; see resp.c. */
    uint64_t fed;               /* bytes given to the parser before this
                                   feed (the head's offsets count from 0) */
    long line_start;            /* offset of the line being read, or -1 */
    int exact;                  /* the head may exceed SW_NV_MAX_LINE:
                                   pause at its end to count its last line */
    int last_cr;                /* the previous feed ended in CR */
    int at_head_end;            /* paused at a head's final LF */
    int limit_err;              /* an enum sw__nv_err found by a callback */
    int decode;                 /* decode the accept_encoding codings */
    int has_ce;                 /* a Content-Encoding header was seen */
    int decoding;               /* 1: this body goes through res->inflate;
                                   -1: its coding is not decoded */
    int decode_err;             /* SW_NV_ERR_DECODE once it failed */
};

void sw__nv_resp_start(struct sw__nv_resp *r, struct sw__nv_result *res,
                       int head, size_t body_cap);
/* Decode gzip and deflate bodies (after sw__nv_resp_start). */
static inline void sw__nv_resp_decode(struct sw__nv_resp *r)
{
    r->decode = 1;
}
/* Feeds bytes read.  Returns 0 and sets *used (bytes of data that belong
 * to this response; r->complete says whether it is complete), or an
 * enum sw__nv_err. */
int sw__nv_resp_feed(struct sw__nv_resp *r, const char *data, size_t len,
                     size_t *used);
/* The connection closed cleanly: 0 when that completes the response (a
 * body delimited by the close), else the error. */
int sw__nv_resp_eof(struct sw__nv_resp *r);
/* 1 when the connection may be reused after this (complete) response. */
int sw__nv_resp_keep_alive(const struct sw__nv_resp *r);
/* Finds a header in a header block: value and length, or NULL.  `from`
 * lets a caller walk every occurrence (pass the previous value + its
 * length, or NULL). */
const char *sw__nv_header_find(const struct sw__buf *h, const char *name,
                               const char *from, size_t *vlen);

/* ---- decoding bodies (inflate.c) ---------------------------------------- */

/* Readies *z (made on first use, reused after) for a body with the
 * Content-Encoding value v: 1 (decode), 0 (nothing to decode: identity),
 * -1 (a coding that is not decoded: an error). */
int sw__nv_inflate_begin(struct sw__nv_inflate **z, const char *v, size_t n);
/* Decodes n body bytes into res->body (kept up to cap) and res->bytes.
 * 0, or -1 when the data is corrupt. */
int sw__nv_inflate_feed(struct sw__nv_inflate *z, struct sw__nv_result *res,
                        size_t cap, const char *p, size_t n);
void sw__nv_inflate_free(struct sw__nv_inflate *z);

/* ---- DNS (dns.c) --------------------------------------------------------- */

struct sw__nv_dns;
struct sw__nv_dns_entry;
struct sw__nv_xfer;

typedef void (*sw__nv_resolved_fn)(struct sw__nv_xfer *x, int status);

struct sw__nv_dns *sw__nv_dns_new(uv_loop_t *uv);
/* Frees the cache; lookups still running are cancelled and their entries
 * freed by their callbacks.  Returns the number of such lookups. */
int sw__nv_dns_close(struct sw__nv_dns *d);
int sw__nv_dns_pending(const struct sw__nv_dns *d);
/* The entry for host:port (created on first use; lives as long as the
 * cache). */
struct sw__nv_dns_entry *sw__nv_dns_entry(struct sw__nv_dns *d,
                                          const char *host, size_t host_len,
                                          int port);
/* The i-th address (0-based), or NULL while unresolved or past the last. */
const struct sockaddr *sw__nv_dns_addr(const struct sw__nv_dns_entry *e,
                                       int i);
/* Starts or joins a lookup; cb(x, 0 | SW_NV_ERR_RESOLVE) runs from the
 * loop.  x is linked through its dns_next field while it waits. */
void sw__nv_dns_wait(struct sw__nv_dns *d, struct sw__nv_dns_entry *e,
                     struct sw__nv_xfer *x, sw__nv_resolved_fn cb);
/* Stops waiting (a cancelled request). */
void sw__nv_dns_unwait(struct sw__nv_dns_entry *e, struct sw__nv_xfer *x);
/* The waiter link lives in the transfer (conn.c). */
struct sw__nv_xfer **sw__nv_xfer_dns_next(struct sw__nv_xfer *x);

#endif /* SW_NV_INT_H */
