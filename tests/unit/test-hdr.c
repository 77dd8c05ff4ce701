/* test-hdr.c - the HDR histogram: accuracy, merge, encoding, hlog. */
#include "test.h"
#include "hdr.h"

#include <math.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Exact nearest-rank percentile of a sorted array. */
static int64_t exact_pct(const int64_t *v, int64_t n, double p)
{
    int64_t rank = (int64_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

static const double pcts[] = {0, 1, 10, 25, 50, 66, 75, 80, 90, 95, 98,
                              99, 99.9, 99.99, 100};

/* Checks every percentile of h against the sorted samples: the reported
 * value is in the same bucket as the exact one, so within 10^-3. */
static int check_percentiles(const struct sw__hdr *h, int64_t *v, int64_t n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp64);
    for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
        int64_t exact = exact_pct(v, n, pcts[i]);
        int64_t got = sw__hdr_value_at_percentile(h, pcts[i]);
        if (sw__hdr_lowest_equivalent(h, got) !=
            sw__hdr_lowest_equivalent(h, exact)) {
            printf("    p%g: got %lld exact %lld\n", pcts[i],
                   (long long)got, (long long)exact);
            return 0;
        }
        if (fabs((double)(got - exact)) > (double)exact * 1e-3 + 1.0) {
            printf("    p%g: error too big: %lld vs %lld\n", pcts[i],
                   (long long)got, (long long)exact);
            return 0;
        }
    }
    return 1;
}

TEST(layout)
{
    struct sw__hdr *h = sw__hdr_new_default();
    ASSERT(h);
    ASSERT_EQ(h->sub_bucket_count, 2048);
    ASSERT_EQ(h->bucket_count, 22);
    ASSERT_EQ(h->counts_len, 23552);
    /* Every value maps to a bucket that contains it, within 10^-3. */
    int64_t samples[] = {0, 1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096,
                         1234567, 999999999, SW_HDR_HIGHEST};
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        int64_t v = samples[i];
        int64_t lo = sw__hdr_lowest_equivalent(h, v);
        int64_t hi = sw__hdr_highest_equivalent(h, v);
        ASSERT(lo <= v && v <= hi);
        ASSERT((double)(hi - lo) <= (double)v * 1e-3 + 1.0);
        ASSERT_EQ(sw__hdr_value_at_index(h, sw__hdr_index_of(h, v)), lo);
        ASSERT(sw__hdr_index_of(h, v) < h->counts_len);
    }
    /* The documented example: 1 234 567 us is in [1 233 920, 1 234 943]. */
    ASSERT_EQ(sw__hdr_lowest_equivalent(h, 1234567), 1233920);
    ASSERT_EQ(sw__hdr_highest_equivalent(h, 1234567), 1234943);
    sw__hdr_free(h);
}

TEST(fixed_data)
{
    struct sw__hdr *h = sw__hdr_new_default();
    int64_t v[10000];
    int64_t n = 0;
    for (int64_t i = 1; i <= 10000; i++) {
        v[n++] = i * 100;  /* 100 us .. 1 s, evenly spread */
        sw__hdr_record(h, i * 100);
    }
    ASSERT_EQ(h->total_count, 10000);
    ASSERT_EQ(sw__hdr_min(h), 100);
    ASSERT_EQ(sw__hdr_max(h), 1000000);
    ASSERT(check_percentiles(h, v, n));
    /* Small values are exact. */
    sw__hdr_reset(h);
    for (int i = 1; i <= 100; i++)
        sw__hdr_record(h, i);
    ASSERT_EQ(sw__hdr_value_at_percentile(h, 50), 50);
    ASSERT_EQ(sw__hdr_value_at_percentile(h, 99), 99);
    ASSERT_EQ(sw__hdr_value_at_percentile(h, 100), 100);
    ASSERT_EQ(sw__hdr_value_at_percentile(h, 0), 1);
    ASSERT(fabs(sw__hdr_mean(h) - 50.5) < 1e-9);
    ASSERT(fabs(sw__hdr_stddev(h) - 28.866) < 0.01);
    sw__hdr_free(h);
}

