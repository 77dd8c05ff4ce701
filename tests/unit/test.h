/*
 * test.h - a tiny unit-test harness in the libuv style.  Each test-*.c
 * defines tests with TEST(name) { ... } and lists them in main through
 * RUN(name) (the test list).  Every test runs in a process of its own
 * (fork), with a timeout (SW_TEST_TIMEOUT seconds, default 120), so a
 * crash, a hang or a leak report (LeakSanitizer runs at the child's exit)
 * is that test's failure and nothing else's.  Output lines are
 * "PASS suite/name" or "FAIL suite/name: why", which tests/run.sh counts.
 * `test-x NAME` runs only the test NAME, in the same process (a debugger's
 * view).  A suite whose tests need a fresh view of shared state sets
 * test_setup_, called in the child before the test.
 *
 * Tests that create a uv loop check that it closes with nothing open
 * (test_loop_closes); tests that go through sw_main get the same check
 * from its exit status (70 when a loop of the runtime was left open).
 */
#ifndef SW_TEST_H
#define SW_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int test_failed_;
static int test_any_failed_;

#define TEST(name) static void test_##name(void)

#define FAILF(...)                                                       \
    do {                                                                 \
        printf("FAIL %s: %s:%d: ", test_current_, __FILE__, __LINE__);   \
        printf(__VA_ARGS__);                                             \
        printf("\n");                                                    \
        test_failed_ = 1;                                                \
        return;                                                          \
    } while (0)

#define ASSERT(c)                                                        \
    do {                                                                 \
        if (!(c))                                                        \
            FAILF("assertion failed: %s", #c);                           \
    } while (0)

#define ASSERT_EQ(a, b)                                                  \
    do {                                                                 \
        long long a_ = (long long)(a), b_ = (long long)(b);              \
        if (a_ != b_)                                                    \
            FAILF("%s == %lld, expected %s == %lld", #a, a_, #b, b_);    \
    } while (0)

#define ASSERT_STR_EQ(a, b)                                              \
    do {                                                                 \
        const char *a_ = (a), *b_ = (b);                                 \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                           \
            FAILF("%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)",\
                  b_ ? b_ : "(null)");                                   \
    } while (0)

static const char *test_suite_ = "unit";
static const char *test_current_ = "";

static const char *test_only_;          /* argv[1]: only this test */
static void (*test_setup_)(void);       /* per test, in its process */

static int test_timeout_s_(void)
{
    const char *e = getenv("SW_TEST_TIMEOUT");
    int t = e ? atoi(e) : 0;
    return t > 0 ? t : 120;
}

static void test_run_(const char *name, void (*fn)(void))
{
    static char full[256];
    snprintf(full, sizeof(full), "%s/%s", test_suite_, name);
    test_current_ = full;
    test_failed_ = 0;
    if (test_only_ != NULL) {
        if (strcmp(test_only_, name) != 0)
            return;
        if (test_setup_)
            test_setup_();
        fn();
        if (!test_failed_)
            printf("PASS %s\n", full);
        else
            test_any_failed_ = 1;
        fflush(stdout);
        return;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        printf("FAIL %s: fork: %s\n", full, strerror(errno));
        test_any_failed_ = 1;
        return;
    }
    if (pid == 0) {
        alarm((unsigned)test_timeout_s_());
        if (test_setup_)
            test_setup_();
        fn();
        fflush(stdout);
        fflush(stderr);
        if (test_failed_)
            _exit(1);           /* reported already (FAILF) */
        exit(0);                /* exit handlers: LeakSanitizer's report */
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        printf("PASS %s\n", full);
    } else {
        test_any_failed_ = 1;
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
            printf("FAIL %s: timed out after %d s\n", full,
                   test_timeout_s_());
        else if (WIFSIGNALED(st))
            printf("FAIL %s: killed by signal %d (%s)\n", full,
                   WTERMSIG(st), strsignal(WTERMSIG(st)));
        else if (WEXITSTATUS(st) != 1)
            printf("FAIL %s: exited with status %d (a sanitizer's report "
                   "is on stderr)\n", full, WEXITSTATUS(st));
    }
    fflush(stdout);
}

#define RUN(name) test_run_(#name, test_##name)

/* Runs what is left on loop and closes it: 0 when nothing was left open
 * (uv_walk finds no handle, uv_loop_close succeeds), else -1. */
#ifdef UV_VERSION_MAJOR
static void test_count_handle_(uv_handle_t *h, void *arg)
{
    (void)h;
    ++*(int *)arg;
}

static int test_loop_closes(uv_loop_t *loop)
{
    int open = 0;
    uv_run(loop, UV_RUN_DEFAULT);
    uv_walk(loop, test_count_handle_, &open);
    return open == 0 && uv_loop_close(loop) == 0 ? 0 : -1;
}
#endif

#define TEST_EXIT() return test_any_failed_ ? 1 : 0

#endif /* SW_TEST_H */
