/*
 * test-http-features.c - the HTTP features shared by both engines, without
 * a network: failure messages (engine/errtext.c), the proxy rules
 * (request/proxy.c, python-requests'), and gzip/deflate bodies decoded by
 * the native engine's parser (engine/native/inflate.c) fed in pieces.
 */
#include <zlib.h>
#include "engine/errtext.h"
#include "engine/netenv.h"
#include "engine/native/nv_int.h"
#include "request/proxy.h"
#include "test.h"

/* ---- messages ------------------------------------------------------------ */

static char mbuf[512];

static const char *msg(enum sw__http_error kind, enum sw__http_cause cause,
                       int err, int connecting, const char *url,
                       int64_t timeout_ms)
{
    struct sw__http_errinfo e = {
        .kind = kind, .cause = cause, .os_errno = err,
        .connecting = connecting, .url = url, .timeout_ms = timeout_ms,
        .fallback = "Weird server reply",
    };
    return sw__http_errtext(&e, mbuf, sizeof mbuf);
}

TEST(messages)
{
    sw__netenv_init();
    if (sw__netenv_resolve_error())
        return;                 /* a bare machine: the note is added */
    ASSERT_STR_EQ(msg(SW__HTTP_E_CONNECT, 0, ECONNREFUSED, 1,
                      "http://127.0.0.1:1/x", 5000),
                  "ConnectionRefusedError: [Errno 111] Connection refused "
                  "(127.0.0.1:1)");
    ASSERT_STR_EQ(msg(SW__HTTP_E_TIMEOUT, 0, 0, 0,
                      "http://127.0.0.1:8089/slow?q=1", 5000),
                  "timeout after 5 s waiting for the response from "
                  "127.0.0.1:8089");
    ASSERT_STR_EQ(msg(SW__HTTP_E_TIMEOUT, 0, 0, 1, "https://h.test/", 1500),
                  "timeout after 1.5 s connecting to h.test:443");
    ASSERT_STR_EQ(msg(SW__HTTP_E_RESOLVE, 0, 0, 1, "http://x.invalid/a", 1),
                  "cannot resolve host 'x.invalid'");
    ASSERT_STR_EQ(msg(SW__HTTP_E_RECV, 0, ECONNRESET, 0,
                      "http://[::1]:81/", 1),
                  "ConnectionResetError: [Errno 104] Connection reset by "
                  "peer ([::1]:81)");
    ASSERT_STR_EQ(msg(SW__HTTP_E_RECV, SW__CAUSE_EMPTY, 0, 0,
                      "http://h.test", 1),
                  "RemoteDisconnected: Remote end closed connection without "
                  "response (h.test:80)");
    ASSERT_STR_EQ(msg(SW__HTTP_E_PROTOCOL, 0, 0, 0, "http://h.test:90/", 1),
                  "Weird server reply (h.test:90)");
    struct sw__http_errinfo e = {
        .kind = SW__HTTP_E_PROTOCOL, .cause = SW__CAUSE_DECODE,
        .url = "http://h.test/", .headers = "HTTP/1.1 200 OK\r\n"
        "content-encoding:  deflate \r\n\r\n",
    };
    ASSERT_STR_EQ(sw__http_errtext(&e, mbuf, sizeof mbuf),
                  "ContentDecodingError: Received response with "
                  "content-encoding: deflate, but failed to decode it "
                  "(h.test:80)");
    struct sw__http_errinfo t = {
        .kind = SW__HTTP_E_TLS, .url = "https://127.0.0.1:8443/",
        .detail = "SSL certificate problem: self-signed certificate",
        .fallback = "SSL peer certificate or SSH remote key was not OK",
    };
    ASSERT_STR_EQ(sw__http_errtext(&t, mbuf, sizeof mbuf),
                  "SSLError: SSL certificate problem: self-signed "
                  "certificate (127.0.0.1:8443)");
    struct sw__http_errinfo p = {
        .kind = SW__HTTP_E_CONNECT, .os_errno = ECONNREFUSED,
        .url = "http://127.0.0.1:8089/", .proxy = "http://127.0.0.1:3128",
    };
    ASSERT_STR_EQ(sw__http_errtext(&p, mbuf, sizeof mbuf),
                  "ProxyError: Unable to connect to proxy: "
                  "ConnectionRefusedError: [Errno 111] Connection refused "
                  "(127.0.0.1:3128)");
}

/* ---- proxies ------------------------------------------------------------- */

