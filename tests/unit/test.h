/*
 * test.h - a tiny unit-test harness.  Each test-*.c defines tests with
 * TEST(name) { ... } and lists them in main through RUN(name).  Output lines
 * are "PASS suite/name" or "FAIL suite/name: file:line: message", which
 * tests/run.sh counts.
 */
#ifndef SW_TEST_H
#define SW_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

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

#define RUN(name)                                                        \
    do {                                                                 \
        char full_[256];                                                 \
        snprintf(full_, sizeof(full_), "%s/%s", test_suite_, #name);     \
        test_current_ = full_;                                           \
        test_failed_ = 0;                                                \
        test_##name();                                                   \
        if (!test_failed_)                                               \
            printf("PASS %s\n", full_);                                  \
        else                                                             \
            test_any_failed_ = 1;                                        \
        fflush(stdout);                                                  \
    } while (0)

#define TEST_EXIT() return test_any_failed_ ? 1 : 0

#endif /* SW_TEST_H */
