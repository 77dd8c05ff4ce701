/*
 * curl_engine.c - the libcurl engine (engine.h): each user's session is a
 * CURLSH with its cookies and its own connection cache; requests run on
 * easy handles pooled per worker, driven by curl_loop.c on the worker's
 * libuv loop.
 *
 * Hot path: a transfer (an easy handle and what it was last set to) is
 * reused from the engine's pool, so a steady run allocates only what
 * libcurl allocates itself (cookies, its request buffers).  A pooled handle
 * is never curl_easy_reset: options that are the same for every request
 * (callbacks, no proxy, ...) are set once when the handle is made, and the
 * ones a request may change (URL, method, headers, timeout, redirects,
 * auth, the user's share) are remembered per handle and set only when they
 * differ from what the handle already has.  A session gets back the handle
 * it used last when that one is free, so a user that keeps its handle does
 * not switch shares at all.  The last URL_SLOTS URLs of a handle are kept
 * parsed and handed over as such (CURLOPT_CURLU), and the User-Agent is a
 * header line instead of CURLOPT_USERAGENT.  Measured per request
 * (callgrind, bench/one_get.swarm): see docs/performance.md.
 */
#include <curl/curl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "engine.h"
#include "ca.h"
#include "ca_setup.h"
#include "curl_loop.h"
#include "errtext.h"
#include "netenv.h"
#include "tlsclient.h"
#include "util/buf.h"
#include "util/method.h"

/* Idle transfers (easy handles, ~22 KB each with libcurl's 16 KiB receive
 * buffer) the pool keeps at least. */
#define POOL_MIN 64
/* The pool is sized by a timer, never on the request path: every
 * TRIM_PERIOD_MS it frees the idle handles beyond POOL_MIN plus the most
 * transfers that were in flight at once during the period, so a steady
 * run of any size never frees and rebuilds handles, while the handles of a
 * burst (every user spawned in one step sending at once) go within two
 * periods instead of pinning ~22 KB each for the rest of the run.  Once
 * TRIM_AFTER handles have been freed, malloc_trim gives their pages back
 * (measured: -6.6 KB RSS per idle user at 4,000 users).  The timer runs
 * only while the pool holds more than POOL_MIN handles: a small run keeps
 * the loop's timer heap as it was (a second timer there costs every
 * libcurl timer update a few swaps). */
#define TRIM_PERIOD_MS 1000
#define TRIM_AFTER 64

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

struct sw__engine {
    struct sw__loop loop;
    struct sw__engine_config cfg;
    struct sw__xfer *free_head; /* idle transfers, most recent first */
    struct sw__xfer *free_tail; /* the least recently pooled */
    int nfree;
    int peak;                   /* most transfers in flight this period */
    int freed;                  /* handles freed since the last trim */
    uv_timer_t trim_timer;
    int nsessions;
    /* SWARM_DEBUG_POOL set at open: the pool's figures on stderr at close
     * (tests/unit/test-http.c checks that a steady run makes no handle
     * twice) */
    int debug;
    long made;                  /* easy handles made */
    long trimmed;               /* freed by the pool timer */
};

struct sw__session {
    struct sw__engine *eng;
    CURLSH *share;              /* owned: cookie jar + connection cache */
    struct sw__xfer *xfer;      /* lent now, or NULL */
    struct sw__xfer *last;      /* the handle attached to `share` last
                                   (maybe in the pool), or NULL */
    /* cookies given by cookies_import, set into the jar by the next
     * handle attached to the share (a jar is written through a handle) */
    struct sw__buf import;
    int has_import;
};

struct sw__xfer {
    struct sw__xfer *prev, *next;   /* in the pool */
    int pooled;
    struct sw__engine *eng;
    CURL *easy;                 /* owned */
    struct sw__session *s;      /* borrowed while lent */
    const struct sw__http_req *req;     /* borrowed while lent */
    struct sw__response *resp;          /* borrowed while lent */
    sw__http_done_fn done;
    void *ctx;
    int in_flight;
    CURLcode code;
    struct sw__http_result res;
    char errbuf[CURL_ERROR_SIZE];   /* libcurl's detail of x->code (TLS
                                       reasons, header limits) */
    char msg[320];                  /* res.message when it is built */
    /* --- what the easy handle is set to (kept across requests) --- */
    struct curl_slist *headers; /* owned: the list CURLOPT_HTTPHEADER has */
    struct sw__buf cur_hdr;     /* the lines `headers` came from */
    int cur_nhdr;               /* -1: none set yet */
    struct url_slot urls[URL_SLOTS];
    unsigned url_tick;          /* use counter for the slots' LRU */
    CURLU *cur_uh;              /* CURLOPT_CURLU is this slot's, or NULL */
    int cur_method;             /* sw_method_t, or METHOD_UNKNOWN */
    int cur_body;               /* POSTFIELDS were set */
    int cur_follow;             /* -1: unknown */
    int cur_redirs_left;        /* CURLOPT_MAXREDIRS */
    long cur_timeout_ms;        /* -1: unknown */
    int cur_auth;               /* USERNAME/PASSWORD were set */
    struct sw__session *cur_share;  /* whose share CURLOPT_SHARE has */
    /* a request with its own Cookie line: the jar, set aside while it is
     * in flight so that libcurl sends no Cookie line of its own (see
     * stash_jar) */
    struct sw__buf stash;
    int stashed;
    const char *cur_proxy;      /* CURLOPT_PROXY's (run-long storage), or
                                   NULL: "" (direct) */
    const struct sw__tls_client *cur_cert;  /* the blobs set, or NULL */
    int cur_verbose;            /* CURLOPT_VERBOSE (--http-debug) is on */
};


