/*
 * test-http.c - requests through each user's own session (the request
 * module and the general engine) against the demo target: per-user cookies and keep-alive
 * connections, failures (HTTP >= 400, refused, timeout) counted without a
 * crash, redirects on and off, query/header/body building, absolute URLs.
 * The target's request log is the witness.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <strings.h>
#include "swarm.h"
#include "request.h"
#include "test.h"

/* The response's body, "" when empty (the internal accessor). */
static const char *resp_body(sw_user_t *u)
{
    const struct sw__response *r = sw__resp(u);
    return r && r->body.ptr ? r->body.ptr : "";
}

/* Whether the response has header key with exactly this value. */
static int resp_header_is(sw_user_t *u, const char *key, const char *value)
{
    const struct sw__response *r = sw__resp(u);
    char want[256];
    snprintf(want, sizeof want, "\n%s: %s\r\n", key, value);
    if (!r || !r->headers.ptr)
        return 0;
    for (const char *p = r->headers.ptr; (p = strchr(p, '\n')); p++)
        if (!strncasecmp(p, want, strlen(want)))
            return 1;
    return 0;
}

static pid_t target_pid;
static char host[64];
static char abs_about[96];
/* In a directory of its own: two test runs (say a sanitizer build's next
 * to a plain one) must not share a log. */
static char dir[] = "/tmp/sw-test-http-XXXXXX";
static char log_path[64];

static int start_target(void)
{
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char bin[512], portfile[64];
    snprintf(bin, sizeof bin, "../../%s/demo-target", build);
    if (!mkdtemp(dir))
        return -1;
    snprintf(log_path, sizeof log_path, "%s/log", dir);
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    target_pid = fork();
    if (target_pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl(bin, bin, "--port", "0", "--port-file", portfile, "--log",
              log_path, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        FILE *f = fopen(portfile, "r");
        int port = 0;
        if (f && fscanf(f, "%d", &port) == 1 && port > 0) {
            fclose(f);
            snprintf(host, sizeof host, "http://127.0.0.1:%d", port);
            snprintf(abs_about, sizeof abs_about, "%s/echo", host);
            return 0;
        }
        if (f)
            fclose(f);
        usleep(50000);
    }
    return -1;
}

static void stop_target(void)
{
    if (target_pid > 0) {
        kill(target_pid, SIGTERM);
        waitpid(target_pid, NULL, 0);
    }
    char path[96];
    snprintf(path, sizeof path, "%s/port", dir);
    unlink(path);
    unlink(log_path);
    rmdir(dir);
}

/* log lines since the last call, split into the ten columns */
struct line {
    char col[10][512];
};
static struct line lines[4000];
static int nlines;
static long log_offset;

static void read_log(void)
{
    nlines = 0;
    FILE *f = fopen(log_path, "r");
    if (!f)
        return;
    fseek(f, log_offset, SEEK_SET);
    char buf[8192];
    while (nlines < 4000 && fgets(buf, sizeof buf, f)) {
        char *p = buf, *tab;
        buf[strcspn(buf, "\n")] = 0;
        for (int c = 0; c < 10; c++) {
            tab = strchr(p, '\t');
            if (tab)
                *tab = 0;
            size_t n = strlen(p) < 511 ? strlen(p) : 511;
            memcpy(lines[nlines].col[c], p, n);
            lines[nlines].col[c][n] = 0;
            p = tab ? tab + 1 : p + strlen(p);
        }
        /* the target logs a /delay request when it answers, seconds
         * after the test that timed out on it has ended: not ours */
        if (strncmp(lines[nlines].col[2], "/delay/", 7) != 0)
            nlines++;
    }
    log_offset = ftell(f);
    fclose(f);
}

/* Each test (in its own process) reads only what the target logged
 * after it started. */
static void skip_old_log(void)
{
    FILE *f = fopen(log_path, "r");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    log_offset = ftell(f);
    fclose(f);
}

static int run(const sw_scenario_t *sc, const char *const *args)
{
    char *argv[40];
    int argc = 0;
    argv[argc++] = (char *)"t";
    argv[argc++] = (char *)"-q";
    argv[argc++] = (char *)"--threads";
    argv[argc++] = (char *)"2";
    for (int i = 0; args[i]; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    fflush(stdout);
    int saved = dup(1), null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    int rc = sw_main(argc, argv, sc);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(null);
    usleep(100000);     /* the target writes its log as it answers */
    read_log();
    return rc;
}

#define ARGS(...) ((const char *[]){ __VA_ARGS__, NULL })

static const sw_load_t no_load = { -1, -1, -1, NULL, 0, -1, -1, -1, -1 };

#define SCEN(var, classes)                                               \
    sw_scenario_t var;                                                   \
    memset(&var, 0, sizeof var);                                         \
    var.source = "t.swarm";                                              \
    var.users = classes;                                                 \
    var.nusers = 1;                                                      \
    var.load = no_load

#define ONE_TASK(cls, fn, start)                                         \
    static const sw_task_t cls##_tasks[] = { { "t", 1, fn, 0, 0, 1, 0 } };\
    static const sw_user_class_t cls[] = {                               \
        { "U", 1, 0, { "U", SW_SET_RANDOM, cls##_tasks, 1,               \
                       { SW_WAIT_CONSTANT, 20, 0, 0 }, start, 0 } }      \
    }

/* ---- cookies and connections are per user ---------------------------- */

static sw_step_t set_cookie(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        sw_req_begin(u, SW_GET, "/set-cookie");
        sw_req_query(u, "name", "u");
        sw_req_query(u, "value", sw_itoa(u, sw_user_id(u)));
        sw_req_header(u, "X-User", sw_itoa(u, sw_user_id(u)));
        return sw_req_send(u, f, 1);
    case 1:
        sw_req_end(u);
    }
    return SW_DONE;
}

static sw_step_t get_cookies(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        sw_req_begin(u, SW_GET, "/cookies");
        sw_req_header(u, "X-User", sw_itoa(u, sw_user_id(u)));
        return sw_req_send(u, f, 1);
    case 1:
        sw_req_end(u);
    }
    return SW_DONE;
}
ONE_TASK(cls_cookies, get_cookies, set_cookie);

