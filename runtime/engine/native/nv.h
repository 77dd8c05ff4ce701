/*
 * nv.h - the native HTTP/1.1 engine (internal): plain http:// requests on
 * libuv TCP handles, responses parsed by Debian's libhttp-parser.
 *
 * Objects and ownership:
 *   struct sw__nv_engine   one per worker thread (its uv loop): the shared
 *                          read buffer, the DNS cache and the pool of
 *                          transfers.  Owns everything below it but the
 *                          sessions.
 *   struct sw__nv_session  one per virtual user: its keep-alive connection
 *                          (at most one) and its cookie jar.  Owned by the
 *                          caller, which frees it with sw__nv_session_free.
 *   struct sw__nv_request  what to send; filled by the caller, borrowed by
 *                          sw__nv_send until the completion callback.
 *   struct sw__nv_result   what came back; owned by the session, valid
 *                          from the completion callback to the next send.
 *
 * What the engine covers is decided per request by sw__nv_covers (see
 * docs/runtime.md, "The native HTTP engine"): anything else goes to the
 * libcurl engine, so that the two never differ in what they send.  The
 * behaviour copied from the libcurl engine (request header order, redirect
 * rules, cookie rules, error classes) is libcurl 7.88's, checked on the
 * wire by tests/t-engines.sh.
 */
#ifndef SW_NV_H
#define SW_NV_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "util/buf.h"

/* Error classes.  Each has libcurl's CURLcode equivalent (the message the
 * libcurl engine would report for the same server behaviour) and a
 * precise description of what the server did. */
enum sw__nv_err {
    SW_NV_OK = 0,
    SW_NV_ERR_RESOLVE,          /* the host name does not resolve */
    SW_NV_ERR_CONNECT,          /* connection refused / unreachable */
    SW_NV_ERR_TIMEOUT,          /* the request's timeout expired */
    SW_NV_ERR_SEND,             /* the request could not be written */
    SW_NV_ERR_RESET,            /* reset or read error mid-response */
    SW_NV_ERR_EMPTY,            /* closed before any response byte */
    SW_NV_ERR_BAD_STATUS,       /* malformed status line */
    SW_NV_ERR_BAD_HEADER,       /* malformed header line */
    SW_NV_ERR_BAD_CHUNK,        /* bad chunk size or chunk framing */
    SW_NV_ERR_PARTIAL,          /* closed before the end of the body */
    SW_NV_ERR_BAD_LENGTH,       /* invalid Content-Length */
    SW_NV_ERR_REDIRECTS,        /* more than 30 redirects */
    SW_NV_ERR_BAD_REDIRECT,     /* a Location the engine cannot follow */
    SW_NV_ERR_UPGRADE,          /* 101 / protocol switch (not covered) */
    SW_NV_ERR_HEADERS_SIZE,     /* header block over SW_NV_MAX_HEADERS */
    SW_NV_ERR_HEADER_LINE,      /* one header line over SW_NV_MAX_LINE */
    SW_NV_ERR_HANDOVER,         /* not an error: a redirect to a URL the
                                   engine does not cover, to be followed
                                   by the caller (sw__nv_engine_handover) */
    SW_NV_ERR_DECODE,           /* a body that its Content-Encoding does
                                   not decode (inflate.c) */
    SW_NV_ERR_COUNT
};

/* libcurl 7.88's limits on a response's header block, which the native
 * engine enforces the same way so that one response has one outcome in
 * both engines (see resp.c):
 *   SW_NV_MAX_HEADERS  all the header lines of a response (status line,
 *                      1xx responses and the blank line included, CRLF
 *                      counted) may add up to this many bytes
 *                      (MAX_HTTP_RESP_HEADER_SIZE, Debian's fix of
 *                      CVE-2023-38039);
 *   SW_NV_MAX_LINE     one line, CRLF included, may be this long
 *                      (CURL_MAX_HTTP_HEADER, less the NUL its buffer
 *                      keeps). */
#define SW_NV_MAX_HEADERS 307200
#define SW_NV_MAX_LINE 102399

/* libcurl's curl_easy_strerror text for the same case (static). */
const char *sw__nv_strerror(int err);
/* What the server did, precisely (static). */
const char *sw__nv_errdetail(int err);

/* ---- URLs (url.c) -------------------------------------------------------- */

