/*
 * reqfmt.c - a request on the wire, byte for byte what libcurl 7.88 sends
 * for the same options in the libcurl engine (runtime/http.c):
 *
 *   METHOD target HTTP/1.1
 *   Host: host[:port]                   (port only when not 80)
 *   Authorization: Basic ...            (credentials, same host only)
 *   Accept: * / *                       (unless the request has Accept)
 *   Accept-Encoding: gzip, deflate      (unless the request has its own)
 *   Cookie: ...                         (the session's jar, unless the
 *                                        request has a Cookie line)
 *   User-Agent: ...                     (the engine's, unless its own)
 *   the request's header lines, in order
 *   Content-Length: N                   (with a body)
 *   Content-Type: application/x-www-form-urlencoded
 *                                       (with a body, unless it has one)
 *   <blank line> body
 *
 * Everything but the Cookie line, the Content-Length value and the body
 * depends only on the method, the URL, the header lines and the
 * credentials: that is a template, built once and found again through a
 * small per-engine cache, so sending a request a task sends again is a
 * hash of its inputs plus copies.
 */
#include <stdlib.h>
#include <strings.h>
#include "util/base64.h"
#include "nv_int.h"

/* libcurl sends "Expect: 100-continue" above this body size. */
#define EXPECT_100_THRESHOLD ((size_t)1 << 20)
#define TCACHE_SLOTS 64

static const char *const method_names[] = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"
};

/* A header line, in engine.h's conventions (struct sw__http_req):
 * "Name: value" is sent as is, "Name: " sends an empty Name ("Name:", as
 * libcurl writes it), "Name:" removes a header the engine would add.
 * "Name;" is libcurl's own spelling of an empty header.  A value of blanks
 * only is left to libcurl (it reads that as a removal). */
enum { LINE_SEND, LINE_EMPTY, LINE_REMOVE, LINE_BLANK };

static int line_kind(const char *line, size_t *name_len)
{
    size_t n = strcspn(line, ":;");
    *name_len = n;
    if (line[n] == ';')
        return line[n + 1] ? LINE_BLANK : LINE_EMPTY;
    if (!line[n] || !line[n + 1])
        return LINE_REMOVE;
    if (line[n + 1] == ' ' && !line[n + 2])
        return LINE_EMPTY;
    const char *v = line + n + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    return *v ? LINE_SEND : LINE_BLANK;
}

static int name_is(const char *line, size_t n, const char *name)
{
    return strlen(name) == n && !strncasecmp(line, name, n);
}

/* Headers libcurl writes itself, merges or treats specially: a request
 * that sets one of them goes to the libcurl engine.  (Authorization is
 * covered when the request has no credentials of its own: libcurl then
 * sends it as given, to the first host only.) */
static const char *const special_headers[] = {
    "Host", "Content-Length", "Transfer-Encoding",
    "Connection", "Expect", "Upgrade", "TE", "Proxy-Authorization",
    "Proxy-Connection", NULL
};

int sw__nv_covers(const struct sw__nv_request *req)
{
    struct sw__nv_url url;
    return sw__nv_covers_url(req, &url);
}

int sw__nv_covers_url(const struct sw__nv_request *req, struct sw__nv_url *url)
{
    if (sw__nv_url_parse(req->url, req->url_len, url) != 0)
        return 0;
    return sw__nv_covers_parsed(req);
}

int sw__nv_covers_parsed(const struct sw__nv_request *req)
{
    if (req->method < SW_NV_GET || req->method > SW_NV_OPTIONS)
        return 0;
    if (req->has_body && (req->method == SW_NV_HEAD ||
                          req->body_len > EXPECT_100_THRESHOLD))
        return 0;
    if (req->has_auth &&
        (!req->auth_user || !*req->auth_user || !req->auth_password))
        return 0;
    const char *p = req->hdr;
    for (int i = 0; i < req->nhdr; i++) {
        size_t len = strlen(p), n;
        if (strpbrk(p, "\r\n") || line_kind(p, &n) == LINE_BLANK || n == 0 ||
            n == len)
            return 0;
        for (int k = 0; special_headers[k]; k++)
            if (name_is(p, n, special_headers[k]))
                return 0;
        if (req->has_auth && name_is(p, n, "Authorization"))
            return 0;
        p += len + 1;
    }
    return 1;
}