TEST(cookies_and_connection_per_user)
{
    SCEN(sc, cls_cookies);
    ASSERT_EQ(run(&sc, ARGS("-H", host, "-u", "4", "-r", "100", "-t",
                            "600ms")), 0);
    int seen = 0;
    char conn_of[5][32] = { "", "", "", "", "" };
    for (int i = 0; i < nlines; i++) {
        struct line *l = &lines[i];
        int uid = atoi(l->col[5]);
        if (uid < 1 || uid > 4)
            FAILF("line %d: X-User '%s'", i, l->col[5]);
        if (!conn_of[uid][0]) {
            size_t n = strlen(l->col[0]) < 31 ? strlen(l->col[0]) : 31;
            memcpy(conn_of[uid], l->col[0], n);
            conn_of[uid][n] = 0;
        }
        /* one keep-alive connection per user, for the whole run */
        if (strcmp(conn_of[uid], l->col[0]))
            FAILF("user %d used connections %s and %s", uid, conn_of[uid],
                  l->col[0]);
        if (!strcmp(l->col[2], "/cookies")) {
            char want[32];
            snprintf(want, sizeof want, "u=%d", uid);
            if (strcmp(l->col[3], want))
                FAILF("user %d sent cookie '%s'", uid, l->col[3]);
            seen++;
        }
    }
    ASSERT(seen >= 8);
    for (int a = 1; a <= 4; a++)
        for (int b = a + 1; b <= 4; b++)
            ASSERT(strcmp(conn_of[a], conn_of[b]) != 0);
}

/* ---- failures are counted, never fatal ---------------------------------- */

static sw_step_t get_500(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        sw_req_begin(u, SW_GET, "/status/500");
        return sw_req_send(u, f, 1);
    case 1:
        if (sw_resp_status(u) != 500)
            return SW_STOP;
        sw_req_end(u);
    }
    return SW_DONE;
}
ONE_TASK(cls_500, get_500, NULL);

static sw_step_t get_about(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        sw_req_begin(u, SW_GET, "/about");
        return sw_req_send(u, f, 1);
    case 1:
        sw_req_end(u);
    }
    return SW_DONE;
}
ONE_TASK(cls_about, get_about, NULL);

static sw_step_t get_slow(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        sw_req_begin(u, SW_GET, "/delay/3000");
        sw_req_timeout_ms(u, 100);
        return sw_req_send(u, f, 1);
    case 1:
        sw_req_end(u);
    }
    return SW_DONE;
}
ONE_TASK(cls_slow, get_slow, NULL);

TEST(failures_counted_not_fatal)
{
    SCEN(sc, cls_500);
    ASSERT_EQ(run(&sc, ARGS("-H", host, "-t", "300ms")), 0);
    ASSERT(nlines >= 3);
    ASSERT_EQ(run(&sc, ARGS("-H", host, "-t", "300ms",
                            "--exit-code-on-error", "3")), 3);
    SCEN(ok, cls_about);
    ASSERT_EQ(run(&ok, ARGS("-H", host, "-t", "300ms",
                            "--exit-code-on-error", "3")), 0);
    /* connection refused: every request fails, the run goes on */
    ASSERT_EQ(run(&ok, ARGS("-H", "http://127.0.0.1:1", "-u", "3", "-t",
                            "300ms", "--exit-code-on-error", "4")), 4);
    /* a request timeout is a failure too, and nothing hangs */
    SCEN(slow, cls_slow);
    ASSERT_EQ(run(&slow, ARGS("-H", host, "-t", "500ms",
                              "--exit-code-on-error", "5")), 5);
}

