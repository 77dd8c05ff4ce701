/*
 * conn.c - the native engine's sessions, connections and transfers on
 * libuv (see nv.h for the objects and their owners).
 *
 * A session keeps its connections alive between requests, one per host and
 * port it talks to (at most SESSION_CONNS, the least recently used closed
 * first: libcurl's per-user connection cache does the same, so a user that
 * calls a second host now and then keeps its connection to the first).  A
 * connection is opened again when the server closed it, answered
 * "Connection: close" or sent more than the response's framing said.
 * Like libcurl, a request that finds its reused connection dead before any
 * byte of the response arrives is sent once more on a new connection
 * instead of failing.
 *
 * Memory: an idle session is the session and its connection (the libuv
 * handle and its connect and write requests, ~0.6 KB).  Reads land in one
 * 64 KiB buffer per engine: libuv hands the bytes to on_read before it
 * reads again, and the parser copies what it keeps.  Everything a request
 * needs while in flight (the request bytes, the parser, the response
 * buffers, the timer) is a transfer, pooled per engine and lent to a
 * session from sw__nv_send to sw__nv_release; the pool never shrinks, so a
 * steady run allocates nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>
#include "nv_int.h"

#define READ_BUF_SIZE (64 * 1024)
/* A transfer's buffers grown past this are freed when it goes back to the
 * pool (one large response must not pin memory for the run). */
#define KEEP_CAP ((size_t)64 << 10)
#define MAX_REDIRS 30
#define SESSION_CONNS 4
/* A cache line: hot structures are allocated on this boundary. */
#define LINE 64

/* A response's header block and body while it is parsed (see take_bufs). */
struct sw__nv_bufs {
    struct sw__buf headers, body;
};

struct sw__nv_engine {
    uv_loop_t *uv;              /* borrowed */
    size_t body_cap;
    char *rbuf;                 /* owned: the shared read buffer */
    struct sw__buf wbuf;        /* owned: where requests are formatted */
    struct sw__nv_bufs *spare;  /* owned: parse buffers not lent, LIFO */
    size_t nspare, capspare;
    struct sw__nv_dns *dns;     /* owned */
    struct sw__nv_tcache *tcache;   /* owned */
    struct sw__nv_xfer *free_xfers; /* owned: the pool */
    int handles;                /* uv handles open (connections, timers) */
    int closing;                /* sw__nv_engine_close was called */
    int handover;               /* see sw__nv_engine_handover */
};

/* Laid out for a response's arrival, when with thousands of users the
 * connection is not in the cache: on a 64-byte boundary (conn_new), what
 * the engine reads first, then the libuv handle (whose hot fields end
 * within the next three lines), then the requests, which a keep-alive
 * request does not touch. */
struct sw__nv_conn {
    struct sw__nv_engine *eng;
    struct sw__nv_session *s;   /* NULL once closing */
    struct sw__nv_dns_entry *dest;
    uint64_t last_use;          /* the session's use counter (LRU) */
    int connected;
    int reused;                 /* a response was read on it already */
    uv_tcp_t tcp;
    uv_connect_t creq;          /* here, not in the transfer: they must */
    uv_write_t wreq;            /* outlive a cancelled transfer */
};

struct sw__nv_session {
    struct sw__nv_engine *eng;
    struct sw__nv_conn *conns[SESSION_CONNS];   /* owned; NULL: free */
    uint64_t use_tick;
    struct sw__nv_xfer *xfer;   /* owned from send to release */
    struct sw__nv_jar jar;
    int64_t connects;
};

enum { X_IDLE, X_RESOLVING, X_CONNECTING, X_SENDING };

/* What a keep-alive request reads and writes comes first, in as few
 * 64-byte lines as it fits (xfer_get aligns the transfer): with thousands
 * of users a transfer is cold when its response arrives, and every line
 * it touches is a cache miss.  The timer handle, the redirect's URL, the
 * request bytes left over and the DNS link come last. */
