/*
 * engine.h - the HTTP engine interface (internal): the one place where an
 * HTTP implementation plugs into the runtime.
 *
 * The request module (runtime/request/) builds a request from what the
 * generated code asked for, hands it to an engine, and gets back exactly
 * one completion record: the response (in a struct sw__response that the
 * request module owns and lends for the transfer), its timings and a typed
 * error.  Scheduler, checks, captures, statistics and reports see only
 * this; which library moves the bytes is known under runtime/engine/ only.
 * The engines (engine.c lists them): the general engine, a general-purpose
 * HTTP client library driven by the worker's libuv loop, which serves
 * every protocol and feature (it is the reference the others are measured
 * against), and, once it lands, "native" (runtime/engine/native/: plain
 * HTTP/1.1 on libuv TCP).  Each lives in its own folder under
 * runtime/engine/, and no file outside its folder names its library.
 *
 * Three kinds of object, all used on one worker thread only:
 *
 *   sw__engine_t   one per (worker, engine): the engine's loop glue, its
 *                  pools, its caches.  The worker opens it on its uv loop
 *                  (ops->open) and closes it at the end (ops->close, then
 *                  the loop runs until the engine's handles are closed,
 *                  then ops->free).
 *   sw__session_t  one per (user, engine): the user's HTTP session, all of
 *                  it: its cookie jar and its keep-alive connection(s).
 *                  The request module opens it at the user's first request
 *                  through that engine and closes it when the user is
 *                  freed (which closes the user's connection).
 *   sw__xfer_t     one request in flight in an engine, from prepare to
 *                  finish or cancel.  A session has at most one at a time
 *                  (a user sends one request after another).
 *
 * The life of one request, as request.c drives it:
 *
 *     x = ops->prepare(session, &req, &resp, done, ctx);
 *     if (ops->send(x) == SW__SEND_FAILED)
 *         nothing left: ops->result(x) is the completion record at once,
 *         and `done` is never called for x
 *     ... otherwise, later, from the loop: done(ctx, x, &result), once ...
 *     checks and captures read resp (and ops->cookie) ...
 *     ops->finish(x);          x goes back; resp stays the caller's
 *
 * ops->cancel(x) abandons x at any point after prepare (in flight or
 * finished): nothing is reported, `done` is not called afterwards.
 *
 * Choosing the engine per request (`--engine auto|native|...`, by
 * ops->name): ops->covers(&req) says whether an engine serves req exactly
 * as the general engine would (same bytes on the wire, same counting);
 * `auto` asks the other engines first and falls back to the general one.
 * The same rules hold for every engine: redirects are followed (at most
 * SW__MAX_REDIRS), the User-Agent is SW__USER_AGENT unless the request has
 * its own, a request with a Cookie header line of its own sends that one
 * instead of the jar's (python-requests' rule; cookies it receives still
 * go into the jar), and header lines follow the conventions of struct
 * sw__http_req.
 */
#ifndef SW_ENGINE_H
#define SW_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "swarm.h"
#include "response.h"

typedef struct sw__engine sw__engine_t;     /* opaque, per engine */
typedef struct sw__session sw__session_t;   /* opaque, per engine */
typedef struct sw__xfer sw__xfer_t;         /* opaque, per engine */
struct sw__tls_client;

#define SW__USER_AGENT "swarmc/" SW_VERSION
#define SW__MAX_REDIRS 30
/* A response header line longer than libcurl 7.88 takes (102,399 bytes
 * with its CRLF) fails the request in every engine with this message
 * (libcurl's own is "Out of memory"); a header block over its 307,200
 * bytes fails with libcurl's "Too large response headers: N > 307200". */
#define SW__HEADER_LINE_MSG "Too large response header line: over 102399 bytes"
/* Sent by every engine unless the request has its own Accept-Encoding
 * (python-requests' default); a gzip or deflate body is decoded whatever
 * was sent, so checks, captures and sizes see the decoded body. */
#define SW__ACCEPT_ENCODING "gzip, deflate"

/* What to send.  Everything is borrowed from the request module and stays
 * valid and unchanged from prepare until done, cancel or finish. */
