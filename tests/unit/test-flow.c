/*
 * test-flow.c - weighted choice() (sw_choice_weighted_*): the draws follow
 * the weights.  The users are seeded (a fixed seed), so every run draws
 * the same values: the bounds below are loose (many standard deviations)
 * and can only fail when the distribution is wrong, never by chance.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "swarm.h"
#include "user.h"
#include "rng.h"

static sw_user_t *fake_user(int64_t id)
{
    sw_user_t *u = calloc(1, sizeof(*u));
    if (u == NULL || sw__values_init(u, 0) != 0)
        abort();
    u->id = id;
    sw__rng_seed(u->rng, 1234, u->id);
    return u;
}

static void free_user(sw_user_t *u)
{
    sw__values_free(u, 0);
    free(u);
}

/* 200,000 draws over 20 users of weights 3:1: "a" is 75% (sd 0.1%). */
TEST(weighted_str_three_to_one)
{
    const int64_t w[] = { 3, 1 };
    long a = 0, b = 0, other = 0;
    for (int64_t id = 1; id <= 20; id++) {
        sw_user_t *u = fake_user(id);
        for (int i = 0; i < 10000; i++) {
            const char *s = sw_choice_weighted_str(u, 2, w, "a", "b");
            if (strcmp(s, "a") == 0)
                a++;
            else if (strcmp(s, "b") == 0)
                b++;
            else
                other++;
        }
        free_user(u);
    }
    ASSERT_EQ(other, 0);
    double pa = (double)a / (double)(a + b);
    if (pa < 0.74 || pa > 0.76)
        FAILF("share of 'a' %.4f, expected 0.75 +- 0.01", pa);
}

/* Weights 1:2:7 over ints, and a value of weight 1 among large ones
 * still comes up (no value is starved by rounding). */
TEST(weighted_int_spread)
{
    const int64_t w[] = { 1, 2, 7 };
    long n[3] = { 0 };
    sw_user_t *u = fake_user(7);
    for (int i = 0; i < 100000; i++) {
        int64_t v = sw_choice_weighted_int(u, 3, w, (int64_t)10, (int64_t)20,
                                           (int64_t)30);
        ASSERT(v == 10 || v == 20 || v == 30);
        n[v / 10 - 1]++;
    }
    free_user(u);
    const double want[] = { 0.1, 0.2, 0.7 };
    for (int i = 0; i < 3; i++) {
        double p = (double)n[i] / 100000.0;
        if (p < want[i] - 0.01 || p > want[i] + 0.01)
            FAILF("value %d: share %.4f, expected %.2f +- 0.01", (i + 1) * 10,
                  p, want[i]);
    }
    const int64_t skew[] = { 1000000000, 1 };
    sw_user_t *v = fake_user(9);
    long rare = 0;
    for (int i = 0; i < 1000; i++)
        rare += sw_choice_weighted_int(v, 2, skew, (int64_t)1, (int64_t)2) == 2;
    free_user(v);
    ASSERT(rare <= 1);
}

/* One value: always it, whatever its weight. */
TEST(weighted_single)
{
    const int64_t w[] = { 5 };
    sw_user_t *u = fake_user(3);
    for (int i = 0; i < 100; i++)
        ASSERT_STR_EQ(sw_choice_weighted_str(u, 1, w, "only"), "only");
    free_user(u);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "flow";
    RUN(weighted_str_three_to_one);
    RUN(weighted_int_spread);
    RUN(weighted_single);
    TEST_EXIT();
}
