/* test-metrics.c - custom metrics (counters, trends), group rows and
 * thresholds on both, in the per-thread statistics. */
#include "test.h"
#include "stats_int.h"
#include "threshold.h"

#include <pthread.h>

static const sw_metric_def_t defs[] = {
    { "items", SW_COUNTER },
    { "basket", SW_TREND },
    { "think", SW_TREND_TIME },
};

TEST(counter_and_trend)
{
    struct sw__stats *s = sw__stats_new();
    ASSERT(s);
    sw__stats_declare_metrics(s, defs, 3);
    ASSERT_EQ(s->metrics.n, 3);
    sw__stats_count(s, defs, 0, 1);
    sw__stats_count(s, defs, 0, 4);
    for (int v = 1; v <= 100; v++)
        sw__stats_record_metric(s, defs, 1, v);
    sw__stats_record_metric(s, defs, 2, 250);
    sw__stats_record_metric(s, defs, 2, 750);
    const struct sw__metric *c = sw__metrics_find(&s->metrics, "items");
    ASSERT(c);
    ASSERT_EQ(c->n, 2);
    ASSERT_EQ(c->sum, 5);
    const struct sw__metric *t = sw__metrics_find(&s->metrics, "basket");
    ASSERT_EQ(t->n, 100);
    /* values below 2048 are exact in the runtime's HDR configuration */
    ASSERT(sw__metric_pct(t, 50) == 50.0);
    ASSERT(sw__metric_pct(t, 95) == 95.0);
    ASSERT(sw__metric_pct(t, 100) == 100.0);
    ASSERT(sw__metric_min(t) == 1.0);
    ASSERT(sw__metric_max(t) == 100.0);
    ASSERT(sw__metric_avg(t) == 50.5);
    const struct sw__metric *d = sw__metrics_find(&s->metrics, "think");
    ASSERT_EQ(d->max, 750000);      /* kept in us */
    ASSERT(sw__metric_max(d) == 750.0);
    ASSERT(sw__metric_avg(d) == 500.0);
    /* a negative value counts as 0, and is counted */
    sw__stats_record_metric(s, defs, 1, -3);
    ASSERT_EQ(t->negative, 1);
    ASSERT(sw__metric_min(t) == 0.0);
    /* reset keeps the declared metrics, empty */
    sw__stats_reset(s);
    ASSERT_EQ(s->metrics.n, 3);
    ASSERT_EQ(sw__metrics_find(&s->metrics, "items")->sum, 0);
    ASSERT_EQ(sw__metrics_find(&s->metrics, "basket")->hdr->total_count, 0);
    sw__stats_free(s);
}

TEST(merge_exact)
{
    struct sw__stats *a = sw__stats_new(), *b = sw__stats_new();
    struct sw__stats *all = sw__stats_new(), *one = sw__stats_new();
    ASSERT(a && b && all && one);
    for (int v = 0; v < 1000; v++) {
        sw__stats_record_metric(v % 2 ? a : b, defs, 1, v * 37 % 5000);
        sw__stats_record_metric(one, defs, 1, v * 37 % 5000);
        sw__stats_count(v % 3 ? a : b, defs, 0, v);
        sw__stats_count(one, defs, 0, v);
    }
    sw__stats_merge(all, a);
    sw__stats_merge(all, b);
    const struct sw__metric *m = sw__metrics_find(&all->metrics, "basket");
    const struct sw__metric *o = sw__metrics_find(&one->metrics, "basket");
    ASSERT(m && o);
    ASSERT_EQ(m->n, 1000);
    ASSERT_EQ(m->sum, o->sum);
    ASSERT_EQ(m->min, o->min);
    ASSERT_EQ(m->max, o->max);
    const double p[] = { 50, 90, 99, 99.9 };
    for (int i = 0; i < 4; i++)
        ASSERT(sw__metric_pct(m, p[i]) == sw__metric_pct(o, p[i]));
    ASSERT_EQ(sw__metrics_find(&all->metrics, "items")->sum,
              sw__metrics_find(&one->metrics, "items")->sum);
    /* a name that is a counter here and a trend there does not merge */
    struct sw__metrics x = { 0 }, y = { 0 };
    sw__metrics_get(&x, -1, "n", SW_COUNTER);
    sw__metrics_get(&y, -1, "n", SW_TREND);
    const char *clash = NULL;
    ASSERT_EQ(sw__metrics_merge(&x, &y, &clash), -1);
    ASSERT_STR_EQ(clash, "n");
    sw__metrics_free(&x);
    sw__metrics_free(&y);
    sw__stats_free(a);
    sw__stats_free(b);
    sw__stats_free(all);
    sw__stats_free(one);
}

struct worker_arg {
    struct sw__stats *s;
};

static void *worker(void *p)
{
    struct worker_arg *w = p;
    for (int i = 0; i < 10000; i++) {
        sw__stats_count(w->s, defs, 0, 2);
        sw__stats_record_metric(w->s, defs, 2, i % 100);
    }
    return NULL;
}

/* --threads N: per-worker metrics merged into a snapshot while they run. */
TEST(threads)
{
    enum { N = 4 };
    struct sw__stats *ws[N];
    pthread_t th[N];
    struct worker_arg args[N];
    struct sw__stats *total = sw__stats_new();
    for (int i = 0; i < N; i++) {
        ws[i] = sw__stats_new();
        ASSERT(ws[i]);
        args[i].s = ws[i];
        pthread_create(&th[i], NULL, worker, &args[i]);
    }
    for (int k = 0; k < 20; k++) {     /* snapshots meanwhile */
        struct sw__stats *snap = sw__stats_new();
        for (int i = 0; i < N; i++)
            sw__stats_merge(snap, ws[i]);
        sw__stats_free(snap);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < N; i++)
        sw__stats_merge(total, ws[i]);
    ASSERT_EQ(sw__metrics_find(&total->metrics, "items")->sum, N * 20000);
    const struct sw__metric *t = sw__metrics_find(&total->metrics, "think");
    ASSERT_EQ(t->n, N * 10000);
    ASSERT(sw__metric_max(t) == 99.0);
    for (int i = 0; i < N; i++)
        sw__stats_free(ws[i]);
    sw__stats_free(total);
}

