/*
 * request.c - sw_req_* and sw_resp_status (swarm.h): a request is built
 * here, sent through an HTTP engine (engine.h), and recorded here.  See
 * request.h for who owns what.
 *
 * Request objects (the growable URL, name, body and header buffers, and
 * the response) are pooled per worker and lent to a user from
 * sw_req_begin to sw_req_end, so an idle user holds none of them and a
 * steady run reuses the same buffers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "http_setup.h"
#include "httpdebug.h"
#include "proxy.h"
#include "tlsclient.h"
#include "request.h"
#include "stats.h"
#include "user.h"
#include "util/buf.h"
#include "util/method.h"
#include "util/pct.h"

/* Buffers grown past this are freed when the request goes back to the
 * pool, so one big request does not pin memory for the whole run. */
#define KEEP_CAP ((size_t)256 << 10)

enum req_state {
    RQ_BUILDING,                /* begun, not sent */
    RQ_IN_FLIGHT,               /* sent, the engine has it */
    RQ_DONE                     /* completed (or failed to send) */
};

struct sw__req {
    struct sw__req *next_free;
    struct sw__net *net;        /* borrowed; NULL: standalone (tests) */
    sw_user_t *user;            /* borrowed while lent */
    sw_method_t method;
    struct sw__buf url;
    struct sw__buf name;
    struct sw__buf body;
    struct sw__buf user_name, password;
    /* the extra header lines, each NUL-terminated, back to back (see
     * struct sw__http_req for the conventions) */
    struct sw__buf hdr;
    int nhdr;
    int has_query;
    int has_body;
    int has_auth;
    int follow;
    int64_t timeout_ms;         /* -1: the run's --timeout */
    double intended_ms;         /* see sw__req_send; -1: none */
    enum req_state state;
    int kind;                   /* the engine that has it */
    sw__xfer_t *xfer;           /* the engine's, while it has it */
    struct sw__http_req q;      /* what the engine was given */
    /* The completion record: the engine's (valid until finish, which
     * release calls after sw_req_end has read it), or own_res.  Not
     * copied: with thousands of users each copy is cache lines written
     * that the next completion of this request object finds cold. */
    const struct sw__http_result *res;
    struct sw__http_result own_res;
    int64_t handover_us;        /* spent before a hand-over (hand_over) */
    double done_ms;             /* uv_hrtime ms when it completed */
    int64_t debug_seq;          /* --http-debug: its number, or 0 */
    struct sw__response resp;   /* owned */
    char errmsg[48];
};

/* ---- the worker's context --------------------------------------------- */

int sw__net_init(struct sw__net *n, uv_loop_t *uv,
                 const struct sw__engine_config *cfg, const char *host,
                 int64_t timeout_ms, struct sw__stats *stats,
                 atomic_int_fast64_t *failures, sw__req_complete_fn complete)
{
    memset(n, 0, sizeof *n);
    n->uv = uv;
    n->cfg = *cfg;
    n->host = host;
    n->timeout_ms = timeout_ms;
    n->stats = stats;
    n->failures = failures;
    n->complete = complete;
    n->only = -1;
    if (cfg->engine && strcmp(cfg->engine, "auto")) {
        n->only = sw__engine_by_name(cfg->engine);
        if (n->only < 0) {
            fprintf(stderr, "swarm: --engine: no engine called '%s'\n",
                    cfg->engine);
            return -1;
        }
    }
    for (int k = 0; k < SW__ENGINE_KINDS; k++) {
        n->ops[k] = sw__engine_ops((enum sw__engine_kind)k);
        if (n->ops[k] && !(n->eng[k] = n->ops[k]->open(uv, &n->cfg)))
            return -1;
    }
    return 0;
}

static void req_destroy(struct sw__req *r)
{
    sw__buf_free(&r->url);
    sw__buf_free(&r->name);
    sw__buf_free(&r->body);
    sw__buf_free(&r->user_name);
    sw__buf_free(&r->password);
    sw__buf_free(&r->hdr);
    sw__resp_free(&r->resp);
    free(r);
}

void sw__net_close(struct sw__net *n)
{
    while (n->free_reqs) {
        struct sw__req *r = n->free_reqs;
        n->free_reqs = r->next_free;
        req_destroy(r);
    }
    n->nfree_reqs = 0;
    sw__resp_pool_free(&n->resp_pool);
    for (int k = 0; k < SW__ENGINE_KINDS; k++)
        if (n->eng[k])
            n->ops[k]->close(n->eng[k]);
}

void sw__net_free(struct sw__net *n)
{
    for (int k = 0; k < SW__ENGINE_KINDS; k++)
        if (n->eng[k]) {
            n->ops[k]->free(n->eng[k]);
            n->eng[k] = NULL;
        }
}

