/*
 * hdr.c - HDR histogram core: bucket arithmetic, recording, merging,
 * percentiles and iteration.  Written from the published description of
 * the algorithm (docs: shared research ecosystem.md 2.1), not from any
 * implementation's source.
 *
 * Layout: values below sub_bucket_count (2048 for 3 digits) each get their
 * own slot; above that, every bucket doubles the value range and halves the
 * resolution, keeping sub_bucket_half_count slots per bucket.  A value's
 * slot is found with one count-leading-zeros and two shifts.
 */
#include "hdr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int bucket_index_of(const struct sw__hdr *h, int64_t value)
{
    /* The highest set bit of (value | mask) tells the power of two the
     * value sits below; the mask keeps small values in bucket 0. */
    int pow2ceiling = 64 - __builtin_clzll((uint64_t)(value |
                                                     h->sub_bucket_mask));
    return pow2ceiling - h->unit_magnitude -
           (h->sub_bucket_half_count_magnitude + 1);
}

static int32_t sub_bucket_index_of(const struct sw__hdr *h, int64_t value,
                                   int bucket)
{
    return (int32_t)(value >> (bucket + h->unit_magnitude));
}

static int32_t counts_index(const struct sw__hdr *h, int bucket, int32_t sub)
{
    int32_t base = (int32_t)(bucket + 1) << h->sub_bucket_half_count_magnitude;
    return base + (sub - h->sub_bucket_half_count);
}

int32_t sw__hdr_index_of(const struct sw__hdr *h, int64_t value)
{
    int bucket = bucket_index_of(h, value);
    return counts_index(h, bucket, sub_bucket_index_of(h, value, bucket));
}

int64_t sw__hdr_value_at_index(const struct sw__hdr *h, int32_t index)
{
    int bucket = (index >> h->sub_bucket_half_count_magnitude) - 1;
    int32_t sub = (index & (h->sub_bucket_half_count - 1)) +
                  h->sub_bucket_half_count;
    if (bucket < 0) {
        sub -= h->sub_bucket_half_count;
        bucket = 0;
    }
    return (int64_t)sub << (bucket + h->unit_magnitude);
}

static int64_t equivalent_range(const struct sw__hdr *h, int64_t value)
{
    int bucket = bucket_index_of(h, value);
    int32_t sub = sub_bucket_index_of(h, value, bucket);
    int adjusted = sub >= h->sub_bucket_count ? bucket + 1 : bucket;
    return INT64_C(1) << (h->unit_magnitude + adjusted);
}

int64_t sw__hdr_lowest_equivalent(const struct sw__hdr *h, int64_t value)
{
    int bucket = bucket_index_of(h, value);
    int32_t sub = sub_bucket_index_of(h, value, bucket);
    return (int64_t)sub << (bucket + h->unit_magnitude);
}

int64_t sw__hdr_highest_equivalent(const struct sw__hdr *h, int64_t value)
{
    return sw__hdr_lowest_equivalent(h, value) + equivalent_range(h, value)
           - 1;
}

int64_t sw__hdr_median_equivalent(const struct sw__hdr *h, int64_t value)
{
    return sw__hdr_lowest_equivalent(h, value) +
           (equivalent_range(h, value) >> 1);
}

struct sw__hdr *sw__hdr_new(int64_t lowest, int64_t highest, int sig_figs)
{
    if (lowest < 1 || sig_figs < 1 || sig_figs > 5 || highest < 2 * lowest)
        return NULL;
    struct sw__hdr *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->lowest = lowest;
    h->highest = highest;
    h->sig_figs = sig_figs;

    int64_t single_unit = 2;
    for (int i = 0; i < sig_figs; i++)
        single_unit *= 10;
    int magnitude = (int)ceil(log2((double)single_unit));
    h->sub_bucket_half_count_magnitude = (magnitude > 1 ? magnitude : 1) - 1;
    h->unit_magnitude = (int)floor(log2((double)lowest));
    h->sub_bucket_count = INT32_C(1) << (h->sub_bucket_half_count_magnitude
                                         + 1);
    h->sub_bucket_half_count = h->sub_bucket_count / 2;
    h->sub_bucket_mask = ((int64_t)h->sub_bucket_count - 1)
                         << h->unit_magnitude;

