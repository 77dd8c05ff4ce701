/*
 * http.c - sw_req_* / sw_resp_* (swarm.h): each user's requests through its
 * own session (a CURLSH with its cookies and its connection cache) on easy
 * handles pooled per worker.  See http.h.
 *
 * Hot path: a request object (with its easy handle and its grown buffers)
 * is reused from the worker's pool, so a steady run allocates only what
 * libcurl allocates itself (cookies, its request buffers).  A pooled handle
 * is never curl_easy_reset: options that are the same for every request
 * (callbacks, user agent, no proxy, ...) are set once when the handle is
 * made, and the ones a request may change (URL, method, headers, timeout,
 * redirects, auth, the user's share) are remembered per handle and set
 * only when they differ from what the handle already has.  The last
 * URL_SLOTS URLs of a handle are kept parsed and handed over as such
 * (CURLOPT_CURLU), and the User-Agent is a header line instead of
 * CURLOPT_USERAGENT.  Measured per
 * request (callgrind, bench/one_get.swarm): 80,700 -> 61,700 user-space
 * instructions, below the bare libcurl + libuv loop's 64,500; see
 * docs/performance.md.
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "engine/curl/ca.h"
#include "engine/curl/netenv.h"
#include "http.h"
#include "scheduler.h"
#include "stats.h"
#include "worker.h"

/* Bodies larger than this are counted but not kept (checks see the start). */
#define BODY_CAP ((size_t)8 << 20)
/* Idle requests (easy handles, ~22 KB each with libcurl's 16 KiB receive
 * buffer) a worker keeps: POOL_MIN plus as many as there are transfers in
 * flight right now, so a steady run never makes or frees a handle, while
 * the handles of a burst (every user spawned in one step sending at once)
 * are freed again instead of pinning ~22 KB each for the rest of the run
 * (at 1,000 idle users a pool of 256 was 5.6 KB per user). */
#define POOL_MIN 64
/* After a burst (every user spawned in one step sending at once) the
 * handles beyond the pool's size are freed, leaving their ~22 KB each (the
 * handle and its 16 KiB receive buffer) as holes between the connections
 * and cookies that stay: once TRIM_AFTER of them are freed and the
 * transfers in flight are back under TRIM_BELOW, malloc_trim gives those
 * pages back (measured: -6.6 KB RSS per idle user at 4,000 users). */
#define TRIM_AFTER 64
#define TRIM_BELOW (2 * POOL_MIN)
/* Buffers grown past this are freed when the request goes back to the
 * pool, so one big response does not pin memory for the whole run. */
#define KEEP_CAP ((size_t)256 << 10)

/* Parsed URLs a pooled handle keeps (see set_url): enough for the few
 * paths a realistic task mix alternates between. */
#define URL_SLOTS 8

struct url_slot {
    struct sw__buf url;         /* the URL as the scenario built it */
    CURLU *uh;                  /* owned: url parsed, or NULL (slot free) */
    unsigned last_use;
};

/* Method states of a handle as far as libcurl's options go (cur_method). */
#define METHOD_UNKNOWN (-1)     /* set to something else: set everything */

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
    /* This request's extra header lines, each NUL-terminated, back to
     * back; turned into a curl_slist at send only when they differ from
     * the lines the handle already has (cur_hdr), so a scenario that sends
     * the same headers every time builds its list once per handle. */
    struct sw__buf hdr;
    int nhdr;
    /* --- what the easy handle is set to (kept across requests) --- */
    struct curl_slist *headers; /* owned: the list CURLOPT_HTTPHEADER has */
    struct sw__buf cur_hdr;     /* the lines `headers` was built from */
    int cur_nhdr;
    struct url_slot urls[URL_SLOTS]; /* URLs parsed for this handle */
    unsigned url_tick;          /* use counter for the slots' LRU */
    CURLU *cur_uh;              /* CURLOPT_CURLU is this slot's, or NULL */
    int cur_method;             /* sw_method_t, or METHOD_UNKNOWN */
    int cur_body;               /* POSTFIELDS were set */
    int cur_follow;             /* -1: unknown */
    long cur_timeout_ms;        /* -1: unknown */
    int cur_auth;               /* USERNAME/PASSWORD were set */
    void *cur_share;            /* CURLOPT_SHARE: a user's CURLSH, or NULL */
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

static size_t on_body(char *p, size_t sz, size_t n, void *ud);
static size_t on_header(char *p, size_t sz, size_t n, void *ud);

/* Options that are the same for every request of the run: set once per
 * easy handle (never curl_easy_reset, see the top of the file).  0 or -1. */
