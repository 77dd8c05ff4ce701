/*
 * test-native-proto.c - the native engine's protocol core without a
 * network (runtime/engine/native): URL coverage and redirect resolution,
 * request bytes (byte for byte what libcurl 7.88 sends for the same
 * options), response parsing and its typed errors, the cookie jar's
 * RFC 6265 rules as libcurl applies them.
 */
#include "engine/native/nv_int.h"
#include "test.h"

/* ---- URLs --------------------------------------------------------------- */

static int parses(const char *url)
{
    struct sw__nv_url u;
    return sw__nv_url_parse(url, strlen(url), &u) == 0;
}

TEST(url_parts)
{
    struct sw__nv_url u;
    const char *s = "http://127.0.0.1:8089/a/b?x=1&y=2";
    ASSERT_EQ(sw__nv_url_parse(s, strlen(s), &u), 0);
    ASSERT_EQ(u.host_len, 9);
    ASSERT(!strncmp(u.host, "127.0.0.1", 9));
    ASSERT_EQ(u.port, 8089);
    ASSERT_EQ(u.target_len, strlen("/a/b?x=1&y=2"));
    ASSERT_EQ(u.path_len, 4);
    s = "http://example.test";
    ASSERT_EQ(sw__nv_url_parse(s, strlen(s), &u), 0);
    ASSERT_EQ(u.port, 80);
    ASSERT_EQ(u.target_len, 0);
    s = "http://[::1]:81?q";
    ASSERT_EQ(sw__nv_url_parse(s, strlen(s), &u), 0);
    ASSERT_EQ(u.host_len, 5);
    ASSERT_EQ(u.port, 81);
    ASSERT_EQ(u.path_len, 0);
}

TEST(url_coverage)
{
    /* what libcurl would normalize or reject goes to libcurl */
    ASSERT(!parses("https://127.0.0.1/"));
    ASSERT(!parses("HTTP://127.0.0.1/"));
    ASSERT(!parses("http://Example.test/"));
    ASSERT(!parses("http://user:pw@127.0.0.1/"));
    ASSERT(!parses("http://127.0.0.1/a#frag"));
    ASSERT(!parses("http://127.0.0.1/a b"));
    ASSERT(!parses("http://127.0.0.1/a/../b"));
    ASSERT(!parses("http://127.0.0.1/./b"));
    ASSERT(!parses("http://127.0.0.1/a/.."));
    ASSERT(!parses("http://127.0.0.1:0/"));
    ASSERT(!parses("http://127.0.0.1:70000/"));
    ASSERT(!parses("http://127.0.0.1:/"));
    ASSERT(!parses("http:///x"));
    ASSERT(!parses("http://127.0.0.1/\x01"));
    ASSERT(!parses("http://127.0.0.1/caf\xc3\xa9"));
    ASSERT(parses("http://127.0.0.1/a/..b/.c?x=../y"));
    ASSERT(parses("http://localhost:8080/%20x"));
}

TEST(url_classes)
{
    for (int c = 0; c < 256; c++) {
        int host = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-';
        int target = c > 0x20 && c < 0x7f && c != '#' && c != '\\';
        int dotq = c == '.' || c == '?';
        ASSERT_EQ(sw__nv_url_classes[c], host | target << 1 | dotq << 2);
    }
}

static int resolves(const char *base, const char *loc, const char *want)
{
    struct sw__buf out = { 0 };
    int rc = sw__nv_url_resolve(base, loc, strlen(loc), &out);
    int ok = want ? rc == 0 && !strcmp(out.ptr, want) : rc != 0;
    if (!ok)
        printf("    resolve(%s, %s) = %d %s\n", base, loc, rc,
               out.ptr ? out.ptr : "");
    sw__buf_free(&out);
    return ok;
}

