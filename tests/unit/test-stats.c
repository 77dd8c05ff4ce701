/* test-stats.c - per-thread statistics: record, merge, caps, history. */
#include "test.h"
#include "stats_int.h"

#include <pthread.h>

static struct sw__sample sample(sw_method_t m, const char *name, int64_t us,
                                const char *err, int64_t now_ms)
{
    struct sw__sample x;
    memset(&x, 0, sizeof(x));
    x.method = m;
    x.name = name;
    x.latency_us = us;
    x.intended_us = us;
    x.bytes = 100;
    x.error = err;
    x.timing.dns_us = -1;
    x.timing.connect_us = 50;
    x.timing.tls_us = -1;
    x.timing.ttfb_us = us / 2;
    x.timing.total_us = us;
    x.now_ms = now_ms;
    return x;
}

static struct sw__stats_entry *find(struct sw__stats *s, sw_method_t m,
                                    const char *name)
{
    for (int i = 0; i < s->nentries; i++)
        if (s->entries[i]->method == m && !strcmp(s->entries[i]->name, name))
            return s->entries[i];
    return NULL;
}

TEST(record)
{
    struct sw__stats *s = sw__stats_new();
    ASSERT(s);
    struct sw__sample a = sample(SW_GET, "/a", 1000, NULL, 1000500);
    struct sw__sample b = sample(SW_GET, "/a", 3000, "HTTP 500", 1000600);
    struct sw__sample c = sample(SW_POST, "/a", 2000, NULL, 1001100);
    sw__stats_record(s, &a);
    sw__stats_record(s, &b);
    sw__stats_record(s, &c);
    ASSERT_EQ(s->nentries, 2);
    struct sw__stats_entry *e = find(s, SW_GET, "/a");
    ASSERT(e);
    ASSERT_EQ(e->requests, 2);
    ASSERT_EQ(e->failures, 1);
    ASSERT_EQ(e->bytes, 200);
    ASSERT_EQ(e->total_us, 4000);
    ASSERT_EQ(e->min_us, 1000);
    ASSERT_EQ(e->max_us, 3000);
    ASSERT_EQ(e->service->total_count, 2);
    ASSERT(e->intended == NULL);
    ASSERT_EQ(e->connect.n, 2);
    ASSERT_EQ(e->dns.n, 0);
    ASSERT_EQ(e->ttfb.sum_us, 2000);
    ASSERT_EQ(s->total.requests, 3);
    ASSERT_EQ(s->total.failures, 1);
    ASSERT_EQ(s->nerrors, 1);
    ASSERT_STR_EQ(s->errors[0]->message, "HTTP 500");
    ASSERT_EQ(s->errors[0]->count, 1);
    /* sorted by (name, method): GET before POST */
    int n;
    struct sw__stats_entry **v = sw__stats_sorted(s, &n);
    ASSERT_EQ(n, 2);
    ASSERT_EQ(v[0]->method, SW_GET);
    free(v);
    sw__stats_reset(s);
    ASSERT_EQ(s->nentries, 0);
    ASSERT_EQ(s->total.requests, 0);
    ASSERT_EQ(s->total.service->total_count, 0);
    sw__stats_free(s);
}

TEST(intended)
{
    struct sw__stats *s = sw__stats_new();
    struct sw__sample a = sample(SW_GET, "/p", 1000, NULL, 5000);
    sw__stats_record(s, &a);
    a.intended_us = 9000;       /* a late start: a schedule exists */
    sw__stats_record(s, &a);
    struct sw__stats_entry *e = find(s, SW_GET, "/p");
    ASSERT(e->intended);
    ASSERT_EQ(e->intended->total_count, 2);
    ASSERT_EQ(sw__hdr_max(e->intended), 9000);
    ASSERT_EQ(sw__hdr_min(e->intended), 1000);
    ASSERT_EQ(sw__hdr_max(e->service), 1000);
    /* merging a schedule-less stats into one with a schedule */
    struct sw__stats *t = sw__stats_new();
    struct sw__sample b = sample(SW_GET, "/p", 2000, NULL, 5000);
    sw__stats_record(t, &b);
    struct sw__stats *m = sw__stats_new();
    sw__stats_merge(m, t);
    sw__stats_merge(m, s);
    e = find(m, SW_GET, "/p");
    ASSERT(e->intended);
    ASSERT_EQ(e->intended->total_count, 3);
    ASSERT_EQ(e->service->total_count, 3);
    sw__stats_free(m);
    sw__stats_free(t);
    sw__stats_free(s);
}