/* ---- the pool --------------------------------------------------------- */

static size_t on_body(char *p, size_t sz, size_t n, void *ud);
static size_t on_header(char *p, size_t sz, size_t n, void *ud);
static int on_debug(CURL *e, curl_infotype type, char *p, size_t n,
                    void *ud);

/* Options that are the same for every request of the run: set once per
 * easy handle (never curl_easy_reset, see the top of the file).  0 or -1. */
static int handle_init(struct sw__engine *g, struct sw__xfer *x)
{
    CURL *e = x->easy;
    x->cur_method = SW_GET;     /* a new handle sends a plain GET */
    x->cur_nhdr = -1;           /* no header list yet: build one */
    x->cur_follow = -1;
    x->cur_redirs_left = SW__MAX_REDIRS;
    x->cur_timeout_ms = -1;
    /* Turns the cookie engine on for the handle's life.  Not through
     * COOKIEFILE (a file list to read at each transfer); this cookie lands
     * in a private jar that CURLOPT_SHARE frees at once (the jar used is
     * the user's share). */
    if (curl_easy_setopt(e, CURLOPT_COOKIELIST,
                         "Set-Cookie: swarm=1; Domain=swarm.invalid") ||
        curl_easy_setopt(e, CURLOPT_PRIVATE, x) ||
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) ||
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) ||
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L) ||
        /* "" = no proxy, and no environment lookups per request (proxy
         * variables for PROXY, no_proxy / NO_PROXY for NOPROXY): the
         * request module decides per request (xfer_send sets PROXY) */
        curl_easy_setopt(e, CURLOPT_PROXY, "") ||
        curl_easy_setopt(e, CURLOPT_NOPROXY, "") ||
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) ||
        curl_easy_setopt(e, CURLOPT_WRITEDATA, x) ||
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) ||
        curl_easy_setopt(e, CURLOPT_HEADERDATA, x) ||
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION,
                         sw__loop_closesocket) ||
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, &g->loop) ||
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)SW__MAX_REDIRS) ||
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) ||
        /* called only while CURLOPT_VERBOSE is on (--http-debug) */
        curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug) ||
        curl_easy_setopt(e, CURLOPT_DEBUGDATA, x) ||
        /* sent unless a request has its own; bodies decoded either way */
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, SW__ACCEPT_ENCODING))
        return -1;
    if (g->cfg.insecure &&
        (curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L) ||
         curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L)))
        return -1;
    if (!g->cfg.insecure && sw__ca_setup(e) != CURLE_OK)
        return -1;
    return 0;
}

/* libcurl's text for rc, or one naming what the machine lacks (netenv.h). */
static const char *error_text(CURLcode rc)
{
    const char *named = NULL;
    if (rc == CURLE_PEER_FAILED_VERIFICATION ||
        rc == CURLE_SSL_CACERT_BADFILE)
        named = sw__netenv_ca_error();
    return named != NULL ? named : curl_easy_strerror(rc);
}

static void pool_unlink(struct sw__engine *g, struct sw__xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        g->free_head = x->next;
    if (x->next)
        x->next->prev = x->prev;
    else
        g->free_tail = x->prev;
    x->prev = x->next = NULL;
    x->pooled = 0;
    g->nfree--;
}

static void pool_push(struct sw__engine *g, struct sw__xfer *x)
{
    x->prev = NULL;
    x->next = g->free_head;
    if (g->free_head)
        g->free_head->prev = x;
    else
        g->free_tail = x;
    g->free_head = x;
    x->pooled = 1;
    g->nfree++;
}

/* Detaches x from the share it points at (a share in use cannot be
 * cleaned up). */
static void detach_share(struct sw__xfer *x)
{
    if (!x->cur_share)
        return;
    if (curl_easy_setopt(x->easy, CURLOPT_SHARE, NULL) != CURLE_OK)
        fputs("swarm: cannot detach a share\n", stderr);
    if (x->cur_share->last == x)
        x->cur_share->last = NULL;
    x->cur_share = NULL;
}

static void unstash_jar(struct sw__xfer *x);

static void xfer_destroy(struct sw__xfer *x)
{
    detach_share(x);
    sw__buf_free(&x->stash);
    curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->headers);
    sw__buf_free(&x->cur_hdr);
    for (int i = 0; i < URL_SLOTS; i++) {
        sw__buf_free(&x->urls[i].url);
        curl_url_cleanup(x->urls[i].uh);
    }
    free(x);
}

/* The session's last handle when it is free (no share switch), else the
 * most recently pooled one, else a new one. */
static struct sw__xfer *xfer_get(struct sw__session *s)
{
    struct sw__engine *g = s->eng;
    struct sw__xfer *x = s->last;
    if (x && x->pooled) {
        pool_unlink(g, x);
    } else if ((x = g->free_head)) {
        pool_unlink(g, x);
    } else {
        x = calloc(1, sizeof *x);
        if (!x)
            sw__oom();
        x->eng = g;
        g->made++;
        x->easy = curl_easy_init();
        if (!x->easy || handle_init(g, x) != 0)
            sw__oom();
    }
    return x;
}