TEST(url_redirects)
{
    const char *b = "http://127.0.0.1:8089/shop/cart?x=1";
    ASSERT(resolves(b, "/login", "http://127.0.0.1:8089/login"));
    ASSERT(resolves(b, "item?id=2", "http://127.0.0.1:8089/shop/item?id=2"));
    ASSERT(resolves(b, "../about", "http://127.0.0.1:8089/about"));
    ASSERT(resolves(b, "./a/./b/../c", "http://127.0.0.1:8089/shop/a/c"));
    ASSERT(resolves(b, "?y=2", "http://127.0.0.1:8089/shop/cart?y=2"));
    ASSERT(resolves(b, "#top", "http://127.0.0.1:8089/shop/cart?x=1"));
    ASSERT(resolves(b, "/a#frag", "http://127.0.0.1:8089/a"));
    ASSERT(resolves(b, "//localhost:9/z", "http://localhost:9/z"));
    ASSERT(resolves(b, "http://localhost/", "http://localhost/"));
    ASSERT(resolves(b, "../../../x", "http://127.0.0.1:8089/x"));
    ASSERT(resolves("http://h", "x", "http://h/x"));
    /* outside the engine: the libcurl engine would follow these */
    ASSERT(resolves(b, "https://127.0.0.1/", NULL));
    ASSERT(resolves(b, "/a b", NULL));
    ASSERT(resolves(b, "ftp://x/", NULL));
}

/* ---- requests ----------------------------------------------------------- */

#define UA "User-Agent: swarmc/test"

static struct sw__buf fmt_out;

/* Formats req as the engine would send it first (no redirect) into
 * fmt_out, with a template built both ways (cache and direct). */
static const char *format(const struct sw__nv_request *req,
                          struct sw__nv_jar *jar)
{
    static struct sw__nv_tcache *cache;
    if (!cache)
        cache = sw__nv_tcache_new();
    struct sw__nv_url u;
    if (sw__nv_url_parse(req->url, req->url_len, &u) != 0)
        return "(url)";
    struct sw__nv_wire w = {
        .method = req->method, .method_str = sw__nv_method_str(req->method),
        .url = &u, .req = req, .send_auth = req->has_auth, .same_host = 1,
        .has_body = req->has_body, .body = req->body,
        .body_len = req->body_len,
    };
    const struct sw__nv_template *t = sw__nv_template_get(cache, &w);
    sw__nv_format(t, &w, jar, 1000, &fmt_out);
    /* the cached template and a fresh one give the same bytes */
    struct sw__nv_template fresh = { { 0 }, { 0 }, { 0 }, 0 };
    struct sw__buf again = { 0 };
    sw__nv_template_build(&w, &fresh);
    sw__nv_format(&fresh, &w, jar, 1000, &again);
    int same = again.len == fmt_out.len &&
               !memcmp(again.ptr, fmt_out.ptr, again.len);
    sw__buf_free(&again);
    sw__buf_free(&fresh.head);
    sw__buf_free(&fresh.tail);
    sw__buf_free(&fresh.ctype);
    return same ? fmt_out.ptr : "(cache differs)";
}

static struct sw__nv_request req_for(int method, const char *url)
{
    struct sw__nv_request r;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.url = url;
    r.url_len = strlen(url);
    r.user_agent = UA;
    r.hdr = "";
    return r;
}

TEST(request_get)
{
    struct sw__nv_request r = req_for(SW_NV_GET, "http://127.0.0.1:8089/a?b=1");
    ASSERT_STR_EQ(format(&r, NULL),
                  "GET /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:8089\r\n"
                  "Accept: */*\r\n" UA "\r\n\r\n");
    r = req_for(SW_NV_HEAD, "http://localhost?q");
    ASSERT_STR_EQ(format(&r, NULL),
                  "HEAD /?q HTTP/1.1\r\nHost: localhost\r\n"
                  "Accept: */*\r\n" UA "\r\n\r\n");
    r = req_for(SW_NV_DELETE, "http://h:80");
    ASSERT_STR_EQ(format(&r, NULL),
                  "DELETE / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA
                  "\r\n\r\n");
}