static void add_base64(struct sw__buf *b, const unsigned char *s, size_t n)
{
    sw__buf_reserve(b, SW__BASE64_LEN(n));
    b->len += sw__base64_encode_into(b->ptr + b->len, s, n);
}

void sw__nv_template_build(const struct sw__nv_wire *w,
                           struct sw__nv_template *t)
{
    const struct sw__nv_request *req = w->req;
    const struct sw__nv_url *u = w->url;
    /* emptied with their NULs: a part left empty reads as "" */
    t->head.len = t->tail.len = t->ctype.len = 0;
    if (t->tail.ptr)
        t->tail.ptr[0] = 0;
    if (t->ctype.ptr)
        t->ctype.ptr[0] = 0;
    struct sw__buf *h = &t->head;
    sw__buf_reserve(h, 96 + u->target_len);
    sw__buf_adds(h, w->method_str);
    sw__buf_add(h, " ", 1);
    if (!u->target_len || u->target[0] != '/')
        sw__buf_add(h, "/", 1);
    sw__buf_add(h, u->target, u->target_len);
    sw__buf_add(h, " HTTP/1.1\r\nHost: ", 17);
    sw__buf_add(h, u->host, u->host_len);
    if (u->port != 80) {
        sw__buf_add(h, ":", 1);
        sw__buf_add_u64(h, (uint64_t)u->port);
    }
    sw__buf_add(h, "\r\n", 2);
    if (w->send_auth) {
        struct sw__buf cred = { 0 };
        sw__buf_adds(&cred, req->auth_user);
        sw__buf_add(&cred, ":", 1);
        sw__buf_adds(&cred, req->auth_password);
        sw__buf_adds(h, "Authorization: Basic ");
        add_base64(h, (const unsigned char *)cred.ptr, cred.len);
        sw__buf_add(h, "\r\n", 2);
        sw__buf_free(&cred);
    }
    int own_accept = 0, own_ua = 0, own_ctype = 0, own_cookie = 0, own_ae = 0;
    const char *p = req->hdr;
    for (int i = 0; i < req->nhdr; i++, p += strlen(p) + 1) {
        size_t n;
        line_kind(p, &n);
        own_accept |= name_is(p, n, "Accept");
        own_ua |= name_is(p, n, "User-Agent");
        own_ctype |= name_is(p, n, "Content-Type");
        own_cookie |= name_is(p, n, "Cookie");
        own_ae |= name_is(p, n, "Accept-Encoding");
    }
    /* the request's own Cookie line replaces the jar's (engine.h) */
    t->own_cookie = own_cookie;
    if (!own_accept)
        sw__buf_adds(h, "Accept: */*\r\n");
    if (!own_ae && req->accept_encoding) {
        sw__buf_adds(h, "Accept-Encoding: ");
        sw__buf_adds(h, req->accept_encoding);
        sw__buf_add(h, "\r\n", 2);
    }
    struct sw__buf *tl = &t->tail;
    if (!own_ua && req->user_agent) {
        sw__buf_adds(tl, req->user_agent);
        sw__buf_add(tl, "\r\n", 2);
    }
    p = req->hdr;
    for (int i = 0; i < req->nhdr; i++, p += strlen(p) + 1) {
        size_t n;
        int kind = line_kind(p, &n);
        /* a redirect to another host: credentials stay behind */
        if (!w->same_host && name_is(p, n, "Authorization"))
            continue;
        switch (kind) {
        case LINE_SEND:
            sw__buf_adds(tl, p);
            sw__buf_add(tl, "\r\n", 2);
            break;
        case LINE_EMPTY:
            sw__buf_add(tl, p, n);
            sw__buf_add(tl, ":\r\n", 3);
            break;
        default:
            break;              /* removes a header: nothing to send */
        }
    }
    if (w->has_body && !own_ctype)
        sw__buf_adds(&t->ctype,
                        "Content-Type: application/x-www-form-urlencoded\r\n");
    sw__buf_add(&t->ctype, "\r\n", 2);
}

/* ---- the cache ---------------------------------------------------------- */