static void on_trim(uv_timer_t *t);

static void xfer_put(struct sw__xfer *x)
{
    struct sw__engine *g = x->eng;
    unstash_jar(x);
    if (x->s && x->s->xfer == x)
        x->s->xfer = NULL;
    x->s = NULL;
    x->req = NULL;
    x->resp = NULL;
    x->done = NULL;
    x->ctx = NULL;
    x->in_flight = 0;
    pool_push(g, x);
    if (g->nfree > POOL_MIN && !uv_is_active((uv_handle_t *)&g->trim_timer))
        uv_timer_start(&g->trim_timer, on_trim, TRIM_PERIOD_MS,
                       TRIM_PERIOD_MS);
}

/* The pool's size, set off the request path (see TRIM_PERIOD_MS). */
static void on_trim(uv_timer_t *t)
{
    struct sw__engine *g = t->data;
    int limit = POOL_MIN + g->peak;
    g->peak = g->loop.transfers;
    while (g->nfree > limit) {
        /* the least recently pooled first */
        struct sw__xfer *x = g->free_tail;
        pool_unlink(g, x);
        xfer_destroy(x);
        g->freed++;
        g->trimmed++;
    }
    if (g->freed >= TRIM_AFTER) {
        malloc_trim(0);
        g->freed = 0;
    }
    if (g->nfree <= POOL_MIN)
        uv_timer_stop(t);
}

/* ---- the engine ------------------------------------------------------- */

static void loop_done(struct sw__loop *l, CURL *easy, CURLcode result);

static sw__engine_t *eng_open(uv_loop_t *uv, const struct sw__engine_config *c)
{
    struct sw__engine *g = calloc(1, sizeof *g);
    if (!g) {
        fputs("swarm: out of memory\n", stderr);
        return NULL;
    }
    g->cfg = *c;
    g->debug = getenv("SWARM_DEBUG_POOL") != NULL;
    if (sw__loop_init(&g->loop, uv, loop_done) != 0) {
        free(g);
        return NULL;
    }
    if (uv_timer_init(uv, &g->trim_timer) != 0) {
        fputs("swarm: cannot make the pool timer\n", stderr);
        abort();
    }
    g->trim_timer.data = g;
    /* housekeeping only: it must not keep the loop alive */
    uv_unref((uv_handle_t *)&g->trim_timer);
    return g;
}

static void eng_close(sw__engine_t *g)
{
    if (g->debug)
        fprintf(stderr, "swarm: pool: %ld easy handles made, %ld freed by "
                        "the pool timer\n", g->made, g->trimmed);
    uv_timer_stop(&g->trim_timer);
    uv_close((uv_handle_t *)&g->trim_timer, NULL);
    while (g->free_head) {
        struct sw__xfer *x = g->free_head;
        pool_unlink(g, x);
        xfer_destroy(x);
    }
    sw__loop_close(&g->loop);
}

static void eng_free(sw__engine_t *g)
{
    sw__loop_free_table(&g->loop);
    free(g);
}

static int eng_covers(const struct sw__http_req *req)
{
    (void)req;
    return 1;                   /* libcurl is the reference: everything */
}

/* ---- sessions --------------------------------------------------------- */

static sw__session_t *session_open(sw__engine_t *g)
{
    struct sw__session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    CURLSH *sh = curl_share_init();
    if (!sh ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE) ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT)) {
        if (sh)
            curl_share_cleanup(sh);
        free(s);
        return NULL;
    }
    s->eng = g;
    s->share = sh;
    g->nsessions++;
    return s;
}

static void session_close(sw__session_t *s)
{
    if (s->last)
        detach_share(s->last);
    CURLSHcode sc = curl_share_cleanup(s->share);
    if (sc != CURLSHE_OK)
        fprintf(stderr, "swarm: curl_share_cleanup: %s\n",
                curl_share_strerror(sc));
    s->eng->nsessions--;
    free(s->import.ptr);
    free(s);
}

/* ---- transfer --------------------------------------------------------- */

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct sw__xfer *x = ud;
    size_t len = sz * n;
    sw__resp_add_body(x->resp, p, len);
    return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct sw__xfer *x = ud;
    size_t len = sz * n;
    sw__resp_add_header(x->resp, p, len);
    return len;
}

/* --http-debug: each request header block as sent, into the response's
 * `sent` (httpdebug.h). */
static int on_debug(CURL *e, curl_infotype type, char *p, size_t n,
                    void *ud)
{
    struct sw__xfer *x = ud;
    (void)e;
    if (type == CURLINFO_HEADER_OUT && x->resp && x->resp->log_sent)
        sw__buf_add(&x->resp->sent, p, n);
    return 0;
}

/* The method and body options, set only when the request is not the same
 * plain GET (or the same method without a body) the handle last sent. */