TEST(request_bodies)
{
    static const char json_hdr[] = "Content-Type: application/json";
    struct sw__nv_request r = req_for(SW_NV_POST, "http://h:1/o");
    r.has_body = 1;
    r.body = "{\"a\":1}";
    r.body_len = 7;
    r.hdr = json_hdr;
    r.hdr_len = sizeof json_hdr;
    r.nhdr = 1;
    ASSERT_STR_EQ(format(&r, NULL),
                  "POST /o HTTP/1.1\r\nHost: h:1\r\nAccept: */*\r\n" UA "\r\n"
                  "Content-Type: application/json\r\nContent-Length: 7\r\n"
                  "\r\n{\"a\":1}");
    /* a raw body without a type: "Content-Type:" removes libcurl's */
    static const char none[] = "Content-Type:";
    r.method = SW_NV_PUT;
    r.hdr = none;
    r.hdr_len = sizeof none;
    r.body = "raw";
    r.body_len = 3;
    ASSERT_STR_EQ(format(&r, NULL),
                  "PUT /o HTTP/1.1\r\nHost: h:1\r\nAccept: */*\r\n" UA "\r\n"
                  "Content-Length: 3\r\n\r\nraw");
    /* a POST without a body: libcurl's empty form */
    r = req_for(SW_NV_POST, "http://h:1/o");
    r.has_body = 1;
    r.body = "";
    ASSERT_STR_EQ(format(&r, NULL),
                  "POST /o HTTP/1.1\r\nHost: h:1\r\nAccept: */*\r\n" UA "\r\n"
                  "Content-Length: 0\r\n"
                  "Content-Type: application/x-www-form-urlencoded\r\n\r\n");
}

TEST(request_headers_auth_cookies)
{
    /* own Accept and User-Agent replace the defaults; "X: " and "X;"
     * send "X:"; "X:" alone is a removal */
    static const char hdr[] = "Accept: text/html\0User-Agent: me\0X-Empty: \0"
                              "X-Gone:\0X-Id: 7";
    struct sw__nv_request r = req_for(SW_NV_GET, "http://127.0.0.1:9/p");
    r.hdr = hdr;
    r.hdr_len = sizeof hdr;
    r.nhdr = 5;
    r.has_auth = 1;
    r.auth_user = "alice";
    r.auth_password = "s3cret";
    struct sw__nv_jar jar = { 0 };
    sw__nv_jar_set(&jar, "sid=abc", 7, "127.0.0.1", 9, "/p", 2, 1000);
    ASSERT_STR_EQ(format(&r, &jar),
                  "GET /p HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"
                  "Authorization: Basic YWxpY2U6czNjcmV0\r\n"
                  "Cookie: sid=abc\r\n"
                  "Accept: text/html\r\nUser-Agent: me\r\nX-Empty:\r\n"
                  "X-Id: 7\r\n\r\n");
    sw__nv_jar_free(&jar);
}

TEST(request_coverage)
{
    struct sw__nv_request r = req_for(SW_NV_GET, "http://127.0.0.1/");
    ASSERT(sw__nv_covers(&r));
    static const char host[] = "Host: other";
    r.hdr = host;
    r.hdr_len = sizeof host;
    r.nhdr = 1;
    ASSERT(!sw__nv_covers(&r));
    /* its own Cookie line replaces the jar's, as in the libcurl engine */
    static const char cookie[] = "cookie: a=b";
    r.hdr = cookie;
    r.hdr_len = sizeof cookie;
    ASSERT(sw__nv_covers(&r));
    static const char crlf[] = "X: a\r\nY: b";
    r.hdr = crlf;
    r.hdr_len = sizeof crlf;
    ASSERT(!sw__nv_covers(&r));
    static const char bearer[] = "Authorization: Bearer t";
    r.hdr = bearer;
    r.hdr_len = sizeof bearer;
    ASSERT(sw__nv_covers(&r));
    r.has_auth = 1;                             /* which one wins: libcurl's */
    r.auth_user = "u";
    r.auth_password = "p";
    ASSERT(!sw__nv_covers(&r));
    r.has_auth = 0;
    static const char blanks[] = "X:   ";      /* libcurl: a removal */
    r.hdr = blanks;
    r.hdr_len = sizeof blanks;
    ASSERT(!sw__nv_covers(&r));
    static const char fine[] = "X: \0Y:\0Z;\0W: w";
    r.hdr = fine;
    r.hdr_len = sizeof fine;
    r.nhdr = 4;
    ASSERT(sw__nv_covers(&r));
    r = req_for(SW_NV_HEAD, "http://127.0.0.1/");
    r.has_body = 1;
    r.body = "x";
    r.body_len = 1;
    ASSERT(!sw__nv_covers(&r));
    r = req_for(SW_NV_POST, "http://127.0.0.1/");
    r.has_body = 1;
    r.body_len = (1 << 20) + 1;     /* libcurl adds Expect: 100-continue */
    ASSERT(!sw__nv_covers(&r));
    r = req_for(SW_NV_GET, "https://127.0.0.1/");
    ASSERT(!sw__nv_covers(&r));
}

