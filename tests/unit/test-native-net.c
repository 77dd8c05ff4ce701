/*
 * test-native-net.c - the native engine on a real loop against a scripted
 * server in a thread of this process (127.0.0.1, an ephemeral port):
 * keep-alive and reconnects, redirects (method and body changes,
 * credentials dropped on another host, the limit), cookies across
 * requests, DNS by name with a fallback address, timeouts, and every
 * bad-server case (malformed status line, bad chunk size, body longer than
 * Content-Length, reset mid-body, no answer, empty close) as a typed error
 * after which the session works again.  Run under ASan by SAN=address.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>
#include "engine/native/nv.h"
#include "test.h"

/* ---- the scripted server ------------------------------------------------ */

static int srv_fd, srv_port;
static atomic_int srv_conns;            /* connections accepted */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char srv_log[1 << 16];           /* requests, raw, in order */
static size_t srv_log_len;

static void log_request(const char *p, size_t n)
{
    pthread_mutex_lock(&log_mu);
    if (srv_log_len + n + 2 < sizeof srv_log) {
        memcpy(srv_log + srv_log_len, p, n);
        srv_log_len += n;
        srv_log[srv_log_len++] = '|';
        srv_log[srv_log_len] = 0;
    }
    pthread_mutex_unlock(&log_mu);
}

static void log_clear(void)
{
    pthread_mutex_lock(&log_mu);
    srv_log_len = 0;
    srv_log[0] = 0;
    pthread_mutex_unlock(&log_mu);
}

static void say(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Answers one request; 0 to keep the connection, 1 to close it, 2 to
 * reset it. */
static int answer(int fd, const char *req, const char *path)
{
    char buf[4096];
    if (!strcmp(path, "/ok")) {
        say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    } else if (!strcmp(path, "/echo")) {
        snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
                 "\r\n", strlen(req));
        say(fd, buf);
        say(fd, req);
    } else if (!strcmp(path, "/close")) {
        say(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n"
                "Content-Length: 2\r\n\r\nok");
        return 1;
    } else if (!strcmp(path, "/then-close")) {
        say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        return 1;               /* keep-alive framing, closed anyway */
    } else if (!strcmp(path, "/chunked")) {
        say(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
    } else if (!strcmp(path, "/eof-body")) {
        say(fd, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
        return 1;
    } else if (!strcmp(path, "/cookie")) {
        say(fd, "HTTP/1.1 200 OK\r\nSet-Cookie: sid=42; Path=/\r\n"
                "Set-Cookie: tmp=1; Max-Age=0\r\nContent-Length: 0\r\n\r\n");
    } else if (!strcmp(path, "/302")) {
        say(fd, "HTTP/1.1 302 Found\r\nLocation: /echo\r\n"
                "Set-Cookie: via=redirect\r\nContent-Length: 3\r\n\r\nxyz");
    } else if (!strcmp(path, "/307")) {
        say(fd, "HTTP/1.1 307 Temporary\r\nLocation: echo\r\n"
                "Content-Length: 0\r\n\r\n");
    } else if (!strcmp(path, "/other-host")) {
        snprintf(buf, sizeof buf, "HTTP/1.1 301 Moved\r\nLocation: "
                 "http://localhost:%d/echo\r\nContent-Length: 0\r\n\r\n",
                 srv_port);
        say(fd, buf);
    } else if (!strcmp(path, "/loop")) {
        say(fd, "HTTP/1.1 302 Found\r\nLocation: /loop\r\n"
                "Content-Length: 0\r\n\r\n");
    } else if (!strcmp(path, "/redirect-with-body")) {
        say(fd, "HTTP/1.1 302 Found\r\nLocation: /204\r\n"
                "Content-Length: 10\r\n\r\nmoved here");
    } else if (!strcmp(path, "/to-https")) {
        say(fd, "HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1/\r\n"
                "Content-Length: 0\r\n\r\n");
    } else if (!strcmp(path, "/head")) {
        say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    } else if (!strcmp(path, "/204")) {
        say(fd, "HTTP/1.1 204 No Content\r\n\r\n");
    } else if (!strcmp(path, "/continue")) {
        say(fd, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                "Content-Length: 1\r\n\r\nk");
    } else if (!strcmp(path, "/badstatus")) {
        say(fd, "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok");
        return 1;
    } else if (!strcmp(path, "/badchunk")) {
        say(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                "zz\r\nabc\r\n0\r\n\r\n");
        return 1;
    } else if (!strcmp(path, "/longer")) {
        say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA");
    } else if (!strcmp(path, "/reset")) {
        say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
        usleep(50000);
        return 2;
    } else if (!strcmp(path, "/cut")) {
        say(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
        return 1;
    } else if (!strcmp(path, "/empty")) {
        return 1;
    } else if (!strcmp(path, "/never")) {
        usleep(600000);
        return 1;
    } else {
        say(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }
    return 0;
}

static void *serve_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[8192];
    size_t len = 0;
    for (;;) {
        char *end = NULL;
        while (!(end = memmem(buf, len, "\r\n\r\n", 4))) {
            ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
            if (n <= 0)
                goto out;
            len += (size_t)n;
        }
        size_t head = (size_t)(end + 4 - buf), body = 0;
        buf[len] = 0;
        char *cl = strcasestr(buf, "\r\nContent-Length: ");
        if (cl && cl < end)
            body = (size_t)atol(cl + 18);
        if (head + body > sizeof buf - 1) {
            /* a body larger than the buffer (POST /sink), read slowly so
             * that the client's socket fills: its 'x' bytes are counted */
            size_t got = 0, xs = 0;
            for (size_t i = head; i < len; i++, got++)
                xs += buf[i] == 'x';
            while (got < body) {
                ssize_t n = recv(fd, buf, sizeof buf, 0);
                if (n <= 0)
                    goto out;
                for (ssize_t i = 0; i < n; i++)
                    xs += buf[i] == 'x';
                got += (size_t)n;
                if (got < (size_t)1 << 20)
                    usleep(1000);
            }
            char count[32], reply[128];
            snprintf(count, sizeof count, "%zu", xs);
            snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\n"
                     "Content-Length: %zu\r\n\r\n%s", strlen(count), count);
            say(fd, reply);
            len = 0;
            continue;
        }
        while (len < head + body) {
            ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
            if (n <= 0)
                goto out;
            len += (size_t)n;
        }
        char req[8192];
        memcpy(req, buf, head + body);
        req[head + body] = 0;
        log_request(req, head + body);
        memmove(buf, buf + head + body, len - head - body);
        len -= head + body;
        char path[256] = "";
        sscanf(req, "%*s %255s", path);
        char *q = strchr(path, '?');
        if (q)
            *q = 0;
        int how = answer(fd, req, path);
        if (how == 2) {
            struct linger l = { 1, 0 };
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        if (how)
            break;
    }
out:
    close(fd);
    return NULL;
}

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(srv_fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        atomic_fetch_add(&srv_conns, 1);
        pthread_t t;
        pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)fd);
        pthread_detach(t);
    }
}

