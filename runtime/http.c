/*
 * http.c - sw_req_* / sw_resp_* (swarm.h): each user's requests through its
 * own session (a CURLSH with its cookies and its connection cache) on easy
 * handles pooled per worker.  See http.h.
 *
 * Hot path: a request object (with its easy handle and its grown buffers)
 * is reused from the worker's pool, so a steady run allocates only what
 * libcurl allocates itself (header lists, cookies).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "http.h"
#include "scheduler.h"
#include "stats.h"
#include "worker.h"

/* Bodies larger than this are counted but not kept (checks see the start). */
#define BODY_CAP ((size_t)8 << 20)
/* Idle requests (easy handles) a worker keeps: enough for the requests
 * in flight at once in a steady run; a burst beyond (every user spawned in
 * one step sending at once) is freed again instead of pinning ~10 KB per
 * handle for the rest of the run. */
#define POOL_KEEP 256
/* Buffers grown past this are freed when the request goes back to the
 * pool, so one big response does not pin memory for the whole run. */
#define KEEP_CAP ((size_t)256 << 10)

struct sw__request {
    struct sw__request *next_free;
    CURL *easy;                 /* owned by the pool */
    sw_user_t *user;            /* borrowed while lent */
    sw_method_t method;
    struct sw__buf url;
    struct sw__buf name;
    struct sw__buf body;
    struct sw__buf user_name, password;
    struct sw__buf body_keep, hdr_keep;   /* response buffers when idle */
    struct curl_slist *headers;
    int has_query;
    int has_body;
    int has_auth;
    int follow;
    int64_t timeout_ms;
    int in_flight;
    int done;
    CURLcode result;
    int64_t bytes;              /* body bytes received (also past the cap) */
    char errmsg[48];
};

static const char *const method_names[] = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"
};

static void oom(void)
{
    fputs("swarm: out of memory\n", stderr);
    abort();
}

static void buf_reserve(struct sw__buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->ptr, cap);
    if (!p)
        oom();
    b->ptr = p;
    b->cap = cap;
}

static void buf_add(struct sw__buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->ptr + b->len, s, n);
    b->len += n;
    b->ptr[b->len] = 0;
}

static void buf_set(struct sw__buf *b, const char *s)
{
    b->len = 0;
    buf_add(b, s, strlen(s));
}

static void buf_trim(struct sw__buf *b)
{
    if (b->cap > KEEP_CAP) {
        free(b->ptr);
        b->ptr = NULL;
        b->cap = 0;
    }
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = 0;
}

static void buf_free(struct sw__buf *b)
{
    free(b->ptr);
    memset(b, 0, sizeof *b);
}

static int is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

static void buf_add_escaped(struct sw__buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_unreserved(*p)) {
            buf_add(b, (const char *)p, 1);
        } else {
            char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
            buf_add(b, e, 3);
        }
    }
}

/* ---- the pool --------------------------------------------------------- */

static struct sw__request *req_get(struct sw__worker *w)
{
    struct sw__request *r = w->free_reqs;
    if (r) {
        w->free_reqs = r->next_free;
        w->nfree_reqs--;
    } else {
        r = calloc(1, sizeof *r);
        if (!r)
            oom();
        r->easy = curl_easy_init();
        if (!r->easy)
            oom();
        /* Turns the cookie engine on for the handle's life: libcurl 7.88
         * keeps state.cookie_engine across curl_easy_reset.  Not through
         * COOKIEFILE, whose file list curl_easy_reset drops unfreed; this
         * cookie lands in a private jar that CURLOPT_SHARE frees at once
         * (the jar used is the user's share). */
        if (curl_easy_setopt(r->easy, CURLOPT_COOKIELIST,
                             "Set-Cookie: swarm=1; Domain=swarm.invalid")
            != CURLE_OK)
            oom();
    }
    r->next_free = NULL;
    return r;
}

static void req_destroy(struct sw__request *r)
{
    curl_easy_cleanup(r->easy);
    buf_free(&r->url);
    buf_free(&r->name);
    buf_free(&r->body);
    buf_free(&r->user_name);
    buf_free(&r->password);
    buf_free(&r->body_keep);
    buf_free(&r->hdr_keep);
    free(r);
}

static void req_put(struct sw__worker *w, struct sw__request *r)
{
    curl_slist_free_all(r->headers);
    r->headers = NULL;
    /* Detach from the user's share first (curl_easy_reset keeps it, and a
     * share in use cannot be cleaned up), then forget every option so the
     * next user starts from a clean handle. */
    if (curl_easy_setopt(r->easy, CURLOPT_SHARE, NULL) != CURLE_OK)
        fputs("swarm: cannot detach a share\n", stderr);
    if (w->nfree_reqs >= POOL_KEEP) {
        req_destroy(r);
        return;
    }
    curl_easy_reset(r->easy);
    buf_trim(&r->url);
    buf_trim(&r->name);
    buf_trim(&r->body);
    buf_trim(&r->body_keep);
    buf_trim(&r->hdr_keep);
    r->user = NULL;
    r->in_flight = r->done = 0;
    r->has_query = r->has_body = r->has_auth = 0;
    r->bytes = 0;
    r->next_free = w->free_reqs;
    w->free_reqs = r;
    w->nfree_reqs++;
}