/* ---- responses ---------------------------------------------------------- */

struct parsed {
    int err;
    int complete;
    size_t used;
    int keep_alive;
    struct sw__nv_result res;
};

/* Feeds s in pieces of `step` bytes (0: at once), then EOF if eof. */
static struct parsed parse(const char *s, size_t step, int head, int eof)
{
    static struct parsed p;
    sw__buf_free(&p.res.headers);
    sw__buf_free(&p.res.body);
    memset(&p, 0, sizeof p);
    struct sw__nv_resp r;
    sw__nv_resp_start(&r, &p.res, head, 16);
    size_t len = strlen(s), off = 0;
    while (off < len && !r.complete && !p.err) {
        size_t n = step && len - off > step ? step : len - off, used;
        p.err = sw__nv_resp_feed(&r, s + off, n, &used);
        off += used;
        if (!p.err && used < n)
            break;
    }
    if (!p.err && !r.complete && eof)
        p.err = sw__nv_resp_eof(&r);
    p.complete = r.complete;
    p.used = off;
    p.keep_alive = sw__nv_resp_keep_alive(&r);
    return p;
}

TEST(response_framing)
{
    const char *cl = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";
    for (size_t step = 0; step < 4; step++) {
        struct parsed p = parse(cl, step, 0, 0);
        ASSERT_EQ(p.err, 0);
        ASSERT(p.complete);
        ASSERT_EQ(p.res.status, 200);
        ASSERT_STR_EQ(p.res.body.ptr, "hello");
        ASSERT_STR_EQ(p.res.headers.ptr,
                      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\n");
        ASSERT(p.keep_alive);
    }
    struct parsed p = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                            "\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n",
                            1, 0, 0);
    ASSERT_EQ(p.err, 0);
    ASSERT(p.complete);
    ASSERT_STR_EQ(p.res.body.ptr, "abcde");
    ASSERT_EQ(p.res.bytes, 5);
    /* the body cap (16 here) keeps the start and counts the rest */
    p = parse("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"
              "0123456789abcdefghij", 0, 0, 0);
    ASSERT_EQ(p.res.bytes, 20);
    ASSERT_STR_EQ(p.res.body.ptr, "0123456789abcdef");
    /* until the close */
    p = parse("HTTP/1.0 200 OK\r\n\r\nall of it", 0, 0, 1);
    ASSERT_EQ(p.err, 0);
    ASSERT_STR_EQ(p.res.body.ptr, "all of it");
    ASSERT(!p.keep_alive);
    /* HEAD, 204, 304: no body whatever Content-Length says */
    p = parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 0, 1, 0);
    ASSERT(p.complete);
    ASSERT_EQ(p.res.bytes, 0);
    ASSERT(p.keep_alive);
    p = parse("HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n", 0, 0, 0);
    ASSERT(p.complete);
    ASSERT_EQ(p.res.status, 204);
    p = parse("HTTP/1.1 304 Not Modified\r\n\r\n", 0, 0, 0);
    ASSERT(p.complete);
    ASSERT_EQ(p.res.status, 304);
    /* 1xx are dropped, the final response's headers are kept */
    p = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\n"
              "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 3, 0, 0);
    ASSERT_EQ(p.err, 0);
    ASSERT_EQ(p.res.status, 201);
    ASSERT_STR_EQ(p.res.headers.ptr,
                  "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    /* Connection: close */
    p = parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
              0, 0, 0);
    ASSERT(p.complete);
    ASSERT(!p.keep_alive);
    /* chunked wins over Content-Length, as in libcurl */
    p = parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: "
              "chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 0, 0, 0);
    ASSERT_EQ(p.err, 0);
    ASSERT_STR_EQ(p.res.body.ptr, "ok");
    /* empty values, also the last one, also with the reads split
     * anywhere */
    for (size_t step = 0; step < 5; step++) {
        p = parse("HTTP/1.1 200 OK\r\nX-E:\r\nSet-Cookie: a=1\r\nX-F:\r\n"
                  "Content-Length: 0\r\nX-G:\r\n\r\n", step, 0, 0);
        ASSERT_EQ(p.err, 0);
        ASSERT_STR_EQ(p.res.headers.ptr,
                      "HTTP/1.1 200 OK\r\nX-E:\r\nSet-Cookie: a=1\r\nX-F:\r\n"
                      "Content-Length: 0\r\nX-G:\r\n\r\n");
        ASSERT(p.res.has_special);
    }
    p = parse("HTTP/1.1 200 OK\r\nServer: x\r\nLocat: y\r\n"
              "Content-Length: 0\r\n\r\n", 0, 0, 0);
    ASSERT(!p.res.has_special);
    /* no reason phrase */
    p = parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0, 0, 0);
    ASSERT_STR_EQ(p.res.headers.ptr, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
}