static CURLcode set_method(struct sw__xfer *x)
{
    CURL *e = x->easy;
    const struct sw__http_req *q = x->req;
    int body = q->has_body || q->method == SW_POST;
    CURLcode rc = CURLE_OK;
    if (x->cur_method == (int)q->method && !body && !x->cur_body)
        return CURLE_OK;
    if (x->cur_method != SW_GET || x->cur_body) {
        /* back to a plain GET: HTTPGET clears POST, NOBODY and upload */
        if ((rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL)) ||
            (rc = curl_easy_setopt(e, CURLOPT_HTTPGET, 1L)))
            return rc;
        x->cur_method = SW_GET;
        x->cur_body = 0;
    }
    switch (q->method) {
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
                              sw__method_name(q->method));
        break;
    }
    if (rc)
        return rc;
    if (body) {
        if (q->method == SW_GET &&
            (rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "GET")))
            return rc;
        /* the body's bytes may differ even at the same address: always */
        if ((rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                                   (curl_off_t)q->body_len)) ||
            (rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS,
                                   q->body ? q->body : "")))
            return rc;
    }
    x->cur_method = (int)q->method;
    x->cur_body = body;
    return CURLE_OK;
}

/* The URL.  Given as a string, libcurl parses it and formats it again at
 * every transfer (~10,000 instructions with its printf); given as a parsed
 * CURLU handle, it copies the parsed parts instead.  So each pooled handle
 * keeps the last URL_SLOTS URLs it was given, parsed (least recently used
 * out): a task mix that alternates between a few paths parses each once
 * per handle.  A URL that does not parse is set as a string, so libcurl
 * reports the error as it would for any request. */
static CURLcode set_url(struct sw__xfer *x)
{
    CURL *e = x->easy;
    const struct sw__http_req *q = x->req;
    struct url_slot *slot = NULL, *victim = &x->urls[0];
    for (int i = 0; i < URL_SLOTS; i++) {
        struct url_slot *s = &x->urls[i];
        if (s->uh && s->url.len == q->url_len &&
            !memcmp(s->url.ptr, q->url, q->url_len)) {
            slot = s;
            break;
        }
        if (!s->uh || (victim->uh && s->last_use < victim->last_use))
            victim = s;
    }
    if (!slot) {
        slot = victim;
        if (!slot->uh && !(slot->uh = curl_url()))
            sw__oom();
        /* the same flags libcurl parses a string URL with */
        if (curl_url_set(slot->uh, CURLUPART_URL, q->url,
                         CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME)) {
            /* detach before freeing: the handle may still point at it */
            CURLcode rc = curl_easy_setopt(e, CURLOPT_CURLU, (CURLU *)NULL);
            curl_url_cleanup(slot->uh);
            slot->uh = NULL;
            x->cur_uh = NULL;
            return rc ? rc : curl_easy_setopt(e, CURLOPT_URL, q->url);
        }
        slot->url.len = 0;
        sw__buf_add(&slot->url, q->url, q->url_len);
        x->cur_uh = NULL;       /* the slot's handle changed: set it again */
    }
    slot->last_use = ++x->url_tick;
    if (x->cur_uh == slot->uh)
        return CURLE_OK;
    x->cur_uh = slot->uh;
    return curl_easy_setopt(e, CURLOPT_CURLU, slot->uh);
}

/* Our User-Agent is a line of the header list rather than
 * CURLOPT_USERAGENT: libcurl formats that option into a header with its
 * printf at every request (~2,500 instructions); a list line is copied. */
#define UA_LINE "User-Agent: " SW__USER_AGENT

static int is_ua_line(const char *p)
{
    return !strncasecmp(p, "User-Agent", 10) && (p[10] == ':' ||
                                                 p[10] == ';');
}

/* One header line in libcurl's spelling: "Key: " (an empty value) is
 * "Key;" to libcurl, which would drop "Key: " as a removal. */
static struct curl_slist *append_line(struct curl_slist *list,
                                      const char *line)
{
    size_t n = strlen(line);
    struct curl_slist *l;
    if (n >= 2 && line[n - 2] == ':' && line[n - 1] == ' ') {
        char *t = malloc(n);
        if (!t)
            sw__oom();
        memcpy(t, line, n - 2);
        t[n - 2] = ';';
        t[n - 1] = 0;
        l = curl_slist_append(list, t);
        free(t);
    } else {
        l = curl_slist_append(list, line);
    }
    if (!l) {
        curl_slist_free_all(list);
        sw__oom();
    }
    return l;
}

/* CURLOPT_HTTPHEADER from the request's lines (plus our User-Agent unless
 * the request has its own), rebuilt only when the lines changed. */
static CURLcode set_headers(struct sw__xfer *x)
{
    const struct sw__http_req *q = x->req;
    if (q->nheaders == x->cur_nhdr && q->headers_len == x->cur_hdr.len &&
        (q->headers_len == 0 ||
         !memcmp(q->headers, x->cur_hdr.ptr, q->headers_len)))
        return CURLE_OK;
    struct curl_slist *list = NULL;
    const char *p = q->headers;
    int own_ua = 0;
    for (int i = 0; i < q->nheaders; i++, p += strlen(p) + 1)
        own_ua |= is_ua_line(p);
    if (!own_ua && !(list = curl_slist_append(NULL, UA_LINE)))
        sw__oom();
    p = q->headers;
    for (int i = 0; i < q->nheaders; i++, p += strlen(p) + 1)
        list = append_line(list, p);
    CURLcode rc = curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, list);
    if (rc) {
        curl_slist_free_all(list);
        return rc;
    }
    curl_slist_free_all(x->headers);
    x->headers = list;
    x->cur_hdr.len = 0;
    sw__buf_add(&x->cur_hdr, q->headers, q->headers_len);
    x->cur_nhdr = q->nheaders;
    return CURLE_OK;
}