struct sw__http_req {
    sw_method_t method;
    const char *url;            /* absolute http:// or https:// URL, query
                                   included, NUL-terminated */
    size_t url_len;
    /* nheaders header lines back to back, each NUL-terminated, in the
     * order the scenario gave them:
     *   "Key: value"   sent as is ("Key: " with an empty value is sent
     *                  empty)
     *   "Key:"         (nothing after the colon) sends no Key at all, not
     *                  even the engine's default for it (Content-Type of a
     *                  body given without a type) */
    const char *headers;
    size_t headers_len;
    int nheaders;
    int has_body;               /* body_len bytes at body (POST always has
                                   one, maybe empty) */
    const char *body;
    size_t body_len;
    int has_auth;               /* HTTP basic with user:password */
    const char *user;
    const char *password;
    int follow_redirects;
    int redirects;              /* followed already (a request handed over
                                   after a redirect, see
                                   SW__HTTP_E_HANDOVER): at most
                                   SW__MAX_REDIRS - redirects more */
    int64_t timeout_ms;         /* the whole request; > 0 */
    const char *proxy;          /* the proxy URL it goes through (request/
                                   proxy.h decided), or NULL: direct */
    const struct sw__tls_client *client_cert;   /* TLS client certificate
                                   (engine/curl/tlsclient.h), or NULL */
};

/* Why a request failed; SW__HTTP_OK for any response, whatever its status
 * (a 500 is a response).  Engines map their own errors onto these. */
enum sw__http_error {
    SW__HTTP_OK = 0,
    SW__HTTP_E_SETUP,           /* could not be prepared or started */
    SW__HTTP_E_URL,             /* bad URL or unsupported scheme */
    SW__HTTP_E_RESOLVE,         /* host name did not resolve */
    SW__HTTP_E_CONNECT,         /* connection refused or failed */
    SW__HTTP_E_TLS,             /* TLS handshake or certificate */
    SW__HTTP_E_SEND,            /* the request could not be written */
    SW__HTTP_E_RECV,            /* reset or closed mid-response */
    SW__HTTP_E_PROTOCOL,        /* malformed response */
    SW__HTTP_E_TIMEOUT,         /* timeout_ms passed */
    SW__HTTP_E_REDIRECTS,       /* more than SW__MAX_REDIRS */
    SW__HTTP_E_OTHER,
    /* Not a failure: a redirect this engine does not follow itself (to
     * https://, say) under `--engine auto`.  The response that redirected
     * was taken (its cookies are in the session's jar) and nothing was
     * added to the struct sw__response; the request goes on at
     * result->handover, through an engine that covers it, as the general
     * engine would have followed the redirect (request.c). */
    SW__HTTP_E_HANDOVER
};

/* Where a handed-over request goes on (SW__HTTP_E_HANDOVER); owned by the
 * xfer until finish. */
struct sw__http_handover {
    const char *url;            /* absolute, NUL-terminated */
    size_t url_len;
    sw_method_t method;         /* after the redirect's rules (a POST that
                                   got a 301, 302 or 303 is a GET) */
    int has_body;               /* the body is still sent (307, 308) */
    int same_origin;            /* same scheme, host and port as the
                                   request's first URL: credentials (and
                                   Authorization lines) may go there */
    int redirects;              /* followed so far, this one included */
};

/* Phases of one request, in microseconds; -1: the phase did not happen.
 * dns/connect/tls only for the request that opened its connection (so
 * their averages say what setting up a connection costs); tls only over
 * TLS; ttfb from the request's first byte sent to the response's first
 * byte received. */
struct sw__http_timing {
    int64_t total_us;           /* >= 0 */
    int64_t dns_us;
    int64_t connect_us;
    int64_t tls_us;
    int64_t ttfb_us;
};

/* The completion record of one transfer.  The body and headers are in the
 * struct sw__response given to prepare (status and transport_error are
 * set there too). */
struct sw__http_result {
    enum sw__http_error error;
    const char *message;        /* error text for reports (static or owned
                                   by the xfer until finish); NULL if OK */
    long status;                /* final status; 0 when error != OK */
    struct sw__http_timing timing;
    int64_t body_bytes;         /* = resp->body_bytes */
    struct sw__http_handover handover;  /* SW__HTTP_E_HANDOVER only */
};

/* Called once per sent request, from the loop; ctx as given to prepare.
 * May start other requests (of other sessions) and finish or cancel x. */
typedef void (*sw__http_done_fn)(void *ctx, sw__xfer_t *x,
                                 const struct sw__http_result *res);

/* Run-wide settings an engine gets at open (borrowed for the run). */
struct sw__engine_config {
    int insecure;               /* no TLS certificate or host checks */
    const char *engine;         /* --engine: NULL or "auto", else the name
                                   of the one engine to use (only `auto`
                                   lets an engine hand a request over) */
};

enum sw__send_outcome {
    SW__SENT = 0,               /* in flight: `done` will be called */
    SW__SEND_FAILED             /* nothing left; the xfer's result (see
                                   ops->result) says why */
};

struct sw__engine_ops {
    const char *name;           /* for --engine, messages and stats */