void sw__http_pool_free(struct sw__worker *w)
{
    struct sw__request *r = w->free_reqs;
    while (r) {
        struct sw__request *next = r->next_free;
        req_destroy(r);
        r = next;
    }
    w->free_reqs = NULL;
    w->nfree_reqs = 0;
}

/* Gives the request back with the user's response buffers. */
static void release(sw_user_t *u)
{
    struct sw__request *r = u->req;
    if (!r)
        return;
    if (r->in_flight)
        sw__loop_remove(&u->worker->net, r->easy);
    r->body_keep = u->resp.body;
    r->hdr_keep = u->resp.headers;
    memset(&u->resp, 0, sizeof u->resp);
    u->req = NULL;
    free(u->fail_msg);
    u->fail_msg = NULL;
    u->status_checked = 0;
    req_put(u->worker, r);
}

/* ---- sessions --------------------------------------------------------- */

int sw__http_user_init(sw_user_t *u)
{
    CURLSH *sh = curl_share_init();
    if (!sh)
        return -1;
    if (curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE) ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT)) {
        curl_share_cleanup(sh);
        return -1;
    }
    u->share = sh;
    return 0;
}

void sw__http_user_free(sw_user_t *u)
{
    release(u);
    if (u->share) {
        CURLSHcode sc = curl_share_cleanup(u->share);
        if (sc != CURLSHE_OK)
            fprintf(stderr, "swarm: curl_share_cleanup: %s\n",
                    curl_share_strerror(sc));
        u->share = NULL;
    }
}

int sw__http_in_flight(const sw_user_t *u)
{
    return u->req && u->req->in_flight;
}

void sw__http_cancel(sw_user_t *u)
{
    release(u);
}

/* ---- building --------------------------------------------------------- */

void sw_req_begin(sw_user_t *u, sw_method_t method, const char *url)
{
    release(u);             /* a request begun and never sent */
    struct sw__request *r = req_get(u->worker);
    u->req = r;
    r->user = u;
    r->method = method;
    r->follow = 1;
    r->timeout_ms = -1;
    /* Locust: plain concatenation, absolute http(s) URLs bypass the host */
    r->url.len = 0;
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
        const char *host = u->worker->run->opt->host;
        buf_add(&r->url, host, strlen(host));
    }
    buf_add(&r->url, url, strlen(url));
    r->has_query = strchr(url, '?') != NULL;
    buf_set(&r->name, url);
    /* the response buffers are lent to the user until sw_req_end */
    u->resp.body = r->body_keep;
    u->resp.headers = r->hdr_keep;
    memset(&r->body_keep, 0, sizeof r->body_keep);
    memset(&r->hdr_keep, 0, sizeof r->hdr_keep);
    u->resp.status = 0;
    u->resp.transport_error = NULL;
    u->resp.easy = NULL;
    free(u->fail_msg);
    u->fail_msg = NULL;
    u->status_checked = 0;
}

void sw_req_name(sw_user_t *u, const char *name)
{
    if (u->req)
        buf_set(&u->req->name, name);
}

static void add_header(struct sw__request *r, const char *key,
                       const char *value)
{
    char stack[256];
    size_t kl = strlen(key), vl = strlen(value);
    char *line = kl + vl + 3 <= sizeof stack ? stack : malloc(kl + vl + 3);
    if (!line)
        oom();
    memcpy(line, key, kl);
    if (vl) {
        line[kl] = ':';
        line[kl + 1] = ' ';
        memcpy(line + kl + 2, value, vl + 1);
    } else {
        line[kl] = ';';     /* libcurl's spelling of an empty header */
        line[kl + 1] = 0;
    }
    struct curl_slist *l = curl_slist_append(r->headers, line);
    if (line != stack)
        free(line);
    if (!l)
        oom();
    r->headers = l;
}

void sw_req_header(sw_user_t *u, const char *key, const char *value)
{
    if (u->req)
        add_header(u->req, key, value ? value : "");
}

void sw_req_query(sw_user_t *u, const char *key, const char *value)
{
    struct sw__request *r = u->req;
    if (!r)
        return;
    buf_add(&r->url, r->has_query ? "&" : "?", 1);
    r->has_query = 1;
    buf_add_escaped(&r->url, key);
    buf_add(&r->url, "=", 1);
    buf_add_escaped(&r->url, value ? value : "");
}