TEST(response_excess)
{
    /* a body longer than Content-Length: the response ends where the
     * framing says; the caller sees the excess (and closes) */
    const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
    struct parsed p = parse(s, 0, 0, 0);
    ASSERT_EQ(p.err, 0);
    ASSERT(p.complete);
    ASSERT_STR_EQ(p.res.body.ptr, "ok");
    ASSERT_EQ(p.used, strlen(s) - 5);
}

TEST(response_errors)
{
    ASSERT_EQ(parse("HTTP/1.1 2x0 OK\r\n\r\n", 0, 0, 0).err,
              SW_NV_ERR_BAD_STATUS);
    ASSERT_EQ(parse("hello there\r\n\r\n", 0, 0, 0).err, SW_NV_ERR_BAD_STATUS);
    ASSERT_EQ(parse("HTTP/x.1 200 OK\r\n\r\n", 0, 0, 0).err,
              SW_NV_ERR_BAD_STATUS);
    ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "zz\r\nabc\r\n0\r\n\r\n", 0, 0, 0).err,
              SW_NV_ERR_BAD_CHUNK);
    ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "2\r\nab\r\nzz\r\n", 0, 0, 0).err,
              SW_NV_ERR_BAD_CHUNK);
    ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 0, 0, 0).err,
              SW_NV_ERR_BAD_LENGTH);
    ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
                    "Content-Length: 2\r\n\r\n", 0, 0, 0).err,
              SW_NV_ERR_BAD_LENGTH);
    ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nBad header\r\n\r\n", 0, 0, 0).err,
              SW_NV_ERR_BAD_HEADER);
    /* closes */
    ASSERT_EQ(parse("", 0, 0, 1).err, SW_NV_ERR_EMPTY);
    ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial",
                    0, 0, 1).err, SW_NV_ERR_PARTIAL);
    ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
                    0, 0, 1).err, SW_NV_ERR_PARTIAL);
    ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Le", 0, 0, 1).err,
              SW_NV_ERR_PARTIAL);
    ASSERT_EQ(parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n"
                    "Connection: upgrade\r\n\r\n", 0, 0, 0).err,
              SW_NV_ERR_UPGRADE);
    /* every class has both messages */
    for (int e = 0; e < SW_NV_ERR_COUNT; e++) {
        ASSERT(sw__nv_strerror(e) && *sw__nv_strerror(e));
        ASSERT(sw__nv_errdetail(e) && *sw__nv_errdetail(e));
    }
    ASSERT_STR_EQ(sw__nv_strerror(SW_NV_ERR_TIMEOUT), "Timeout was reached");
}

/* A 200 whose head (status line, 1xx before it when `interim`, header
 * lines, blank line, line ends counted) is `total` bytes, in lines of at
 * most `line` bytes; static, valid until the next call. */