static sw__xfer_t *xfer_prepare(sw__session_t *s,
                                const struct sw__http_req *req,
                                struct sw__response *resp,
                                sw__http_done_fn done, void *ctx)
{
    struct sw__xfer *x = xfer_get(s);
    x->s = s;
    x->req = req;
    x->resp = resp;
    x->done = done;
    x->ctx = ctx;
    x->code = CURLE_OK;
    x->errbuf[0] = 0;
    s->xfer = x;
    return x;
}

static enum sw__http_error error_kind(CURLcode c)
{
    switch (c) {
    case CURLE_OK:
        return SW__HTTP_OK;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return SW__HTTP_E_URL;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return SW__HTTP_E_RESOLVE;
    case CURLE_COULDNT_CONNECT:
        return SW__HTTP_E_CONNECT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return SW__HTTP_E_TLS;
    case CURLE_SEND_ERROR:
        return SW__HTTP_E_SEND;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return SW__HTTP_E_RECV;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
        return SW__HTTP_E_PROTOCOL;
    case CURLE_OPERATION_TIMEDOUT:
        return SW__HTTP_E_TIMEOUT;
    case CURLE_TOO_MANY_REDIRECTS:
        return SW__HTTP_E_REDIRECTS;
    case CURLE_FAILED_INIT:
    case CURLE_OUT_OF_MEMORY:
        return SW__HTTP_E_SETUP;
    default:
        return SW__HTTP_E_OTHER;
    }
}

static int64_t info_us(CURL *e, CURLINFO what)
{
    curl_off_t v = -1;
    if (curl_easy_getinfo(e, what, &v) != CURLE_OK)
        return -1;
    return (int64_t)v;
}

/* The message of a failed transfer, in the words every engine uses
 * (errtext.h), into x->msg. */
static const char *failure_text(struct sw__xfer *x)
{
    CURL *e = x->easy;
    CURLcode c = x->code;
    char *url = NULL;
    long os_errno = 0, redirects = 0;
    /* the request's own URL unless a redirect moved it (libcurl's
     * effective URL can be the last transfer's when this one failed
     * before it started) */
    if (curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects) !=
            CURLE_OK || redirects <= 0 ||
        curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK)
        url = NULL;
    /* the system's errno names a refused connect and a failed read or
     * write only (it is not reset between transfers, and a protocol error
     * found on a read that also saw a reset must stay a protocol error) */
    if (c == CURLE_COULDNT_CONNECT ||
        ((c == CURLE_RECV_ERROR || c == CURLE_SEND_ERROR) &&
         (!strncmp(x->errbuf, "Recv failure", 12) ||
          !strncmp(x->errbuf, "Send failure", 12))))
        if (curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno) != CURLE_OK)
            os_errno = 0;
    /* a timeout before the request went out: still connecting */
    int64_t pre = info_us(e, CURLINFO_PRETRANSFER_TIME_T);
    const char *named_ca = NULL;
    if (error_kind(c) == SW__HTTP_E_TLS)
        named_ca = error_text(c) != curl_easy_strerror(c) ? error_text(c)
                                                          : NULL;
    struct sw__http_errinfo ei = {
        .kind = error_kind(c),
        .cause = c == CURLE_GOT_NOTHING ? SW__CAUSE_EMPTY
                 : c == CURLE_PARTIAL_FILE ? SW__CAUSE_PARTIAL
                 : c == CURLE_BAD_CONTENT_ENCODING ? SW__CAUSE_DECODE
                 : SW__CAUSE_NONE,
        .os_errno = (int)os_errno,
        .connecting = pre <= 0,
        .url = url ? url : (x->req ? x->req->url : NULL),
        .timeout_ms = x->req ? x->req->timeout_ms : 0,
        .detail = named_ca ? named_ca : x->errbuf,
        .fallback = error_text(c),
        .headers = x->resp ? x->resp->headers.ptr : NULL,
        .proxy = x->req ? x->req->proxy : NULL,
    };
    return sw__http_errtext(&ei, x->msg, sizeof x->msg);
}

