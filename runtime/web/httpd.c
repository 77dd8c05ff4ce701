/*
 * httpd.c - the web UI's HTTP/1.1 server (httpd.h).
 *
 * libuv and libhttp-parser rather than libmicrohttpd: both are already in
 * the runtime and have static archives, while Debian's libmicrohttpd.a
 * needs GnuTLS, whose p11-kit and libunistring have none, and a fully
 * static binary could not be linked.  One thread, one loop; the handler
 * runs synchronously when a request is complete, so responses leave in
 * request order without any queueing of our own.
 *
 * With --tls-cert/--tls-key every connection has a TLS state
 * (tls_server.h) between the socket and the parser: on_read feeds it what
 * arrived and parses the plaintext it gives back, and every write goes
 * through conn_write, which seals it into records.  Nothing else here
 * knows which scheme it serves.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <http_parser.h>
#include <uv.h>
#include "httpd.h"
#include "log.h"
#include "tls_server.h"

#define READ_BUF (64 * 1024)
#define MAX_WRITE_QUEUE (8 * 1024 * 1024)
#define FIELD_MAX 64            /* header names we keep are short */
#define VALUE_MAX 2048

struct sw__httpd {
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_async_t stop;
    pthread_t thread;
    sw__httpd_fn fn;
    void *arg;
    int nconns;
    struct sw__tls_server *tls; /* borrowed; NULL: plain HTTP */
    unsigned long tls_failures; /* connections closed by a TLS failure */
    char rbuf[READ_BUF];        /* reads are handled at once: one buffer */
    char pbuf[READ_BUF];        /* and the plaintext TLS gives back */
};

enum { H_AUTH, H_ORIGIN, H_REFERER, H_FETCH_SITE, H_HOST, H_CTYPE, H_N };
static const char *const hnames[H_N] = {
    "authorization", "origin", "referer", "sec-fetch-site", "host",
    "content-type"
};

struct conn {
    uv_tcp_t tcp;               /* first: the handle's pointer is ours */
    uv_timer_t timer;
    struct sw__httpd *h;
    struct sw__tls_conn *tls;   /* owned; NULL: plain HTTP */
    int tls_fed;                /* bytes went into tls already */
    char peer[64];              /* TLS: "ip:port", for debug lines */
    http_parser parser;
    int closing;
    int lingering;              /* answered and shut down: reading what
                                   the client still sends, then closing */
    size_t lingered;
    uv_shutdown_t shutdown;
    int nclosed;                /* handles closed so far, of 2 */
    int error_status;           /* set by a callback that stops parsing */
    int in_message;
    size_t head_bytes;
    char *url;
    size_t url_len;
    char field[FIELD_MAX + 1];
    size_t field_len;
    int field_trunc;
    char value[VALUE_MAX + 1];
    size_t value_len;
    int value_trunc;
    int last_was_value;
    char *hv[H_N];              /* owned; NULL: absent */
    char *body;
    size_t body_len, body_cap;
};

struct wreq {
    uv_write_t req;
    struct conn *c;
    char *head;
    char *body;
    char *sealed;               /* TLS: what goes on the wire instead */
    void (*release)(void *);
    void *release_arg;
    int close_after;
};

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

/* ---- closing -------------------------------------------------------------- */

static void reset_request(struct conn *c)
{
    free(c->url);
    c->url = NULL;
    c->url_len = 0;
    for (int i = 0; i < H_N; i++) {
        free(c->hv[i]);
        c->hv[i] = NULL;
    }
    free(c->body);
    c->body = NULL;
    c->body_len = c->body_cap = 0;
    c->field_len = c->value_len = 0;
    c->field_trunc = c->value_trunc = 0;
    c->last_was_value = 0;
    c->head_bytes = 0;
    c->in_message = 0;
}

static void on_closed(uv_handle_t *hd)
{
    struct conn *c = hd->data;
    if (++c->nclosed < 2)
        return;
    c->h->nconns--;
    reset_request(c);
    sw__tls_conn_free(c->tls);
    free(c);
}