static const char *head_of(size_t total, size_t line, const char *eol,
                           int interim)
{
    static struct sw__buf b;
    size_t el = strlen(eol);
    b.len = 0;
    if (interim) {
        sw__buf_adds(&b, "HTTP/1.1 100 Continue");
        sw__buf_adds(&b, eol);
        sw__buf_adds(&b, eol);
    }
    sw__buf_adds(&b, "HTTP/1.1 200 OK");
    sw__buf_adds(&b, eol);
    size_t end = 17 + 2 * el;   /* "Content-Length: 2" eol eol */
    for (int i = 0; b.len + end < total; i++) {
        char pre[16];
        int pl = snprintf(pre, sizeof pre, "X-H%d: ", i);
        size_t n = total - b.len - end;
        if (n > line)
            n = line;
        sw__buf_add(&b, pre, (size_t)pl);
        for (size_t k = (size_t)pl + el; k < n; k++)
            sw__buf_add(&b, "v", 1);
        sw__buf_adds(&b, eol);
    }
    sw__buf_adds(&b, "Content-Length: 2");
    sw__buf_adds(&b, eol);
    sw__buf_adds(&b, eol);
    sw__buf_adds(&b, "ok");
    return b.ptr;
}

/* A head whose last line is `line` bytes with its CRLF, no body framing
 * (the body ends at the close). */
static const char *last_line(size_t line)
{
    static char buf[102500];
    size_t n = 0;
    memcpy(buf, "HTTP/1.1 200 OK\r\nX-A: ", 22);
    n = 22;
    while (n < 17 + line - 2)
        buf[n++] = 'v';
    memcpy(buf + n, "\r\n\r\n", 5);
    return buf;
}

TEST(response_header_limits)
{
    /* libcurl 7.88's limits, checked on the wire against the libcurl
     * engine by tests/t-faults.sh: a head of 307,200 bytes passes, one
     * byte more fails, 1xx heads counted; a line of 102,399 bytes with its
     * CRLF passes, one byte more fails; whatever the reads' sizes */
    static const size_t steps[] = { 0, 1, 7, 4096, 65536 };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        size_t st = steps[i];
        struct parsed p = parse(head_of(307200, 1000, "\r\n", 0), st, 0, 0);
        ASSERT_EQ(p.err, 0);
        ASSERT(p.complete);
        ASSERT_STR_EQ(p.res.body.ptr, "ok");
        p = parse(head_of(307201, 1000, "\r\n", 0), st, 0, 0);
        ASSERT_EQ(p.err, SW_NV_ERR_HEADERS_SIZE);
        ASSERT_STR_EQ(p.res.errmsg,
                      "Too large response headers: 307201 > 307200");
        p = parse(head_of(307200, 1000, "\n", 0), st, 0, 0);
        ASSERT_EQ(p.err, 0);
        p = parse(head_of(307201, 1000, "\n", 1), st, 0, 0);
        ASSERT_EQ(p.err, SW_NV_ERR_HEADERS_SIZE);
        p = parse(head_of(307200, 1000, "\r\n", 1), st, 0, 0);
        ASSERT_EQ(p.err, 0);
        ASSERT_EQ(p.res.status, 200);
        p = parse(head_of(150000, 102399, "\r\n", 0), st, 0, 0);
        ASSERT_EQ(p.err, 0);
        p = parse(head_of(150000, 102400, "\r\n", 0), st, 0, 0);
        ASSERT_EQ(p.err, SW_NV_ERR_HEADER_LINE);
        /* the last line, measured at the blank one */
        p = parse(last_line(102399), st, 0, 1);
        ASSERT_EQ(p.err, 0);
        ASSERT(p.complete);
        p = parse(last_line(102400), st, 0, 1);
        ASSERT_EQ(p.err, SW_NV_ERR_HEADER_LINE);
    }
    /* a line never ended */
    static char endless[200000];
    memcpy(endless, "HTTP/1.1 200 OK\r\nX-A: ", 22);
    memset(endless + 22, 'v', sizeof endless - 23);
    ASSERT_EQ(parse(endless, 4096, 0, 0).err, SW_NV_ERR_HEADER_LINE);
}