    int64_t untrackable = (int64_t)h->sub_bucket_count << h->unit_magnitude;
    int32_t buckets = 1;
    while (untrackable <= highest) {
        if (untrackable > INT64_MAX / 2) {
            buckets++;
            break;
        }
        untrackable <<= 1;
        buckets++;
    }
    h->bucket_count = buckets;
    h->counts_len = (buckets + 1) * h->sub_bucket_half_count;
    /* calloc of a large block maps zero pages lazily: a histogram whose
     * values stay in a narrow band touches only a few pages. */
    h->counts = calloc((size_t)h->counts_len, sizeof(*h->counts));
    if (!h->counts) {
        free(h);
        return NULL;
    }
    h->min_value = INT64_MAX;
    return h;
}

struct sw__hdr *sw__hdr_new_default(void)
{
    return sw__hdr_new(SW_HDR_LOWEST, SW_HDR_HIGHEST, SW_HDR_SIGFIGS);
}

void sw__hdr_free(struct sw__hdr *h)
{
    if (!h)
        return;
    free(h->counts);
    free(h);
}

void sw__hdr_reset(struct sw__hdr *h)
{
    memset(h->counts, 0, (size_t)h->counts_len * sizeof(*h->counts));
    h->total_count = 0;
    h->clamped = 0;
    h->min_value = INT64_MAX;
    h->max_value = 0;
}

void sw__hdr_record_n(struct sw__hdr *h, int64_t value, int64_t n)
{
    if (n <= 0)
        return;
    if (value < 0)
        value = 0;
    if (value > h->highest) {
        /* Never drop a sample: keep it at the top and say so. */
        value = h->highest;
        h->clamped += n;
    }
    int32_t i = sw__hdr_index_of(h, value);
    if (i < 0 || i >= h->counts_len)
        i = h->counts_len - 1;
    h->counts[i] += n;
    h->total_count += n;
    if (value < h->min_value)
        h->min_value = value;
    if (value > h->max_value)
        h->max_value = value;
}

void sw__hdr_record(struct sw__hdr *h, int64_t value)
{
    sw__hdr_record_n(h, value, 1);
}

static int same_config(const struct sw__hdr *a, const struct sw__hdr *b)
{
    return a->lowest == b->lowest && a->highest == b->highest &&
           a->sig_figs == b->sig_figs;
}

int sw__hdr_add(struct sw__hdr *into, const struct sw__hdr *from)
{
    if (!same_config(into, from))
        return -1;
    if (from->total_count == 0)
        return 0;
    for (int32_t i = 0; i < from->counts_len; i++) {
        /* Skip zeros so untouched pages of `into` stay unmapped. */
        if (from->counts[i])
            into->counts[i] += from->counts[i];
    }
    into->total_count += from->total_count;
    into->clamped += from->clamped;
    if (from->min_value < into->min_value)
        into->min_value = from->min_value;
    if (from->max_value > into->max_value)
        into->max_value = from->max_value;
    return 0;
}

/* Recomputes min and max from the counts (after a decode or a diff). */
static void bounds_from_counts(struct sw__hdr *h)
{
    h->min_value = INT64_MAX;
    h->max_value = 0;
    for (int32_t i = 0; i < h->counts_len; i++) {
        if (h->counts[i]) {
            h->min_value = sw__hdr_value_at_index(h, i);
            break;
        }
    }
    for (int32_t i = h->counts_len - 1; i >= 0; i--) {
        if (h->counts[i]) {
            int64_t v = sw__hdr_value_at_index(h, i);
            h->max_value = sw__hdr_highest_equivalent(h, v);
            if (h->max_value > h->highest)
                h->max_value = h->highest;
            break;
        }
    }
}

int sw__hdr_diff(struct sw__hdr *into, const struct sw__hdr *a,
                 const struct sw__hdr *b)
{
    if (!same_config(into, a) || !same_config(a, b))
        return -1;
    int64_t total = 0;
    for (int32_t i = 0; i < a->counts_len; i++) {
        int64_t d = a->counts[i] - b->counts[i];
        if (d < 0)
            d = 0;
        into->counts[i] = d;
        total += d;
    }
    into->total_count = total;
    into->clamped = a->clamped > b->clamped ? a->clamped - b->clamped : 0;
    bounds_from_counts(into);
    return 0;
}