struct sw__nv_xfer {
    struct sw__nv_xfer *next_free;
    struct sw__nv_engine *eng;
    struct sw__nv_session *s;   /* while lent */
    struct sw__nv_conn *conn;   /* the connection it is sent on */
    uint64_t deadline_ms;       /* uv_now() time; 0: no timeout */
    uint64_t timer_due_ms;      /* when the running timer fires */
    int timer_on;               /* timer started and not yet fired or
                                   stopped (uv_is_active, without reading
                                   the handle's line) */
    int state;
    int in_flight;
    int in_send;                /* inside sw__nv_send: defer completion */
    int deferred;               /* completion waits for the timer */
    int retried;
    int addr_idx;               /* which of dest's addresses is tried */
    /* what is sent now (redirects change it): cur_url is req->url
     * (borrowed) until a redirect, then the URL in `url`; u points into
     * cur_url */
    const struct sw__nv_request *req;   /* borrowed until completion */
    const char *cur_url;
    size_t cur_url_len;
    struct sw__nv_url u;
    int method;
    const char *method_str;
    int has_body;
    const char *first_host;     /* in req->url: credentials go to this */
    size_t first_host_len;      /* host and port only */
    int first_port;
    struct sw__nv_dns_entry *dest;
    struct sw__nv_resp resp;
    /* uv_hrtime ns: the request's start, this hop's (redirect) start,
     * name known (connect starts), connected, request written, first
     * response byte */
    uint64_t t_start, t_hop, t_dns, t_conn, t_sent, t_first;
    sw__nv_done_fn done;
    void *data;
    struct sw__nv_result res;   /* its rarely used fields last (nv.h) */
    /* The timeout, or a completion deferred.  Lazy: a finished request
     * leaves it running (unreferenced) and the next one only moves the
     * deadline, so a request does not pay a timer start and stop; when it
     * fires before the deadline it is started again for the rest. */
    uv_timer_t timer;
    struct sw__buf url;         /* the URL after a redirect */
    /* the request bytes that the socket did not take at once (they are
     * formatted in the engine's wbuf) */
    struct sw__buf out;
    struct sw__nv_xfer *dns_next;
};

static void start(struct sw__nv_xfer *x);
static void finish(struct sw__nv_xfer *x, int err);

struct sw__nv_xfer **sw__nv_xfer_dns_next(struct sw__nv_xfer *x)
{
    return &x->dns_next;
}

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* ---- engine ------------------------------------------------------------- */

struct sw__nv_engine *sw__nv_engine_new(uv_loop_t *uv, size_t body_cap)
{
    struct sw__nv_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->uv = uv;
    e->body_cap = body_cap;
    e->rbuf = malloc(READ_BUF_SIZE);
    sw__buf_reserve(&e->wbuf, 1024);
    e->dns = sw__nv_dns_new(uv);
    e->tcache = sw__nv_tcache_new();
    if (!e->rbuf || !e->dns || !e->tcache) {
        free(e->rbuf);
        sw__nv_dns_close(e->dns);
        sw__nv_tcache_free(e->tcache);
        free(e);
        return NULL;
    }
    return e;
}

static void xfer_bufs_free(struct sw__nv_xfer *x)
{
    sw__buf_free(&x->url);
    sw__buf_free(&x->out);
    sw__buf_free(&x->res.headers);
    sw__buf_free(&x->res.body);
    sw__nv_inflate_free(x->res.inflate);
    x->res.inflate = NULL;
}

static void on_xfer_closed(uv_handle_t *h)
{
    struct sw__nv_xfer *x = h->data;
    struct sw__nv_engine *e = x->eng;
    xfer_bufs_free(x);
    free(x);
    e->handles--;
}

void sw__nv_engine_close(struct sw__nv_engine *e)
{
    struct sw__nv_xfer *x = e->free_xfers;
    e->free_xfers = NULL;
    e->closing = 1;
    while (x) {
        struct sw__nv_xfer *next = x->next_free;
        uv_close((uv_handle_t *)&x->timer, on_xfer_closed);
        x = next;
    }
    sw__nv_dns_close(e->dns);
    e->dns = NULL;
}

void sw__nv_engine_free(struct sw__nv_engine *e)
{
    if (!e)
        return;
    if (e->handles > 0)
        fprintf(stderr, "swarm: native engine freed with %d handles open\n",
                e->handles);
    free(e->rbuf);
    sw__buf_free(&e->wbuf);
    for (size_t i = 0; i < e->nspare; i++) {
        sw__buf_free(&e->spare[i].headers);
        sw__buf_free(&e->spare[i].body);
    }
    free(e->spare);
    sw__nv_tcache_free(e->tcache);
    free(e);
}