/* ---- request objects -------------------------------------------------- */

static struct sw__req *req_get(struct sw__net *n)
{
    struct sw__req *r = n ? n->free_reqs : NULL;
    if (r) {
        n->free_reqs = r->next_free;
        n->nfree_reqs--;
    } else {
        r = calloc(1, sizeof *r);
        if (!r)
            sw__oom();
        r->net = n;
        r->resp.pool = n ? &n->resp_pool : NULL;
    }
    r->next_free = NULL;
    return r;
}

static void req_put(struct sw__req *r)
{
    struct sw__net *n = r->net;
    sw__resp_reset(&r->resp);
    if (!n) {
        req_destroy(r);
        return;
    }
    sw__buf_trim(&r->url, KEEP_CAP);
    sw__buf_trim(&r->name, KEEP_CAP);
    sw__buf_trim(&r->body, KEEP_CAP);
    r->hdr.len = 0;
    r->nhdr = 0;
    r->user = NULL;
    r->xfer = NULL;
    r->state = RQ_BUILDING;
    r->debug_seq = 0;
    r->has_query = r->has_body = r->has_auth = 0;
    r->next_free = n->free_reqs;
    n->free_reqs = r;
    n->nfree_reqs++;
}

/* Gives u's request back, abandoning it in the engine if it is there. */
static void release(sw_user_t *u)
{
    struct sw__req *r = u->net.req;
    if (!r)
        return;
    if (r->xfer) {
        const struct sw__engine_ops *ops = r->net->ops[r->kind];
        if (r->state == RQ_IN_FLIGHT)
            ops->cancel(r->xfer);
        else
            ops->finish(r->xfer);
        r->xfer = NULL;
    }
    /* The status outlives the request: generated code reads it in an `if`
     * after the request's statement (sw_resp_status). */
    u->net.last_status = r->resp.status;
    u->net.req = NULL;
    req_put(r);
}

/* ---- users ------------------------------------------------------------ */

void sw__req_user_init(sw_user_t *u, struct sw__net *n)
{
    memset(&u->net, 0, sizeof u->net);
    u->net.net = n;
    u->net.last_kind = -1;
}

void sw__req_user_free(sw_user_t *u)
{
    release(u);
    free(u->net.last_error);
    u->net.last_error = NULL;
    struct sw__net *n = u->net.net;
    for (int k = 0; k < SW__ENGINE_KINDS; k++)
        if (u->net.session[k]) {
            n->ops[k]->session_close(u->net.session[k]);
            u->net.session[k] = NULL;
        }
}

int sw__req_open(const sw_user_t *u)
{
    return u->net.req != NULL;
}

void sw__req_cancel(sw_user_t *u)
{
    release(u);
}

struct sw__response *sw__resp(sw_user_t *u)
{
    return u->net.req ? &u->net.req->resp : NULL;
}

struct sw__response *sw__req_standalone(sw_user_t *u)
{
    release(u);
    struct sw__req *r = req_get(NULL);
    r->user = u;
    r->state = RQ_DONE;
    u->net.req = r;
    return &r->resp;
}

int sw__req_cookie(sw_user_t *u, const char *name, struct sw__buf *out)
{
    struct sw__req *r = u->net.req;
    struct sw__net *n = u->net.net;
    if (!r || !n || r->kind < 0 || !u->net.session[r->kind])
        return 0;
    return n->ops[r->kind]->cookie(u->net.session[r->kind], name, out);
}

/* ---- building --------------------------------------------------------- */

void sw_req_begin(sw_user_t *u, sw_method_t method, const char *url)
{
    release(u);             /* a request begun and never sent */
    struct sw__req *r = req_get(u->net.net);
    u->net.req = r;
    r->user = u;
    r->method = method;
    r->follow = 1;
    r->timeout_ms = -1;
    r->intended_ms = -1;
    /* Locust: plain concatenation, absolute http(s) URLs bypass the host */
    r->url.len = 0;
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
        const char *host = u->net.net->host;
        sw__buf_add(&r->url, host, strlen(host));
    }
    sw__buf_add(&r->url, url, strlen(url));
    r->has_query = strchr(url, '?') != NULL;
    sw__buf_set(&r->name, url);
}

void sw_req_name(sw_user_t *u, const char *name)
{
    if (u->net.req)
        sw__buf_set(&u->net.req->name, name);
}

/* Appends "key: value" (value NULL: "key:", no such header at all) with
 * its NUL to r->hdr. */