/* ---- redirects, request building, absolute URLs ------------------------- */

static sw_step_t build_all(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        sw_req_begin(u, SW_GET, "/redirect");
        return sw_req_send(u, f, 1);
    case 1:
        if (sw_resp_status(u) != 200)
            return SW_STOP;
        sw_req_end(u);
        sw_req_begin(u, SW_GET, "/redirect");
        sw_req_redirects(u, 0);
        return sw_req_send(u, f, 2);
    case 2: {
        if (sw_resp_status(u) != 302 ||
            !resp_header_is(u, "location", "/about"))
            return SW_STOP;
        sw_req_end(u);
        sw_req_begin(u, SW_POST, "/echo?a=1");
        sw_req_query(u, "k", "v w&x");
        sw_req_header(u, "X-User", "9");
        sw_req_body(u, "application/json", "{\"n\":1}");
        return sw_req_send(u, f, 3);
    }
    case 3:
        if (sw_resp_status(u) != 200 ||
            !strstr(resp_body(u), "application/json"))
            return SW_STOP;
        sw_req_end(u);
        sw_req_begin(u, SW_PUT, abs_about);      /* bypasses -H */
        return sw_req_send(u, f, 4);
    case 4:
        sw_req_end(u);
        sw_req_begin(u, SW_HEAD, "/about");
        return sw_req_send(u, f, 5);
    case 5:
        sw_req_end(u);
    }
    return SW_STOP;
}
ONE_TASK(cls_build, build_all, NULL);

static sw_step_t put_abs(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        sw_req_begin(u, SW_PUT, abs_about);
        return sw_req_send(u, f, 1);
    case 1:
        sw_req_end(u);
    }
    return SW_STOP;
}
ONE_TASK(cls_abs, put_abs, NULL);

TEST(redirects_building_and_absolute_urls)
{
    SCEN(sc, cls_abs);
    /* -H points nowhere: only an absolute URL reaches the target */
    ASSERT_EQ(run(&sc, ARGS("-H", "http://127.0.0.1:1", "-t", "5s",
                            "--exit-code-on-error", "3")), 0);
    ASSERT_EQ(nlines, 1);
    ASSERT_STR_EQ(lines[0].col[1], "PUT");
    ASSERT_STR_EQ(lines[0].col[2], "/echo");
    SCEN(sc2, cls_build);
    ASSERT_EQ(run(&sc2, ARGS("-H", host, "-t", "5s")), 0);
    ASSERT_EQ(nlines, 6);
    ASSERT_STR_EQ(lines[0].col[2], "/redirect");
    ASSERT_STR_EQ(lines[1].col[2], "/about");       /* followed */
    ASSERT_STR_EQ(lines[2].col[2], "/redirect");    /* not followed */
    ASSERT_STR_EQ(lines[3].col[1], "POST");
    ASSERT_STR_EQ(lines[3].col[2], "/echo?a=1&k=v%20w%26x");
    ASSERT_STR_EQ(lines[3].col[5], "9");
    ASSERT_STR_EQ(lines[3].col[6], "{\"n\":1}");
    ASSERT_STR_EQ(lines[4].col[1], "PUT");
    ASSERT_STR_EQ(lines[5].col[1], "HEAD");
}

/* ---- one pooled easy handle serves requests of every shape ------------- */

/* http.c sets only the options that changed since the handle's last
 * request: nothing of one request may leak into the next (method, body,
 * headers, the pre-parsed URL of a repeated path). */
