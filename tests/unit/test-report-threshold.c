/* test-report-threshold.c - threshold parsing and evaluation. */
#include "test.h"
#include "stats_int.h"
#include "threshold.h"

#include <math.h>

struct ok_case {
    const char *text;
    const char *name;
    sw_metric_t metric;
    double pct;
    sw_cmp_t cmp;
    double value;
    int abort_on_fail;
};

static const struct ok_case ok_cases[] = {
    {"p95<300ms", NULL, SW_METRIC_PERCENTILE, 95, SW_CMP_LT, 300, 0},
    {"p95 < 300", NULL, SW_METRIC_PERCENTILE, 95, SW_CMP_LT, 300, 0},
    {"/cart/add p99 < 1s", "/cart/add", SW_METRIC_PERCENTILE, 99, SW_CMP_LT,
     1000, 0},
    {"\"/a b\" p(99.9) <= 1.5s", "/a b", SW_METRIC_PERCENTILE, 99.9,
     SW_CMP_LE, 1500, 0},
    {"failures < 1%", NULL, SW_METRIC_FAILURE_RATIO, 0, SW_CMP_LT, 0.01, 0},
    {"failures < 10", NULL, SW_METRIC_FAILURES, 0, SW_CMP_LT, 10, 0},
    {"fail_ratio<0.05", NULL, SW_METRIC_FAILURE_RATIO, 0, SW_CMP_LT, 0.05, 0},
    {"error_rate < 2%", NULL, SW_METRIC_FAILURE_RATIO, 0, SW_CMP_LT, 0.02, 0},
    {"rps > 500", NULL, SW_METRIC_RPS, 0, SW_CMP_GT, 500, 0},
    {"rps >= 500/s", NULL, SW_METRIC_RPS, 0, SW_CMP_GE, 500, 0},
    {"requests >= 100", NULL, SW_METRIC_REQUESTS, 0, SW_CMP_GE, 100, 0},
    {"avg < 250us", NULL, SW_METRIC_AVG, 0, SW_CMP_LT, 0.25, 0},
    {"max < 2m abort", NULL, SW_METRIC_MAX, 0, SW_CMP_LT, 120000, 1},
    {"med == 5", NULL, SW_METRIC_PERCENTILE, 50, SW_CMP_EQ, 5, 0},
    {"/x median != 5ms", "/x", SW_METRIC_PERCENTILE, 50, SW_CMP_NE, 5, 0},
};

TEST(parse_ok)
{
    char err[256];
    for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
        const struct ok_case *c = &ok_cases[i];
        sw_threshold_t t;
        if (sw__threshold_parse(c->text, &t, err, sizeof(err)) != 0)
            FAILF("'%s' refused: %s", c->text, err);
        ASSERT(t.text == c->text);
        if (c->name)
            ASSERT_STR_EQ(t.name, c->name);
        else
            ASSERT(t.name == NULL);
        if (t.metric != c->metric || t.cmp != c->cmp ||
            fabs(t.value - c->value) > 1e-9 || t.pct != c->pct ||
            t.abort_on_fail != c->abort_on_fail)
            FAILF("'%s' parsed as metric %d pct %g cmp %d value %g abort %d",
                  c->text, t.metric, t.pct, t.cmp, t.value, t.abort_on_fail);
        free((char *)t.name);
    }
}

TEST(parse_errors)
{
    const char *bad[] = {"", "p95", "p95 <", "p95 < abc", "p95 < 3 parsecs",
                         "rps < 5ms", "p101 < 3", "p95 ~ 3",
                         "\"/open p95 < 3", "fail_ratio < 5",
                         "p95 < 3ms extra", "avg < 5%", "p95 < -1"};
    char err[256];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sw_threshold_t t;
        err[0] = '\0';
        if (sw__threshold_parse(bad[i], &t, err, sizeof(err)) == 0) {
            free((char *)t.name);
            FAILF("'%s' accepted", bad[i]);
        }
        if (strstr(err, "bad threshold") == NULL)
            FAILF("'%s': no message", bad[i]);
    }
}

static void rec(struct sw__stats *s, const char *name, int64_t us,
                const char *err)
{
    struct sw__sample x;
    memset(&x, 0, sizeof(x));
    x.method = SW_GET;
    x.name = name;
    x.latency_us = us;
    x.intended_us = us;
    x.error = err;
    x.timing.dns_us = x.timing.connect_us = x.timing.tls_us = -1;
    x.timing.ttfb_us = x.timing.total_us = -1;
    x.now_ms = 1000;
    sw__stats_record(s, &x);
}

static int eval(const char *text, const struct sw__stats *s, double dur,
                double *actual)
{
    sw_threshold_t t;
    char err[128];
    if (sw__threshold_parse(text, &t, err, sizeof(err)) != 0)
        return -1;
    int r = sw__threshold_eval(&t, s, dur, actual);
    free((char *)t.name);
    return r;
}

TEST(evaluate)
{
    struct sw__stats *s = sw__stats_new();
    /* /fast: 1..100 ms; /slow: 1 s each, 10 % failures overall */
    for (int i = 1; i <= 100; i++)
        rec(s, "/fast", i * 1000, i <= 10 ? "bad" : NULL);
    for (int i = 0; i < 10; i++)
        rec(s, "/slow", 1000000, NULL);
    double a;
    ASSERT_EQ(eval("/fast p95 < 96ms", s, 10, &a), 1);
    ASSERT(fabs(a - 95.0) < 0.1);
    ASSERT_EQ(eval("/fast p95 < 95ms", s, 10, &a), 0);
    ASSERT_EQ(eval("p99 < 500ms", s, 10, &a), 0);
    ASSERT(fabs(a - 1000.0) < 1.0);
    ASSERT_EQ(eval("max <= 1s", s, 10, &a), 1);
    ASSERT_EQ(eval("/fast avg < 51ms", s, 10, &a), 1);
    ASSERT(fabs(a - 50.5) < 1e-9);
    ASSERT_EQ(eval("failures < 10%", s, 10, &a), 1);      /* 10/110 */
    ASSERT(fabs(a - 10.0 / 110.0) < 1e-12);
    ASSERT_EQ(eval("/fast failures < 10%", s, 10, &a), 0);  /* 10/100 */
    ASSERT_EQ(eval("failures <= 10", s, 10, &a), 1);
    ASSERT_EQ(eval("rps > 10", s, 10, &a), 1);            /* 110 in 10 s */
    ASSERT(fabs(a - 11.0) < 1e-12);
    ASSERT_EQ(eval("requests == 110", s, 10, &a), 1);
    ASSERT_EQ(eval("/none requests > 0", s, 10, &a), 0);
    ASSERT_EQ(eval("/none p95 < 1ms", s, 10, &a), 1);  /* no data: 0 */
    sw__stats_free(s);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "report-threshold";
    RUN(parse_ok);
    RUN(parse_errors);
    RUN(evaluate);
    TEST_EXIT();
}