/* The completion record of a finished transfer. */
static void fill_result(struct sw__xfer *x)
{
    CURL *e = x->easy;
    struct sw__http_result *r = &x->res;
    long status = 0;
    r->error = error_kind(x->code);
    r->message = NULL;
    if (x->code != CURLE_OK)
        r->message = failure_text(x);
    /* A header block over libcurl's limits (engine.h): its own detail for
     * the block, the engines' message for a line (libcurl says "Out of
     * memory", and a transfer under way runs out of nothing else: the
     * runtime stops on a failed allocation of its own).  Both engines
     * word these alike, without the target. */
    if (x->code == CURLE_RECV_ERROR &&
        !strncmp(x->errbuf, "Too large response headers", 26)) {
        r->message = x->errbuf;
    } else if (x->code == CURLE_OUT_OF_MEMORY) {
        r->error = SW__HTTP_E_PROTOCOL;
        r->message = SW__HEADER_LINE_MSG;
    }
    if (x->code == CURLE_OK &&
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        status = 0;
    r->status = status;
    int64_t total = info_us(e, CURLINFO_TOTAL_TIME_T);
    int64_t pre = info_us(e, CURLINFO_PRETRANSFER_TIME_T);
    int64_t ttfb = info_us(e, CURLINFO_STARTTRANSFER_TIME_T);
    /* Durations of each phase, not libcurl's cumulative times (see
     * struct sw__http_timing for which request gets which).  The
     * connection's phases are read only when this request opened it: a
     * keep-alive request saves three lookups. */
    long opened = 0;
    if (curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &opened) != CURLE_OK)
        opened = 0;
    r->timing.total_us = total < 0 ? 0 : total;
    r->timing.dns_us = r->timing.connect_us = r->timing.tls_us = -1;
    if (opened > 0) {
        int64_t dns = info_us(e, CURLINFO_NAMELOOKUP_TIME_T);
        int64_t conn = info_us(e, CURLINFO_CONNECT_TIME_T);
        int64_t app = info_us(e, CURLINFO_APPCONNECT_TIME_T);
        r->timing.dns_us = dns;
        r->timing.connect_us = conn >= 0 && dns >= 0 ? conn - dns : -1;
        r->timing.tls_us = app > 0 && conn >= 0 ? app - conn : -1;
    }
    r->timing.ttfb_us = ttfb >= 0 && pre >= 0 ? ttfb - pre : -1;
    r->body_bytes = x->resp ? x->resp->body_bytes : 0;
    if (x->resp) {
        x->resp->status = status;
        x->resp->transport_error = r->message;
    }
}

/* Writes Netscape lines (one a line; the newlines are overwritten) into
 * the jar of e's share: CURLE_OK, or the first error. */
static CURLcode add_lines(CURL *e, char *p)
{
    while (p && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        CURLcode rc = *p ? curl_easy_setopt(e, CURLOPT_COOKIELIST, p)
                         : CURLE_OK;
        if (rc != CURLE_OK)
            return rc;
        p = nl ? nl + 1 : p + strlen(p);
    }
    return CURLE_OK;
}

/* libcurl 7.88 sends the jar's cookies as a Cookie line of its own beside
 * a request's custom Cookie line (it checks for one only against
 * CURLOPT_COOKIE).  python-requests sends the request's alone, and so do
 * we: for such a request the jar is listed aside and emptied, and when
 * the request is over (unstash_jar) it gets its cookies back, then those
 * the responses set, which replace the ones of the same name, domain and
 * path as they would have. */
static CURLcode stash_jar(struct sw__xfer *x)
{
    const struct sw__http_req *q = x->req;
    const char *p = q->headers;
    int own = 0;
    for (int i = 0; i < q->nheaders; i++, p += strlen(p) + 1)
        own |= !strncasecmp(p, "Cookie", 6) && (p[6] == ':' || p[6] == ';');
    if (!own)
        return CURLE_OK;
    struct curl_slist *list = NULL;
    CURLcode rc = curl_easy_getinfo(x->easy, CURLINFO_COOKIELIST, &list);
    if (rc != CURLE_OK)
        return rc;
    x->stash.len = 0;
    for (struct curl_slist *l = list; l; l = l->next) {
        sw__buf_adds(&x->stash, l->data);
        sw__buf_add(&x->stash, "\n", 1);
    }
    sw__buf_add(&x->stash, "", 1);
    curl_slist_free_all(list);
    x->stashed = 1;
    return curl_easy_setopt(x->easy, CURLOPT_COOKIELIST, "ALL");
}

static void unstash_jar(struct sw__xfer *x)
{
    if (!x->stashed)
        return;
    x->stashed = 0;
    struct curl_slist *fresh = NULL;
    if (curl_easy_getinfo(x->easy, CURLINFO_COOKIELIST, &fresh) != CURLE_OK)
        fresh = NULL;
    curl_easy_setopt(x->easy, CURLOPT_COOKIELIST, "ALL");
    if (add_lines(x->easy, x->stash.ptr) != CURLE_OK)
        fputs("swarm: cannot set a cookie\n", stderr);
    for (struct curl_slist *l = fresh; l; l = l->next)
        curl_easy_setopt(x->easy, CURLOPT_COOKIELIST, l->data);
    curl_slist_free_all(fresh);
    x->stash.len = 0;
}

/* The TLS client certificate: PEM blobs read at start-up (tlsclient.h),
 * not copied (they live for the run).  libcurl does not reuse a
 * connection made with another certificate. */
static CURLcode set_client_cert(struct sw__xfer *x)
{
    const struct sw__tls_client *c = x->req->client_cert;
    struct curl_blob cert = { 0 }, key = { 0 };
    CURLcode rc;
    if (c) {
        cert = (struct curl_blob){ c->cert_pem, c->cert_len,
                                   CURL_BLOB_NOCOPY };
        key = (struct curl_blob){ c->key_pem, c->key_len, CURL_BLOB_NOCOPY };
    }
    if ((rc = curl_easy_setopt(x->easy, CURLOPT_SSLCERT_BLOB,
                               c ? &cert : NULL)) ||
        (rc = curl_easy_setopt(x->easy, CURLOPT_SSLKEY_BLOB,
                               c ? &key : NULL)) ||
        (c && (rc = curl_easy_setopt(x->easy, CURLOPT_SSLCERTTYPE, "PEM"))) ||
        (c && (rc = curl_easy_setopt(x->easy, CURLOPT_SSLKEYTYPE, "PEM"))))
        return rc;
    x->cur_cert = c;
    return CURLE_OK;
}