TEST(random_data)
{
    enum { N = 200000 };
    int64_t *v = malloc(N * sizeof(*v));
    struct sw__hdr *h = sw__hdr_new_default();
    ASSERT(v && h);
    double sum = 0;
    for (int i = 0; i < N; i++) {
        /* Log-uniform over 1 us .. ~17 min: every bucket gets some. */
        int shift = (int)(rnd() % 30);
        v[i] = (int64_t)(rnd() % ((uint64_t)1 << shift)) + 1;
        sum += (double)v[i];
        sw__hdr_record(h, v[i]);
    }
    ASSERT_EQ(h->total_count, N);
    double exact_mean = sum / N;
    ASSERT(fabs(sw__hdr_mean(h) - exact_mean) <= exact_mean * 1e-3);
    int ok = check_percentiles(h, v, N);
    free(v);
    sw__hdr_free(h);
    ASSERT(ok);
}

TEST(clamp)
{
    struct sw__hdr *h = sw__hdr_new_default();
    sw__hdr_record(h, SW_HDR_HIGHEST * 3);
    sw__hdr_record(h, -5);
    ASSERT_EQ(h->total_count, 2);
    ASSERT_EQ(h->clamped, 1);
    ASSERT_EQ(sw__hdr_max(h), SW_HDR_HIGHEST);
    ASSERT_EQ(sw__hdr_min(h), 0);
    ASSERT(sw__hdr_value_at_percentile(h, 100) >= SW_HDR_HIGHEST);
    sw__hdr_free(h);
}

TEST(merge_split_equals_whole)
{
    struct sw__hdr *whole = sw__hdr_new_default();
    struct sw__hdr *part[3];
    for (int i = 0; i < 3; i++)
        part[i] = sw__hdr_new_default();
    for (int i = 0; i < 50000; i++) {
        int64_t x = (int64_t)(rnd() % 5000000);
        sw__hdr_record(whole, x);
        sw__hdr_record(part[rnd() % 3], x);
    }
    struct sw__hdr *a = sw__hdr_new_default();
    struct sw__hdr *b = sw__hdr_new_default();
    /* (p0 + p1) + p2 and p2 + (p1 + p0): associative and commutative. */
    ASSERT_EQ(sw__hdr_add(a, part[0]), 0);
    sw__hdr_add(a, part[1]);
    sw__hdr_add(a, part[2]);
    sw__hdr_add(b, part[2]);
    sw__hdr_add(b, part[1]);
    sw__hdr_add(b, part[0]);
    ASSERT_EQ(a->total_count, whole->total_count);
    ASSERT_EQ(sw__hdr_min(a), sw__hdr_min(whole));
    ASSERT_EQ(sw__hdr_max(a), sw__hdr_max(whole));
    ASSERT(memcmp(a->counts, whole->counts,
                  (size_t)whole->counts_len * 8) == 0);
    ASSERT(memcmp(b->counts, whole->counts,
                  (size_t)whole->counts_len * 8) == 0);
    /* diff(whole, part0) == part1 + part2 */
    struct sw__hdr *d = sw__hdr_new_default();
    struct sw__hdr *p12 = sw__hdr_new_default();
    sw__hdr_add(p12, part[1]);
    sw__hdr_add(p12, part[2]);
    ASSERT_EQ(sw__hdr_diff(d, whole, part[0]), 0);
    ASSERT_EQ(d->total_count, p12->total_count);
    ASSERT(memcmp(d->counts, p12->counts, (size_t)d->counts_len * 8) == 0);
    /* different configurations refuse to add */
    struct sw__hdr *other = sw__hdr_new(1, 1000000, 2);
    ASSERT_EQ(sw__hdr_add(a, other), -1);
    sw__hdr_free(other);
    sw__hdr_free(d);
    sw__hdr_free(p12);
    sw__hdr_free(a);
    sw__hdr_free(b);
    sw__hdr_free(whole);
    for (int i = 0; i < 3; i++)
        sw__hdr_free(part[i]);
}

TEST(copy)
{
    struct sw__hdr *a = sw__hdr_new_default();
    struct sw__hdr *b = sw__hdr_new_default();
    sw__hdr_record(b, 123456789);   /* a high slot that the copy must clear */
    sw__hdr_record(b, 5);
    sw__hdr_record(a, 10);
    sw__hdr_record(a, 2000);
    ASSERT_EQ(sw__hdr_copy(b, a), 0);
    ASSERT(memcmp(a->counts, b->counts, (size_t)a->counts_len * 8) == 0);
    ASSERT_EQ(b->total_count, 2);
    ASSERT_EQ(sw__hdr_max(b), 2000);
    ASSERT_EQ(sw__hdr_min(b), 10);
    sw__hdr_free(a);
    sw__hdr_free(b);
}

