/*
 * test-values.c - variables, the scratch arena, the scratch builders and
 * the built-ins (random, choice, uuid, env, user_id, now).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"
#include "swarm.h"
#include "user.h"
#include "data.h"
#include "rng.h"

/* The run's data (env values, regexes, feeders) every fake user reads. */
static struct sw__data D;

static sw_user_t *fake_user(int nvars)
{
    sw_user_t *u = calloc(1, sizeof(*u));
    if (u == NULL || sw__values_init(u, nvars) != 0)
        abort();
    u->id = 7;
    u->data = &D;
    sw__rng_seed(u->rng, 42, u->id);
    return u;
}

static void free_user(sw_user_t *u, int nvars)
{
    sw__values_free(u, nvars);
    free(u);
}

TEST(scratch_small_and_aligned)
{
    sw_user_t *u = fake_user(0);
    char *a = sw__scratch_alloc(u, 3);
    char *b = sw__scratch_alloc(u, 5);
    ASSERT(a != NULL && b != NULL && a != b);
    ASSERT_EQ((uintptr_t)a % 16, 0);
    ASSERT_EQ((uintptr_t)b % 16, 0);
    memcpy(a, "ab", 3);
    memcpy(b, "cdef", 5);
    ASSERT_STR_EQ(a, "ab");
    ASSERT_STR_EQ(b, "cdef");
    /* After a reset the same block is reused from its start. */
    sw__scratch_reset(u);
    char *c = sw__scratch_alloc(u, 3);
    ASSERT(c == a);
    free_user(u, 0);
}

TEST(scratch_overflow_and_growth)
{
    sw_user_t *u = fake_user(0);
    /* Far more than the first block: overflow chunks, all usable. */
    char *ptrs[200];
    for (int i = 0; i < 200; i++) {
        ptrs[i] = sw__scratch_alloc(u, 100);
        memset(ptrs[i], 'a' + i % 26, 100);
    }
    for (int i = 0; i < 200; i++)
        ASSERT_EQ(ptrs[i][99], 'a' + i % 26);
    ASSERT(u->scratch.more != NULL);
    char *big = sw__scratch_alloc(u, 1 << 20);
    memset(big, 'x', 1 << 20);
    sw__scratch_reset(u);
    ASSERT(u->scratch.more == NULL);
    ASSERT_EQ(u->scratch.used, 0);
    /* The block grew for the next resume, up to its cap (16 KB). */
    ASSERT_EQ(u->scratch.cap, 16 * 1024);
    for (int i = 0; i < 140; i++)            /* 140 * 112 < 16 KB */
        (void)sw__scratch_alloc(u, 100);
    ASSERT(u->scratch.more == NULL);
    free_user(u, 0);
}

TEST(itoa_btoa_cat)
{
    sw_user_t *u = fake_user(0);
    ASSERT_STR_EQ(sw_itoa(u, 0), "0");
    ASSERT_STR_EQ(sw_itoa(u, -42), "-42");
    ASSERT_STR_EQ(sw_itoa(u, INT64_MAX), "9223372036854775807");
    ASSERT_STR_EQ(sw_itoa(u, INT64_MIN), "-9223372036854775808");
    ASSERT_STR_EQ(sw_btoa(u, 1), "true");
    ASSERT_STR_EQ(sw_btoa(u, 0), "false");
    ASSERT_STR_EQ(sw_cat(u, 0), "");
    ASSERT_STR_EQ(sw_cat(u, 3, "/products/", sw_itoa(u, 5), "?x=1"),
                  "/products/5?x=1");
    ASSERT_STR_EQ(sw_cat(u, 3, "a", (const char *)NULL, "b"), "ab");
    free_user(u, 0);
}

TEST(json_quote)
{
    sw_user_t *u = fake_user(0);
    ASSERT_STR_EQ(sw_json_quote(u, ""), "\"\"");
    ASSERT_STR_EQ(sw_json_quote(u, NULL), "\"\"");
    ASSERT_STR_EQ(sw_json_quote(u, "bob"), "\"bob\"");
    ASSERT_STR_EQ(sw_json_quote(u, "a\"b\\c"), "\"a\\\"b\\\\c\"");
    ASSERT_STR_EQ(sw_json_quote(u, "l1\nl2\r\t\b\f"),
                  "\"l1\\nl2\\r\\t\\b\\f\"");
    ASSERT_STR_EQ(sw_json_quote(u, "\x01\x1f\x7f"),
                  "\"\\u0001\\u001f\\u007f\"");
    ASSERT_STR_EQ(sw_json_quote(u, "caf\xc3\xa9 \xe2\x82\xac"),
                  "\"caf\xc3\xa9 \xe2\x82\xac\"");
    free_user(u, 0);
}