static void conn_close(struct conn *c)
{
    if (c->closing)
        return;
    c->closing = 1;
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->tcp, on_closed);
    uv_close((uv_handle_t *)&c->timer, on_closed);
}

/* ---- writing -------------------------------------------------------------- */

static void on_shut(uv_shutdown_t *req, int status)
{
    (void)req;
    (void)status;       /* the linger timer closes the connection */
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);
static void on_alloc(uv_handle_t *hd, size_t want, uv_buf_t *buf);
static void on_timeout(uv_timer_t *t);
static void on_written(uv_write_t *req, int status);
static void tls_flush(struct conn *c);

/* After an answer that closes the connection: close our side for writing
 * and read (and drop) what the client is still sending for a moment, so
 * that a client in the middle of a large body sees the answer instead of
 * a reset (a close with unread data sends RST). */
static void linger(struct conn *c)
{
    if (c->closing || c->lingering)
        return;
    c->lingering = 1;
    if (c->tls) {
        sw__tls_conn_shutdown(c->tls);
        tls_flush(c);
        if (c->closing)
            return;
    }
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shut) != 0) {
        conn_close(c);
        return;
    }
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    uv_timer_start(&c->timer, on_timeout, 2000, 0);
}

static void on_written(uv_write_t *req, int status)
{
    struct wreq *w = (struct wreq *)req;
    free(w->head);
    free(w->sealed);
    if (w->release)
        w->release(w->release_arg);
    else
        free(w->body);
    if (status < 0)
        conn_close(w->c);
    else if (w->close_after)
        linger(w->c);
    free(w);
}

/* bufs to the client, as they are or sealed into TLS records (then
 * w->sealed owns the ciphertext); on_written(w) runs when they are out.
 * 0, or a libuv error when nothing was queued. */
static int conn_write(struct conn *c, struct wreq *w, const uv_buf_t *bufs,
                      unsigned nbufs)
{
    if (c->closing)
        return UV_ECANCELED;
    if (!c->tls)
        return uv_write(&w->req, (uv_stream_t *)&c->tcp, bufs, nbufs,
                        on_written);
    for (unsigned i = 0; i < nbufs; i++)
        if (bufs[i].len > 0 &&
            sw__tls_conn_write(c->tls, bufs[i].base, bufs[i].len) != 0)
            return UV_EPROTO;
    size_t len;
    if (sw__tls_conn_take(c->tls, &w->sealed, &len) != 0)
        return UV_ENOMEM;
    uv_buf_t b = uv_buf_init(w->sealed ? w->sealed : "", (unsigned)len);
    return uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written);
}

/* What TLS has to send on its own (handshake messages, alerts). */
static void tls_flush(struct conn *c)
{
    char *sealed;
    size_t len;
    if (c->closing)
        return;
    if (sw__tls_conn_take(c->tls, &sealed, &len) != 0) {
        conn_close(c);
        return;
    }
    if (!sealed)
        return;
    struct wreq *w = calloc(1, sizeof *w);
    if (!w) {
        free(sealed);
        conn_close(c);
        return;
    }
    w->c = c;
    w->sealed = sealed;
    uv_buf_t b = uv_buf_init(sealed, (unsigned)len);
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0)
        on_written(&w->req, -1);
}

static void send_resp(struct conn *c, struct sw__httpd_resp *rs,
                      int head_only, int keep_alive)
{
    struct wreq *w = calloc(1, sizeof *w);
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "Cache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\n"
                     "X-Frame-Options: DENY\r\n"
                     "Referrer-Policy: same-origin\r\n"
                     "%s"
                     "Connection: %s\r\n\r\n",
                     rs->status, reason(rs->status),
                     rs->content_type ? rs->content_type : "text/plain",
                     rs->len, rs->headers, keep_alive ? "keep-alive" : "close");
    if (!w || n < 0 || (size_t)n >= sizeof head ||
        !(w->head = malloc((size_t)n))) {
        free(w);
        if (rs->release)
            rs->release(rs->release_arg);
        else
            free(rs->body);
        conn_close(c);
        return;
    }
    memcpy(w->head, head, (size_t)n);
    w->c = c;
    w->body = rs->body;
    w->release = rs->release;
    w->release_arg = rs->release_arg;
    w->close_after = !keep_alive;
    uv_buf_t bufs[2] = {
        uv_buf_init(w->head, (unsigned)n),
        uv_buf_init(rs->body ? rs->body : "", head_only ? 0 : (unsigned)rs->len)
    };
    if (conn_write(c, w, bufs, 2) != 0) {
        w->req.data = NULL;
        on_written(&w->req, -1);
    }
}