void sw__nv_engine_handover(struct sw__nv_engine *e, int on)
{
    e->handover = on;
}

int sw__nv_engine_busy(const struct sw__nv_engine *e)
{
    return e->handles;
}

/* ---- transfers ---------------------------------------------------------- */

static struct sw__nv_xfer *xfer_get(struct sw__nv_engine *e)
{
    struct sw__nv_xfer *x = e->free_xfers;
    if (x) {
        e->free_xfers = x->next_free;
        x->next_free = NULL;
        return x;
    }
    size_t size = (sizeof *x + LINE - 1) / LINE * LINE;
    x = aligned_alloc(LINE, size);
    if (!x)
        sw__oom();
    memset(x, 0, size);
    x->eng = e;
    uv_timer_init(e->uv, &x->timer);
    uv_unref((uv_handle_t *)&x->timer);  /* the connection keeps the loop */
    x->timer.data = x;
    e->handles++;
    return x;
}

/* Empties b for reuse, keeping the NUL that nv.h promises after the bytes
 * (a body read as a C string must not show a previous response's). */
static void empty(struct sw__buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = 0;
}

static void trim(struct sw__buf *b)
{
    if (b->cap > KEEP_CAP)
        sw__buf_free(b);
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = 0;
}

/* The parse buffers.  A transfer holds none from its send to its first
 * response byte: it takes the pair given back last (take_bufs) and gives
 * it back with itself (give_bufs).  With thousands of users, a response is
 * then parsed into memory that the previous one used a moment ago, not
 * into a pair of its own last written thousands of requests earlier
 * (cache misses); the pool holds as many pairs as responses were ever
 * parsed at once. */
static void take_bufs(struct sw__nv_xfer *x)
{
    struct sw__nv_engine *e = x->eng;
    if (x->res.headers.ptr || x->res.body.ptr || !e->nspare)
        return;
    struct sw__nv_bufs *b = &e->spare[--e->nspare];
    x->res.headers = b->headers;
    x->res.body = b->body;
}

static void give_bufs(struct sw__nv_xfer *x)
{
    struct sw__nv_engine *e = x->eng;
    if (!x->res.headers.ptr && !x->res.body.ptr)
        return;
    trim(&x->res.headers);
    trim(&x->res.body);
    e->spare = sw__grow(e->spare, &e->capspare, e->nspare + 1,
                        sizeof *e->spare);
    e->spare[e->nspare].headers = x->res.headers;
    e->spare[e->nspare].body = x->res.body;
    e->nspare++;
    memset(&x->res.headers, 0, sizeof x->res.headers);
    memset(&x->res.body, 0, sizeof x->res.body);
}

static void xfer_put(struct sw__nv_xfer *x)
{
    if (x->url.cap > KEEP_CAP)
        sw__buf_free(&x->url);
    if (x->out.cap > KEEP_CAP)
        sw__buf_free(&x->out);
    give_bufs(x);
    x->s = NULL;
    x->conn = NULL;
    x->req = NULL;
    x->next_free = x->eng->free_xfers;
    x->eng->free_xfers = x;
}

/* ---- connections -------------------------------------------------------- */

static void on_conn_closed(uv_handle_t *h)
{
    struct sw__nv_conn *c = h->data;
    struct sw__nv_engine *e = c->eng;
    free(c);
    e->handles--;
}

static void conn_close(struct sw__nv_conn *c)
{
    if (!c || !c->s)
        return;
    for (int i = 0; i < SESSION_CONNS; i++)
        if (c->s->conns[i] == c)
            c->s->conns[i] = NULL;
    c->s = NULL;
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

/* The transfer a connection's events are for, or NULL (an idle or closing
 * connection). */
static struct sw__nv_xfer *conn_xfer(struct sw__nv_conn *c)
{
    struct sw__nv_session *s = c->s;
    if (!s || !s->xfer || !s->xfer->in_flight || s->xfer->conn != c)
        return NULL;
    return s->xfer;
}

/* A reused connection that died before any byte of the response: send
 * again on a new one, once. */
static int retry(struct sw__nv_xfer *x, struct sw__nv_conn *c)
{
    if (!c->reused || x->resp.got_bytes || x->retried)
        return 0;
    x->retried = 1;
    conn_close(c);
    x->conn = NULL;
    start(x);
    return 1;
}

static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    struct sw__nv_conn *c = h->data;
    (void)hint;
    buf->base = c->eng->rbuf;
    buf->len = READ_BUF_SIZE;
}