static int handle_init(struct sw__worker *w, struct sw__request *r)
{
    CURL *e = r->easy;
    const struct sw__options *o = w->run->opt;
    r->cur_method = SW_GET;     /* a new handle sends a plain GET */
    r->cur_nhdr = -1;           /* no header list yet: build one */
    r->cur_follow = -1;
    r->cur_timeout_ms = -1;
    /* Turns the cookie engine on for the handle's life.  Not through
     * COOKIEFILE (a file list to read at each transfer); this cookie lands
     * in a private jar that CURLOPT_SHARE frees at once (the jar used is
     * the user's share). */
    if (curl_easy_setopt(e, CURLOPT_COOKIELIST,
                         "Set-Cookie: swarm=1; Domain=swarm.invalid") ||
        curl_easy_setopt(e, CURLOPT_PRIVATE, r) ||
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) ||
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L) ||
        /* "" = no proxy, and no environment lookups per request (proxy
         * variables for PROXY, no_proxy / NO_PROXY for NOPROXY) */
        curl_easy_setopt(e, CURLOPT_PROXY, "") ||
        curl_easy_setopt(e, CURLOPT_NOPROXY, "") ||
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) ||
        curl_easy_setopt(e, CURLOPT_WRITEDATA, r) ||
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) ||
        curl_easy_setopt(e, CURLOPT_HEADERDATA, r) ||
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION,
                         sw__loop_closesocket) ||
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, &w->net) ||
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 30L))
        return -1;
    if (o->insecure &&
        (curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L) ||
         curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L)))
        return -1;
    if (!o->insecure && sw__ca_setup(e) != CURLE_OK)
        return -1;
    return 0;
}

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
        if (!r->easy || handle_init(w, r) != 0)
            oom();
    }
    r->next_free = NULL;
    return r;
}

static void req_destroy(struct sw__request *r)
{
    curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    buf_free(&r->hdr);
    buf_free(&r->cur_hdr);
    for (int i = 0; i < URL_SLOTS; i++) {
        buf_free(&r->urls[i].url);
        curl_url_cleanup(r->urls[i].uh);
    }
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
    /* Detach from the user's share (a share in use cannot be cleaned up,
     * and the next user of the handle has its own).  Every other option
     * stays: the next request sets only what differs. */
    if (r->cur_share) {
        if (curl_easy_setopt(r->easy, CURLOPT_SHARE, NULL) != CURLE_OK)
            fputs("swarm: cannot detach a share\n", stderr);
        r->cur_share = NULL;
    }
    /* The limit falls as transfers end: free this handle and as many
     * pooled ones as it takes to get back under it. */
    int limit = POOL_MIN + w->net.transfers;
    if (w->nfree_reqs >= limit) {
        req_destroy(r);
        w->net.handles_freed++;
        while (w->nfree_reqs > limit) {
            struct sw__request *x = w->free_reqs;
            w->free_reqs = x->next_free;
            w->nfree_reqs--;
            req_destroy(x);
            w->net.handles_freed++;
        }
        if (w->net.handles_freed >= TRIM_AFTER &&
            w->net.transfers < TRIM_BELOW) {
            malloc_trim(0);
            w->net.handles_freed = 0;
        }
        return;
    }
    buf_trim(&r->url);
    buf_trim(&r->name);
    buf_trim(&r->body);
    buf_trim(&r->body_keep);
    buf_trim(&r->hdr_keep);
    r->hdr.len = 0;
    r->nhdr = 0;
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
    /* The status outlives sw_req_end: generated code reads it in an `if`
     * after the request's statement (sw_resp_status); the next
     * sw_req_begin clears it. */
    long status = u->resp.status;
    memset(&u->resp, 0, sizeof u->resp);
    u->resp.status = status;
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

/* Appends "key: value" (or "key;", libcurl's spelling of an empty header,
 * or a bare `key` when value is NULL) with its NUL to r->hdr. */
static void add_header(struct sw__request *r, const char *key,
                       const char *value)
{
    size_t kl = strlen(key), vl = value ? strlen(value) : 0;
    buf_reserve(&r->hdr, kl + vl + 3);
    char *line = r->hdr.ptr + r->hdr.len;
    memcpy(line, key, kl);
    size_t n = kl;
    if (value && vl) {
        line[n++] = ':';
        line[n++] = ' ';
        memcpy(line + n, value, vl);
        n += vl;
    } else if (value) {
        line[n++] = ';';
    }
    line[n++] = 0;
    r->hdr.len += n;
    r->nhdr++;
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
    if (content_type)
        add_header(r, "Content-Type", content_type);
    else    /* "Content-Type:" removes libcurl's default form type */
        add_header(r, "Content-Type:", NULL);
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
    struct sw__request *r = ud;
    sw_user_t *u = r->user;
    size_t len = sz * n;
    r->bytes += (int64_t)len;
    struct sw__buf *b = &u->resp.body;
    if (b->len < BODY_CAP) {
        size_t take = len < BODY_CAP - b->len ? len : BODY_CAP - b->len;
        buf_add(b, p, take);
    }
    return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct sw__request *r = ud;
    sw_user_t *u = r->user;
    size_t len = sz * n;
    /* keep only the final response's headers (after redirects, 100) */
    if (len >= 5 && !memcmp(p, "HTTP/", 5))
        u->resp.headers.len = 0;
    if (u->resp.headers.len < 65536)
        buf_add(&u->resp.headers, p, len);
    return len;
}

/* The method and body options, set only when the request is not the same
 * plain GET (or the same method without a body) the handle last sent. */
static CURLcode set_method(struct sw__request *r)
{
    CURL *e = r->easy;
    int body = r->has_body || r->method == SW_POST;
    CURLcode rc = CURLE_OK;
    if (r->cur_method == (int)r->method && !body && !r->cur_body)
        return CURLE_OK;
    if (r->cur_method != SW_GET || r->cur_body) {
        /* back to a plain GET: HTTPGET clears POST, NOBODY and upload */
        if ((rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL)) ||
            (rc = curl_easy_setopt(e, CURLOPT_HTTPGET, 1L)))
            return rc;
        r->cur_method = SW_GET;
        r->cur_body = 0;
    }
    switch (r->method) {
    case SW_GET:
        break;
    case SW_HEAD:
        rc = curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        break;
    case SW_POST:
        rc = curl_easy_setopt(e, CURLOPT_POST, 1L);
        break;
    default:
        rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
                              method_names[r->method]);
        break;
    }
    if (rc)
        return rc;
    if (body) {
        if (r->method == SW_GET &&
            (rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "GET")))
            return rc;
        /* the body's bytes may differ even at the same address: always */
        if ((rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                                   (curl_off_t)r->body.len)) ||
            (rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS,
                                   r->body.ptr ? r->body.ptr : "")))
            return rc;
    }
    r->cur_method = (int)r->method;
    r->cur_body = body;
    return CURLE_OK;
}