/* A plain-text error; the connection closes after it. */
static void send_error(struct conn *c, int status, const char *msg)
{
    struct sw__httpd_resp rs;
    memset(&rs, 0, sizeof rs);
    rs.status = status;
    rs.content_type = "text/plain; charset=utf-8";
    size_t n = strlen(msg);
    rs.body = malloc(n + 1);
    if (rs.body) {
        memcpy(rs.body, msg, n);
        rs.body[n] = '\n';
        rs.len = n + 1;
    }
    uv_read_stop((uv_stream_t *)&c->tcp);
    send_resp(c, &rs, 0, 0);
}

/* ---- parsing -------------------------------------------------------------- */

static int count_head(struct conn *c, size_t n)
{
    c->head_bytes += n;
    if (c->head_bytes > SW_HTTPD_MAX_HEAD) {
        c->error_status = 431;
        return -1;
    }
    return 0;
}

static int on_begin(http_parser *p)
{
    struct conn *c = p->data;
    reset_request(c);
    c->in_message = 1;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t n)
{
    struct conn *c = p->data;
    if (c->url_len + n > 8192) {
        c->error_status = 414;
        return -1;
    }
    if (count_head(c, n))
        return -1;
    char *u = realloc(c->url, c->url_len + n + 1);
    if (!u) {
        c->error_status = 503;
        return -1;
    }
    memcpy(u + c->url_len, at, n);
    c->url_len += n;
    u[c->url_len] = 0;
    c->url = u;
    return 0;
}

/* The header just read in full: kept when it is one we look at. */
static void end_header(struct conn *c)
{
    c->field[c->field_len] = 0;
    c->value[c->value_len] = 0;
    if (!c->field_trunc) {
        for (int i = 0; i < H_N; i++) {
            if (strcasecmp(c->field, hnames[i]) != 0)
                continue;
            free(c->hv[i]);
            /* an over-long value is kept as invalid, never cut to a
             * prefix that might pass a check */
            c->hv[i] = strdup(c->value_trunc ? "\x01" : c->value);
        }
    }
    c->field_len = c->value_len = 0;
    c->field_trunc = c->value_trunc = 0;
}

static int on_hfield(http_parser *p, const char *at, size_t n)
{
    struct conn *c = p->data;
    if (count_head(c, n))
        return -1;
    if (c->last_was_value) {
        end_header(c);
        c->last_was_value = 0;
    }
    size_t room = FIELD_MAX - c->field_len;
    if (n > room) {
        c->field_trunc = 1;
        n = room;
    }
    memcpy(c->field + c->field_len, at, n);
    c->field_len += n;
    return 0;
}

static int on_hvalue(http_parser *p, const char *at, size_t n)
{
    struct conn *c = p->data;
    if (count_head(c, n))
        return -1;
    c->last_was_value = 1;
    size_t room = VALUE_MAX - c->value_len;
    if (n > room) {
        c->value_trunc = 1;
        n = room;
    }
    memcpy(c->value + c->value_len, at, n);
    c->value_len += n;
    return 0;
}