static void response_done(struct sw__nv_xfer *x);

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    struct sw__nv_conn *c = st->data;
    if (nread == 0)
        return;
    struct sw__nv_xfer *x = conn_xfer(c);
    if (!x) {
        /* idle: the server closed, or sent what no request asked for */
        conn_close(c);
        return;
    }
    if (nread < 0) {
        if (retry(x, c))
            return;
        int err = nread == UV_EOF ? sw__nv_resp_eof(&x->resp)
                                  : SW_NV_ERR_RESET;
        if (nread != UV_EOF)
            x->res.os_errno = (int)-nread;
        conn_close(c);
        if (err)
            finish(x, err);
        else
            response_done(x);
        return;
    }
    if (!x->t_first)
        x->t_first = uv_hrtime();
    take_bufs(x);
    size_t used;
    int err = sw__nv_resp_feed(&x->resp, buf->base, (size_t)nread, &used);
    if (err) {
        conn_close(c);
        finish(x, err);
        return;
    }
    if (!x->resp.complete)
        return;
    if (!sw__nv_resp_keep_alive(&x->resp) || used != (size_t)nread)
        conn_close(c);          /* closing, or bytes past the response */
    else
        c->reused = 1;
    response_done(x);
}

static void on_write(uv_write_t *w, int status)
{
    struct sw__nv_conn *c = w->data;
    if (status == 0 || status == UV_ECANCELED)
        return;
    struct sw__nv_xfer *x = conn_xfer(c);
    if (!x || retry(x, c))
        return;
    conn_close(c);
    finish(x, SW_NV_ERR_SEND);
}

/* ---- sending ------------------------------------------------------------ */

/* --http-debug: the header block of the request bytes in out. */
static void log_sent(struct sw__buf *log, const struct sw__buf *out)
{
    const char *end = NULL;
    for (size_t i = 0; i + 4 <= out->len && !end; i++)
        if (!memcmp(out->ptr + i, "\r\n\r\n", 4))
            end = out->ptr + i + 4;
    sw__buf_add(log, out->ptr, end ? (size_t)(end - out->ptr) : out->len);
}

static void write_request(struct sw__nv_xfer *x, struct sw__nv_conn *c)
{
    struct sw__nv_session *s = x->s;
    struct sw__nv_wire w = {
        .method = x->method,
        .method_str = x->method_str,
        .url = &x->u,
        .req = x->req,
        .has_body = x->has_body,
        .body = x->req->body,
        .body_len = x->has_body ? x->req->body_len : 0,
    };
    /* credentials only to the host and port of the first request (a
     * request not redirected is there; hosts are lower-case, see
     * sw__nv_url_parse, so memcmp compares them) */
    w.same_host = !x->res.redirects ||
                  (x->u.port == x->first_port &&
                   x->u.host_len == x->first_host_len &&
                   !memcmp(x->u.host, x->first_host, x->u.host_len));
    w.send_auth = x->req->has_auth && w.same_host;
    const struct sw__nv_template *t = sw__nv_template_get(x->eng->tcache, &w);
    /* formatted in the engine's buffer: the socket takes it at once, as a
     * rule, and only what is left is copied to the transfer */
    struct sw__buf *out = &x->eng->wbuf;
    sw__nv_format(t, &w, &s->jar, s->jar.head ? now_s() : 0, out);
    if (x->req->sent_log)
        log_sent(x->req->sent_log, out);
    sw__nv_resp_start(&x->resp, &x->res, x->method == SW_NV_HEAD,
                      x->eng->body_cap);
    if (x->req->accept_encoding)
        sw__nv_resp_decode(&x->resp);
    x->conn = c;
    x->state = X_SENDING;
    x->t_sent = uv_hrtime();
    x->t_first = 0;
    uv_buf_t b = uv_buf_init(out->ptr, (unsigned)out->len);
    int n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    if (n == (int)out->len) {
        if (out->cap > KEEP_CAP)
            sw__buf_free(out);  /* (one large request: not kept) */
        return;
    }
    if (n < 0 && n != UV_EAGAIN) {
        if (retry(x, c))
            return;
        conn_close(c);
        finish(x, SW_NV_ERR_SEND);
        return;
    }
    /* the rest waits in the transfer's own buffer until it is written */
    size_t sent = n > 0 ? (size_t)n : 0;
    x->out.len = 0;
    sw__buf_add(&x->out, out->ptr + sent, out->len - sent);
    if (out->cap > KEEP_CAP)
        sw__buf_free(out);      /* (one large request: not kept) */
    b = uv_buf_init(x->out.ptr, (unsigned)x->out.len);
    c->wreq.data = c;
    if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, on_write) != 0) {
        conn_close(c);
        finish(x, SW_NV_ERR_SEND);
    }
}