/* The URL.  Given as a string, libcurl parses it and formats it again at
 * every transfer (~10,000 instructions with its printf); given as a parsed
 * CURLU handle, it copies the parsed parts instead.  So each pooled handle
 * keeps the last URL_SLOTS URLs it was given, parsed (least recently used
 * out): a task mix that alternates between a few paths parses each once
 * per handle.  A URL that does not parse is set as a string, so libcurl
 * reports the error as it would for any request. */
static CURLcode set_url(struct sw__request *r)
{
    CURL *e = r->easy;
    struct url_slot *slot = NULL, *victim = &r->urls[0];
    for (int i = 0; i < URL_SLOTS; i++) {
        struct url_slot *s = &r->urls[i];
        if (s->uh && s->url.len == r->url.len &&
            !memcmp(s->url.ptr, r->url.ptr, r->url.len)) {
            slot = s;
            break;
        }
        if (!s->uh || (victim->uh && s->last_use < victim->last_use))
            victim = s;
    }
    if (!slot) {
        slot = victim;
        if (!slot->uh && !(slot->uh = curl_url()))
            oom();
        /* the same flags libcurl parses a string URL with */
        if (curl_url_set(slot->uh, CURLUPART_URL, r->url.ptr,
                         CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME)) {
            /* detach before freeing: the handle may still point at it */
            CURLcode rc = curl_easy_setopt(e, CURLOPT_CURLU, (CURLU *)NULL);
            curl_url_cleanup(slot->uh);
            slot->uh = NULL;
            r->cur_uh = NULL;
            return rc ? rc : curl_easy_setopt(e, CURLOPT_URL, r->url.ptr);
        }
        buf_set(&slot->url, r->url.ptr);
        r->cur_uh = NULL;       /* the slot's handle changed: set it again */
    }
    slot->last_use = ++r->url_tick;
    if (r->cur_uh == slot->uh)
        return CURLE_OK;
    r->cur_uh = slot->uh;
    return curl_easy_setopt(e, CURLOPT_CURLU, slot->uh);
}

/* Our User-Agent is a line of the header list rather than
 * CURLOPT_USERAGENT: libcurl formats that option into a header with its
 * printf at every request (~2,500 instructions); a list line is copied. */
