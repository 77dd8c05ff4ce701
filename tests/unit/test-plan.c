/*
 * test-plan.c - the pure scheduling arithmetic (runtime/plan.c, rng.c):
 * wait formulas, weighted choice, class spreading, spawn steps, plans.
 */
#include <math.h>
#include "test.h"
#include "plan.h"
#include "arrival.h"
#include "rng.h"
#include "worker.h"

TEST(wait_constant)
{
    sw_wait_t w = { SW_WAIT_CONSTANT, 250, 0, 0 };
    struct sw__pacing p;
    uint64_t r[4];
    sw__pacing_init(&p);
    sw__rng_seed(r, 1, 1);
    ASSERT(sw__wait_ms(&w, &p, 0, r) == 250);
    ASSERT(sw__wait_ms(&w, &p, 1000, r) == 250);
    sw_wait_t none = { SW_WAIT_INHERIT, 0, 0, 0 };
    ASSERT(sw__wait_ms(&none, &p, 0, r) == 0);
}

TEST(wait_between_range_and_mean)
{
    sw_wait_t w = { SW_WAIT_BETWEEN, 1000, 5000, 0 };
    struct sw__pacing p;
    uint64_t r[4];
    double sum = 0, lo = 1e9, hi = -1;
    sw__pacing_init(&p);
    sw__rng_seed(r, 42, 7);
    for (int i = 0; i < 100000; i++) {
        double x = sw__wait_ms(&w, &p, 0, r);
        if (x < 1000 || x >= 5000)
            FAILF("between(1s,5s) gave %f", x);
        sum += x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    double mean = sum / 100000;
    ASSERT(fabs(mean - 3000) < 20);
    ASSERT(lo < 1010 && hi > 4990);
}

TEST(wait_pacing_locust_formula)
{
    /* constant_pacing(1s): first call = T whatever happened before; then
     * T - (time since the previous wait ended), never below 0. */
    sw_wait_t w = { SW_WAIT_PACING, 1000, 0, 0 };
    struct sw__pacing p;
    uint64_t r[4];
    sw__pacing_init(&p);
    sw__rng_seed(r, 1, 1);
    ASSERT(sw__wait_ms(&w, &p, 5000, r) == 1000);  /* wait ends at 6000 */
    /* task took 300 ms: next wait 700 */
    ASSERT(fabs(sw__wait_ms(&w, &p, 6300, r) - 700) < 1e-9);  /* ends 7000 */
    /* task took 1500 ms: overrun, 0, no catch-up */
    ASSERT(sw__wait_ms(&w, &p, 8500, r) == 0);
    /* then 200 ms: 800 */
    ASSERT(fabs(sw__wait_ms(&w, &p, 8700, r) - 800) < 1e-9);
}

TEST(wait_throughput_is_pacing_of_inverse)
{
    sw_wait_t w = { SW_WAIT_THROUGHPUT, 0, 0, 4 };   /* 4 per second */
    struct sw__pacing p;
    uint64_t r[4];
    sw__pacing_init(&p);
    sw__rng_seed(r, 1, 1);
    ASSERT(sw__wait_ms(&w, &p, 0, r) == 250);
    ASSERT(fabs(sw__wait_ms(&w, &p, 300, r) - 200) < 1e-9);
}

TEST(weighted_choice_distribution)
{
    int weights[] = { 3, 1, 1, 5 };
    int count[4] = { 0 };
    uint64_t r[4];
    sw__rng_seed(r, 9, 1);
    int n = 200000;
    for (int i = 0; i < n; i++)
        count[sw__pick_weighted(weights, 4, 10, r)]++;
    for (int i = 0; i < 4; i++) {
        double expect = n * weights[i] / 10.0;
        /* 5 standard deviations */
        double sd = sqrt(n * (weights[i] / 10.0) * (1 - weights[i] / 10.0));
        if (fabs(count[i] - expect) > 5 * sd)
            FAILF("task %d: %d picks, expected about %.0f", i, count[i],
                  expect);
    }
}

TEST(rng_same_seed_same_stream)
{
    uint64_t a[4], b[4], c[4];
    sw__rng_seed(a, 123, 5);
    sw__rng_seed(b, 123, 5);
    sw__rng_seed(c, 123, 6);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = sw__rng_next(a), y = sw__rng_next(b);
        ASSERT(x == y);
        differ += x != sw__rng_next(c);
    }
    ASSERT(differ > 90);
    for (int i = 0; i < 1000; i++)
        ASSERT(sw__rng_below(a, 7) < 7);
    ASSERT(sw__rng_below(a, 0) == 0);
}