static void connect_to(struct sw__nv_xfer *x);

static void on_connect(uv_connect_t *req, int status)
{
    struct sw__nv_conn *c = req->data;
    if (status == UV_ECANCELED)
        return;
    struct sw__nv_xfer *x = conn_xfer(c);
    if (!x)
        return;
    if (status < 0) {
        conn_close(c);
        x->conn = NULL;
        if (sw__nv_dns_addr(x->dest, x->addr_idx + 1)) {
            x->addr_idx++;      /* the name's next address */
            x->res.opened--;
            x->s->connects--;
            connect_to(x);
            return;
        }
        x->res.os_errno = -status;
        finish(x, SW_NV_ERR_CONNECT);
        return;
    }
    c->connected = 1;
    x->t_conn = uv_hrtime();
    uv_tcp_nodelay(&c->tcp, 1);
    if (uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, on_read) != 0) {
        conn_close(c);
        finish(x, SW_NV_ERR_CONNECT);
        return;
    }
    write_request(x, c);
}

static void connect_to(struct sw__nv_xfer *x)
{
    struct sw__nv_session *s = x->s;
    struct sw__nv_engine *e = x->eng;
    size_t size = (sizeof(struct sw__nv_conn) + LINE - 1) / LINE * LINE;
    struct sw__nv_conn *c = aligned_alloc(LINE, size);
    if (!c)
        sw__oom();
    memset(c, 0, size);
    c->eng = e;
    c->s = s;
    c->dest = x->dest;
    uv_tcp_init(e->uv, &c->tcp);
    c->tcp.data = c;
    c->creq.data = c;
    e->handles++;
    /* a free slot, else the least recently used connection goes */
    int slot = 0;
    for (int i = 0; i < SESSION_CONNS; i++) {
        if (!s->conns[i]) {
            slot = i;
            break;
        }
        if (s->conns[i]->last_use < s->conns[slot]->last_use)
            slot = i;
    }
    conn_close(s->conns[slot]);
    s->conns[slot] = c;
    c->last_use = ++s->use_tick;
    s->connects++;
    x->res.opened++;
    x->conn = c;
    x->state = X_CONNECTING;
    x->t_dns = uv_hrtime();
    if (uv_tcp_connect(&c->creq, &c->tcp,
                       sw__nv_dns_addr(x->dest, x->addr_idx),
                       on_connect) != 0) {
        conn_close(c);
        finish(x, SW_NV_ERR_CONNECT);
    }
}

static void on_resolved(struct sw__nv_xfer *x, int err)
{
    if (!x->in_flight)
        return;
    if (err)
        finish(x, SW_NV_ERR_RESOLVE);
    else
        connect_to(x);
}

/* Sends x's current URL: on the session's connection when it goes to the
 * same place and is idle, else on a new one. */