static void add_header(struct sw__req *r, const char *key, const char *value)
{
    size_t kl = strlen(key), vl = value ? strlen(value) : 0;
    sw__buf_reserve(&r->hdr, kl + vl + 3);
    char *line = r->hdr.ptr + r->hdr.len;
    memcpy(line, key, kl);
    size_t n = kl;
    line[n++] = ':';
    if (value) {
        line[n++] = ' ';
        memcpy(line + n, value, vl);
        n += vl;
    }
    line[n++] = 0;
    r->hdr.len += n;
    r->nhdr++;
}

void sw_req_header(sw_user_t *u, const char *key, const char *value)
{
    if (u->net.req)
        add_header(u->net.req, key, value ? value : "");
}

void sw_req_query(sw_user_t *u, const char *key, const char *value)
{
    struct sw__req *r = u->net.req;
    if (!r)
        return;
    sw__buf_add(&r->url, r->has_query ? "&" : "?", 1);
    r->has_query = 1;
    sw__buf_add_pct(&r->url, key, 0);
    sw__buf_add(&r->url, "=", 1);
    sw__buf_add_pct(&r->url, value ? value : "", 0);
}

void sw_req_body(sw_user_t *u, const char *content_type, const char *body)
{
    struct sw__req *r = u->net.req;
    if (!r)
        return;
    sw__buf_set(&r->body, body ? body : "");
    r->has_body = 1;
    /* no type: no Content-Type at all, not an engine's default */
    add_header(r, "Content-Type", content_type);
}

void sw_req_timeout_ms(sw_user_t *u, int64_t timeout_ms)
{
    if (u->net.req)
        u->net.req->timeout_ms = timeout_ms;
}

void sw_req_auth(sw_user_t *u, const char *user, const char *password)
{
    struct sw__req *r = u->net.req;
    if (!r)
        return;
    sw__buf_set(&r->user_name, user ? user : "");
    sw__buf_set(&r->password, password ? password : "");
    r->has_auth = 1;
}

void sw_req_redirects(sw_user_t *u, int follow)
{
    if (u->net.req)
        u->net.req->follow = follow != 0;
}

/* ---- for multipart.c, headers.c and cookies.c (request.h) ------------- */

struct sw__buf *sw__req_body_buf(sw_user_t *u)
{
    struct sw__req *r = u->net.req;
    if (!r)
        return NULL;
    r->has_body = 1;
    return &r->body;
}

void sw__req_add_header(sw_user_t *u, const char *key, const char *value)
{
    if (u->net.req)
        add_header(u->net.req, key, value);
}

struct sw__buf *sw__req_header_lines(sw_user_t *u, int **nheaders)
{
    struct sw__req *r = u->net.req;
    if (!r)
        return NULL;
    *nheaders = &r->nhdr;
    return &r->hdr;
}

/* ---- sending ---------------------------------------------------------- */

static double now_ms(void)
{
    return (double)uv_hrtime() / 1e6;
}

int sw__engine_by_name(const char *name)
{
    for (int k = 0; k < SW__ENGINE_KINDS; k++) {
        const struct sw__engine_ops *ops = sw__engine_ops(k);
        if (ops && !strcmp(ops->name, name))
            return k;
    }
    return -1;
}

/* The engine for q: with --engine, that one (or -1 when it does not cover
 * q); else the first compiled-in engine, from the last, that covers it
 * (the general engine covers everything). */
static int pick_engine(const struct sw__net *n, const struct sw__http_req *q)
{
    if (n->only >= 0)
        return n->only == SW__ENGINE_GENERAL || n->ops[n->only]->covers(q)
                   ? n->only
                   : -1;
    for (int k = SW__ENGINE_KINDS - 1; k > 0; k--)
        if (n->ops[k] && n->ops[k]->covers(q))
            return k;
    return SW__ENGINE_GENERAL;
}

/* The user's jar from engine `from` to engine `to` (see cookies_export in
 * engine.h): a user has one set of cookies whichever engine sends. */
static void move_cookies(sw_user_t *u, int from, int to)
{
    struct sw__net *n = u->net.net;
    struct sw__buf lines = { 0 };
    n->ops[from]->cookies_export(u->net.session[from], &lines);
    n->ops[to]->cookies_import(u->net.session[to],
                               lines.ptr ? lines.ptr : "", lines.len);
    sw__buf_free(&lines);
}

static void hand_over(struct sw__req *r, const struct sw__http_result *res);