static int start_server(void)
{
    srv_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(srv_fd, (struct sockaddr *)&a, sizeof a) || listen(srv_fd, 64) ||
        getsockname(srv_fd, (struct sockaddr *)&a, &al))
        return -1;
    srv_port = ntohs(a.sin_port);
    pthread_t t;
    pthread_create(&t, NULL, serve, NULL);
    pthread_detach(t);
    return 0;
}

/* ---- the client side ---------------------------------------------------- */

static uv_loop_t loop;
static struct sw__nv_engine *eng;
static int done_calls;

static void on_done(struct sw__nv_session *s, void *data)
{
    (void)s;
    (void)data;
    done_calls++;
}

/* Every test runs in a process of its own (test.h): its own server
 * thread, loop and engine. */
static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (start_server() != 0) {
        printf("cannot listen\n");
        exit(1);
    }
    uv_loop_init(&loop);
    eng = sw__nv_engine_new(&loop, 1 << 20);
}

/* Closes the engine: 0 when the loop then closes with nothing open. */
static int teardown(void)
{
    sw__nv_engine_close(eng);
    while (sw__nv_engine_busy(eng))
        uv_run(&loop, UV_RUN_ONCE);
    sw__nv_engine_free(eng);
    return test_loop_closes(&loop);
}

static char url_buf[256];

static struct sw__nv_request get(const char *path)
{
    snprintf(url_buf, sizeof url_buf, "http://127.0.0.1:%d%s", srv_port, path);
    struct sw__nv_request r;
    memset(&r, 0, sizeof r);
    r.method = SW_NV_GET;
    r.url = url_buf;
    r.url_len = strlen(url_buf);
    r.hdr = "";
    r.user_agent = "User-Agent: swarmc/test";
    r.follow = 1;
    r.timeout_ms = 5000;
    return r;
}