void sw_req_body(sw_user_t *u, const char *content_type, const char *body)
{
    struct sw__request *r = u->req;
    if (!r)
        return;
    buf_set(&r->body, body ? body : "");
    r->has_body = 1;
    if (content_type) {
        add_header(r, "Content-Type", content_type);
    } else {
        /* "Content-Type:" removes libcurl's default form type */
        struct curl_slist *l = curl_slist_append(r->headers, "Content-Type:");
        if (!l)
            oom();
        r->headers = l;
    }
}

void sw_req_timeout_ms(sw_user_t *u, int64_t timeout_ms)
{
    if (u->req)
        u->req->timeout_ms = timeout_ms;
}

void sw_req_auth(sw_user_t *u, const char *user, const char *password)
{
    struct sw__request *r = u->req;
    if (!r)
        return;
    buf_set(&r->user_name, user ? user : "");
    buf_set(&r->password, password ? password : "");
    r->has_auth = 1;
}

void sw_req_redirects(sw_user_t *u, int follow)
{
    if (u->req)
        u->req->follow = follow != 0;
}

/* ---- transfer --------------------------------------------------------- */

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    sw_user_t *u = ud;
    size_t len = sz * n;
    u->req->bytes += (int64_t)len;
    struct sw__buf *b = &u->resp.body;
    if (b->len < BODY_CAP) {
        size_t take = len < BODY_CAP - b->len ? len : BODY_CAP - b->len;
        buf_add(b, p, take);
    }
    return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    sw_user_t *u = ud;
    size_t len = sz * n;
    /* keep only the final response's headers (after redirects, 100) */
    if (len >= 5 && !memcmp(p, "HTTP/", 5))
        u->resp.headers.len = 0;
    if (u->resp.headers.len < 65536)
        buf_add(&u->resp.headers, p, len);
    return len;
}

#define SETOPT(e, o, v)                                                  \
    do {                                                                 \
        if (curl_easy_setopt((e), (o), (v)) != CURLE_OK)                 \
            goto setopt_failed;                                          \
    } while (0)