int sw__hdr_copy(struct sw__hdr *into, const struct sw__hdr *from)
{
    if (!same_config(into, from))
        return -1;
    /* Copy only up to the highest used slot of either side, so that the
     * untouched (zero, unmapped) tail of a histogram stays unmapped: the
     * reporter keeps one copy per request name. */
    int32_t lim_from = from->counts_len;
    while (lim_from > 0 && from->counts[lim_from - 1] == 0)
        lim_from--;
    int32_t lim_into = into->counts_len;
    while (lim_into > lim_from && into->counts[lim_into - 1] == 0)
        lim_into--;
    memcpy(into->counts, from->counts,
           (size_t)lim_from * sizeof(*from->counts));
    if (lim_into > lim_from)
        memset(into->counts + lim_from, 0,
               (size_t)(lim_into - lim_from) * sizeof(*into->counts));
    into->total_count = from->total_count;
    into->clamped = from->clamped;
    into->min_value = from->min_value;
    into->max_value = from->max_value;
    return 0;
}

int64_t sw__hdr_value_at_percentile(const struct sw__hdr *h, double p)
{
    if (h->total_count == 0)
        return 0;
    if (p > 100.0)
        p = 100.0;
    if (p < 0.0)
        p = 0.0;
    /* Nearest rank, as the other HdrHistogram implementations do; one ulp
     * is taken off first so that fp noise (0.95 * 100 = 95.00000000000001)
     * does not skip a rank. */
    double fp = p / 100.0 * (double)h->total_count;
    double ulp = nextafter(fp, INFINITY) - fp;
    int64_t want = (int64_t)ceil(fp - ulp);
    if (want < 1)
        want = 1;
    int64_t seen = 0;
    for (int32_t i = 0; i < h->counts_len; i++) {
        seen += h->counts[i];
        if (seen >= want) {
            int64_t v = sw__hdr_value_at_index(h, i);
            return p == 0.0 ? sw__hdr_lowest_equivalent(h, v)
                            : sw__hdr_highest_equivalent(h, v);
        }
    }
    return 0;
}

double sw__hdr_mean(const struct sw__hdr *h)
{
    if (h->total_count == 0)
        return 0.0;
    double sum = 0.0;
    for (int32_t i = 0; i < h->counts_len; i++) {
        if (h->counts[i]) {
            int64_t v = sw__hdr_value_at_index(h, i);
            sum += (double)sw__hdr_median_equivalent(h, v) *
                   (double)h->counts[i];
        }
    }
    return sum / (double)h->total_count;
}

double sw__hdr_stddev(const struct sw__hdr *h)
{
    if (h->total_count == 0)
        return 0.0;
    double mean = sw__hdr_mean(h);
    double sq = 0.0;
    for (int32_t i = 0; i < h->counts_len; i++) {
        if (h->counts[i]) {
            int64_t v = sw__hdr_value_at_index(h, i);
            double d = (double)sw__hdr_median_equivalent(h, v) - mean;
            sq += d * d * (double)h->counts[i];
        }
    }
    return sqrt(sq / (double)h->total_count);
}

int64_t sw__hdr_min(const struct sw__hdr *h)
{
    return h->total_count ? h->min_value : 0;
}

int64_t sw__hdr_max(const struct sw__hdr *h)
{
    return h->total_count ? h->max_value : 0;
}

void sw__hdr_iter_init(struct sw__hdr_iter *it, const struct sw__hdr *h)
{
    memset(it, 0, sizeof(*it));
    it->h = h;
    it->index = -1;
}

int sw__hdr_iter_next(struct sw__hdr_iter *it)
{
    const struct sw__hdr *h = it->h;
    for (int32_t i = it->index + 1; i < h->counts_len; i++) {
        if (h->counts[i]) {
            it->index = i;
            it->count = h->counts[i];
            it->value = sw__hdr_value_at_index(h, i);
            it->highest = sw__hdr_highest_equivalent(h, it->value);
            it->cumulative += it->count;
            return 1;
        }
    }
    it->index = h->counts_len;
    return 0;
}