static void clear_env(void)
{
    static const char *const v[] = {
        "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
        "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", NULL
    };
    for (int i = 0; v[i]; i++)
        unsetenv(v[i]);
}

static const char *via(const char *url)
{
    const char *p = sw__proxy_for(url, strlen(url));
    return p ? p : "direct";
}

TEST(proxy_environment)
{
    char err[256];
    clear_env();
    ASSERT_EQ(sw__proxy_init(NULL, 0, err, sizeof err), 0);
    ASSERT(!sw__proxy_any());
    ASSERT_STR_EQ(via("http://a.test/"), "direct");
    setenv("HTTP_PROXY", "upper:1", 1);
    setenv("http_proxy", "127.0.0.1:3128", 1);
    setenv("ALL_PROXY", "http://all.test:9", 1);
    setenv("no_proxy", " skip.test, .dot.test,*.star.test,h.test:81,"
                       "10.1.0.0/16", 1);
    ASSERT_EQ(sw__proxy_init(NULL, 0, err, sizeof err), 0);
    /* lower case wins; no scheme: http:// */
    ASSERT_STR_EQ(via("http://a.test/x"), "http://127.0.0.1:3128");
    /* https falls back to all_proxy */
    ASSERT_STR_EQ(via("https://a.test/x"), "http://all.test:9");
    ASSERT_STR_EQ(via("http://skip.test/"), "direct");
    ASSERT_STR_EQ(via("http://www.skip.test:8080/"), "direct");
    ASSERT_STR_EQ(via("http://noskip.test/"), "http://127.0.0.1:3128");
    ASSERT_STR_EQ(via("http://dot.test/"), "direct");
    ASSERT_STR_EQ(via("http://a.star.test/"), "direct");
    ASSERT_STR_EQ(via("http://h.test:81/"), "direct");
    ASSERT_STR_EQ(via("http://h.test:82/"), "http://127.0.0.1:3128");
    ASSERT_STR_EQ(via("http://10.1.200.3/"), "direct");
    ASSERT_STR_EQ(via("http://10.2.0.1/"), "http://127.0.0.1:3128");
    ASSERT_STR_EQ(sw__proxy_source("http://a.test/", 14), "http_proxy");
    /* --no-proxy: the environment is ignored */
    ASSERT_EQ(sw__proxy_init(NULL, 1, err, sizeof err), 0);
    ASSERT_STR_EQ(via("http://a.test/"), "direct");
    /* --proxy: every request, no_proxy does not apply */
    ASSERT_EQ(sw__proxy_init("http://p.test:1", 0, err, sizeof err), 0);
    ASSERT_STR_EQ(via("http://skip.test/"), "http://p.test:1");
    ASSERT_STR_EQ(via("https://a.test/"), "http://p.test:1");
    setenv("no_proxy", "*", 1);
    ASSERT_EQ(sw__proxy_init(NULL, 0, err, sizeof err), 0);
    ASSERT_STR_EQ(via("http://a.test/"), "direct");
    /* a value that is no proxy URL: one line naming the variable */
    setenv("https_proxy", "ftp://x", 1);
    ASSERT_EQ(sw__proxy_init(NULL, 0, err, sizeof err), -1);
    ASSERT(strstr(err, "https_proxy: expected a proxy URL") != NULL);
    ASSERT_EQ(sw__proxy_init("", 0, err, sizeof err), -1);
    sw__proxy_free();
    clear_env();
}

/* ---- decoding ------------------------------------------------------------ */

/* data compressed with zlib's window bits wb (31: gzip, 15: zlib, -15:
 * raw deflate) into out */
static size_t pack(const char *data, size_t n, int wb, unsigned char *out,
                   size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, wb, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    size_t got = cap - z.avail_out;
    deflateEnd(&z);
    return got;
}

struct decoded {
    int err;
    int complete;
    struct sw__nv_result res;
};

/* A response with the coding ce and body, fed `step` bytes at a time
 * (0: at once) to a parser that decodes, body cap `cap`. */