sw_step_t sw_req_send(sw_user_t *u, sw_frame_t *f, int resume_pc)
{
    struct sw__request *r = u->req;
    struct sw__worker *w = u->worker;
    const struct sw__options *o = w->run->opt;
    f->pc = resume_pc;
    if (!r) {
        /* generated code always begins first; be safe anyway */
        sw_req_begin(u, SW_GET, "/");
        r = u->req;
    }
    CURL *e = r->easy;
    SETOPT(e, CURLOPT_SHARE, (CURLSH *)u->share);
    /* cookies: the share's jar; the engine was turned on in req_get */
    SETOPT(e, CURLOPT_URL, r->url.ptr);
    SETOPT(e, CURLOPT_PRIVATE, r);
    SETOPT(e, CURLOPT_NOSIGNAL, 1L);
    SETOPT(e, CURLOPT_TCP_NODELAY, 1L);
    SETOPT(e, CURLOPT_PROXY, "");               /* no proxy env lookups */
    SETOPT(e, CURLOPT_USERAGENT, "swarmc/" SW_VERSION);
    SETOPT(e, CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(e, CURLOPT_WRITEDATA, u);
    SETOPT(e, CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(e, CURLOPT_HEADERDATA, u);
    SETOPT(e, CURLOPT_CLOSESOCKETFUNCTION, sw__loop_closesocket);
    SETOPT(e, CURLOPT_CLOSESOCKETDATA, &w->net);
    SETOPT(e, CURLOPT_FOLLOWLOCATION, (long)r->follow);
    SETOPT(e, CURLOPT_MAXREDIRS, 30L);
    SETOPT(e, CURLOPT_TIMEOUT_MS,
           (long)(r->timeout_ms > 0 ? r->timeout_ms : o->timeout_ms));
    if (o->insecure) {
        SETOPT(e, CURLOPT_SSL_VERIFYPEER, 0L);
        SETOPT(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    switch (r->method) {
    case SW_GET:
        break;
    case SW_HEAD:
        SETOPT(e, CURLOPT_NOBODY, 1L);
        break;
    case SW_POST:
        SETOPT(e, CURLOPT_POST, 1L);
        break;
    default:
        SETOPT(e, CURLOPT_CUSTOMREQUEST, method_names[r->method]);
        break;
    }
    if (r->has_body || r->method == SW_POST) {
        if (r->method == SW_GET)
            SETOPT(e, CURLOPT_CUSTOMREQUEST, "GET");
        SETOPT(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
        SETOPT(e, CURLOPT_POSTFIELDS, r->body.ptr ? r->body.ptr : "");
    }
    if (r->has_auth) {
        SETOPT(e, CURLOPT_USERNAME, r->user_name.ptr);
        SETOPT(e, CURLOPT_PASSWORD, r->password.ptr);
        SETOPT(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    }
    if (r->headers)
        SETOPT(e, CURLOPT_HTTPHEADER, r->headers);
    r->in_flight = 1;
    if (sw__loop_add(&w->net, e) != 0) {
        r->in_flight = 0;
        r->result = CURLE_FAILED_INIT;
        goto report_now;
    }
    return SW_YIELD;

setopt_failed:
    r->result = CURLE_FAILED_INIT;
report_now:
    /* Resume through the user's timer-free path: the request has already
     * failed, so the body continues at resume_pc as after a response. */
    r->done = 1;
    u->resp.status = 0;
    u->resp.transport_error = curl_easy_strerror(r->result);
    u->resp.easy = e;
    /* re-entering the body now would recurse; the scheduler handles a
     * finished request that completed before SW_YIELD was returned */
    return SW_YIELD;
}

void sw__http_done(struct sw__loop *l, CURL *easy, CURLcode result)
{
    struct sw__request *r = NULL;
    (void)l;
    if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r) != CURLE_OK
        || !r || !r->user)
        return;
    sw_user_t *u = r->user;
    long status = 0;
    r->in_flight = 0;
    r->done = 1;
    r->result = result;
    if (result == CURLE_OK)
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    u->resp.status = result == CURLE_OK ? status : 0;
    u->resp.transport_error =
        result == CURLE_OK ? NULL : curl_easy_strerror(result);
    u->resp.easy = easy;
    sw__sched_resume(u);
}

/* ---- results ---------------------------------------------------------- */

static int64_t info_us(CURL *e, CURLINFO what)
{
    curl_off_t v = -1;
    if (curl_easy_getinfo(e, what, &v) != CURLE_OK)
        return -1;
    return (int64_t)v;
}

void sw_req_end(sw_user_t *u)
{
    struct sw__request *r = u->req;
    if (!r)
        return;
    if (!r->done) {             /* never sent, or still in flight */
        release(u);
        return;
    }
    CURL *e = r->easy;
    struct sw__sample s;
    memset(&s, 0, sizeof s);
    s.method = r->method;
    s.name = r->name.ptr ? r->name.ptr : "";
    int64_t total = info_us(e, CURLINFO_TOTAL_TIME_T);
    int64_t dns = info_us(e, CURLINFO_NAMELOOKUP_TIME_T);
    int64_t conn = info_us(e, CURLINFO_CONNECT_TIME_T);
    int64_t app = info_us(e, CURLINFO_APPCONNECT_TIME_T);
    int64_t pre = info_us(e, CURLINFO_PRETRANSFER_TIME_T);
    int64_t ttfb = info_us(e, CURLINFO_STARTTRANSFER_TIME_T);
    s.latency_us = total < 0 ? 0 : total;
    s.intended_us = s.latency_us;
    s.bytes = r->bytes;
    /* durations of each phase, not libcurl's cumulative times */
    s.timing.dns_us = dns;
    s.timing.connect_us = conn >= 0 && dns >= 0 ? conn - dns : -1;
    s.timing.tls_us = app > 0 && conn >= 0 ? app - conn : 0;
    s.timing.ttfb_us = ttfb >= 0 && pre >= 0 ? ttfb - pre : -1;
    s.timing.total_us = s.latency_us;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s.now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (r->result != CURLE_OK) {
        s.error = curl_easy_strerror(r->result);
    } else if (u->fail_msg) {
        s.error = u->fail_msg;
    } else if (u->resp.status >= 400 && !u->status_checked) {
        snprintf(r->errmsg, sizeof r->errmsg, "HTTP %ld", u->resp.status);
        s.error = r->errmsg;
    }
    struct sw__worker *w = u->worker;
    sw__stats_record(w->stats, &s);
    if (s.error)
        atomic_fetch_add_explicit(&w->failures, 1, memory_order_relaxed);
    release(u);
}

int64_t sw_resp_status(sw_user_t *u)
{
    return u->resp.status;
}

const char *sw_resp_body(sw_user_t *u)
{
    return u->resp.body.ptr && u->resp.body.len ? u->resp.body.ptr : "";
}

const char *sw_resp_header(sw_user_t *u, const char *key)
{
    const char *p = u->resp.headers.ptr;
    size_t kl = strlen(key);
    if (!p)
        return NULL;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > kl && p[kl] == ':' && !strncasecmp(p, key, kl)) {
            const char *v = p + kl + 1;
            const char *end = p + len;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            while (end > v && (end[-1] == '\r' || end[-1] == ' ' ||
                               end[-1] == '\t'))
                end--;
            char *out = sw__scratch_alloc(u, (size_t)(end - v) + 1);
            memcpy(out, v, (size_t)(end - v));
            out[end - v] = 0;
            return out;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    return NULL;
}