static struct sw__sample sample(sw_method_t m, const char *name, int64_t us)
{
    struct sw__sample x;
    memset(&x, 0, sizeof(x));
    x.method = m;
    x.name = name;
    x.latency_us = x.intended_us = x.timing.total_us = us;
    x.timing.dns_us = x.timing.connect_us = x.timing.tls_us = -1;
    x.timing.ttfb_us = -1;
    x.now_ms = 1000000;
    return x;
}

/* A group's row is its own; the Aggregated row counts requests only. */
TEST(group_rows)
{
    struct sw__stats *s = sw__stats_new();
    struct sw__sample r1 = sample(SW_GET, "checkout::/cart", 1000);
    struct sw__sample r2 = sample(SW_POST, "checkout::/pay", 3000);
    struct sw__sample g = sample(SW_GROUP, "checkout", 150000);
    sw__stats_record(s, &r1);
    sw__stats_record(s, &r2);
    sw__stats_record(s, &g);
    ASSERT_EQ(s->nentries, 3);
    ASSERT_EQ(s->total.requests, 2);
    ASSERT_EQ(s->total.max_us, 3000);
    struct sw__stats *m = sw__stats_new();
    sw__stats_merge(m, s);
    sw__stats_merge(m, s);
    ASSERT_EQ(m->total.requests, 4);
    int n;
    struct sw__stats_entry **v = sw__stats_sorted(m, &n);
    ASSERT_EQ(n, 3);
    ASSERT_STR_EQ(v[0]->name, "checkout");  /* the group before its rows */
    ASSERT_EQ(v[0]->method, SW_GROUP);
    ASSERT_EQ(v[0]->requests, 2);
    ASSERT_STR_EQ(sw__method_name(v[0]->method), "GROUP");
    free(v);

    /* thresholds name the group like a request */
    char err[200];
    sw_threshold_t t;
    double actual;
    ASSERT_EQ(sw__threshold_parse("checkout p95 < 200ms", &t, err,
                                  sizeof(err)), 0);
    ASSERT_EQ(sw__threshold_eval(&t, m, 10, &actual), 1);
    ASSERT(actual > 149 && actual < 151);
    free((char *)t.name);
    ASSERT_EQ(sw__threshold_parse("max < 100ms", &t, err, sizeof(err)), 0);
    ASSERT_EQ(sw__threshold_eval(&t, m, 10, &actual), 1);   /* 3 ms */
    sw__stats_free(s);
    sw__stats_free(m);
}

static int eval(struct sw__stats *s, const char *text, double *actual)
{
    char err[200];
    sw_threshold_t t;
    if (sw__threshold_parse(text, &t, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    int r = sw__threshold_eval(&t, s, 10.0, actual);
    free((char *)t.name);
    return r;
}

TEST(thresholds)
{
    struct sw__stats *s = sw__stats_new();
    sw__stats_declare_metrics(s, defs, 3);
    for (int v = 1; v <= 100; v++)
        sw__stats_record_metric(s, defs, 1, v);
    sw__stats_count(s, defs, 0, 7);
    sw__stats_count(s, defs, 0, 3);
    sw__stats_record_metric(s, defs, 2, 1500);
    double a;
    ASSERT_EQ(eval(s, "basket p95 <= 95", &a), 1);
    ASSERT(a == 95.0);
    ASSERT_EQ(eval(s, "basket p95 < 95", &a), 0);
    ASSERT_EQ(eval(s, "basket min == 1", &a), 1);
    ASSERT_EQ(eval(s, "basket count == 100", &a), 1);
    ASSERT_EQ(eval(s, "basket rate == 10", &a), 1);     /* 100 in 10 s */
    ASSERT_EQ(eval(s, "items count == 10", &a), 1);
    ASSERT_EQ(eval(s, "items rate == 1/s", &a), 1);
    ASSERT_EQ(eval(s, "think max == 1.5s", &a), 1);     /* a time trend */
    ASSERT_EQ(eval(s, "think max < 1s", &a), 0);
    char buf[64];
    sw_threshold_t t;
    char err[200];
    ASSERT_EQ(sw__threshold_parse("basket p95 < 3", &t, err, sizeof(err)), 0);
    sw__threshold_format_actual_in(&t, s, 95, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "p95=95");
    free((char *)t.name);
    ASSERT_EQ(sw__threshold_parse("think p95 < 3", &t, err, sizeof(err)), 0);
    sw__threshold_format_actual_in(&t, s, 95, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "p95=95.00ms");
    free((char *)t.name);
    /* a compiled threshold on a metric never used: empty, not an error */
    sw_threshold_t c = { .text = "x", .name = "unused", .custom = 1,
                         .metric = SW_METRIC_COUNT, .cmp = SW_CMP_EQ,
                         .value = 0 };
    ASSERT_EQ(sw__threshold_eval(&c, s, 10, &a), 1);
    sw__stats_free(s);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "metrics";
    RUN(counter_and_trend);
    RUN(merge_exact);
    RUN(threads);
    RUN(group_rows);
    RUN(thresholds);
    TEST_EXIT();
}