static void spread_string(const sw_user_class_t *cls, int n, int users,
                          char *out)
{
    struct sw__spread sp;
    sw__spread_init(&sp, cls, n, NULL);
    for (int i = 0; i < users; i++) {
        int c = sw__spread_next(&sp);
        out[i] = c < 0 ? '-' : cls[c].name[0];
    }
    out[users] = 0;
    sw__spread_free(&sp);
}

TEST(spread_smooth_round_robin_5_to_1)
{
    /* Locust dispatch: weights 5:1 give AAABAAAAABAA */
    sw_user_class_t cls[2];
    memset(cls, 0, sizeof cls);
    cls[0].name = "B";
    cls[0].weight = 1;
    cls[1].name = "A";
    cls[1].weight = 5;
    char s[64];
    spread_string(cls, 2, 12, s);
    ASSERT_STR_EQ(s, "AAABAAAAABAA");
}

TEST(spread_fixed_first_then_weights)
{
    /* research: A(w3), B(w1), C(fixed 2), -u 10 -> A:6 B:2 C:2, C first */
    sw_user_class_t cls[3];
    memset(cls, 0, sizeof cls);
    cls[0].name = "A";
    cls[0].weight = 3;
    cls[1].name = "B";
    cls[1].weight = 1;
    cls[2].name = "C";
    cls[2].weight = 1;
    cls[2].fixed_count = 2;
    char s[64];
    spread_string(cls, 3, 10, s);
    ASSERT(s[0] == 'C' && s[1] == 'C');
    int a = 0, b = 0, c = 0;
    for (int i = 0; s[i]; i++) {
        a += s[i] == 'A';
        b += s[i] == 'B';
        c += s[i] == 'C';
    }
    ASSERT_EQ(a, 6);
    ASSERT_EQ(b, 2);
    ASSERT_EQ(c, 2);
}

TEST(spread_only_fixed_runs_out)
{
    sw_user_class_t cls[1];
    memset(cls, 0, sizeof cls);
    cls[0].name = "F";
    cls[0].fixed_count = 2;
    char s[8];
    spread_string(cls, 1, 4, s);
    ASSERT_STR_EQ(s, "FF--");
}

TEST(spread_skip)
{
    sw_user_class_t cls[2];
    memset(cls, 0, sizeof cls);
    cls[0].name = "A";
    cls[0].weight = 1;
    cls[1].name = "B";
    cls[1].weight = 1;
    unsigned char skip[2] = { 1, 0 };
    struct sw__spread sp;
    sw__spread_init(&sp, cls, 2, skip);
    for (int i = 0; i < 5; i++)
        ASSERT_EQ(sw__spread_next(&sp), 1);
    sw__spread_free(&sp);
}

TEST(ramp_locust_steps)
{
    /* r = 2.5: +2 at 0 s, +2 at 0.8 s, +1 at 1.6 s */
    double next;
    ASSERT_EQ(sw__ramp_count(0, 5, 2.5, 0, &next), 2);
    ASSERT(fabs(next - 800) < 1e-6);
    ASSERT_EQ(sw__ramp_count(0, 5, 2.5, 799, &next), 2);
    ASSERT_EQ(sw__ramp_count(0, 5, 2.5, 800, &next), 4);
    ASSERT(fabs(next - 1600) < 1e-6);
    ASSERT_EQ(sw__ramp_count(0, 5, 2.5, 1600, &next), 5);
    ASSERT(next < 0);
    /* r = 0.5: one user every 2 s */
    ASSERT_EQ(sw__ramp_count(0, 3, 0.5, 0, &next), 1);
    ASSERT(fabs(next - 2000) < 1e-6);
    ASSERT_EQ(sw__ramp_count(0, 3, 0.5, 4000, &next), 3);
    /* ramp down */
    ASSERT_EQ(sw__ramp_count(10, 4, 3, 0, &next), 7);
    ASSERT_EQ(sw__ramp_count(10, 4, 3, 1000, &next), 4);
}