static struct decoded run(const char *ce, const unsigned char *body,
                          size_t blen, size_t step, size_t cap)
{
    static char wire[1 << 17];
    struct decoded d;
    memset(&d, 0, sizeof d);
    int hl = snprintf(wire, sizeof wire, "HTTP/1.1 200 OK\r\n%s%s%s"
                      "Content-Length: %zu\r\n\r\n", ce ? "Content-Encoding: "
                      : "", ce ? ce : "", ce ? "\r\n" : "", blen);
    memcpy(wire + hl, body, blen);
    size_t n = (size_t)hl + blen, off = 0;
    struct sw__nv_resp r;
    sw__nv_resp_start(&r, &d.res, 0, cap);
    sw__nv_resp_decode(&r);
    while (off < n && !d.err) {
        size_t len = step && n - off > step ? step : n - off, used;
        d.err = sw__nv_resp_feed(&r, wire + off, len, &used);
        off += len;
    }
    d.complete = r.complete;
    return d;
}

static void done(struct decoded *d)
{
    sw__buf_free(&d->res.headers);
    sw__buf_free(&d->res.body);
    sw__nv_inflate_free(d->res.inflate);
}

TEST(decode_gzip_deflate)
{
    static char text[40000];
    static unsigned char z[65536];
    for (size_t i = 0; i < sizeof text - 1; i++)
        text[i] = "swarm load test body "[i % 21];
    size_t tl = sizeof text - 1;
    const struct { const char *ce; int wb; } kinds[] = {
        { "gzip", 31 }, { "x-gzip", 31 }, { "gzip", 15 },
        { "deflate", 15 }, { "deflate", -15 }, { "Deflate", -15 },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t zl = pack(text, tl, kinds[k].wb, z, sizeof z);
        ASSERT(zl > 0 && zl < tl / 10);
        size_t steps[] = { 0, 1, 7, 1000 };
        for (size_t s = 0; s < 4; s++) {
            struct decoded d = run(kinds[k].ce, z, zl, steps[s], 1 << 20);
            if (d.err || !d.complete || d.res.bytes != (int64_t)tl ||
                d.res.body.len != tl || memcmp(d.res.body.ptr, text, tl)) {
                done(&d);
                FAILF("%s (wbits %d), step %zu: err %d complete %d bytes "
                      "%lld", kinds[k].ce, kinds[k].wb, steps[s], d.err,
                      d.complete, (long long)d.res.bytes);
            }
            done(&d);
        }
    }
    /* the cap keeps the decoded start and counts the decoded whole */
    size_t zl = pack(text, tl, 31, z, sizeof z);
    struct decoded d = run("gzip", z, zl, 0, 16);
    ASSERT_EQ(d.err, 0);
    ASSERT_EQ(d.res.bytes, tl);
    ASSERT_EQ(d.res.body.len, 16);
    done(&d);
    /* identity and no header: as received */
    d = run("identity", (const unsigned char *)"plain", 5, 0, 64);
    ASSERT_EQ(d.err, 0);
    ASSERT_STR_EQ(d.res.body.ptr, "plain");
    done(&d);
}

TEST(decode_errors)
{
    /* corrupt data: the decoding error, not a crash */
    struct decoded d = run("gzip", (const unsigned char *)"not gzip", 8, 0,
                           64);
    ASSERT_EQ(d.err, SW_NV_ERR_DECODE);
    done(&d);
    d = run("deflate", (const unsigned char *)"\xff\xff\xff\xff", 4, 1, 64);
    ASSERT_EQ(d.err, SW_NV_ERR_DECODE);
    done(&d);
    /* a coding that is not decoded (libcurl built with zlib only) */
    d = run("br", (const unsigned char *)"abc", 3, 0, 64);
    ASSERT_EQ(d.err, SW_NV_ERR_DECODE);
    done(&d);
    /* ... unless the body is empty */
    d = run("br", (const unsigned char *)"", 0, 0, 64);
    ASSERT_EQ(d.err, 0);
    ASSERT(d.complete);
    done(&d);
    /* a list of codings: the native engine decodes one */
    d = run("gzip, gzip", (const unsigned char *)"abc", 3, 0, 64);
    ASSERT_EQ(d.err, SW_NV_ERR_DECODE);
    done(&d);
    /* truncated stream: not an error (libcurl 7.88 does not check) */
    static unsigned char z[256];
    size_t zl = pack("hello hello hello", 17, 31, z, sizeof z);
    d = run("gzip", z, zl - 6, 0, 64);
    ASSERT_EQ(d.err, 0);
    ASSERT(d.complete);
    done(&d);
}

int main(int argc, char **argv)
{
    test_suite_ = "http-features";
    test_only_ = argc > 1 ? argv[1] : NULL;
    RUN(messages);
    RUN(proxy_environment);
    RUN(decode_gzip_deflate);
    RUN(decode_errors);
    TEST_EXIT();
}