#define SETOPT(e, o, v)                                                  \
    do {                                                                 \
        if (curl_easy_setopt((e), (o), (v)) != CURLE_OK)                 \
            goto setopt_failed;                                          \
    } while (0)

static enum sw__send_outcome xfer_send(sw__xfer_t *x)
{
    const struct sw__http_req *q = x->req;
    struct sw__session *s = x->s;
    CURL *e = x->easy;
    /* cookies and connection: the user's share; the cookie engine was
     * turned on in handle_init */
    if (x->cur_share != s) {
        /* one handle at most points at a share (s->last), so closing the
         * session has one handle to detach */
        if (s->last && s->last != x)
            detach_share(s->last);
        if (x->cur_share && x->cur_share->last == x)
            x->cur_share->last = NULL;
        x->cur_share = NULL;
        SETOPT(e, CURLOPT_SHARE, s->share);
        x->cur_share = s;
    }
    s->last = x;
    if (s->has_import) {
        /* the jar becomes the imported one: erase, then line by line */
        SETOPT(e, CURLOPT_COOKIELIST, "ALL");
        if (add_lines(e, s->import.ptr) != CURLE_OK)
            goto setopt_failed;
        s->has_import = 0;
        s->import.len = 0;
    }
    if (stash_jar(x) != CURLE_OK)
        goto setopt_failed;
    if (set_url(x) != CURLE_OK)
        goto setopt_failed;
    if (x->cur_proxy != q->proxy) {
        /* the request module decided (python-requests' rules); NOPROXY
         * stays "" so libcurl never reads the environment itself */
        SETOPT(e, CURLOPT_PROXY, q->proxy ? q->proxy : "");
        x->cur_proxy = q->proxy;
    }
    if (x->cur_cert != q->client_cert && set_client_cert(x) != CURLE_OK)
        goto setopt_failed;
    if (x->cur_verbose != x->resp->log_sent) {
        SETOPT(e, CURLOPT_VERBOSE, (long)x->resp->log_sent);
        x->cur_verbose = x->resp->log_sent;
    }
    if (x->cur_follow != q->follow_redirects) {
        SETOPT(e, CURLOPT_FOLLOWLOCATION, (long)q->follow_redirects);
        x->cur_follow = q->follow_redirects;
    }
    /* a request handed over after redirects has fewer left */
    if (x->cur_redirs_left != SW__MAX_REDIRS - q->redirects) {
        x->cur_redirs_left = SW__MAX_REDIRS - q->redirects;
        SETOPT(e, CURLOPT_MAXREDIRS, (long)x->cur_redirs_left);
    }
    long timeout_ms = (long)q->timeout_ms;
    if (x->cur_timeout_ms != timeout_ms) {
        SETOPT(e, CURLOPT_TIMEOUT_MS, timeout_ms);
        x->cur_timeout_ms = timeout_ms;
    }
    if (set_method(x) != CURLE_OK) {
        x->cur_method = METHOD_UNKNOWN;
        goto setopt_failed;
    }
    if (q->has_auth) {
        x->cur_auth = 1;
        SETOPT(e, CURLOPT_USERNAME, q->user);
        SETOPT(e, CURLOPT_PASSWORD, q->password);
        SETOPT(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    } else if (x->cur_auth) {
        SETOPT(e, CURLOPT_USERNAME, (char *)NULL);
        SETOPT(e, CURLOPT_PASSWORD, (char *)NULL);
        x->cur_auth = 0;
    }
    if (set_headers(x) != CURLE_OK)
        goto setopt_failed;
    x->errbuf[0] = 0;           /* (libcurl writes it on a failure only) */
    x->in_flight = 1;
    if (sw__loop_add(&x->eng->loop, e) != 0) {
        x->in_flight = 0;
        goto setopt_failed;
    }
    {
        struct sw__engine *g = x->eng;
        if (g->loop.transfers > g->peak)
            g->peak = g->loop.transfers;
    }
    return SW__SENT;

setopt_failed:
    x->code = CURLE_FAILED_INIT;
    x->resp->status = 0;
    x->res.error = SW__HTTP_E_SETUP;
    x->res.message = error_text(x->code);
    x->res.status = 0;
    x->res.timing = (struct sw__http_timing){ 0, -1, -1, -1, -1 };
    x->res.body_bytes = 0;
    x->resp->transport_error = x->res.message;
    return SW__SEND_FAILED;
}

static void loop_done(struct sw__loop *l, CURL *easy, CURLcode result)
{
    struct sw__xfer *x = NULL;
    (void)l;
    if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x) != CURLE_OK
        || !x || !x->in_flight)
        return;
    x->in_flight = 0;
    x->code = result;
    fill_result(x);
    unstash_jar(x);
    x->done(x->ctx, x, &x->res);
}

