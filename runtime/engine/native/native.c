/*
 * native.c - the native HTTP/1.1 engine behind the engine interface
 * (engine.h): struct sw__engine_ops over nv.h.
 *
 * A user's session holds its one transfer record (a user sends one request
 * after another), so prepare allocates nothing; the bytes in flight live
 * in the engine's pooled transfers (conn.c).  At completion the response's
 * header block and body are handed to the request module's struct
 * sw__response through sw__resp_add_header / sw__resp_add_body, as the
 * interface asks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "engine.h"
#include "errtext.h"
#include "nv.h"
#include "util/buf.h"

struct sw__xfer {
    struct sw__session *s;
    struct sw__nv_request nreq;
    struct sw__response *resp;  /* borrowed from prepare to finish/cancel */
    sw__http_done_fn done;
    void *ctx;
    struct sw__http_result result;
    char msg[320];              /* result.message when it is built */
};

struct sw__engine {
    struct sw__nv_engine *nv;
};

struct sw__session {
    struct sw__nv_session *nv;
    struct sw__xfer x;
};

static void to_nv(const struct sw__http_req *req, struct sw__nv_request *n)
{
    n->method = (int)req->method;
    n->url = req->url;
    n->url_len = req->url_len;
    n->hdr = req->headers ? req->headers : "";
    n->hdr_len = req->headers_len;
    n->nhdr = req->nheaders;
    n->user_agent = "User-Agent: " SW__USER_AGENT;
    n->accept_encoding = SW__ACCEPT_ENCODING;
    n->sent_log = NULL;
    n->has_body = req->has_body;
    n->body = req->body ? req->body : "";
    n->body_len = req->body_len;
    n->has_auth = req->has_auth;
    n->auth_user = req->user;
    n->auth_password = req->password;
    n->follow = req->follow_redirects;
    n->timeout_ms = req->timeout_ms;
    n->parsed = NULL;
}

/* The URL native_covers parsed last on this thread.  request.c asks
 * covers(q) and, when the answer is yes, prepares the same q at once
 * (pick_engine, then prepare, in sw__req_send): prepare hands this parse
 * to sw__nv_send instead of having the URL parsed a second time (~270
 * instructions of the ~10,000 a keep-alive request costs).  Keyed on the
 * request and its URL's address and length, which do not change between
 * the two calls, and used once. */
static _Thread_local struct {
    const struct sw__http_req *req;
    const char *url;
    size_t url_len;
    struct sw__nv_url u;
} covered;

/* The last URL this thread found covered, and its parse as offsets: a
 * task sends the same URL again and again, and comparing its bytes costs
 * a fraction of parsing them (~250 instructions a request). */
static _Thread_local struct {
    char url[256];
    size_t len;                 /* 0: none */
    struct sw__nv_url u;        /* (its pointers are not used) */
    size_t host_off, target_off;
} seen;

static int native_covers(const struct sw__http_req *req)
{
    struct sw__nv_request n;
    if (req->proxy)
        return 0;               /* absolute-form requests: libcurl's */
    to_nv(req, &n);
    if (req->url_len == seen.len && !memcmp(req->url, seen.url, seen.len)) {
        if (!sw__nv_covers_parsed(&n))
            return 0;
        covered.u = seen.u;
        covered.u.host = req->url + seen.host_off;
        covered.u.target = req->url + seen.target_off;
    } else {
        if (!sw__nv_covers_url(&n, &covered.u))
            return 0;
        if (req->url_len <= sizeof seen.url) {
            memcpy(seen.url, req->url, req->url_len);
            seen.len = req->url_len;
            seen.u = covered.u;
            seen.host_off = (size_t)(covered.u.host - req->url);
            seen.target_off = (size_t)(covered.u.target - req->url);
        }
    }
    covered.req = req;
    covered.url = req->url;
    covered.url_len = req->url_len;
    return 1;
}

static sw__engine_t *native_open(uv_loop_t *uv,
                                 const struct sw__engine_config *c)
{
    /* (nothing TLS-related over plain HTTP) */
    struct sw__engine *e = calloc(1, sizeof *e);
    if (e && !(e->nv = sw__nv_engine_new(uv, SW__BODY_CAP))) {
        free(e);
        e = NULL;
    }
    /* Under `auto` a redirect to what this engine does not cover goes on
     * through the general engine (request.c), as `--engine curl` would
     * follow it; `--engine native` promises this engine only, so there it
     * is a failure. */
    if (e)
        sw__nv_engine_handover(e->nv, !c->engine || !strcmp(c->engine, "auto"));
    if (!e)
        fputs("swarm: native engine: out of memory\n", stderr);
    return e;
}

static void native_close(sw__engine_t *e)
{
    sw__nv_engine_close(e->nv);
}

static void native_free(sw__engine_t *e)
{
    sw__nv_engine_free(e->nv);
    free(e);
}