    /* Once per process, before any open / after every free; NULL: none.
     * process_init: 0, or -1 with a message on stderr. */
    int (*process_init)(void);
    void (*process_cleanup)(void);

    /* 1 when this engine serves req exactly as the general engine would. */
    int (*covers)(const struct sw__http_req *req);

    /* A new engine on the worker's loop; NULL with a message on stderr. */
    sw__engine_t *(*open)(uv_loop_t *uv, const struct sw__engine_config *c);
    /* Every session is closed already.  Stops and closes the engine's uv
     * handles; the caller then runs the loop until they are closed. */
    void (*close)(sw__engine_t *e);
    /* After the loop has closed them: frees the engine. */
    void (*free)(sw__engine_t *e);

    /* A user's new empty session (no cookies, no connection); NULL when
     * out of memory. */
    sw__session_t *(*session_open)(sw__engine_t *e);
    /* Closes the session's connection and frees its cookies.  Its xfer, if
     * any, is cancelled or finished first by the caller. */
    void (*session_close)(sw__session_t *s);

    /* Readies req for sending on the session (takes a transfer from the
     * engine's pool, sets it up).  resp is borrowed until finish/cancel;
     * the engine fills it with sw__resp_add_body / sw__resp_add_header.
     * Never NULL: a setup failure shows at send. */
    sw__xfer_t *(*prepare)(sw__session_t *s, const struct sw__http_req *req,
                           struct sw__response *resp, sw__http_done_fn done,
                           void *ctx);
    /* Starts x.  SW__SEND_FAILED: nothing was sent and `done` will not be
     * called; ops->result(x) has the completion record. */
    enum sw__send_outcome (*send)(sw__xfer_t *x);
    /* The completion record of a finished (or failed to send) x. */
    const struct sw__http_result *(*result)(sw__xfer_t *x);
    /* Abandons x (in flight or not); nothing more is called for it. */
    void (*cancel)(sw__xfer_t *x);
    /* Gives a finished x back to the engine. */
    void (*finish)(sw__xfer_t *x);

    /* The value of cookie `name` in the session's jar, appended to out:
     * 1, or 0 when there is none. */
    int (*cookie)(sw__session_t *s, const char *name, struct sw__buf *out);

    /* A user's requests may go through different engines (`auto` decides
     * per request), but it has one cookie jar: when its next request goes
     * to another engine than its last, request.c moves the jar with these
     * two.  The format is libcurl's cookie list (Netscape): one cookie a
     * line, "domain TAB tailmatch TAB path TAB secure TAB expires TAB name
     * TAB value" (domain with a leading '.' when it matches subdomains,
     * TRUE/FALSE flags, expires in Unix seconds, 0 for a session cookie),
     * in the jar's creation order.
     * cookies_export appends the session's cookies to out;
     * cookies_import replaces the session's cookies with `lines`. */
    void (*cookies_export)(sw__session_t *s, struct sw__buf *out);
    void (*cookies_import)(sw__session_t *s, const char *lines, size_t len);

    /* The scenario's `cookie` and `clear cookies` statements, between
     * requests (the session has no xfer).  cookie_set adds one cookie
     * given as a line of that format (NUL-terminated, no newline); it
     * replaces the one with the same name, domain and path.
     * cookies_clear empties the jar. */
    void (*cookie_set)(sw__session_t *s, const char *line);
    void (*cookies_clear)(sw__session_t *s);
};

/* The engines compiled in; `auto` tries them from the last to the first
 * (the general engine, first, serves whatever the others do not). */
enum sw__engine_kind {
    SW__ENGINE_GENERAL = 0,
    SW__ENGINE_NATIVE,
    SW__ENGINE_KINDS
};

/* The engine of kind k, or NULL when it is not compiled in. */
const struct sw__engine_ops *sw__engine_ops(enum sw__engine_kind k);
/* Every compiled-in engine's process_init; 0 or -1 (a message said why;
 * the ones already initialised are cleaned up). */
int sw__engines_process_init(void);
void sw__engines_process_cleanup(void);

/* The general engine (its own folder under runtime/engine/). */
extern const struct sw__engine_ops sw__engine_general;
/* The native HTTP/1.1 engine (runtime/engine/native/). */
extern const struct sw__engine_ops sw__engine_native;

/* A --host (or any base URL) as the general engine would parse it: NULL
 * when it is usable, else why not (a static string).  The command line
 * checks the host with it before the run starts, so a URL no request
 * could use is an exit 64, not a failure on every request. */
const char *sw__engine_url_error(const char *url);

#endif /* SW_ENGINE_H */