static void start(struct sw__nv_xfer *x)
{
    struct sw__nv_session *s = x->s;
    x->dest = sw__nv_dns_entry(x->eng->dns, x->u.host, x->u.host_len,
                               x->u.port);
    x->conn = NULL;
    for (int i = 0; i < SESSION_CONNS; i++) {
        struct sw__nv_conn *c = s->conns[i];
        if (c && c->dest == x->dest) {
            if (!c->connected) {
                conn_close(c);  /* a connect abandoned by a cancel */
                break;
            }
            c->last_use = ++s->use_tick;
            write_request(x, c);
            return;
        }
    }
    /* a new connection: its DNS and connect phases count from here */
    x->t_hop = uv_hrtime();
    x->addr_idx = 0;
    if (sw__nv_dns_addr(x->dest, 0)) {
        connect_to(x);
        return;
    }
    x->state = X_RESOLVING;
    sw__nv_dns_wait(x->eng->dns, x->dest, x, on_resolved);
}

/* ---- completion --------------------------------------------------------- */

static int is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 ||
           status == 307 || status == 308;
}

static void take_cookies(struct sw__nv_xfer *x)
{
    if (!x->res.has_special)
        return;
    const struct sw__buf *h = &x->res.headers;
    const char *v = NULL;
    size_t vlen = 0;
    int64_t now = 0;
    while ((v = sw__nv_header_find(h, "Set-Cookie", v, &vlen))) {
        if (!now)
            now = now_s();
        sw__nv_jar_set(&x->s->jar, v, vlen, x->u.host, x->u.host_len,
                       x->u.target, x->u.path_len, now);
    }
}

/* 1 when x->url (not covered) has the scheme, host and port of the
 * request's first URL, as libcurl 7.88 compares them before it sends
 * credentials after a redirect (Curl_auth_allowed_to_host): only an
 * http:// URL can, since the first URL was one. */
static int same_origin(const struct sw__nv_xfer *x)
{
    const char *p = x->cur_url, *end = p + x->cur_url_len;
    if (strncmp(p, "http://", 7))
        return 0;
    p += 7;
    const char *h = p;
    if (p < end && *p == '[')   /* IPv6: the colons are the address's */
        while (p < end && *p != ']')
            p++;
    while (p < end && *p != '/' && *p != '?' && *p != '#' && *p != ':' &&
           *p != '@')
        p++;
    if (p < end && *p == '@')
        return 0;               /* user info: libcurl's own credentials */
    size_t hl = (size_t)(p - h);
    long port = 80;
    if (p < end && *p == ':') {
        port = 0;
        for (p++; p < end && *p >= '0' && *p <= '9' && port < 65536; p++)
            port = port * 10 + (*p - '0');
    }
    return port == x->first_port && hl == x->first_host_len &&
           !strncasecmp(h, x->first_host, hl);
}

static void response_done(struct sw__nv_xfer *x)
{
    take_cookies(x);
    long status = x->res.status;
    size_t llen;
    const char *loc;
    if (!x->req->follow || !is_redirect(status) || !x->res.has_special ||
        !(loc = sw__nv_header_find(&x->res.headers, "Location", NULL, &llen))) {
        finish(x, SW_NV_OK);
        return;
    }
    if (x->res.redirects >= MAX_REDIRS) {
        finish(x, SW_NV_ERR_REDIRECTS);
        return;
    }
    struct sw__buf next = { 0 };
    int rc = sw__nv_url_resolve(x->cur_url, loc, llen, &next);
    int handover = rc == -2 && x->eng->handover &&
                   (!strncmp(next.ptr, "https://", 8) ||
                    !strncmp(next.ptr, "http://", 7));
    if (rc != 0 && !handover) {
        sw__buf_free(&next);
        finish(x, SW_NV_ERR_BAD_REDIRECT);
        return;
    }
    sw__buf_free(&x->url);
    x->url = next;
    x->cur_url = x->url.ptr;
    x->cur_url_len = x->url.len;
    /* libcurl 7.88: 301, 302 and 303 drop the body; a POST becomes a GET,
     * any other method keeps its name (CURLOPT_CUSTOMREQUEST) */
    if (status <= 303 && x->has_body) {
        x->has_body = 0;
        if (x->method == SW_NV_POST) {
            x->method = SW_NV_GET;
            x->method_str = sw__nv_method_str(SW_NV_GET);
        }
    }
    x->res.redirects++;
    if (handover) {
        /* libcurl follows it (the caller sends it there): the redirect's
         * response is taken, nothing of it is kept */
        x->res.next_url = x->cur_url;
        x->res.next_url_len = x->cur_url_len;
        x->res.next_method = x->method;
        x->res.next_has_body = x->has_body;
        x->res.next_same_origin = same_origin(x);
        x->res.status = 0;
        empty(&x->res.headers);
        empty(&x->res.body);
        x->res.bytes = 0;
        finish(x, SW_NV_ERR_HANDOVER);
        return;
    }
    sw__nv_url_parse(x->cur_url, x->cur_url_len, &x->u);
    x->res.status = 0;
    empty(&x->res.headers);
    empty(&x->res.body);
    x->res.bytes = 0;
    start(x);
}