static sw__session_t *native_session_open(sw__engine_t *e)
{
    struct sw__session *s = calloc(1, sizeof *s);
    if (s && !(s->nv = sw__nv_session_new(e->nv))) {
        free(s);
        return NULL;
    }
    if (s)
        s->x.s = s;
    return s;
}

static void native_session_close(sw__session_t *s)
{
    sw__nv_session_free(s->nv);
    free(s);
}

static sw__xfer_t *native_prepare(sw__session_t *s,
                                  const struct sw__http_req *req,
                                  struct sw__response *resp,
                                  sw__http_done_fn done, void *ctx)
{
    struct sw__xfer *x = &s->x;
    to_nv(req, &x->nreq);
    x->nreq.parsed = NULL;
    if (covered.req == req && covered.url == req->url &&
        covered.url_len == req->url_len) {
        x->nreq.parsed = &covered.u;
        covered.req = NULL;
    }
    x->nreq.sent_log = resp->log_sent ? &resp->sent : NULL;
    x->resp = resp;
    x->done = done;
    x->ctx = ctx;
    memset(&x->result, 0, sizeof x->result);
    return x;
}

static enum sw__http_error map_error(int err)
{
    switch (err) {
    case SW_NV_OK:
        return SW__HTTP_OK;
    case SW_NV_ERR_RESOLVE:
        return SW__HTTP_E_RESOLVE;
    case SW_NV_ERR_CONNECT:
        return SW__HTTP_E_CONNECT;
    case SW_NV_ERR_TIMEOUT:
        return SW__HTTP_E_TIMEOUT;
    case SW_NV_ERR_SEND:
        return SW__HTTP_E_SEND;
    case SW_NV_ERR_RESET:
    case SW_NV_ERR_HEADERS_SIZE:    /* as the general engine has it */
    case SW_NV_ERR_EMPTY:
    case SW_NV_ERR_PARTIAL:
        return SW__HTTP_E_RECV;
    case SW_NV_ERR_REDIRECTS:
        return SW__HTTP_E_REDIRECTS;
    case SW_NV_ERR_BAD_REDIRECT:
        return SW__HTTP_E_URL;
    default:
        return SW__HTTP_E_PROTOCOL;
    }
}

/* The header block, one line at a time (the interface's unit); a block
 * that fits under the response's cap in one call, which is the same. */
static void add_headers(struct sw__response *resp, const char *p, size_t n)
{
    if (n < SW__HEADERS_CAP) {
        sw__resp_add_header(resp, p, n);
        return;
    }
    const char *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl ? nl + 1 : end;
        sw__resp_add_header(resp, p, (size_t)(next - p));
        p = next;
    }
}

static void on_done(struct sw__nv_session *nvs, void *data)
{
    struct sw__xfer *x = data;
    const struct sw__nv_result *r = sw__nv_result(nvs);
    struct sw__http_result *res = &x->result;
    struct sw__response *resp = x->resp;
    res->error = map_error(r->err);
    res->message = NULL;
    if (r->err != SW_NV_ERR_HANDOVER && r->headers.len)
        add_headers(resp, r->headers.ptr, r->headers.len);
    if (r->err == SW_NV_ERR_HEADER_LINE) {
        res->message = SW__HEADER_LINE_MSG;     /* as the libcurl engine */
    } else if (r->err == SW_NV_ERR_HEADERS_SIZE && r->errmsg[0]) {
        res->message = r->errmsg;               /* libcurl's own words */
    } else if (r->err && r->err != SW_NV_ERR_HANDOVER) {
        struct sw__http_errinfo ei = {
            .kind = res->error,
            .cause = r->err == SW_NV_ERR_EMPTY ? SW__CAUSE_EMPTY
                     : r->err == SW_NV_ERR_PARTIAL ? SW__CAUSE_PARTIAL
                     : r->err == SW_NV_ERR_DECODE ? SW__CAUSE_DECODE
                     : SW__CAUSE_NONE,
            .os_errno = r->os_errno,
            .connecting = r->timeout_connecting,
            .url = sw__nv_session_url(nvs),
            .timeout_ms = x->nreq.timeout_ms,
            .fallback = sw__nv_strerror(r->err),
            .headers = resp->headers.ptr,
        };
        res->message = sw__http_errtext(&ei, x->msg, sizeof x->msg);
    }
    res->status = r->err ? 0 : r->status;
    res->timing.total_us = r->timing.total_us < 0 ? 0 : r->timing.total_us;
    res->timing.dns_us = r->timing.dns_us;
    res->timing.connect_us = r->timing.connect_us;
    res->timing.tls_us = -1;
    res->timing.ttfb_us = r->timing.ttfb_us;
    if (r->err == SW_NV_ERR_HANDOVER) {
        /* the request goes on elsewhere: resp stays untouched */
        res->error = SW__HTTP_E_HANDOVER;
        res->message = NULL;
        res->handover.url = r->next_url;
        res->handover.url_len = r->next_url_len;
        res->handover.method = (sw_method_t)r->next_method;
        res->handover.has_body = r->next_has_body;
        res->handover.same_origin = r->next_same_origin;
        res->handover.redirects = r->redirects;
        x->done(x->ctx, x, res);
        return;
    }
    if (r->body.len)
        sw__resp_add_body(resp, r->body.ptr, r->body.len);
    resp->body_bytes = r->bytes;
    resp->status = res->status;
    resp->transport_error = res->message;
    res->body_bytes = r->bytes;
    x->done(x->ctx, x, res);
}