static int on_headers_done(http_parser *p)
{
    struct conn *c = p->data;
    if (c->last_was_value)
        end_header(c);
    c->last_was_value = 0;
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > SW_HTTPD_MAX_BODY) {
        c->error_status = 413;
        return -1;
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
    struct conn *c = p->data;
    if (c->body_len + n > SW_HTTPD_MAX_BODY) {
        c->error_status = 413;
        return -1;
    }
    if (c->body_len + n + 1 > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap * 2 : 1024;
        while (cap < c->body_len + n + 1)
            cap *= 2;
        char *b = realloc(c->body, cap);
        if (!b) {
            c->error_status = 503;
            return -1;
        }
        c->body = b;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, at, n);
    c->body_len += n;
    c->body[c->body_len] = 0;
    return 0;
}

static int on_complete(http_parser *p)
{
    struct conn *c = p->data;
    struct sw__httpd_req rq;
    struct sw__httpd_resp rs;
    const char *url = c->url ? c->url : "/";
    char *q = strchr(c->url ? c->url : "", '?');
    if (q)
        *q++ = 0;
    memset(&rq, 0, sizeof rq);
    memset(&rs, 0, sizeof rs);
    rq.method = http_method_str((enum http_method)p->method);
    rq.path = *url ? url : "/";
    rq.query = q ? q : "";
    const char **slots[H_N] = {
        &rq.authorization, &rq.origin, &rq.referer, &rq.sec_fetch_site,
        &rq.host, &rq.content_type
    };
    for (int i = 0; i < H_N; i++)
        *slots[i] = c->hv[i] ? c->hv[i] : "";
    rq.body = c->body ? c->body : "";
    rq.body_len = c->body_len;
    int head = p->method == HTTP_HEAD;
    if (head)
        rq.method = "GET";
    rs.status = 500;
    c->h->fn(c->h->arg, &rq, &rs);
    int keep = http_should_keep_alive(p) &&
               uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) <
                   MAX_WRITE_QUEUE;
    send_resp(c, &rs, head, keep);
    reset_request(c);
    if (!keep) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        return -1;      /* nothing after this request is read */
    }
    uv_timer_again(&c->timer);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_begin,
    .on_url = on_url,
    .on_header_field = on_hfield,
    .on_header_value = on_hvalue,
    .on_headers_complete = on_headers_done,
    .on_body = on_body,
    .on_message_complete = on_complete,
};

/* ---- connections ---------------------------------------------------------- */

static void on_alloc(uv_handle_t *hd, size_t want, uv_buf_t *buf)
{
    struct conn *c = hd->data;
    (void)want;
    *buf = uv_buf_init(c->h->rbuf, sizeof c->h->rbuf);
}

/* n bytes of the request stream (plaintext): parsed, answered.  0 while
 * the connection reads on, -1 once it does not (answered for the last
 * time, an error sent, closing). */
static int consume(struct conn *c, const char *data, size_t n)
{
    size_t used = http_parser_execute(&c->parser, &settings, data, n);
    if (c->closing)
        return -1;
    if (c->parser.http_errno == HPE_CB_message_complete)
        return -1;  /* answered, closing after the write */
    if (c->error_status) {
        const char *msg = c->error_status == 413 ? "request body too large"
                        : c->error_status == 414 ? "URL too long"
                        : c->error_status == 431 ? "request headers too large"
                        : "out of memory";
        send_error(c, c->error_status, msg);
        return -1;
    }
    if (c->parser.http_errno != HPE_OK || used != n) {
        char msg[160];
        snprintf(msg, sizeof msg, "malformed HTTP request: %s",
                 http_errno_description(HTTP_PARSER_ERRNO(&c->parser)));
        send_error(c, 400, msg);
        return -1;
    }
    return 0;
}

/* "127.0.0.1:50123" into out: taken at accept, a reset socket has no
 * peer any more. */
static void peer_name(struct conn *c, char *out, size_t n)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    char ip[INET6_ADDRSTRLEN] = "?";     /* 46: with ":65535", peer fits */
    int port = 0;
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET6) {
            uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof ip);
            port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        } else {
            uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
            port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        }
    }
    snprintf(out, n, "%s:%d", ip, port);
}

/* A connection TLS could not serve: counted, said at debug level, the
 * alert (if any) sent, then closed as an answered one is.  The load test
 * is not disturbed: this is the UI's own thread. */