/* Sends r on s and runs the loop until it completes. */
static const struct sw__nv_result *run(struct sw__nv_session *s,
                                       const struct sw__nv_request *r)
{
    int before = done_calls;
    if (sw__nv_send(s, r, on_done, NULL) != 0)
        return NULL;
    if (done_calls != before)
        return NULL;            /* must never complete inside send */
    while (done_calls == before)
        uv_run(&loop, UV_RUN_ONCE);
    return sw__nv_result(s);
}

TEST(keep_alive_and_reconnect)
{
    struct sw__nv_session *s = sw__nv_session_new(eng);
    int c0 = atomic_load(&srv_conns);
    struct sw__nv_request r = get("/ok");
    for (int i = 0; i < 3; i++) {
        const struct sw__nv_result *res = run(s, &r);
        ASSERT(res && res->err == 0 && res->status == 200);
        ASSERT_STR_EQ(res->body.ptr, "ok");
        ASSERT_EQ(res->opened, i == 0);
        if (i == 0)
            ASSERT(res->timing.connect_us >= 0 && res->timing.dns_us >= 0);
        else
            ASSERT(res->timing.connect_us == -1);
        ASSERT(res->timing.ttfb_us >= 0 && res->timing.total_us >= 0);
    }
    ASSERT_EQ(sw__nv_session_connects(s), 1);
    ASSERT_EQ(atomic_load(&srv_conns) - c0, 1);
    /* Connection: close -> the next request opens a new connection */
    r = get("/close");
    ASSERT(run(s, &r)->err == 0);
    r = get("/ok");
    ASSERT(run(s, &r)->err == 0);
    ASSERT_EQ(sw__nv_session_connects(s), 2);
    /* the server closes a keep-alive connection while it is idle: no
     * failure, a new connection */
    r = get("/then-close");
    ASSERT(run(s, &r)->err == 0);
    usleep(100000);
    uv_run(&loop, UV_RUN_NOWAIT);
    r = get("/ok");
    const struct sw__nv_result *res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200);
    ASSERT_EQ(sw__nv_session_connects(s), 3);
    /* another host (localhost) now and then: the first connection stays */
    char other[96];
    snprintf(other, sizeof other, "http://localhost:%d/ok", srv_port);
    r.url = other;
    r.url_len = strlen(other);
    ASSERT(run(s, &r)->err == 0);
    r = get("/ok");
    ASSERT(run(s, &r)->err == 0);
    ASSERT_EQ(sw__nv_session_connects(s), 4);
    sw__nv_session_free(s);
    ASSERT(teardown() == 0);
}

TEST(stale_connection_retried)
{
    /* the idle close is not seen before the next send (no loop turn in
     * between): the request is sent again on a new connection */
    struct sw__nv_session *s = sw__nv_session_new(eng);
    struct sw__nv_request r = get("/then-close");
    ASSERT(run(s, &r)->err == 0);
    usleep(100000);
    r = get("/ok");
    const struct sw__nv_result *res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200);
    ASSERT_EQ(sw__nv_session_connects(s), 2);
    sw__nv_session_free(s);
    ASSERT(teardown() == 0);
}

TEST(bodies_and_framing)
{
    struct sw__nv_session *s = sw__nv_session_new(eng);
    struct sw__nv_request r = get("/chunked");
    const struct sw__nv_result *res = run(s, &r);
    ASSERT(res->err == 0);
    ASSERT_STR_EQ(res->body.ptr, "abcdefg");
    ASSERT_EQ(res->bytes, 7);
    r = get("/eof-body");
    res = run(s, &r);
    ASSERT(res->err == 0);
    ASSERT_STR_EQ(res->body.ptr, "until the end");
    r = get("/head");
    r.method = SW_NV_HEAD;
    res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200 && res->bytes == 0);
    r = get("/204");
    res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 204);
    r = get("/continue");
    res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200);
    ASSERT_STR_EQ(res->headers.ptr, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n");
    /* HEAD, 204 and the 1xx left the connection usable */
    ASSERT_EQ(sw__nv_session_connects(s), 2);
    /* a body: the server saw it, and the request bytes */
    log_clear();
    r = get("/echo");
    r.method = SW_NV_POST;
    r.has_body = 1;
    r.body = "a=1&b=2";
    r.body_len = 7;
    res = run(s, &r);
    ASSERT(res->err == 0);
    ASSERT(strstr(res->body.ptr, "POST /echo HTTP/1.1\r\n") == res->body.ptr);
    ASSERT(strstr(res->body.ptr, "\r\nContent-Length: 7\r\nContent-Type: "
                                 "application/x-www-form-urlencoded\r\n\r\n"
                                 "a=1&b=2"));
    sw__nv_session_free(s);
    ASSERT(teardown() == 0);
}