struct tslot {
    uint64_t hash;
    struct sw__buf key;      /* len 0: empty slot */
    struct sw__nv_template t;
};

struct sw__nv_tcache {
    struct sw__buf key;      /* scratch: the key being looked up */
    struct tslot slots[TCACHE_SLOTS];
};

struct sw__nv_tcache *sw__nv_tcache_new(void)
{
    return calloc(1, sizeof(struct sw__nv_tcache));
}

void sw__nv_tcache_free(struct sw__nv_tcache *c)
{
    if (!c)
        return;
    for (int i = 0; i < TCACHE_SLOTS; i++) {
        sw__buf_free(&c->slots[i].key);
        sw__buf_free(&c->slots[i].t.head);
        sw__buf_free(&c->slots[i].t.tail);
        sw__buf_free(&c->slots[i].t.ctype);
    }
    sw__buf_free(&c->key);
    free(c);
}

/* Every input of a template, NUL-separated (the strings hold no NUL). */
static void make_key(struct sw__buf *k, const struct sw__nv_wire *w)
{
    const struct sw__nv_request *req = w->req;
    const struct sw__nv_url *u = w->url;
    char flags[4] = { (char)('0' + w->send_auth), (char)('0' + w->has_body),
                      (char)('0' + w->same_host), 0 };
    k->len = 0;
    sw__buf_add(k, flags, 4);
    sw__buf_adds(k, w->method_str);
    sw__buf_add(k, "", 1);
    /* host, port and target: the URL from its host on */
    sw__buf_add(k, u->host, (size_t)(u->target + u->target_len - u->host));
    sw__buf_add(k, "", 1);
    sw__buf_add(k, req->hdr, req->hdr_len);
    sw__buf_add(k, "", 1);
    if (req->user_agent)
        sw__buf_adds(k, req->user_agent);
    sw__buf_add(k, "", 1);
    if (req->accept_encoding)
        sw__buf_adds(k, req->accept_encoding);
    if (w->send_auth) {
        sw__buf_add(k, "", 1);
        sw__buf_adds(k, req->auth_user);
        sw__buf_add(k, "", 1);
        sw__buf_adds(k, req->auth_password);
    }
}

/* FNV-1a over 8-byte words (the key is compared in full on a hit: the
 * hash only picks the slot) */
static uint64_t key_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 1099511628211ULL;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

const struct sw__nv_template *sw__nv_template_get(struct sw__nv_tcache *c,
                                                  const struct sw__nv_wire *w)
{
    make_key(&c->key, w);
    uint64_t h = key_hash(c->key.ptr, c->key.len);
    struct tslot *s = &c->slots[h % TCACHE_SLOTS];
    if (s->key.len == c->key.len && s->hash == h &&
        !memcmp(s->key.ptr, c->key.ptr, c->key.len))
        return &s->t;
    /* a miss (or a collision): this slot now holds w's template */
    s->hash = h;
    s->key.len = 0;
    sw__buf_add(&s->key, c->key.ptr, c->key.len);
    sw__nv_template_build(w, &s->t);
    return &s->t;
}

void sw__nv_format(const struct sw__nv_template *t, const struct sw__nv_wire *w,
                   struct sw__nv_jar *jar, int64_t now_s,
                   struct sw__buf *out)
{
    const struct sw__nv_url *u = w->url;
    out->len = 0;
    sw__buf_reserve(out, t->head.len + t->tail.len + t->ctype.len + 32 +
                            (w->has_body ? w->body_len : 0));
    sw__buf_add(out, t->head.ptr, t->head.len);
    if (jar && !t->own_cookie)
        sw__nv_jar_header(jar, u->host, u->host_len, u->target, u->path_len,
                          now_s, out);
    if (t->tail.len)
        sw__buf_add(out, t->tail.ptr, t->tail.len);
    if (w->has_body) {
        sw__buf_add(out, "Content-Length: ", 16);
        sw__buf_add_u64(out, (uint64_t)w->body_len);
        sw__buf_add(out, "\r\n", 2);
    }
    sw__buf_add(out, t->ctype.ptr, t->ctype.len);
    if (w->has_body && w->body_len)
        sw__buf_add(out, w->body, w->body_len);
}

const char *sw__nv_method_str(int method)
{
    return method_names[method];
}