/* A parsed http:// URL; every pointer points into the parsed string. */
struct sw__nv_url {
    const char *host;           /* as written (IPv6 with its brackets) */
    size_t host_len;
    int port;                   /* 80 when not written */
    const char *target;         /* path and query, "" means "/" */
    size_t target_len;
    size_t path_len;            /* target's path part (before '?') */
};

/* 0 when url is an http:// URL that the native engine sends exactly as the
 * libcurl engine would (lower-case scheme and host, no user info, no
 * fragment, no dot segments, only printable ASCII without spaces); -1
 * otherwise (the caller uses libcurl). */
int sw__nv_url_parse(const char *url, size_t len, struct sw__nv_url *out);
/* Resolves a Location header against base (RFC 3986, section 5.2), as
 * libcurl does: fragment dropped, dot segments removed.  Writes the
 * absolute URL to out.  0; -2 when out holds a URL that the engine does
 * not cover (https://, say); -1 when there is no URL in out (a Location
 * libcurl would percent-encode first). */
int sw__nv_url_resolve(const char *base, const char *loc, size_t loc_len,
                       struct sw__buf *out);

/* ---- requests ------------------------------------------------------------ */

enum sw__nv_method {
    SW_NV_GET, SW_NV_POST, SW_NV_PUT, SW_NV_PATCH, SW_NV_DELETE,
    SW_NV_HEAD, SW_NV_OPTIONS
};

struct sw__nv_request {
    int method;                 /* enum sw__nv_method (= sw_method_t) */
    const char *url;            /* absolute http:// URL; borrowed */
    size_t url_len;
    /* Extra header lines as the libcurl engine keeps them: each line
     * NUL-terminated, back to back; "Name: value", "Name;" (empty value)
     * or "Name:" (removes a header the engine would add). */
    const char *hdr;
    size_t hdr_len;
    int nhdr;
    const char *user_agent;     /* "User-Agent: ..." line unless hdr has one */
    const char *accept_encoding;/* "gzip, deflate": sent (unless hdr has
                                   Accept-Encoding) and the body decoded;
                                   NULL: neither */
    int has_body;               /* a body is sent (POST always has one) */
    const char *body;
    size_t body_len;
    int has_auth;               /* basic authentication */
    const char *auth_user, *auth_password;
    int follow;                 /* follow redirects (at most 30) */
    int64_t timeout_ms;         /* whole request, redirects included */
    /* url as sw__nv_covers_url parsed it (pointing into url), or NULL:
     * sw__nv_send then parses it itself */
    const struct sw__nv_url *parsed;
    struct sw__buf *sent_log;   /* borrowed, or NULL: each request header
                                   block sent is appended (--http-debug) */
};

/* 1 when the native engine sends req exactly as the libcurl engine would
 * (see docs/runtime.md for the list), 0 otherwise. */
int sw__nv_covers(const struct sw__nv_request *req);
/* The same, and on 1 *url is req->url parsed (for req->parsed). */
int sw__nv_covers_url(const struct sw__nv_request *req, struct sw__nv_url *url);
/* The checks of sw__nv_covers_url but the URL's, for a req->url known to
 * be covered (the same bytes as one sw__nv_covers_url accepted). */
int sw__nv_covers_parsed(const struct sw__nv_request *req);

/* Phase timings of the last request, microseconds; -1 = not measured. */
struct sw__nv_timing {
    int64_t dns_us;             /* only when this request opened the */
    int64_t connect_us;         /* connection, as the libcurl engine */
    int64_t ttfb_us;            /* request written -> first byte back */
    int64_t total_us;
};