#define UA_LINE "User-Agent: swarmc/" SW_VERSION

static int is_ua_line(const char *p)
{
    return !strncasecmp(p, "User-Agent", 10) && (p[10] == ':' ||
                                                 p[10] == ';');
}

/* CURLOPT_HTTPHEADER from r->hdr (plus our User-Agent unless the request
 * has its own), rebuilt only when the lines changed. */
static CURLcode set_headers(struct sw__request *r)
{
    if (r->nhdr == r->cur_nhdr && r->hdr.len == r->cur_hdr.len &&
        (r->hdr.len == 0 || !memcmp(r->hdr.ptr, r->cur_hdr.ptr, r->hdr.len)))
        return CURLE_OK;
    struct curl_slist *list = NULL;
    const char *p = r->hdr.ptr;
    int own_ua = 0;
    for (int i = 0; i < r->nhdr; i++, p += strlen(p) + 1)
        own_ua |= is_ua_line(p);
    if (!own_ua && !(list = curl_slist_append(NULL, UA_LINE)))
        oom();
    p = r->hdr.ptr;
    for (int i = 0; i < r->nhdr; i++) {
        struct curl_slist *l = curl_slist_append(list, p);
        if (!l) {
            curl_slist_free_all(list);
            oom();
        }
        list = l;
        p += strlen(p) + 1;
    }
    CURLcode rc = curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, list);
    if (rc) {
        curl_slist_free_all(list);
        return rc;
    }
    curl_slist_free_all(r->headers);
    r->headers = list;
    /* swap: the handle's lines are now this request's */
    struct sw__buf t = r->cur_hdr;
    r->cur_hdr = r->hdr;
    r->hdr = t;
    r->cur_nhdr = r->nhdr;
    return CURLE_OK;
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
    /* cookies: the share's jar; the engine was turned on in handle_init */
    if (r->cur_share != u->share) {
        SETOPT(e, CURLOPT_SHARE, (CURLSH *)u->share);
        r->cur_share = u->share;
    }
    if (set_url(r) != CURLE_OK)
        goto setopt_failed;
    if (r->cur_follow != r->follow) {
        SETOPT(e, CURLOPT_FOLLOWLOCATION, (long)r->follow);
        r->cur_follow = r->follow;
    }
    long timeout_ms = (long)(r->timeout_ms > 0 ? r->timeout_ms
                                               : o->timeout_ms);
    if (r->cur_timeout_ms != timeout_ms) {
        SETOPT(e, CURLOPT_TIMEOUT_MS, timeout_ms);
        r->cur_timeout_ms = timeout_ms;
    }
    if (set_method(r) != CURLE_OK) {
        r->cur_method = METHOD_UNKNOWN;
        goto setopt_failed;
    }
    if (r->has_auth) {
        r->cur_auth = 1;
        SETOPT(e, CURLOPT_USERNAME, r->user_name.ptr);
        SETOPT(e, CURLOPT_PASSWORD, r->password.ptr);
        SETOPT(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    } else if (r->cur_auth) {
        SETOPT(e, CURLOPT_USERNAME, (char *)NULL);
        SETOPT(e, CURLOPT_PASSWORD, (char *)NULL);
        r->cur_auth = 0;
    }
    if (set_headers(r) != CURLE_OK)
        goto setopt_failed;
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
    u->resp.transport_error = sw__netenv_strerror(r->result);
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
        result == CURLE_OK ? NULL : sw__netenv_strerror(result);
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
    /* load-models helper: from the iteration's intended start (sched.c) */
    s.intended_us = sw__sched_intended_us(u, s.latency_us);
    s.bytes = r->bytes;
    /* Durations of each phase, not libcurl's cumulative times.  DNS,
     * connect and TLS are recorded only by the request that opened its
     * connection (and TLS only over TLS), so their averages say what
     * setting up a connection costs; -1 leaves a phase out. */
    long opened = 0;
    if (curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &opened) != CURLE_OK)
        opened = 0;
    s.timing.dns_us = opened > 0 ? dns : -1;
    s.timing.connect_us = opened > 0 && conn >= 0 && dns >= 0 ? conn - dns
                                                              : -1;
    s.timing.tls_us = opened > 0 && app > 0 && conn >= 0 ? app - conn : -1;
    s.timing.ttfb_us = ttfb >= 0 && pre >= 0 ? ttfb - pre : -1;
    s.timing.total_us = s.latency_us;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s.now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (r->result != CURLE_OK) {
        s.error = sw__netenv_strerror(r->result);
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