static enum sw__send_outcome native_send(sw__xfer_t *x)
{
    int rc = sw__nv_send(x->s->nv, &x->nreq, on_done, x);
    x->nreq.parsed = NULL;      /* (covered's, used once) */
    if (rc == 0)
        return SW__SENT;
    x->result.error = SW__HTTP_E_SETUP;
    x->result.message = "Failed initialization";
    x->resp->transport_error = x->result.message;
    x->resp->status = 0;
    return SW__SEND_FAILED;
}

static const struct sw__http_result *native_result(sw__xfer_t *x)
{
    return &x->result;
}

static void native_cancel(sw__xfer_t *x)
{
    sw__nv_release(x->s->nv);
    x->resp = NULL;
}

static void native_finish(sw__xfer_t *x)
{
    sw__nv_release(x->s->nv);
    x->resp = NULL;
}

static int native_cookie(sw__session_t *s, const char *name,
                         struct sw__buf *out)
{
    const char *v;
    if (!sw__nv_session_cookie(s->nv, name, &v))
        return 0;
    sw__buf_adds(out, v);
    return 1;
}

static void native_cookies_export(sw__session_t *s, struct sw__buf *out)
{
    struct sw__buf b = { out->ptr, out->len, out->cap };
    sw__nv_session_cookies_export(s->nv, &b);
    out->ptr = b.ptr;
    out->len = b.len;
    out->cap = b.cap;
}

static void native_cookies_import(sw__session_t *s, const char *lines,
                                  size_t len)
{
    sw__nv_session_cookies_import(s->nv, lines, len);
}

/* The field after the k-th tab of a cookie line, and its length. */
static const char *field(const char *line, size_t len, int k, size_t *n)
{
    const char *p = line, *end = line + len;
    for (int i = 0; i < k; i++) {
        const char *t = memchr(p, '\t', (size_t)(end - p));
        if (!t)
            return NULL;
        p = t + 1;
    }
    const char *t = k < 6 ? memchr(p, '\t', (size_t)(end - p)) : NULL;
    *n = (size_t)((t ? t : end) - p);
    return p;
}

/* Same name (case-insensitive, as the jar replaces), domain, host-only
 * flag and path: b replaces a. */
static int same_cookie(const char *a, size_t al, const char *b, size_t bl)
{
    static const int keys[] = { 0, 1, 2, 5 };
    for (int i = 0; i < 4; i++) {
        size_t an, bn;
        const char *fa = field(a, al, keys[i], &an);
        const char *fb = field(b, bl, keys[i], &bn);
        if (!fa || !fb || an != bn || strncasecmp(fa, fb, an))
            return 0;
    }
    return 1;
}

/* The jar as lines, without the cookie `line` replaces, plus line. */
static void native_cookie_set(sw__session_t *s, const char *line)
{
    struct sw__buf all = { 0 }, out = { 0 };
    native_cookies_export(s, &all);
    size_t ll = strlen(line);
    const char *p = all.ptr, *end = all.ptr + all.len;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n && !same_cookie(p, n, line, ll)) {
            sw__buf_add(&out, p, n);
            sw__buf_add(&out, "\n", 1);
        }
        p += n + 1;
    }
    sw__buf_add(&out, line, ll);
    sw__buf_add(&out, "\n", 1);
    native_cookies_import(s, out.ptr, out.len);
    sw__buf_free(&all);
    sw__buf_free(&out);
}

static void native_cookies_clear(sw__session_t *s)
{
    native_cookies_import(s, "", 0);
}

const struct sw__engine_ops sw__engine_native = {
    .name = "native",
    .covers = native_covers,
    .open = native_open,
    .close = native_close,
    .free = native_free,
    .session_open = native_session_open,
    .session_close = native_session_close,
    .prepare = native_prepare,
    .send = native_send,
    .result = native_result,
    .cancel = native_cancel,
    .finish = native_finish,
    .cookie = native_cookie,
    .cookies_export = native_cookies_export,
    .cookies_import = native_cookies_import,
    .cookie_set = native_cookie_set,
    .cookies_clear = native_cookies_clear,
};