static void on_done(void *ctx, sw__xfer_t *x, const struct sw__http_result *res)
{
    struct sw__req *r = ctx;
    sw_user_t *u = r->user;
    (void)x;
    if (res->error == SW__HTTP_E_HANDOVER) {
        hand_over(r, res);      /* rare: not done yet */
        return;
    }
    r->state = RQ_DONE;
    r->res = res;
    if (r->handover_us) {       /* (rare) the time before the hand-over */
        r->own_res = *res;
        r->own_res.timing.total_us += r->handover_us;
        r->res = &r->own_res;
    }
    if (r->intended_ms >= 0)        /* only then is the time needed */
        r->done_ms = now_ms();
    r->net->complete(u, r->res);
}

/* r's header lines without its Authorization lines (libcurl 7.88 sends
 * them after a redirect only to the first URL's origin). */
static void drop_authorization(struct sw__req *r)
{
    char *p = r->hdr.ptr, *end = p + r->hdr.len, *w = p;
    int kept = 0;
    while (p && p < end) {
        size_t n = strlen(p) + 1;
        if (strncasecmp(p, "Authorization:", 14)) {
            memmove(w, p, n);
            w += n;
            kept++;
        }
        p += n;
    }
    if (r->hdr.ptr)
        r->hdr.len = (size_t)(w - r->hdr.ptr);
    r->nhdr = kept;
}

/* A request an engine handed over (engine.h, SW__HTTP_E_HANDOVER: the
 * native engine, at a redirect to https:// or to a URL it does not send
 * itself) goes on through the general engine from the redirect's target,
 * as `--engine curl` would have followed it there: the user's cookies
 * (with the redirect's Set-Cookie) move to the general engine's session,
 * method and body are what the redirect left of them, credentials and
 * Authorization lines go on only to the first URL's origin, and the
 * redirects and time already spent count against the request's limits.
 * The request is then the general engine's (served, counted, reported
 * once, with the whole time). */
static void hand_over(struct sw__req *r, const struct sw__http_result *res)
{
    sw_user_t *u = r->user;
    struct sw__net *n = r->net;
    const struct sw__http_handover *h = &res->handover;
    const int k = SW__ENGINE_GENERAL;
    const struct sw__engine_ops *ops = n->ops[k];
    struct sw__http_req *q = &r->q;
    /* the target lives in the engine's xfer, given back below */
    r->url.len = 0;
    sw__buf_add(&r->url, h->url, h->url_len);
    if (!h->same_origin) {
        r->has_auth = 0;
        drop_authorization(r);
    }
    r->handover_us += res->timing.total_us;
    int64_t left_ms = q->timeout_ms - res->timing.total_us / 1000;
    q->method = h->method;
    q->url = r->url.ptr;
    q->url_len = r->url.len;
    q->headers = r->hdr.ptr;
    q->headers_len = r->hdr.len;
    q->nheaders = r->nhdr;
    q->has_body = h->has_body;
    q->has_auth = r->has_auth;
    q->redirects = h->redirects;
    q->timeout_ms = left_ms > 0 ? left_ms : 1;
    n->ops[r->kind]->finish(r->xfer);
    r->xfer = NULL;
    if (!u->net.session[k] &&
        !(u->net.session[k] = ops->session_open(n->eng[k])))
        sw__oom();
    move_cookies(u, r->kind, k);
    u->net.last_kind = k;
    r->kind = k;
    r->xfer = ops->prepare(u->net.session[k], q, &r->resp, on_done, r);
    if (ops->send(r->xfer) == SW__SENT)
        return;
    on_done(r, r->xfer, ops->result(r->xfer));
}