TEST(header_find)
{
    struct parsed p = parse("HTTP/1.1 302 Found\r\nSet-Cookie: a=1\r\n"
                            "location:  /next \r\nSet-Cookie: b=2\r\n"
                            "Content-Length: 0\r\n\r\n", 0, 0, 0);
    size_t n;
    const char *v = sw__nv_header_find(&p.res.headers, "Location", NULL, &n);
    ASSERT(v && n == 5 && !strncmp(v, "/next", 5));
    v = sw__nv_header_find(&p.res.headers, "Set-Cookie", NULL, &n);
    ASSERT(v && n == 3 && !strncmp(v, "a=1", 3));
    v = sw__nv_header_find(&p.res.headers, "Set-Cookie", v, &n);
    ASSERT(v && n == 3 && !strncmp(v, "b=2", 3));
    ASSERT(!sw__nv_header_find(&p.res.headers, "Set-Cookie", v, &n));
    ASSERT(!sw__nv_header_find(&p.res.headers, "HTTP/1.1 302 Found", NULL, &n));
}

/* ---- cookies ------------------------------------------------------------ */

static struct sw__buf cookie_out;

static void set(struct sw__nv_jar *j, const char *host, const char *path,
                const char *v, int64_t now)
{
    sw__nv_jar_set(j, v, strlen(v), host, strlen(host), path, strlen(path),
                   now);
}

static const char *cookies(struct sw__nv_jar *j, const char *host,
                           const char *path, int64_t now)
{
    cookie_out.len = 0;
    sw__buf_add(&cookie_out, "", 0);
    sw__nv_jar_header(j, host, strlen(host), path, strlen(path), now,
                      &cookie_out);
    return cookie_out.ptr;
}

TEST(cookie_domain_path)
{
    struct sw__nv_jar j = { 0 };
    set(&j, "www.shop.test", "/cart/view", "a=1", 100);        /* /cart */
    set(&j, "www.shop.test", "/", "b=2; Domain=.shop.test; Path=/", 100);
    set(&j, "www.shop.test", "/", "c=3; Domain=other.test", 100);   /* bad */
    set(&j, "www.shop.test", "/", "d=4; Path=/cart/", 100);
    ASSERT_EQ(sw__nv_jar_count(&j), 3);
    /* (equal sort keys: the newer first, as the curl tool sends them) */
    ASSERT_STR_EQ(cookies(&j, "www.shop.test", "/cart/x", 100),
                  "Cookie: d=4; a=1; b=2\r\n");
    ASSERT_STR_EQ(cookies(&j, "www.shop.test", "/cart", 100),
                  "Cookie: d=4; a=1; b=2\r\n");
    ASSERT_STR_EQ(cookies(&j, "www.shop.test", "/carts", 100),
                  "Cookie: b=2\r\n");
    /* host-only: not to a subdomain; Domain: to subdomains */
    ASSERT_STR_EQ(cookies(&j, "x.www.shop.test", "/cart/", 100),
                  "Cookie: b=2\r\n");
    ASSERT_STR_EQ(cookies(&j, "shop.test", "/", 100), "Cookie: b=2\r\n");
    ASSERT_STR_EQ(cookies(&j, "evilshop.test", "/", 100), "");
    sw__nv_jar_free(&j);
    /* an IP address: Domain must be the address itself */
    set(&j, "127.0.0.1", "/", "e=5; Domain=127.0.0.1", 100);
    set(&j, "127.0.0.1", "/", "f=6; Domain=0.0.1", 100);
    ASSERT_STR_EQ(cookies(&j, "127.0.0.1", "/", 100), "Cookie: e=5\r\n");
    sw__nv_jar_free(&j);
}