TEST(plan_closed_model)
{
    struct sw__plan p;
    double next;
    ASSERT_EQ(sw__plan_init(&p, 10, 4, NULL, 0, 5000), 0);
    ASSERT_EQ(p.max_users, 10);
    ASSERT(p.end_ms == 5000);
    ASSERT_EQ(sw__plan_target(&p, 0, &next), 4);
    ASSERT(fabs(next - 1000) < 1e-6);
    ASSERT_EQ(sw__plan_target(&p, 2000, &next), 10);
    ASSERT(next < 0);
    sw__plan_free(&p);
    ASSERT_EQ(sw__plan_init(&p, 10, 4, NULL, 0, -1), 0);
    ASSERT(fabs(sw__plan_step_ms(&p, 0) - 1000) < 1e-6);
    sw__plan_free(&p);
    ASSERT_EQ(sw__plan_init(&p, 5, 2.5, NULL, 0, -1), 0);
    ASSERT(fabs(sw__plan_step_ms(&p, 0) - 800) < 1e-6);
    sw__plan_free(&p);
    ASSERT_EQ(sw__plan_init(&p, 1, 1, NULL, 0, -1), 0);
    ASSERT(p.end_ms < 0);
    sw__plan_free(&p);
}

TEST(plan_stages)
{
    /* 10s:10, 10s:10, 5s:0 */
    sw_stage_t st[3] = {
        { 10000, 10, -1 }, { 10000, 10, -1 }, { 5000, 0, -1 }
    };
    struct sw__plan p;
    double next;
    ASSERT_EQ(sw__plan_init(&p, 1, 1, st, 3, -1), 0);
    ASSERT_EQ(p.max_users, 10);
    ASSERT(p.end_ms == 25000);
    ASSERT_EQ(sw__plan_target(&p, 0, &next), 1);        /* 1 user/s */
    ASSERT(fabs(next - 1000) < 1e-6);
    ASSERT_EQ(sw__plan_target(&p, 9500, &next), 10);
    ASSERT_EQ(sw__plan_target(&p, 15000, &next), 10);
    ASSERT_EQ(sw__plan_target(&p, 20000, &next), 8);    /* 2 users/s down */
    ASSERT_EQ(sw__plan_target(&p, 24999, &next), 0);
    sw__plan_free(&p);
    /* -t earlier than the stages cuts the plan */
    ASSERT_EQ(sw__plan_init(&p, 1, 1, st, 3, 3000), 0);
    ASSERT(p.end_ms == 3000);
    sw__plan_free(&p);
}

/* ---- the open model: arrivals and intended starts ------------------- */