static void tls_failed(struct conn *c, const char *why)
{
    c->h->tls_failures++;
    sw__log(SW_LOG_DEBUG, "web UI: TLS connection from %s closed: %s "
            "(%lu so far)", c->peer, why,
            c->h->tls_failures);
    uv_read_stop((uv_stream_t *)&c->tcp);
    tls_flush(c);
    linger(c);
}

/* The client hung up (or reset) in the middle of its handshake. */
static void tls_gone(struct conn *c, ssize_t err)
{
    c->h->tls_failures++;
    sw__log(SW_LOG_DEBUG, "web UI: TLS connection from %s closed: %s "
            "during the handshake (%lu so far)",
            c->peer,
            err == UV_EOF ? "end of stream" : uv_strerror((int)err),
            c->h->tls_failures);
}

/* Ciphertext from the socket: the plaintext it holds goes to consume. */
static void tls_read(struct conn *c, const char *raw, size_t n)
{
    struct sw__httpd *h = c->h;
    /* A TLS stream starts with a handshake record (0x16); a method name
     * is someone speaking plain HTTP here: a plain answer tells them
     * (what nginx does), and the connection ends after it. */
    if (!c->tls_fed && raw[0] >= 'A' && raw[0] <= 'Z') {
        h->tls_failures++;
        sw__log(SW_LOG_DEBUG, "web UI: plain HTTP from %s on the HTTPS "
                "port: answered 400 (%lu so far)",
                c->peer, h->tls_failures);
        sw__tls_conn_free(c->tls);
        c->tls = NULL;
        send_error(c, 400, "the web UI speaks HTTPS on this port: use "
                   "https:// in the URL");
        return;
    }
    c->tls_fed = 1;
    if (sw__tls_conn_feed(c->tls, raw, n) != 0) {
        conn_close(c);
        return;
    }
    for (;;) {
        ssize_t got = sw__tls_conn_read(c->tls, h->pbuf, sizeof h->pbuf);
        if (got > 0) {
            if (consume(c, h->pbuf, (size_t)got) != 0)
                break;
            continue;
        }
        if (got == SW__TLS_FAILED) {
            tls_failed(c, sw__tls_conn_why(c->tls));
            return;
        }
        if (got == SW__TLS_CLOSED) {
            conn_close(c);      /* the client's close_notify: as an EOF */
            return;
        }
        break;                  /* SW__TLS_MORE */
    }
    if (!c->closing && !c->lingering)
        tls_flush(c);   /* the handshake's part, or session tickets */
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct conn *c = s->data;
    if (n == 0 || c->closing)
        return;
    if (n < 0) {
        if (c->tls && c->tls_fed && !c->lingering &&
            !sw__tls_conn_ready(c->tls))
            tls_gone(c, n);     /* a failed one was counted already */
        conn_close(c);
        return;
    }
    if (c->lingering) {
        c->lingered += (size_t)n;
        if (c->lingered > 4 * 1024 * 1024)
            conn_close(c);
        return;
    }
    if (c->tls)
        tls_read(c, buf->base, (size_t)n);
    else
        consume(c, buf->base, (size_t)n);
}

static void on_timeout(uv_timer_t *t)
{
    struct conn *c = t->data;
    if (c->lingering)
        conn_close(c);
    else if (c->tls && !sw__tls_conn_ready(c->tls))
        tls_failed(c, "no handshake in time");
    else if (c->in_message)
        send_error(c, 408, "request not received in time");
    else
        conn_close(c);
}