enum sw__send_outcome sw__req_send(sw_user_t *u, double intended_ms)
{
    struct sw__req *r = u->net.req;
    struct sw__net *n = u->net.net;
    if (!r) {
        /* generated code always begins first; be safe anyway */
        sw_req_begin(u, SW_GET, "/");
        r = u->net.req;
    }
    r->intended_ms = intended_ms;
    struct sw__http_req *q = &r->q;
    q->method = r->method;
    q->url = r->url.ptr;
    q->url_len = r->url.len;
    q->headers = r->hdr.ptr;
    q->headers_len = r->hdr.len;
    q->nheaders = r->nhdr;
    q->has_body = r->has_body;
    q->body = r->body.ptr ? r->body.ptr : "";
    q->body_len = r->body.len;
    q->has_auth = r->has_auth;
    q->user = r->user_name.ptr;
    q->password = r->password.ptr;
    q->follow_redirects = r->follow;
    q->redirects = 0;
    r->handover_us = 0;
    q->timeout_ms = r->timeout_ms > 0 ? r->timeout_ms : n->timeout_ms;
    q->proxy = sw__proxy_for(q->url, q->url_len);
    q->client_cert = sw__http_cert_for(u->cls);
    r->debug_seq = 0;
    if (sw__http_debug_on && (r->debug_seq = sw__http_debug_take()))
        r->resp.log_sent = 1;
    int k = pick_engine(n, q);
    if (k < 0) {
        /* --engine named an engine that cannot send this exactly as the
         * general one would: a counted failure, never a silent fallback */
        r->kind = -1;
        r->state = RQ_DONE;
        memset(&r->own_res, 0, sizeof r->own_res);
        r->own_res.error = SW__HTTP_E_SETUP;
        r->own_res.message =
            "not covered by --engine native (use auto or curl)";
        r->res = &r->own_res;
        r->resp.status = 0;
        r->resp.transport_error = r->own_res.message;
        r->done_ms = now_ms();
        return SW__SEND_FAILED;
    }
    const struct sw__engine_ops *ops = n->ops[k];
    if (!u->net.session[k] &&
        !(u->net.session[k] = ops->session_open(n->eng[k])))
        sw__oom();
    if (u->net.last_kind >= 0 && u->net.last_kind != k)
        move_cookies(u, u->net.last_kind, k);
    u->net.last_kind = k;
    r->kind = k;
    r->xfer = ops->prepare(u->net.session[k], q, &r->resp, on_done, r);
    r->state = RQ_IN_FLIGHT;
    if (ops->send(r->xfer) == SW__SENT)
        return SW__SENT;
    r->state = RQ_DONE;
    r->res = ops->result(r->xfer);
    if (r->intended_ms >= 0)
        r->done_ms = now_ms();
    return SW__SEND_FAILED;
}

/* ---- results ---------------------------------------------------------- */

/* The test hooks' user keeps its last failure to say why it failed. */
static void keep_error(sw_user_t *u, const struct sw__sample *s)
{
    free(u->net.last_error);
    u->net.last_error = NULL;
    struct sw__buf b = { 0 };
    sw__buf_printf(&b, "%s %s: %s", sw__method_name(s->method), s->name,
                   s->error);
    u->net.last_error = b.ptr;      /* takes the buffer */
}

int sw_req_failed(sw_user_t *u)
{
    return u->net.last_failed;
}

void sw_req_end(sw_user_t *u)
{
    struct sw__req *r = u->net.req;
    if (!r)
        return;
    if (r->state != RQ_DONE || !r->net) {   /* never sent, or in flight */
        release(u);
        return;
    }
    const struct sw__http_result *res = r->res;
    struct sw__response *resp = &r->resp;
    struct sw__sample s;
    memset(&s, 0, sizeof s);
    s.method = r->method;
    s.name = r->name.ptr ? r->name.ptr : "";
    const char *group = sw__group_path(&u->groups);
    if (group)      /* k6's "group::name"; scratch lives until the yield */
        s.name = sw_cat(u, 3, group, "::", s.name);
    s.latency_us = res->timing.total_us;
    /* from the iteration's intended start when it has one (no coordinated
     * omission); the transfer itself is a lower bound */
    s.intended_us = s.latency_us;
    if (r->intended_ms >= 0) {
        int64_t late_us = (int64_t)((r->done_ms - r->intended_ms) * 1000.0);
        if (late_us > s.intended_us)
            s.intended_us = late_us;
    }
    s.bytes = res->body_bytes;
    s.timing.dns_us = res->timing.dns_us;
    s.timing.connect_us = res->timing.connect_us;
    s.timing.tls_us = res->timing.tls_us;
    s.timing.ttfb_us = res->timing.ttfb_us;
    s.timing.total_us = s.latency_us;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s.now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (res->error != SW__HTTP_OK) {
        s.error = res->message;
    } else if (resp->fail_msg) {
        s.error = resp->fail_msg;
    } else if (resp->status >= 400 && !resp->status_checked) {
        snprintf(r->errmsg, sizeof r->errmsg, "HTTP %ld", resp->status);
        s.error = r->errmsg;
    }
    u->net.last_failed = s.error != NULL;
    if (s.error && u->net.keep_error)
        keep_error(u, &s);
    sw__stats_record(r->net->stats, &s);
    if (r->debug_seq)
        sw__http_debug_print(r->debug_seq, r->kind >= 0
                                 ? r->net->ops[r->kind]->name : NULL,
                             &r->q, resp, s.error);
    if (r->kind >= 0)
        atomic_fetch_add_explicit(&r->net->served[r->kind], 1,
                                  memory_order_relaxed);
    if (s.error)
        atomic_fetch_add_explicit(r->net->failures, 1, memory_order_relaxed);
    release(u);
}

int64_t sw_resp_status(sw_user_t *u)
{
    return u->net.req ? u->net.req->resp.status : u->net.last_status;
}