TEST(wait_intended_start)
{
    /* pacing(1s): the schedule is the previous task's start + 1 s, also
     * when that task overran (the next start is then late) */
    sw_wait_t w = { SW_WAIT_PACING, 1000, 0, 0 };
    struct sw__pacing p;
    uint64_t r[4];
    sw__pacing_init(&p);
    sw__rng_seed(r, 1, 1);
    ASSERT(sw__wait_intended_ms(&w, &p, 5000) == 6000);
    sw__wait_ms(&w, &p, 5000, r);                  /* task starts 6000 */
    ASSERT(sw__wait_intended_ms(&w, &p, 6300) == 7000);
    sw__wait_ms(&w, &p, 6300, r);                  /* on time: 7000 */
    ASSERT(sw__wait_intended_ms(&w, &p, 8500) == 8000);   /* 500 late */
    sw__wait_ms(&w, &p, 8500, r);                  /* starts 8500 */
    ASSERT(sw__wait_intended_ms(&w, &p, 8700) == 9500);
    sw_wait_t t = { SW_WAIT_THROUGHPUT, 0, 0, 4 };  /* pacing(250ms) */
    sw__pacing_init(&p);
    ASSERT(sw__wait_intended_ms(&t, &p, 100) == 350);
    sw_wait_t c = { SW_WAIT_CONSTANT, 250, 0, 0 };
    ASSERT(sw__wait_intended_ms(&c, &p, 100) == -1);
    sw_wait_t b = { SW_WAIT_BETWEEN, 1, 2, 0 };
    ASSERT(sw__wait_intended_ms(&b, &p, 100) == -1);
}

TEST(arrivals_constant_rate)
{
    struct sw__arrivals a;
    ASSERT_EQ(sw__arrivals_init(&a, 200, NULL, 0, 10000, -1), 0);
    ASSERT(sw__arrival_ms(&a, 0) == 0);
    ASSERT(fabs(sw__arrival_ms(&a, 1) - 5) < 1e-9);
    ASSERT(fabs(sw__arrival_ms(&a, 1999) - 9995) < 1e-6);
    ASSERT(sw__arrival_ms(&a, 2000) == -1);     /* at the end: none */
    ASSERT(sw__arrival_ms(&a, -1) == -1);
    ASSERT(fabs(sw__arrival_rate(&a, 5000) - 200) < 1e-9);
    ASSERT(sw__arrival_rate(&a, 10000) == 0);
    sw__arrivals_free(&a);
    /* no end, an --iterations cap of 7 */
    ASSERT_EQ(sw__arrivals_init(&a, 3, NULL, 0, -1, 7), 0);
    ASSERT(fabs(sw__arrival_ms(&a, 6) - 2000) < 1e-9);
    ASSERT(sw__arrival_ms(&a, 7) == -1);
    sw__arrivals_free(&a);
    /* no end and no cap: for ever */
    ASSERT_EQ(sw__arrivals_init(&a, 0.5, NULL, 0, -1, -1), 0);
    ASSERT(fabs(sw__arrival_ms(&a, 1000000) - 2e9) < 1e-3);
    sw__arrivals_free(&a);
}