TEST(request_larger_than_the_socket_takes)
{
    /* A request the socket does not take at once: what is left is kept
     * by its transfer until written (the engine formats every request in
     * one buffer, which another session's request reuses meanwhile). */
    struct sw__nv_session *a = sw__nv_session_new(eng);
    struct sw__nv_session *b = sw__nv_session_new(eng);
    size_t n = (size_t)16 << 20;
    char *big = malloc(n);
    ASSERT(big != NULL);
    memset(big, 'x', n);
    struct sw__nv_request ra = get("/sink");
    static char url_a[256];
    memcpy(url_a, url_buf, sizeof url_a);
    ra.url = url_a;
    ra.method = SW_NV_POST;
    ra.has_body = 1;
    ra.body = big;
    ra.body_len = n;
    ra.timeout_ms = 30000;
    int before = done_calls;
    ASSERT_EQ(sw__nv_send(a, &ra, on_done, NULL), 0);
    /* b's requests go out while a's bytes are still being written */
    struct sw__nv_request rb = get("/ok");
    for (int i = 0; i < 3; i++) {
        const struct sw__nv_result *res = run(b, &rb);
        ASSERT(res && res->err == 0 && res->status == 200);
    }
    ASSERT(sw__nv_in_flight(a));
    while (done_calls == before + 3)
        uv_run(&loop, UV_RUN_ONCE);
    const struct sw__nv_result *res = sw__nv_result(a);
    ASSERT_EQ(res->err, 0);
    char want[32];
    snprintf(want, sizeof want, "%zu", n);
    ASSERT_STR_EQ(res->body.ptr, want);
    free(big);
    sw__nv_session_free(a);
    sw__nv_session_free(b);
    ASSERT(teardown() == 0);
}

TEST(redirects)
{
    struct sw__nv_session *s = sw__nv_session_new(eng);
    /* 302 of a POST: a GET without the body, the cookie of the 302 kept,
     * only the final response's headers and body */
    log_clear();
    struct sw__nv_request r = get("/302");
    r.method = SW_NV_POST;
    r.has_body = 1;
    r.body = "x=1";
    r.body_len = 3;
    const struct sw__nv_result *res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200 && res->redirects == 1);
    ASSERT(strstr(res->body.ptr, "GET /echo HTTP/1.1\r\n") == res->body.ptr);
    ASSERT(!strstr(res->body.ptr, "Content-Length"));
    ASSERT(strstr(res->body.ptr, "Cookie: via=redirect\r\n"));
    ASSERT(strstr(res->headers.ptr, "HTTP/1.1 200 OK\r\n") == res->headers.ptr);
    ASSERT(!strstr(res->headers.ptr, "Location"));
    /* 307 keeps method and body (relative Location "echo") */
    r = get("/307");
    r.method = SW_NV_PUT;
    r.has_body = 1;
    r.body = "y=2";
    r.body_len = 3;
    res = run(s, &r);
    ASSERT(res->err == 0 && res->redirects == 1);
    ASSERT(strstr(res->body.ptr, "PUT /echo HTTP/1.1\r\n") == res->body.ptr);
    ASSERT(strstr(res->body.ptr, "\r\n\r\ny=2"));
    /* 302 of a DELETE with a body: the method stays, the body goes */
    r = get("/302");
    r.method = SW_NV_DELETE;
    r.has_body = 1;
    r.body = "z";
    r.body_len = 1;
    res = run(s, &r);
    ASSERT(strstr(res->body.ptr, "DELETE /echo HTTP/1.1\r\n") == res->body.ptr);
    ASSERT(!strstr(res->body.ptr, "Content-Length"));
    /* not followed when asked not to */
    r = get("/302");
    r.follow = 0;
    res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 302 && res->redirects == 0);
    ASSERT_STR_EQ(res->body.ptr, "xyz");
    /* credentials go to the first host only (localhost is another) */
    r = get("/other-host");
    r.has_auth = 1;
    r.auth_user = "u";
    r.auth_password = "p";
    log_clear();
    res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200);
    ASSERT(strstr(srv_log, "GET /other-host HTTP/1.1\r\nHost: 127.0.0.1:"));
    ASSERT(strstr(srv_log, "Authorization: Basic dTpw\r\n"));
    ASSERT(strstr(res->body.ptr, "Host: localhost:"));
    ASSERT(!strstr(res->body.ptr, "Authorization"));
    /* a bearer token given as a header: also to the first host only */
    static const char bearer[] = "Authorization: Bearer t0k";
    r.has_auth = 0;
    r.hdr = bearer;
    r.hdr_len = sizeof bearer;
    r.nhdr = 1;
    log_clear();
    res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200);
    ASSERT(strstr(srv_log, "Authorization: Bearer t0k\r\n"));
    ASSERT(!strstr(res->body.ptr, "Authorization"));
    /* the limit, and what the engine cannot follow */
    r = get("/loop");
    res = run(s, &r);
    ASSERT_EQ(res->err, SW_NV_ERR_REDIRECTS);
    ASSERT_EQ(res->redirects, 30);
    ASSERT_EQ(res->status, 0);
    /* the redirect's own body is not the final response's (an empty
     * body reads as "" from the NUL after it) */
    r = get("/redirect-with-body");
    res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 204);
    ASSERT_EQ(res->body.len, 0);
    ASSERT(!res->body.ptr || !strcmp(res->body.ptr, ""));
    r = get("/to-https");
    res = run(s, &r);
    ASSERT_EQ(res->err, SW_NV_ERR_BAD_REDIRECT);
    /* under --engine auto the caller follows it through libcurl */
    sw__nv_engine_handover(eng, 1);
    r = get("/to-https");
    res = run(s, &r);
    ASSERT_EQ(res->err, SW_NV_ERR_HANDOVER);
    ASSERT_STR_EQ(res->next_url, "https://127.0.0.1/");
    ASSERT_EQ(res->next_method, SW_NV_GET);
    ASSERT_EQ(res->next_same_origin, 0);
    ASSERT_EQ(res->redirects, 1);
    ASSERT_EQ(res->status, 0);
    sw__nv_engine_handover(eng, 0);
    sw__nv_session_free(s);
    ASSERT(teardown() == 0);
}