static sw_step_t reuse(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        sw_req_begin(u, SW_POST, "/echo");
        sw_req_header(u, "X-User", "7");
        sw_req_body(u, "application/json", "{\"a\":1}");
        return sw_req_send(u, f, 1);
    case 1:
        sw_req_end(u);
        sw_req_begin(u, SW_GET, "/echo");
        return sw_req_send(u, f, 2);
    case 2:
        sw_req_end(u);
        sw_req_begin(u, SW_PUT, "/echo?x=1");
        sw_req_body(u, "text/plain", "put-body");
        return sw_req_send(u, f, 3);
    case 3:
        sw_req_end(u);
        sw_req_begin(u, SW_DELETE, "/echo?x=1");
        return sw_req_send(u, f, 4);
    case 4:
        sw_req_end(u);
        sw_req_begin(u, SW_HEAD, "/about");
        return sw_req_send(u, f, 5);
    case 5:
        sw_req_end(u);
        sw_req_begin(u, SW_GET, "/about");
        return sw_req_send(u, f, 6);
    case 6:
        if (strlen(resp_body(u)) == 0)   /* HEAD's no-body must not stick */
            return SW_STOP;
        sw_req_end(u);
        sw_req_begin(u, SW_GET, "/echo");
        sw_req_header(u, "X-User", "8");
        return sw_req_send(u, f, 7);
    case 7:
        sw_req_end(u);
        /* a URL that does not parse: a counted failure, and the handle
         * that had it set serves the next request normally */
        sw_req_begin(u, SW_GET, "http://[::1/x");
        return sw_req_send(u, f, 8);
    case 8:
        sw_req_end(u);
        sw_req_begin(u, SW_GET, "/echo?after=bad");
        return sw_req_send(u, f, 9);
    case 9:
        sw_req_end(u);
    }
    return SW_STOP;
}
ONE_TASK(cls_reuse, reuse, NULL);

TEST(pooled_handle_reuse)
{
    SCEN(sc, cls_reuse);
    /* exit code 6: the bad URL was counted as a failed request */
    ASSERT_EQ(run(&sc, ARGS("-H", host, "-t", "5s",
                            "--exit-code-on-error", "6")), 6);
    ASSERT_EQ(nlines, 8);
    ASSERT_STR_EQ(lines[7].col[2], "/echo?after=bad");
    static const char *const want[7][4] = {
        /* method, target, x-user, body */
        { "POST", "/echo", "7", "{\"a\":1}" },
        { "GET", "/echo", "-", "-" },
        { "PUT", "/echo?x=1", "-", "put-body" },
        { "DELETE", "/echo?x=1", "-", "-" },
        { "HEAD", "/about", "-", "-" },
        { "GET", "/about", "-", "-" },
        { "GET", "/echo", "8", "-" },
    };
    for (int i = 0; i < 7; i++) {
        ASSERT_STR_EQ(lines[i].col[1], want[i][0]);
        ASSERT_STR_EQ(lines[i].col[2], want[i][1]);
        ASSERT_STR_EQ(lines[i].col[5], want[i][2]);
        ASSERT_STR_EQ(lines[i].col[6], want[i][3]);
    }
    /* one user, one keep-alive connection for all of them */
    for (int i = 1; i < 8; i++)
        ASSERT_STR_EQ(lines[i].col[0], lines[0].col[0]);
}

/* ---- the pool of easy handles ------------------------------------------ */

static sw_step_t wave(sw_user_t *u, sw_frame_t *f)
{
    if (f->pc == 0) {
        sw_req_begin(u, SW_GET, "/about");
        return sw_req_send(u, f, 1);
    }
    sw_req_end(u);
    return SW_DONE;
}
ONE_TASK(cls_wave, wave, NULL);

TEST(pool_keeps_handles_between_waves)
{
    /* 200 users (100 per thread) spawned at once send together, wait
     * 20 ms, send again: every wave ends with no transfer in flight.  The
     * pool must keep its handles from one wave to the next (it used to
     * shrink to 64 as the transfers ended, and each next wave made 36 new
     * ones per thread): one handle per user, made once. */
    SCEN(sc, cls_wave);
    char path[96];
    snprintf(path, sizeof path, "%s/pool-stderr", dir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    setenv("SWARM_DEBUG_POOL", "1", 1);
    int rc = run(&sc, ARGS("-H", host, "-u", "200", "-r", "200",
                           "--iterations", "6", "-t", "20s"));
    unsetenv("SWARM_DEBUG_POOL");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(nlines, 1200);
    FILE *f = fopen(path, "r");
    ASSERT(f != NULL);
    char line[256];
    long made = -1, trimmed = -1, total = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "swarm: pool: %ld easy handles made, %ld freed",
                   &made, &trimmed) == 2)
            total += made;
    fclose(f);
    /* --threads 2 (see run): each thread's engine reports its own */
    ASSERT(made >= 0);
    if (total > 200)
        FAILF("%ld easy handles made for 200 users", total);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_setup_ = skip_old_log;
    test_suite_ = "unit/http";
    if (start_target() != 0) {
        printf("FAIL unit/http/start: demo-target did not start\n");
        stop_target();
        return 1;
    }
    RUN(cookies_and_connection_per_user);
    RUN(failures_counted_not_fatal);
    RUN(redirects_building_and_absolute_urls);
    RUN(pooled_handle_reuse);
    RUN(pool_keeps_handles_between_waves);
    stop_target();
    TEST_EXIT();
}