TEST(urlencode)
{
    sw_user_t *u = fake_user(0);
    ASSERT_STR_EQ(sw_urlencode(u, ""), "");
    ASSERT_STR_EQ(sw_urlencode(u, "AZaz09-._~"), "AZaz09-._~");
    ASSERT_STR_EQ(sw_urlencode(u, "a b&c=d/e?f"), "a+b%26c%3Dd%2Fe%3Ff");
    ASSERT_STR_EQ(sw_urlencode(u, "caf\xc3\xa9+%"), "caf%C3%A9%2B%25");
    free_user(u, 0);
}

TEST(streq)
{
    ASSERT(sw_streq("a", "a"));
    ASSERT(!sw_streq("a", "b"));
    ASSERT(sw_streq(NULL, ""));
    ASSERT(!sw_streq(NULL, "x"));
}

TEST(variables)
{
    sw_user_t *u = fake_user(3);
    ASSERT_STR_EQ(sw_var_str(u, 0), "");
    ASSERT_EQ(sw_var_int(u, 1), 0);
    ASSERT(sw_var_row(u, 2) == NULL);
    sw_var_set_str(u, 0, "token-1");
    ASSERT_STR_EQ(sw_var_str(u, 0), "token-1");
    /* A scratch value copied into a variable survives a reset. */
    sw_var_set_str(u, 0, sw_cat(u, 2, "tok", "en-2"));
    sw__scratch_reset(u);
    (void)sw_cat(u, 1, "overwrite the scratch block");
    ASSERT_STR_EQ(sw_var_str(u, 0), "token-2");
    /* Setting a variable from its own value. */
    sw_var_set_str(u, 0, sw_var_str(u, 0));
    ASSERT_STR_EQ(sw_var_str(u, 0), "token-2");
    sw_var_set_str(u, 0, "");
    ASSERT_STR_EQ(sw_var_str(u, 0), "");
    sw_var_set_str(u, 0, NULL);
    ASSERT_STR_EQ(sw_var_str(u, 0), "");
    sw_var_set_int(u, 1, -5);
    ASSERT_EQ(sw_var_int(u, 1), -5);
    sw_var_set_row(u, 2, (const sw_row_t *)u);
    ASSERT(sw_var_row(u, 2) == (const sw_row_t *)u);
    sw_var_set_str(u, 1, "left to free");   /* freed by values_free */
    free_user(u, 3);
}

TEST(random_bounds_and_spread)
{
    sw_user_t *u = fake_user(0);
    int counts[10] = { 0 };
    for (int i = 0; i < 100000; i++) {
        int64_t v = sw_random(u, 1, 10);
        if (v < 1 || v > 10)
            FAILF("random(1, 10) gave %" PRId64, v);
        counts[v - 1]++;
    }
    /* Each value 10,000 times expected; 5 sigma is about 475. */
    for (int i = 0; i < 10; i++)
        if (counts[i] < 9500 || counts[i] > 10500)
            FAILF("value %d drawn %d times of 100000", i + 1, counts[i]);
    ASSERT_EQ(sw_random(u, 5, 5), 5);
    for (int i = 0; i < 1000; i++) {
        int64_t v = sw_random(u, 10, 1);        /* swapped ends */
        ASSERT(v >= 1 && v <= 10);
        v = sw_random(u, -3, -1);
        ASSERT(v >= -3 && v <= -1);
    }
    (void)sw_random(u, INT64_MIN, INT64_MAX);   /* full range: no trap */
    int saw_max = 0;
    for (int i = 0; i < 1000; i++)
        saw_max |= sw_random(u, INT64_MAX - 1, INT64_MAX) == INT64_MAX;
    ASSERT(saw_max);
    free_user(u, 0);
}

TEST(random_unseeded_user)
{
    sw_user_t *u = calloc(1, sizeof(*u));
    ASSERT(sw__values_init(u, 0) == 0);
    u->id = 3;
    int64_t a = sw_random(u, 0, 1000000);
    int64_t b = sw_random(u, 0, 1000000);
    int64_t c = sw_random(u, 0, 1000000);
    ASSERT(!(a == b && b == c));
    free_user(u, 0);
}