static void deliver(struct sw__nv_xfer *x)
{
    x->deferred = 0;
    x->done(x->s, x->data);
}

static void on_timer(uv_timer_t *t)
{
    struct sw__nv_xfer *x = t->data;
    x->timer_on = 0;            /* (a one-shot timer that fired) */
    if (x->deferred) {
        uv_unref((uv_handle_t *)&x->timer);
        deliver(x);
        return;
    }
    if (!x->in_flight || !x->deadline_ms)
        return;                 /* a finished request's timer: let it go */
    uint64_t now = uv_now(x->eng->uv);
    if (now < x->deadline_ms) { /* a later request moved the deadline */
        x->timer_due_ms = x->deadline_ms;
        uv_timer_start(&x->timer, on_timer, x->deadline_ms - now, 0);
        x->timer_on = 1;
        return;
    }
    x->res.timeout_connecting = x->state != X_SENDING;
    if (x->state == X_CONNECTING || x->state == X_SENDING)
        conn_close(x->conn);
    finish(x, SW_NV_ERR_TIMEOUT);
}

static int64_t us_between(uint64_t a, uint64_t b)
{
    return a && b && b >= a ? (int64_t)((b - a) / 1000) : -1;
}

static void finish(struct sw__nv_xfer *x, int err)
{
    if (!x->in_flight)
        return;
    x->in_flight = 0;
    x->deadline_ms = 0;         /* the timer itself stays (see timer) */
    if (x->state == X_RESOLVING)
        sw__nv_dns_unwait(x->dest, x);
    x->state = X_IDLE;
    uint64_t end = uv_hrtime();
    struct sw__nv_result *r = &x->res;
    r->err = err;
    if (err)
        r->status = 0;
    r->timing.total_us = us_between(x->t_start, end);
    r->timing.ttfb_us = us_between(x->t_sent, x->t_first);
    r->timing.dns_us = r->opened ? us_between(x->t_hop, x->t_dns) : -1;
    r->timing.connect_us = r->opened ? us_between(x->t_dns, x->t_conn) : -1;
    if (x->in_send) {
        /* sw__nv_send's contract: the callback runs from the loop */
        x->deferred = 1;
        x->timer_due_ms = uv_now(x->eng->uv);
        uv_timer_start(&x->timer, on_timer, 0, 0);
        x->timer_on = 1;
        uv_ref((uv_handle_t *)&x->timer);
        return;
    }
    deliver(x);
}

/* ---- sessions ----------------------------------------------------------- */

struct sw__nv_session *sw__nv_session_new(struct sw__nv_engine *e)
{
    struct sw__nv_session *s = calloc(1, sizeof *s);
    if (s)
        s->eng = e;
    return s;
}

void sw__nv_release(struct sw__nv_session *s)
{
    sw__nv_cancel(s);
    if (s->xfer) {
        xfer_put(s->xfer);
        s->xfer = NULL;
    }
}

void sw__nv_session_free(struct sw__nv_session *s)
{
    if (!s)
        return;
    sw__nv_release(s);
    for (int i = 0; i < SESSION_CONNS; i++)
        conn_close(s->conns[i]);
    sw__nv_jar_free(&s->jar);
    free(s);
}