struct sw__nv_result {
    int err;                    /* enum sw__nv_err */
    long status;                /* 0 after an error */
    /* The final response's header block as libcurl hands it over: status
     * line, "Name: value" lines, each ending in CRLF, then CRLF. */
    struct sw__buf headers;
    struct sw__buf body;     /* capped at body_cap; NUL-terminated */
    int64_t bytes;              /* body bytes received, also past the cap */
    int opened;                 /* connections this request opened */
    int has_special;            /* a header name starting with S or L was
                                   seen (Set-Cookie, Location) */
    int redirects;
    struct sw__nv_timing timing;
    /* the cause of an error when the system gave one (an errno: refused,
     * reset), else 0; for SW_NV_ERR_TIMEOUT, 1 when no connection was
     * established yet */
    int os_errno;
    int timeout_connecting;
    /* (what follows is rarely used: after the fields above, so that a
     * keep-alive request does not touch its cache lines) */
    /* SW_NV_ERR_HANDOVER: where the request goes on (the URL in the
     * session's transfer, valid until sw__nv_release), its method and
     * body after the redirect's rules, and whether its scheme, host and
     * port are the first URL's (credentials may go there) */
    const char *next_url;
    size_t next_url_len;
    int next_method;
    int next_has_body;
    int next_same_origin;
    /* owned: the body's decoder (inflate.c), kept for the next response */
    struct sw__nv_inflate *inflate;
    /* SW_NV_ERR_HEADERS_SIZE: the message when it says more than
     * sw__nv_strerror (the size of the header block, as libcurl words
     * it), or "" */
    char errmsg[64];
};

/* ---- engine and sessions ------------------------------------------------- */

struct sw__nv_engine;
struct sw__nv_session;

typedef void (*sw__nv_done_fn)(struct sw__nv_session *s, void *data);

/* An engine on uv (borrowed).  body_cap: bytes of a body kept (the rest is
 * counted).  NULL when out of memory. */
struct sw__nv_engine *sw__nv_engine_new(uv_loop_t *uv, size_t body_cap);
/* Every session is freed: closes the engine's handles (the caller then
 * runs the loop until sw__nv_engine_busy is 0). */
void sw__nv_engine_close(struct sw__nv_engine *e);
/* After the loop has closed them: frees the engine. */
void sw__nv_engine_free(struct sw__nv_engine *e);
/* on: a redirect to a URL the engine does not cover ends the request with
 * SW_NV_ERR_HANDOVER (the caller follows it through libcurl); off (the
 * default): it fails with SW_NV_ERR_BAD_REDIRECT. */
void sw__nv_engine_handover(struct sw__nv_engine *e, int on);
/* Handles of the engine still open (sessions' sockets, timers, lookups). */
int sw__nv_engine_busy(const struct sw__nv_engine *e);

/* A session (one user's connection and cookie jar).  NULL if no memory. */
struct sw__nv_session *sw__nv_session_new(struct sw__nv_engine *e);
/* Cancels any request (no callback) and closes the connection; the memory
 * is released once the loop has run the socket's close callback. */
void sw__nv_session_free(struct sw__nv_session *s);
/* Sends req (which must be covered).  done(s, data) is called from the
 * loop, never from inside this call; the result is then sw__nv_result(s).
 * 0, or -1 when a request is already in flight. */
int sw__nv_send(struct sw__nv_session *s, const struct sw__nv_request *req,
                sw__nv_done_fn done, void *data);
/* Gives the transfer (and the result with it) back to the engine's pool;
 * cancels the request first if it is still in flight. */
void sw__nv_release(struct sw__nv_session *s);
/* Abandons the request in flight, if any: no callback; the connection is
 * closed (its response would otherwise arrive on the next request). */
void sw__nv_cancel(struct sw__nv_session *s);
/* 1 while a request is in flight. */
int sw__nv_in_flight(const struct sw__nv_session *s);
struct sw__nv_result *sw__nv_result(struct sw__nv_session *s);
/* The URL the last request went to last (after redirects), or NULL;
 * borrowed until the next send or release. */
const char *sw__nv_session_url(const struct sw__nv_session *s);
/* Connections opened by the session so far (tests: keep-alive reuse). */
int64_t sw__nv_session_connects(const struct sw__nv_session *s);
/* The value of the first cookie called name (case-sensitive) in the
 * session's jar, in creation order, as the libcurl engine's cookie list
 * gives it: 1 and *value (borrowed until the jar changes), or 0. */
int sw__nv_session_cookie(const struct sw__nv_session *s, const char *name,
                          const char **value);
/* The jar as libcurl's cookie list, appended to out; and the jar replaced
 * by such a list (see cookies_export in engine.h). */
void sw__nv_session_cookies_export(const struct sw__nv_session *s,
                                   struct sw__buf *out);
void sw__nv_session_cookies_import(struct sw__nv_session *s,
                                   const char *lines, size_t len);
/* Cookies in the session's jar (tests). */
size_t sw__nv_session_cookies(const struct sw__nv_session *s);

#endif /* SW_NV_H */