TEST(iterate)
{
    struct sw__hdr *h = sw__hdr_new_default();
    sw__hdr_record_n(h, 10, 3);
    sw__hdr_record(h, 5000);
    sw__hdr_record(h, 1);
    struct sw__hdr_iter it;
    sw__hdr_iter_init(&it, h);
    ASSERT(sw__hdr_iter_next(&it));
    ASSERT_EQ(it.value, 1);
    ASSERT_EQ(it.count, 1);
    ASSERT(sw__hdr_iter_next(&it));
    ASSERT_EQ(it.value, 10);
    ASSERT_EQ(it.cumulative, 4);
    ASSERT(sw__hdr_iter_next(&it));
    ASSERT(it.value <= 5000 && 5000 <= it.highest);
    ASSERT(!sw__hdr_iter_next(&it));
    sw__hdr_free(h);
}

TEST(base64)
{
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                          "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        char *e = sw__base64_encode((const unsigned char *)in[i],
                                    strlen(in[i]));
        ASSERT_STR_EQ(e, want[i]);
        unsigned char *d = NULL;
        long n = sw__base64_decode(e, &d);
        ASSERT_EQ(n, (long)strlen(in[i]));
        ASSERT(memcmp(d, in[i], (size_t)n) == 0);
        free(d);
        free(e);
    }
    unsigned char *d = NULL;
    ASSERT_EQ(sw__base64_decode("Zm9", &d), -1);
    ASSERT_EQ(sw__base64_decode("Zm!v", &d), -1);
}

TEST(encode_roundtrip)
{
    struct sw__hdr *h = sw__hdr_new_default();
    for (int i = 0; i < 100000; i++)
        sw__hdr_record(h, 1000 + (int64_t)(rnd() % 200));
    sw__hdr_record_n(h, 56918015, 55);
    sw__hdr_record(h, 3);
    char *text = sw__hdr_encode_base64(h);
    ASSERT(text);
    ASSERT(strncmp(text, "HISTF", 5) == 0);
    char err[128];
    struct sw__hdr *g = sw__hdr_decode_base64(text, err, sizeof(err));
    ASSERT(g);
    ASSERT_EQ(g->total_count, h->total_count);
    ASSERT_EQ(g->counts_len, h->counts_len);
    ASSERT(memcmp(g->counts, h->counts, (size_t)h->counts_len * 8) == 0);
    ASSERT_EQ(sw__hdr_value_at_percentile(g, 99.9),
              sw__hdr_value_at_percentile(h, 99.9));
    ASSERT_EQ(sw__hdr_min(g), 3);
    /* empty histogram round-trips too */
    struct sw__hdr *e = sw__hdr_new_default();
    char *et = sw__hdr_encode_base64(e);
    struct sw__hdr *eg = sw__hdr_decode_base64(et, err, sizeof(err));
    ASSERT(eg && eg->total_count == 0);
    /* garbage is refused with a reason, never a crash */
    ASSERT(!sw__hdr_decode_base64("HISTFAAAAA==", err, sizeof(err)));
    ASSERT(err[0]);
    ASSERT(!sw__hdr_decode_base64("not base64 at all", err, sizeof(err)));
    text[20] ^= 1;
    struct sw__hdr *bad = sw__hdr_decode_base64(text, err, sizeof(err));
    sw__hdr_free(bad);
    free(et);
    free(text);
    sw__hdr_free(e);
    sw__hdr_free(eg);
    sw__hdr_free(g);
    sw__hdr_free(h);
}

TEST(hlog_lines)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ASSERT(f);
    struct sw__hdr *h = sw__hdr_new_default();
    sw__hdr_record(h, 2500);
    sw__hlog_write_header(f, 1795734393123);
    sw__hlog_write_interval(f, "GET /a,b", 1.0, 1.0, h);
    sw__hlog_write_interval(f, NULL, 0.0, 2.0, h);
    fclose(f);
    ASSERT(strstr(buf, "#[StartTime: 1795734393.123 (seconds since epoch"));
    ASSERT(strstr(buf, "\"StartTimestamp\",\"Interval_Length\","
                       "\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"));
    ASSERT(strstr(buf, "\nTag=GET_/a_b,1.000,1.000,2.500,HISTF"));
    ASSERT(strstr(buf, "\n0.000,2.000,2.500,HISTF"));
    free(buf);
    sw__hdr_free(h);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "hdr";
    RUN(layout);
    RUN(fixed_data);
    RUN(random_data);
    RUN(clamp);
    RUN(merge_split_equals_whole);
    RUN(copy);
    RUN(iterate);
    RUN(base64);
    RUN(encode_roundtrip);
    RUN(hlog_lines);
    TEST_EXIT();
}