TEST(cookies_per_session)
{
    struct sw__nv_session *a = sw__nv_session_new(eng);
    struct sw__nv_session *b = sw__nv_session_new(eng);
    struct sw__nv_request r = get("/cookie");
    ASSERT(run(a, &r)->err == 0);
    ASSERT_EQ(sw__nv_session_cookies(a), 1);
    const char *v;
    ASSERT(sw__nv_session_cookie(a, "sid", &v));
    ASSERT_STR_EQ(v, "42");
    ASSERT(!sw__nv_session_cookie(a, "tmp", &v));
    r = get("/echo?x=1");
    const struct sw__nv_result *res = run(a, &r);
    ASSERT(strstr(res->body.ptr, "\r\nCookie: sid=42\r\n"));
    res = run(b, &r);
    ASSERT(!strstr(res->body.ptr, "Cookie"));
    sw__nv_session_free(a);
    sw__nv_session_free(b);
    ASSERT(teardown() == 0);
}

TEST(names_and_refusals)
{
    struct sw__nv_session *s = sw__nv_session_new(eng);
    /* by name: looked up once, then cached; ::1 refused -> 127.0.0.1 */
    char url[128];
    snprintf(url, sizeof url, "http://localhost:%d/ok", srv_port);
    struct sw__nv_request r = get("/ok");
    r.url = url;
    r.url_len = strlen(url);
    const struct sw__nv_result *res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200);
    res = run(s, &r);
    ASSERT(res->err == 0 && res->opened == 0);
    snprintf(url, sizeof url, "http://no-such-host.invalid:%d/", srv_port);
    r.url_len = strlen(url);
    res = run(s, &r);
    ASSERT_EQ(res->err, SW_NV_ERR_RESOLVE);
    ASSERT_STR_EQ(sw__nv_strerror(res->err), "Couldn't resolve host name");
    /* a port nobody listens on */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(a.sin_port));
    r.url_len = strlen(url);
    res = run(s, &r);
    ASSERT_EQ(res->err, SW_NV_ERR_CONNECT);
    sw__nv_session_free(s);
    ASSERT(teardown() == 0);
}

/* Each bad-server case fails with its error, and the session then works. */
static int bad_case(const char *path, int want, int64_t timeout_ms)
{
    struct sw__nv_session *s = sw__nv_session_new(eng);
    struct sw__nv_request r = get(path);
    r.timeout_ms = timeout_ms;
    const struct sw__nv_result *res = run(s, &r);
    int ok = res && res->err == want && (want ? res->status == 0 : 1);
    if (!ok)
        printf("    %s: error %d (%s), wanted %d\n", path, res ? res->err : -1,
               res ? sw__nv_errdetail(res->err) : "", want);
    r = get("/ok");
    res = run(s, &r);
    ok = ok && res && res->err == 0 && res->status == 200;
    sw__nv_session_free(s);
    return ok;
}

