/*
 * test-webform.c - the web UI's form bodies: percent-decoding and the
 * checks of POST /swarm's fields (runtime/web/form.c).
 */
#include "test.h"
#include "web/form.h"

static long dec(const char *s, char *out)
{
    return sw__web_urldecode(s, strlen(s), out);
}

TEST(urldecode)
{
    char out[64];
    ASSERT_EQ(dec("a+b%20c%2Fd", out), 7);
    ASSERT_STR_EQ(out, "a b c/d");
    ASSERT_EQ(dec("%41%6a", out), 2);
    ASSERT_STR_EQ(out, "Aj");
    ASSERT_EQ(dec("", out), 0);
    ASSERT_EQ(dec("%", out), -1);
    ASSERT_EQ(dec("%4", out), -1);
    ASSERT_EQ(dec("%zz", out), -1);
    ASSERT_EQ(dec("a%00b", out), -1);   /* a NUL would cut the value */
}

static int parse(const char *body, struct sw__web_form *f, char *why)
{
    return sw__web_form_parse(body, strlen(body), 1000, f, why, 256);
}

TEST(start_form)
{
    struct sw__web_form f;
    char why[256];
    ASSERT_EQ(parse("user_count=20&spawn_rate=2.5&host=http%3A%2F%2F"
                    "127.0.0.1%3A8080&run_time=1m30s&user_classes=X", &f,
                    why), 0);
    ASSERT(f.has_users && f.users == 20);
    ASSERT(f.has_rate && f.rate == 2.5);
    ASSERT_STR_EQ(f.host, "http://127.0.0.1:8080");
    ASSERT(f.has_run_time && f.run_time_ms == 90000);
    sw__web_form_free(&f);
    /* empty fields are "not given"; the last of repeated fields wins */
    ASSERT_EQ(parse("user_count=&host=&run_time=&spawn_rate=1&spawn_rate=3",
                    &f, why), 0);
    ASSERT(!f.has_users && !f.host && !f.has_run_time);
    ASSERT(f.has_rate && f.rate == 3);
    sw__web_form_free(&f);
    ASSERT_EQ(parse("", &f, why), 0);
    ASSERT(!f.has_users && !f.has_rate);
    sw__web_form_free(&f);
}

static void bad(const char *body, const char *reason)
{
    struct sw__web_form f;
    char why[256];
    if (parse(body, &f, why) == 0) {
        sw__web_form_free(&f);
        printf("FAIL %s: '%s' was accepted\n", test_current_, body);
        test_failed_ = 1;
        return;
    }
    if (!strstr(why, reason)) {
        printf("FAIL %s: '%s': reason '%s', expected '%s'\n", test_current_,
               body, why, reason);
        test_failed_ = 1;
    }
}

TEST(bad_values)
{
    bad("user_count=abc", "user_count: expected a positive integer, got 'abc'");
    bad("user_count=-1", "user_count: expected a positive integer");
    bad("user_count=0", "user_count: expected a positive integer");
    bad("user_count=+5", "user_count: expected a positive integer");
    bad("user_count=1e3", "user_count: expected a positive integer");
    bad("user_count=99999999999999999999", "user_count: expected");
    bad("user_count=1001", "user_count: at most 1000 users");
    bad("spawn_rate=0", "spawn_rate: expected a number > 0");
    bad("spawn_rate=nan", "spawn_rate: expected a number > 0");
    bad("spawn_rate=inf", "spawn_rate: expected a number > 0");
    bad("spawn_rate=%201", "spawn_rate: expected a number > 0");
    bad("spawn_rate=2000000", "spawn_rate: expected a number > 0");
    bad("host=127.0.0.1", "host: expected an http:// or https:// URL");
    bad("host=http://", "host: expected an http:// or https:// URL");
    bad("host=http://a%20b", "host: expected an http:// or https:// URL");
    bad("host=http://x/%3Cscript%3E", "host: expected an http:// or https:// URL");
    bad("host=ftp://x", "host: expected an http:// or https:// URL");
    bad("run_time=soon", "run_time: expected a duration");
    bad("run_time=0", "run_time: expected a duration");
    bad("user_count=%zz", "user_count: a bad %-escape");
    bad("us%zzer=1", "a bad %-escape in a field name");
    /* a long value is shown cut, printable only */
    bad("user_count=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "...'");
    bad("user_count=%01x", "got '?x'");
}

int main(void)
{
    test_suite_ = "webform";
    RUN(urldecode);
    RUN(start_form);
    RUN(bad_values);
    TEST_EXIT();
}