int sw__nv_send(struct sw__nv_session *s, const struct sw__nv_request *req,
                sw__nv_done_fn done, void *data)
{
    if (s->xfer && s->xfer->in_flight)
        return -1;
    if (s->xfer)
        sw__nv_release(s);
    struct sw__nv_xfer *x = xfer_get(s->eng);
    s->xfer = x;
    x->s = s;
    x->req = req;
    x->done = done;
    x->data = data;
    x->in_flight = 1;
    x->in_send = 1;
    x->deferred = 0;
    x->retried = 0;
    x->conn = NULL;
    x->state = X_IDLE;
    memset(&x->res.timing, 0, sizeof x->res.timing);
    if (x->res.err == SW_NV_ERR_HEADERS_SIZE)
        x->res.errmsg[0] = 0;   /* (only that error writes it: resp.c) */
    x->res.err = 0;
    x->res.os_errno = 0;
    x->res.timeout_connecting = 0;
    x->res.status = 0;
    empty(&x->res.headers);
    empty(&x->res.body);
    x->res.bytes = 0;
    x->res.opened = 0;
    x->res.redirects = 0;
    x->t_start = uv_hrtime();
    x->t_dns = x->t_conn = x->t_sent = x->t_first = 0;
    x->cur_url = req->url;
    x->cur_url_len = req->url_len;
    x->method = req->method;
    x->method_str = sw__nv_method_str(req->method);
    x->has_body = req->has_body;
    if (req->parsed) {
        x->u = *req->parsed;    /* parsed by sw__nv_covers_url already */
    } else if (sw__nv_url_parse(req->url, req->url_len, &x->u) != 0) {
        x->in_send = 0;
        x->in_flight = 0;
        return -1;              /* not covered: the caller checks first */
    }
    x->first_host = x->u.host;
    x->first_host_len = x->u.host_len;
    x->first_port = x->u.port;
    x->deadline_ms = 0;
    if (req->timeout_ms > 0) {
        x->deadline_ms = uv_now(x->eng->uv) + (uint64_t)req->timeout_ms;
        if (!x->timer_on ||
            x->timer_due_ms > x->deadline_ms) {
            x->timer_due_ms = x->deadline_ms;
            uv_timer_start(&x->timer, on_timer, (uint64_t)req->timeout_ms, 0);
            x->timer_on = 1;
        }
    }
    start(x);
    x->in_send = 0;
    return 0;
}

void sw__nv_cancel(struct sw__nv_session *s)
{
    struct sw__nv_xfer *x = s->xfer;
    if (!x)
        return;
    if (x->deferred) {
        uv_timer_stop(&x->timer);
        x->timer_on = 0;
        uv_unref((uv_handle_t *)&x->timer);
        x->deferred = 0;
    }
    if (!x->in_flight)
        return;
    x->in_flight = 0;
    x->deadline_ms = 0;
    if (x->state == X_RESOLVING)
        sw__nv_dns_unwait(x->dest, x);
    /* a response may still come on the connection: it cannot be reused */
    if (x->state == X_CONNECTING || x->state == X_SENDING)
        conn_close(x->conn);
    x->state = X_IDLE;
}

int sw__nv_in_flight(const struct sw__nv_session *s)
{
    return s->xfer && (s->xfer->in_flight || s->xfer->deferred);
}

const char *sw__nv_session_url(const struct sw__nv_session *s)
{
    return s->xfer && s->xfer->cur_url ? s->xfer->cur_url : NULL;
}

struct sw__nv_result *sw__nv_result(struct sw__nv_session *s)
{
    return s->xfer ? &s->xfer->res : NULL;
}

int64_t sw__nv_session_connects(const struct sw__nv_session *s)
{
    return s->connects;
}

int sw__nv_session_cookie(const struct sw__nv_session *s, const char *name,
                          const char **value)
{
    return sw__nv_jar_get(&s->jar, name, value);
}

void sw__nv_session_cookies_export(const struct sw__nv_session *s,
                                   struct sw__buf *out)
{
    sw__nv_jar_export(&s->jar, out);
}

void sw__nv_session_cookies_import(struct sw__nv_session *s,
                                   const char *lines, size_t len)
{
    sw__nv_jar_import(&s->jar, lines, len);
}

size_t sw__nv_session_cookies(const struct sw__nv_session *s)
{
    return sw__nv_jar_count(&s->jar);
}