TEST(bad_servers)
{
    ASSERT(bad_case("/badstatus", SW_NV_ERR_BAD_STATUS, 5000));
    ASSERT(bad_case("/badchunk", SW_NV_ERR_BAD_CHUNK, 5000));
    ASSERT(bad_case("/reset", SW_NV_ERR_RESET, 5000));
    ASSERT(bad_case("/cut", SW_NV_ERR_PARTIAL, 5000));
    ASSERT(bad_case("/empty", SW_NV_ERR_EMPTY, 5000));
    ASSERT(bad_case("/never", SW_NV_ERR_TIMEOUT, 200));
    /* a transfer's timer is lazy: a request after one with a shorter
     * timeout still gets its own, and one after a longer timeout too */
    struct sw__nv_session *t = sw__nv_session_new(eng);
    struct sw__nv_request q = get("/ok");
    q.timeout_ms = 100;
    ASSERT(run(t, &q)->err == 0);
    q = get("/never");
    q.timeout_ms = 400;
    uint64_t t0 = uv_hrtime();
    ASSERT_EQ(run(t, &q)->err, SW_NV_ERR_TIMEOUT);
    uint64_t ms = (uv_hrtime() - t0) / 1000000;
    ASSERT(ms >= 380 && ms < 3000);
    q = get("/ok");
    q.timeout_ms = 10000;
    ASSERT(run(t, &q)->err == 0);
    q = get("/never");
    q.timeout_ms = 150;
    t0 = uv_hrtime();
    ASSERT_EQ(run(t, &q)->err, SW_NV_ERR_TIMEOUT);
    ms = (uv_hrtime() - t0) / 1000000;
    ASSERT(ms >= 130 && ms < 2000);
    sw__nv_session_free(t);
    /* a body longer than Content-Length: the response as framed (as
     * libcurl does), and the connection is not reused */
    struct sw__nv_session *s = sw__nv_session_new(eng);
    struct sw__nv_request r = get("/longer");
    const struct sw__nv_result *res = run(s, &r);
    ASSERT(res->err == 0 && res->status == 200);
    ASSERT_STR_EQ(res->body.ptr, "ok");
    r = get("/ok");
    res = run(s, &r);
    ASSERT(res->err == 0);
    ASSERT_EQ(sw__nv_session_connects(s), 2);
    sw__nv_session_free(s);
    ASSERT(teardown() == 0);
}

TEST(cancel_and_free)
{
    /* cancelled in every state; nothing is called back, nothing leaks */
    struct sw__nv_session *s = sw__nv_session_new(eng);
    struct sw__nv_request r = get("/never");
    int before = done_calls;
    ASSERT(sw__nv_send(s, &r, on_done, NULL) == 0);
    ASSERT(sw__nv_in_flight(s));
    sw__nv_cancel(s);
    ASSERT(!sw__nv_in_flight(s));
    for (int i = 0; i < 3; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    ASSERT_EQ(done_calls, before);
    r = get("/ok");
    ASSERT(run(s, &r)->err == 0);
    ASSERT(sw__nv_send(s, &r, on_done, NULL) == 0);
    for (int i = 0; i < 3; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    sw__nv_session_free(s);     /* maybe mid-response */
    struct sw__nv_session *t = sw__nv_session_new(eng);
    char url[64] = "http://no-such-host.invalid/";
    r.url = url;
    r.url_len = strlen(url);
    before = done_calls;
    ASSERT(sw__nv_send(t, &r, on_done, NULL) == 0);
    sw__nv_session_free(t);     /* waiting for DNS */
    for (int i = 0; i < 5; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    ASSERT_EQ(done_calls, before);
    ASSERT(teardown() == 0);
}

int main(int argc, char **argv)
{
    test_suite_ = "native-net";
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_setup_ = setup;
    RUN(keep_alive_and_reconnect);
    RUN(stale_connection_retried);
    RUN(bodies_and_framing);
    RUN(request_larger_than_the_socket_takes);
    RUN(redirects);
    RUN(cookies_per_session);
    RUN(names_and_refusals);
    RUN(bad_servers);
    RUN(cancel_and_free);
    TEST_EXIT();
}