static const struct sw__http_result *xfer_result(sw__xfer_t *x)
{
    return &x->res;
}

static void xfer_cancel(sw__xfer_t *x)
{
    if (x->in_flight)
        sw__loop_remove(&x->eng->loop, x->easy);
    xfer_put(x);
}

static void xfer_finish(sw__xfer_t *x)
{
    xfer_put(x);
}

/* The cookie's value in the session's jar, read through the handle that
 * has the share attached (libcurl lists a jar through an easy handle). */
static int session_cookie(sw__session_t *s, const char *name,
                          struct sw__buf *out)
{
    struct sw__xfer *x = s->last;
    struct curl_slist *list = NULL;
    int found = 0;
    if (!x || x->cur_share != s)
        return 0;
    if (curl_easy_getinfo(x->easy, CURLINFO_COOKIELIST, &list) != CURLE_OK)
        return 0;
    /* Netscape format: domain, tailmatch, path, secure, expires, name,
     * value, separated by tabs. */
    for (struct curl_slist *l = list; l && !found; l = l->next) {
        const char *f = l->data;
        for (int i = 0; i < 5 && f; i++) {
            f = strchr(f, '\t');
            if (f)
                f++;
        }
        if (!f)
            continue;
        const char *tab = strchr(f, '\t');
        if (!tab)
            continue;
        if ((size_t)(tab - f) == strlen(name) &&
            !memcmp(f, name, (size_t)(tab - f))) {
            sw__buf_adds(out, tab + 1);
            found = 1;
        }
    }
    curl_slist_free_all(list);
    return found;
}

static int process_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("swarm: curl_global_init failed\n", stderr);
        return -1;
    }
    return 0;
}

static void process_cleanup(void)
{
    curl_global_cleanup();
}

static struct sw__xfer *jar_handle(struct sw__session *s);

/* The jar is listed through the handle attached to the share last (see
 * session_cookie), or one attached for it when another session's request
 * took that handle; cookies imported but not yet in the jar are the same
 * lines again. */
static void session_cookies_export(sw__session_t *s, struct sw__buf *out)
{
    if (s->has_import) {
        sw__buf_add(out, s->import.ptr ? s->import.ptr : "",
                       s->import.len);
        return;
    }
    struct sw__xfer *x = jar_handle(s);
    struct curl_slist *list = NULL;
    if (!x || x->cur_share != s ||
        curl_easy_getinfo(x->easy, CURLINFO_COOKIELIST, &list) != CURLE_OK)
        return;
    for (struct curl_slist *l = list; l; l = l->next) {
        sw__buf_add(out, l->data, strlen(l->data));
        sw__buf_add(out, "\n", 1);
    }
    curl_slist_free_all(list);
}

/* Kept until the next request attaches a handle to the share (xfer_send
 * writes them into the jar then). */
static void session_cookies_import(sw__session_t *s, const char *lines,
                                   size_t len)
{
    s->import.len = 0;
    sw__buf_add(&s->import, lines, len);
    s->has_import = 1;
}

/* A handle attached to s's share, to read or write its jar through (a jar
 * is reached through an easy handle): the last one, else one from the
 * pool, attached now and pooled again.  Cookies imported and not yet in
 * the jar are written first.  NULL when libcurl refuses. */
static struct sw__xfer *jar_handle(struct sw__session *s)
{
    struct sw__xfer *x = s->last;
    if (!x || x->cur_share != s) {
        x = xfer_get(s);
        if (x->cur_share && x->cur_share->last == x)
            x->cur_share->last = NULL;
        x->cur_share = NULL;
        if (curl_easy_setopt(x->easy, CURLOPT_SHARE, s->share) != CURLE_OK) {
            xfer_put(x);
            return NULL;
        }
        x->cur_share = s;
        s->last = x;
        xfer_put(x);
    }
    if (s->has_import) {
        curl_easy_setopt(x->easy, CURLOPT_COOKIELIST, "ALL");
        sw__buf_add(&s->import, "", 1);
        add_lines(x, s->import.ptr);
        s->has_import = 0;
        s->import.len = 0;
    }
    return x;
}

static void session_cookie_set(sw__session_t *s, const char *line)
{
    struct sw__xfer *x = jar_handle(s);
    if (x && curl_easy_setopt(x->easy, CURLOPT_COOKIELIST, line) != CURLE_OK)
        fputs("swarm: cannot set a cookie\n", stderr);
}

static void session_cookies_clear(sw__session_t *s)
{
    struct sw__xfer *x = jar_handle(s);
    if (x)
        curl_easy_setopt(x->easy, CURLOPT_COOKIELIST, "ALL");
}

const struct sw__engine_ops sw__engine_general = {
    .name = "curl",
    .process_init = process_init,
    .process_cleanup = process_cleanup,
    .covers = eng_covers,
    .open = eng_open,
    .close = eng_close,
    .free = eng_free,
    .session_open = session_open,
    .session_close = session_close,
    .prepare = xfer_prepare,
    .send = xfer_send,
    .result = xfer_result,
    .cancel = xfer_cancel,
    .finish = xfer_finish,
    .cookie = session_cookie,
    .cookies_export = session_cookies_export,
    .cookies_import = session_cookies_import,
    .cookie_set = session_cookie_set,
    .cookies_clear = session_cookies_clear,
};