static void on_connection(uv_stream_t *srv, int status)
{
    struct sw__httpd *h = srv->data;
    if (status < 0)
        return;
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return;
    c->h = h;
    uv_tcp_init(&h->loop, &c->tcp);
    uv_timer_init(&h->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    h->nconns++;
    if (uv_accept(srv, (uv_stream_t *)&c->tcp) != 0) {
        conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    if (h->nconns > SW_HTTPD_MAX_CONNS) {
        /* a TLS client cannot read a plain answer, and a handshake only
         * to refuse costs what the limit saves: closed */
        if (h->tls)
            conn_close(c);
        else
            send_error(c, 429, "too many connections to the web UI");
        return;
    }
    if (h->tls) {
        if (!(c->tls = sw__tls_conn_new(h->tls))) {
            conn_close(c);
            return;
        }
        peer_name(c, c->peer, sizeof c->peer);
    }
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    uv_timer_start(&c->timer, on_timeout, SW_HTTPD_IDLE_MS,
                   SW_HTTPD_IDLE_MS);
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

/* ---- the thread ----------------------------------------------------------- */

static void close_walk(uv_handle_t *hd, void *arg)
{
    (void)arg;
    if (uv_is_closing(hd))
        return;
    if (hd->type == UV_TCP && hd->data && hd != hd->loop->data) {
        struct conn *c = hd->data;
        if ((uv_handle_t *)&c->tcp == hd) {
            conn_close(c);
            return;
        }
    }
    if (hd->type == UV_TIMER)
        return;     /* a connection's: closed with it */
    uv_close(hd, NULL);
}

static void on_stop(uv_async_t *a)
{
    struct sw__httpd *h = a->data;
    uv_walk(&h->loop, close_walk, NULL);
}

static void *serve(void *arg)
{
    struct sw__httpd *h = arg;
    /* named, so that top -H and bench/web_threads.py can tell it apart */
    pthread_setname_np(pthread_self(), "swarm-web");
    uv_run(&h->loop, UV_RUN_DEFAULT);
    return NULL;
}

struct sw__httpd *sw__httpd_start(const char *host, int port,
                                  struct sw__tls_server *tls,
                                  sw__httpd_fn fn, void *arg, int *port_out,
                                  char *why, size_t nwhy)
{
    struct sw__httpd *h = calloc(1, sizeof *h);
    struct sockaddr_storage ss;
    int rc;
    if (!h) {
        snprintf(why, nwhy, "out of memory");
        return NULL;
    }
    h->fn = fn;
    h->arg = arg;
    h->tls = tls;
    if (!strcmp(host, "*"))
        host = "0.0.0.0";
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)&ss) != 0 &&
        uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss) != 0) {
        snprintf(why, nwhy, "--web-host: '%s' is not an IP address", host);
        free(h);
        return NULL;
    }
    if ((rc = uv_loop_init(&h->loop)) != 0) {
        snprintf(why, nwhy, "%s", uv_strerror(rc));
        free(h);
        return NULL;
    }
    uv_tcp_init(&h->loop, &h->listener);
    uv_async_init(&h->loop, &h->stop, on_stop);
    h->listener.data = h->stop.data = h;
    h->loop.data = &h->listener;
    rc = uv_tcp_bind(&h->listener, (struct sockaddr *)&ss, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&h->listener, 1024, on_connection);
    if (rc == 0) {
        int len = sizeof ss;
        uv_tcp_getsockname(&h->listener, (struct sockaddr *)&ss, &len);
        *port_out = ntohs(ss.ss_family == AF_INET6
                              ? ((struct sockaddr_in6 *)&ss)->sin6_port
                              : ((struct sockaddr_in *)&ss)->sin_port);
    }
    if (rc == 0 && pthread_create(&h->thread, NULL, serve, h) != 0)
        rc = UV_EAGAIN;
    if (rc != 0) {
        snprintf(why, nwhy, "cannot listen on %s:%d: %s", host, port,
                 uv_strerror(rc));
        uv_close((uv_handle_t *)&h->listener, NULL);
        uv_close((uv_handle_t *)&h->stop, NULL);
        uv_run(&h->loop, UV_RUN_DEFAULT);
        uv_loop_close(&h->loop);
        free(h);
        return NULL;
    }
    return h;
}

void sw__httpd_stop(struct sw__httpd *h)
{
    if (!h)
        return;
    uv_async_send(&h->stop);
    pthread_join(h->thread, NULL);
    uv_loop_close(&h->loop);
    free(h);
}