/* merge of per-thread parts == one stats that saw everything */
TEST(merge_exact)
{
    struct sw__stats *whole = sw__stats_new();
    struct sw__stats *part[3] = {sw__stats_new(), sw__stats_new(),
                                 sw__stats_new()};
    const char *names[] = {"/a", "/b", "/c", "/d"};
    uint64_t r = 12345;
    for (int i = 0; i < 30000; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        int64_t us = (int64_t)(r >> 40) % 2000000;
        const char *err = (r >> 20) % 10 == 0 ? "boom" : NULL;
        struct sw__sample x = sample((sw_method_t)((r >> 8) % 2),
                                     names[(r >> 16) % 4], us, err,
                                     1000000 + i);
        sw__stats_record(whole, &x);
        sw__stats_record(part[i % 3], &x);
    }
    struct sw__stats *m = sw__stats_new();
    for (int i = 0; i < 3; i++)
        sw__stats_merge(m, part[i]);
    ASSERT_EQ(m->nentries, whole->nentries);
    ASSERT_EQ(m->total.requests, whole->total.requests);
    ASSERT_EQ(m->total.failures, whole->total.failures);
    ASSERT_EQ(m->total.bytes, whole->total.bytes);
    ASSERT_EQ(m->total.total_us, whole->total.total_us);
    ASSERT_EQ(m->total.min_us, whole->total.min_us);
    ASSERT_EQ(m->total.max_us, whole->total.max_us);
    ASSERT(memcmp(m->total.service->counts, whole->total.service->counts,
                  (size_t)whole->total.service->counts_len * 8) == 0);
    for (int i = 0; i < whole->nentries; i++) {
        struct sw__stats_entry *w = whole->entries[i];
        struct sw__stats_entry *e = find(m, w->method, w->name);
        ASSERT(e);
        ASSERT_EQ(e->requests, w->requests);
        ASSERT_EQ(e->failures, w->failures);
        ASSERT_EQ(e->ttfb.sum_us, w->ttfb.sum_us);
        ASSERT(memcmp(e->service->counts, w->service->counts,
                      (size_t)w->service->counts_len * 8) == 0);
        for (int k = 0; k < SW_STATS_RING; k++) {
            ASSERT_EQ(e->sec_key[k], w->sec_key[k]);
            ASSERT_EQ(e->sec_reqs[k], w->sec_reqs[k]);
        }
    }
    ASSERT_EQ(m->nerrors, whole->nerrors);
    int64_t ew = 0, em = 0;
    for (int i = 0; i < whole->nerrors; i++)
        ew += whole->errors[i]->count;
    for (int i = 0; i < m->nerrors; i++)
        em += m->errors[i]->count;
    ASSERT_EQ(em, ew);
    ASSERT_EQ(em, m->total.failures);
    sw__stats_free(m);
    sw__stats_free(whole);
    for (int i = 0; i < 3; i++)
        sw__stats_free(part[i]);
}

enum { THREADS = 4, PER_THREAD = 50000 };

static void *worker(void *arg)
{
    struct sw__stats *s = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        struct sw__sample x = sample(SW_GET, i % 2 ? "/x" : "/y", i % 5000,
                                     i % 100 ? NULL : "e", 1000000 + i / 100);
        sw__stats_record(s, &x);
    }
    return NULL;
}