TEST(arrivals_rate_stages_linear)
{
    /* 0 -> 100/s over 2 s: A(t) = 25 t^2, arrival n at sqrt(n / 25) s;
     * hold 100/s for 2 s; down to 0 over 1 s (50 arrivals) */
    const sw_stage_t st[] = { { 2000, -1, 100 }, { 2000, -1, 100 },
                              { 1000, -1, 0 } };
    struct sw__arrivals a;
    ASSERT_EQ(sw__arrivals_init(&a, -1, st, 3, -1, -1), 0);
    ASSERT(sw__arrival_ms(&a, 0) == 0);
    ASSERT(fabs(sw__arrival_ms(&a, 25) - 1000) < 1e-6);
    ASSERT(fabs(sw__arrival_ms(&a, 64) - 1600) < 1e-6);
    ASSERT(fabs(sw__arrival_ms(&a, 100) - 2000) < 1e-6);
    ASSERT(fabs(sw__arrival_ms(&a, 150) - 2500) < 1e-6);
    ASSERT(fabs(sw__arrival_ms(&a, 300) - 4000) < 1e-6);
    /* ramp-down: A = 300 + 100 t - 50 t^2; 37.5 more by t = 0.5 s */
    double t = sw__arrival_ms(&a, 337);
    double sec = (t - 4000) / 1000;
    ASSERT(fabs(100 * sec - 50 * sec * sec - 37) < 1e-6);
    ASSERT(sw__arrival_ms(&a, 349) > 4800);
    ASSERT(sw__arrival_ms(&a, 350) == -1);
    ASSERT(fabs(sw__arrival_rate(&a, 1000) - 50) < 1e-9);
    ASSERT(fabs(sw__arrival_rate(&a, 3000) - 100) < 1e-9);
    ASSERT(fabs(sw__arrival_rate(&a, 4500) - 50) < 1e-9);
    /* increasing everywhere, and the count up to t matches the integral */
    int64_t n = 0;
    double prev = -1;
    for (; sw__arrival_ms(&a, n) >= 0; n++) {
        ASSERT(sw__arrival_ms(&a, n) >= prev);
        prev = sw__arrival_ms(&a, n);
    }
    ASSERT_EQ(n, 350);
    sw__arrivals_free(&a);
    /* a start rate with stages; -t cuts the schedule */
    const sw_stage_t flat[] = { { 1000, -1, 10 } };
    ASSERT_EQ(sw__arrivals_init(&a, 10, flat, 1, 500, -1), 0);
    ASSERT(fabs(sw__arrival_ms(&a, 4) - 400) < 1e-9);
    ASSERT(sw__arrival_ms(&a, 5) == -1);
    sw__arrivals_free(&a);
    /* a pause at 0/s in the middle */
    const sw_stage_t gap[] = { { 1000, -1, 10 }, { 1000, -1, 0 },
                               { 1000, -1, 0 }, { 1000, -1, 10 } };
    ASSERT_EQ(sw__arrivals_init(&a, 10, gap, 4, -1, -1), 0);
    /* 10 in the first second, 5 in the ramp down, then the ramp up's */
    ASSERT(fabs(sw__arrival_ms(&a, 10) - 1000) < 1e-6);
    ASSERT(sw__arrival_ms(&a, 14) < 2000);
    ASSERT(sw__arrival_ms(&a, 15) >= 3000);
    sw__arrivals_free(&a);
}

TEST(arrivals_striped_over_threads_and_shards)
{
    /* arrival n: shard n mod 3, then thread (n / 3) mod 2 */
    struct sw__options o;
    memset(&o, 0, sizeof o);
    o.shard_count = 3;
    int seen[60] = { 0 };
    for (int sh = 0; sh < 3; sh++) {
        o.shard_index = sh;
        for (int th = 0; th < 2; th++)
            for (int64_t m = 0; m < 10; m++) {
                int64_t n = sw__arrival_index(&o, 2, th, m);
                ASSERT(n >= 0 && n < 60);
                ASSERT_EQ(n % 3, sh);
                ASSERT_EQ((n / 3) % 2, th);
                seen[n]++;
            }
    }
    for (int n = 0; n < 60; n++)
        ASSERT_EQ(seen[n], 1);
    struct sw__options q;
    memset(&q, 0, sizeof q);
    q.rate_per_s = -1;
    ASSERT(!sw__open_model(&q));
    q.rate_per_s = 5;
    ASSERT(sw__open_model(&q));
    const sw_stage_t rs[] = { { 1000, -1, 5 } };
    const sw_stage_t us[] = { { 1000, 5, -1 } };
    q.rate_per_s = -1;
    q.stages = rs;
    q.nstages = 1;
    ASSERT(sw__open_model(&q));
    q.stages = us;
    ASSERT(!sw__open_model(&q));
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "unit/plan";
    RUN(wait_intended_start);
    RUN(arrivals_constant_rate);
    RUN(arrivals_rate_stages_linear);
    RUN(arrivals_striped_over_threads_and_shards);
    RUN(wait_constant);
    RUN(wait_between_range_and_mean);
    RUN(wait_pacing_locust_formula);
    RUN(wait_throughput_is_pacing_of_inverse);
    RUN(weighted_choice_distribution);
    RUN(rng_same_seed_same_stream);
    RUN(spread_smooth_round_robin_5_to_1);
    RUN(spread_fixed_first_then_weights);
    RUN(spread_only_fixed_runs_out);
    RUN(spread_skip);
    RUN(ramp_locust_steps);
    RUN(plan_closed_model);
    RUN(plan_stages);
    TEST_EXIT();
}