TEST(cookie_expiry_replace)
{
    struct sw__nv_jar j = { 0 };
    const int64_t N = 1700000000;    /* 2023: between the two dates */
    set(&j, "h.test", "/", "a=1", N + 0);
    set(&j, "h.test", "/", "b=1; Max-Age=10", N + 0);
    set(&j, "h.test", "/", "c=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT", N + 0);
    set(&j, "h.test", "/", "d=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", N + 0);
    set(&j, "h.test", "/", "e=1; Expires=not a date", N + 0);
    /* Max-Age wins over Expires */
    set(&j, "h.test", "/", "f=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; "
        "Max-Age=5", N + 0);
    ASSERT_STR_EQ(cookies(&j, "h.test", "/", N + 4),
                  "Cookie: f=1; e=1; c=1; b=1; a=1\r\n");
    ASSERT_STR_EQ(cookies(&j, "h.test", "/", N + 6),
                  "Cookie: e=1; c=1; b=1; a=1\r\n");
    ASSERT_STR_EQ(cookies(&j, "h.test", "/", N + 11), "Cookie: e=1; c=1; a=1\r\n");
    /* replacing keeps the creation order (checked with the curl tool);
     * Max-Age=0 deletes */
    set(&j, "h.test", "/", "A=2", N + 11);     /* the name is case-insensitive */
    ASSERT_STR_EQ(cookies(&j, "h.test", "/", N + 11), "Cookie: e=1; c=1; A=2\r\n");
    set(&j, "h.test", "/", "c=1; Max-Age=0", N + 11);
    set(&j, "h.test", "/", "e=; Max-Age=-1", N + 11);
    ASSERT_STR_EQ(cookies(&j, "h.test", "/", N + 11), "Cookie: A=2\r\n");
    sw__nv_jar_free(&j);
}

TEST(cookie_secure_and_order)
{
    struct sw__nv_jar j = { 0 };
    /* Secure over plain HTTP: only in libcurl's secure contexts */
    set(&j, "h.test", "/", "s=1; Secure", 100);
    ASSERT_EQ(sw__nv_jar_count(&j), 0);
    set(&j, "127.0.0.1", "/", "s=1; Secure", 100);
    set(&j, "127.0.0.1", "/", "__Secure-x=1", 100);             /* bad */
    set(&j, "127.0.0.1", "/", "__Host-y=1; Secure; Path=/", 100);
    set(&j, "127.0.0.1", "/", "__Host-z=1; Secure", 100);       /* bad */
    ASSERT_STR_EQ(cookies(&j, "127.0.0.1", "/", 100),
                  "Cookie: __Host-y=1; s=1\r\n");
    sw__nv_jar_free(&j);
    /* order: longer path, then longer domain, longer name, newer (as the
     * curl tool sends a jar file's "y" then "x": "x=1; y=1") */
    set(&j, "a.b.test", "/", "zz=1; Domain=b.test", 100);
    set(&j, "a.b.test", "/", "y=1", 100);
    set(&j, "a.b.test", "/", "x=1", 100);
    set(&j, "a.b.test", "/", "long=1", 100);
    set(&j, "a.b.test", "/", "p=1; Path=/deep", 100);
    ASSERT_STR_EQ(cookies(&j, "a.b.test", "/deep/er", 100),
                  "Cookie: p=1; long=1; x=1; y=1; zz=1\r\n");
    sw__nv_jar_free(&j);
    /* bad cookies are ignored */
    set(&j, "h.test", "/", "novalue", 100);
    set(&j, "h.test", "/", "=x", 100);
    set(&j, "h.test", "/", "a=b\x01", 100);
    ASSERT_EQ(sw__nv_jar_count(&j), 0);
    /* spaces around names and values go; quotes stay */
    set(&j, "h.test", "/", "  n = \"v w\" ; Path = /", 100);
    ASSERT_STR_EQ(cookies(&j, "h.test", "/x", 100), "Cookie: n=\"v w\"\r\n");
    sw__nv_jar_free(&j);
}

int main(int argc, char **argv)
{
    test_suite_ = "native-proto";
    test_only_ = argc > 1 ? argv[1] : NULL;
    RUN(url_parts);
    RUN(url_classes);
    RUN(url_coverage);
    RUN(url_redirects);
    RUN(request_get);
    RUN(request_bodies);
    RUN(request_headers_auth_cookies);
    RUN(request_coverage);
    RUN(response_framing);
    RUN(response_excess);
    RUN(response_errors);
    RUN(response_header_limits);
    RUN(header_find);
    RUN(cookie_domain_path);
    RUN(cookie_expiry_replace);
    RUN(cookie_secure_and_order);
    sw__buf_free(&fmt_out);
    sw__buf_free(&cookie_out);
    TEST_EXIT();
}