TEST(choice)
{
    sw_user_t *u = fake_user(0);
    int a = 0, b = 0, c = 0;
    for (int i = 0; i < 30000; i++) {
        const char *s = sw_choice_str(u, 3, "a", "b", "c");
        a += s[0] == 'a';
        b += s[0] == 'b';
        c += s[0] == 'c';
    }
    ASSERT_EQ(a + b + c, 30000);
    ASSERT(a > 9300 && b > 9300 && c > 9300);
    ASSERT_STR_EQ(sw_choice_str(u, 1, "only"), "only");
    ASSERT_STR_EQ(sw_choice_str(u, 0), "");
    int seen[3] = { 0 };
    for (int i = 0; i < 3000; i++) {
        int64_t v = sw_choice_int(u, 3, (int64_t)10, (int64_t)20,
                                  (int64_t)INT64_MAX);
        if (v == 10)
            seen[0]++;
        else if (v == 20)
            seen[1]++;
        else if (v == INT64_MAX)
            seen[2]++;
        else
            FAILF("choice_int gave %" PRId64, v);
    }
    ASSERT(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
    free_user(u, 0);
}

TEST(uuid_v4)
{
    sw_user_t *u = fake_user(0);
    char prev[37] = "";
    for (int i = 0; i < 1000; i++) {
        const char *id = sw_uuid(u);
        ASSERT_EQ(strlen(id), 36);
        for (int k = 0; k < 36; k++) {
            if (k == 8 || k == 13 || k == 18 || k == 23) {
                ASSERT_EQ(id[k], '-');
            } else if (!((id[k] >= '0' && id[k] <= '9') ||
                         (id[k] >= 'a' && id[k] <= 'f'))) {
                FAILF("bad uuid character in %s", id);
            }
        }
        ASSERT_EQ(id[14], '4');
        ASSERT(strchr("89ab", id[19]) != NULL);
        ASSERT(strcmp(prev, id) != 0);
        memcpy(prev, id, 37);
    }
    free_user(u, 0);
}

TEST(user_id_now)
{
    sw_user_t *u = fake_user(0);
    ASSERT_EQ(sw_user_id(u), 7);
    int64_t t = (int64_t)time(NULL) * 1000;
    int64_t now = sw_now_ms(u);
    ASSERT(now >= t - 2000 && now <= t + 2000);
    free_user(u, 0);
}

TEST(env_values)
{
    static const sw_env_def_t envs[] = {
        { "SW_TEST_SET", NULL },
        { "SW_TEST_UNSET_WITH_DEFAULT", "fallback" },
        { "SW_TEST_EMPTY", "unused" },
    };
    sw_scenario_t sc = { 0 };
    char err[256] = "";
    sc.envs = envs;
    sc.nenvs = 3;
    setenv("SW_TEST_SET", "value-1", 1);
    setenv("SW_TEST_EMPTY", "", 1);
    unsetenv("SW_TEST_UNSET_WITH_DEFAULT");
    ASSERT_EQ(sw__data_init(&D, &sc, 0, 1, err, sizeof(err)), 0);
    setenv("SW_TEST_SET", "changed later", 1);   /* read once only */
    sw_user_t *u = fake_user(0);
    ASSERT_STR_EQ(sw_env(u, 0), "value-1");
    ASSERT_STR_EQ(sw_env(u, 1), "fallback");
    ASSERT_STR_EQ(sw_env(u, 2), "");
    ASSERT_STR_EQ(sw_env(u, 3), "");
    free_user(u, 0);
    sw__data_free(&D);
}

TEST(env_unset_is_an_error)
{
    static const sw_env_def_t envs[] = {
        { "SW_TEST_SET2", NULL },
        { "SW_TEST_MISSING", NULL },
    };
    sw_scenario_t sc = { 0 };
    char err[256] = "";
    sc.envs = envs;
    sc.nenvs = 2;
    setenv("SW_TEST_SET2", "x", 1);
    unsetenv("SW_TEST_MISSING");
    ASSERT_EQ(sw__data_init(&D, &sc, 0, 1, err, sizeof(err)), -1);
    ASSERT_STR_EQ(err, "environment variable 'SW_TEST_MISSING' is not set "
                       "and env(\"SW_TEST_MISSING\") has no default");
    sw__data_free(&D);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "values";
    RUN(scratch_small_and_aligned);
    RUN(scratch_overflow_and_growth);
    RUN(itoa_btoa_cat);
    RUN(json_quote);
    RUN(urlencode);
    RUN(streq);
    RUN(variables);
    RUN(random_bounds_and_spread);
    RUN(random_unseeded_user);
    RUN(choice);
    RUN(uuid_v4);
    RUN(user_id_now);
    RUN(env_values);
    RUN(env_unset_is_an_error);
    TEST_EXIT();
}