/* Workers record while the main thread takes snapshots, as at run time. */
TEST(threads)
{
    struct sw__stats *s[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        s[i] = sw__stats_new();
        ASSERT(s[i]);
        ASSERT_EQ(pthread_create(&th[i], NULL, worker, s[i]), 0);
    }
    struct sw__stats *snap = sw__stats_new();
    for (int k = 0; k < 20; k++) {
        sw__stats_reset(snap);
        for (int i = 0; i < THREADS; i++)
            sw__stats_merge(snap, s[i]);
        ASSERT(snap->total.requests <= THREADS * PER_THREAD);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    sw__stats_reset(snap);
    for (int i = 0; i < THREADS; i++)
        sw__stats_merge(snap, s[i]);
    ASSERT_EQ(snap->total.requests, THREADS * PER_THREAD);
    ASSERT_EQ(snap->total.service->total_count, THREADS * PER_THREAD);
    ASSERT_EQ(snap->total.failures, THREADS * PER_THREAD / 100);
    ASSERT_EQ(snap->nentries, 2);
    sw__stats_free(snap);
    for (int i = 0; i < THREADS; i++)
        sw__stats_free(s[i]);
}

TEST(name_cap)
{
    struct sw__stats *s = sw__stats_new();
    char name[32];
    for (int i = 0; i < SW_STATS_MAX_NAMES + 50; i++) {
        snprintf(name, sizeof(name), "/item/%d", i);
        struct sw__sample x = sample(SW_GET, name, 10, NULL, 1000);
        sw__stats_record(s, &x);
    }
    ASSERT_EQ(s->nentries, SW_STATS_MAX_NAMES + 1);
    struct sw__stats_entry *o = find(s, SW_GET, SW_STATS_OTHER_NAME);
    ASSERT(o);
    ASSERT_EQ(o->requests, 50);
    ASSERT_EQ(s->folded_samples, 50);
    ASSERT_EQ(s->total.requests, SW_STATS_MAX_NAMES + 50);
    /* a known name still gets its own entry after the cap */
    struct sw__sample x = sample(SW_GET, "/item/3", 10, NULL, 1000);
    sw__stats_record(s, &x);
    ASSERT_EQ(find(s, SW_GET, "/item/3")->requests, 2);
    sw__stats_free(s);
}

TEST(error_cap)
{
    struct sw__stats *s = sw__stats_new();
    char msg[32];
    for (int i = 0; i < SW_STATS_MAX_ERRORS + 10; i++) {
        snprintf(msg, sizeof(msg), "error %d", i);
        struct sw__sample x = sample(SW_GET, "/e", 10, msg, 1000);
        sw__stats_record(s, &x);
    }
    ASSERT_EQ(s->nerrors, SW_STATS_MAX_ERRORS + 1);
    ASSERT_EQ(s->folded_errors, 10);
    int n;
    struct sw__stats_error **v = sw__stats_errors_sorted(s, &n);
    ASSERT_STR_EQ(v[0]->message, SW_STATS_OTHER_ERROR);
    ASSERT_EQ(v[0]->count, 10);
    free(v);
    sw__stats_free(s);
}

TEST(current_rps)
{
    struct sw__stats *s = sw__stats_new();
    /* 10 requests in each second 100..119 */
    for (int sec = 100; sec < 120; sec++)
        for (int i = 0; i < 10; i++) {
            struct sw__sample x = sample(SW_GET, "/r", 10,
                                         i == 0 ? "f" : NULL,
                                         sec * 1000 + i * 10);
            sw__stats_record(s, &x);
        }
    double fps;
    /* now = 120.5 s: the window is seconds [108, 118) */
    double rps = sw__stats_current_rps(&s->total, 120500, 100000, &fps);
    ASSERT(rps > 9.999 && rps < 10.001);
    ASSERT(fps > 0.999 && fps < 1.001);
    /* clipped to the start: at 103.9 s only second 100 counts */
    rps = sw__stats_current_rps(&s->total, 103900, 100000, &fps);
    ASSERT(rps > 9.999 && rps < 10.001);
    /* nothing yet */
    rps = sw__stats_current_rps(&s->total, 101000, 100000, &fps);
    ASSERT(rps == 0.0);
    sw__stats_free(s);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "stats";
    RUN(record);
    RUN(intended);
    RUN(merge_exact);
    RUN(threads);
    RUN(name_cap);
    RUN(error_cap);
    RUN(current_rps);
    TEST_EXIT();
}
