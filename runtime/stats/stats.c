/*
 * stats.c - request statistics per (method, name), per thread (stats.h).
 *
 * Each worker records into its own struct sw__stats under its own mutex;
 * the lock is uncontended except while the main thread merges a snapshot
 * (once a second), so recording stays cheap.  Pure: no I/O, no clock.
 */
#include "stats_int.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a over the method and the bytes of each string. */
static uint64_t hash_key(sw_method_t m, const char *a, const char *b)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)m;
    h *= 1099511628211ull;
    for (const char *p = a; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ull;
    }
    if (b) {
        h ^= 0xff;
        h *= 1099511628211ull;
        for (const char *p = b; *p; p++) {
            h ^= (unsigned char)*p;
            h *= 1099511628211ull;
        }
    }
    return h;
}

/* ---- entries ----------------------------------------------------------- */

static int entry_init(struct sw__stats_entry *e, sw_method_t m,
                      const char *name, uint64_t hash)
{
    memset(e, 0, sizeof(*e));
    e->method = m;
    e->hash = hash;
    e->min_us = INT64_MAX;
    e->name = strdup(name);
    e->service = sw__hdr_new_default();
    if (!e->name || !e->service) {
        free(e->name);
        sw__hdr_free(e->service);
        return -1;
    }
    for (int i = 0; i < SW_STATS_RING; i++)
        e->sec_key[i] = -1;
    return 0;
}

static void entry_fini(struct sw__stats_entry *e)
{
    free(e->name);
    sw__hdr_free(e->service);
    sw__hdr_free(e->intended);
    e->name = NULL;
    e->service = NULL;
    e->intended = NULL;
}

static void phase_add(struct sw__stats_phase *p, int64_t us)
{
    if (us < 0)
        return;
    p->sum_us += us;
    p->n++;
    if (us > p->max_us)
        p->max_us = us;
}

static void phase_merge(struct sw__stats_phase *into,
                        const struct sw__stats_phase *from)
{
    into->sum_us += from->sum_us;
    into->n += from->n;
    if (from->max_us > into->max_us)
        into->max_us = from->max_us;
}

static void ring_add(struct sw__stats_entry *e, int64_t sec, int64_t reqs,
                     int64_t fails)
{
    int slot = (int)(sec % SW_STATS_RING);
    if (slot < 0)
        slot += SW_STATS_RING;
    if (e->sec_key[slot] > sec)
        return;     /* older than the window: only the totals keep it */
    if (e->sec_key[slot] != sec) {
        e->sec_key[slot] = sec;
        e->sec_reqs[slot] = 0;
        e->sec_fails[slot] = 0;
    }
    e->sec_reqs[slot] += reqs;
    e->sec_fails[slot] += fails;
}

/* Records x into e.  -1 only when the intended histogram has no memory
 * (the sample is still counted everywhere else). */
static int entry_record(struct sw__stats_entry *e, const struct sw__sample *x)
{
    int rc = 0;
    int64_t lat = x->latency_us < 0 ? 0 : x->latency_us;
    e->requests++;
    if (x->error)
        e->failures++;
    if (x->bytes > 0)
        e->bytes += x->bytes;
    e->total_us += lat;
    if (lat < e->min_us)
        e->min_us = lat;
    if (lat > e->max_us)
        e->max_us = lat;
    if (e->first_ms == 0 || x->now_ms < e->first_ms)
        e->first_ms = x->now_ms;
    if (x->now_ms > e->last_ms)
        e->last_ms = x->now_ms;
    /* The second histogram exists only once a schedule gave an intended
     * start different from the send; until then it equals `service`. */
    if (x->intended_us != x->latency_us && !e->intended) {
        e->intended = sw__hdr_new_default();
        if (e->intended)
            sw__hdr_copy(e->intended, e->service);
        else
            rc = -1;
    }
    sw__hdr_record(e->service, lat);
    if (e->intended)
        sw__hdr_record(e->intended, x->intended_us);
    phase_add(&e->dns, x->timing.dns_us);
    phase_add(&e->connect, x->timing.connect_us);
    phase_add(&e->tls, x->timing.tls_us);
    phase_add(&e->ttfb, x->timing.ttfb_us);
    ring_add(e, x->now_ms / 1000, 1, x->error ? 1 : 0);
    return rc;
}

static int entry_merge(struct sw__stats_entry *e,
                       const struct sw__stats_entry *f)
{
    e->requests += f->requests;
    e->failures += f->failures;
    e->bytes += f->bytes;
    e->total_us += f->total_us;
    if (f->min_us < e->min_us)
        e->min_us = f->min_us;
    if (f->max_us > e->max_us)
        e->max_us = f->max_us;
    if (f->first_ms && (e->first_ms == 0 || f->first_ms < e->first_ms))
        e->first_ms = f->first_ms;
    if (f->last_ms > e->last_ms)
        e->last_ms = f->last_ms;
    if (f->intended && !e->intended) {
        /* Until now `e` had no schedule: its intended times are its
         * service times. */
        e->intended = sw__hdr_new_default();
        if (!e->intended)
            return -1;
        sw__hdr_copy(e->intended, e->service);
    }
    if (e->intended)
        sw__hdr_add(e->intended, f->intended ? f->intended : f->service);
    sw__hdr_add(e->service, f->service);
    phase_merge(&e->dns, &f->dns);
    phase_merge(&e->connect, &f->connect);
    phase_merge(&e->tls, &f->tls);
    phase_merge(&e->ttfb, &f->ttfb);
    for (int i = 0; i < SW_STATS_RING; i++) {
        if (f->sec_key[i] >= 0)
            ring_add(e, f->sec_key[i], f->sec_reqs[i], f->sec_fails[i]);
    }
    return 0;
}

/* ---- the (method, name) table ------------------------------------------ */

static int table_rebuild(struct sw__stats *s, int size)
{
    int32_t *t = calloc((size_t)size, sizeof(*t));
    if (!t)
        return -1;
    for (int i = 0; i < s->nentries; i++) {
        uint64_t j = s->entries[i]->hash & (uint64_t)(size - 1);
        while (t[j])
            j = (j + 1) & (uint64_t)(size - 1);
        t[j] = i + 1;
    }
    free(s->table);
    s->table = t;
    s->table_size = size;
    return 0;
}

static struct sw__stats_entry *entry_get(struct sw__stats *s, sw_method_t m,
                                         const char *name, int capped)
{
    uint64_t h = hash_key(m, name, NULL);
    if (s->table_size) {
        uint64_t j = h & (uint64_t)(s->table_size - 1);
        while (s->table[j]) {
            struct sw__stats_entry *e = s->entries[s->table[j] - 1];
            if (e->hash == h && e->method == m && strcmp(e->name, name) == 0)
                return e;
            j = (j + 1) & (uint64_t)(s->table_size - 1);
        }
    }
    if (capped && s->nentries >= SW_STATS_MAX_NAMES)
        return NULL;
    if (s->nentries == s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        struct sw__stats_entry **ne = realloc(s->entries,
                                              (size_t)cap * sizeof(*ne));
        if (!ne)
            return NULL;
        s->entries = ne;
        s->cap = cap;
    }
    if (s->table_size < 2 * s->cap && table_rebuild(s, 4 * s->cap) < 0)
        return NULL;
    struct sw__stats_entry *e = malloc(sizeof(*e));
    if (!e || entry_init(e, m, name, h) < 0) {
        free(e);
        return NULL;
    }
    s->entries[s->nentries++] = e;
    uint64_t j = h & (uint64_t)(s->table_size - 1);
    while (s->table[j])
        j = (j + 1) & (uint64_t)(s->table_size - 1);
    s->table[j] = s->nentries;
    return e;
}

/* The entry for (m, name), or for (m, "(other)") past the cap; NULL only
 * when out of memory.  *folded is set when the name was folded. */
static struct sw__stats_entry *entry_for(struct sw__stats *s, sw_method_t m,
                                         const char *name, int *folded)
{
    *folded = 0;
    struct sw__stats_entry *e = entry_get(s, m, name ? name : "", 1);
    if (!e && s->nentries >= SW_STATS_MAX_NAMES) {
        *folded = 1;
        e = entry_get(s, m, SW_STATS_OTHER_NAME, 0);
    }
    return e;
}

/* ---- errors ------------------------------------------------------------ */

static int etable_rebuild(struct sw__stats *s, int size)
{
    int32_t *t = calloc((size_t)size, sizeof(*t));
    if (!t)
        return -1;
    for (int i = 0; i < s->nerrors; i++) {
        uint64_t j = s->errors[i]->hash & (uint64_t)(size - 1);
        while (t[j])
            j = (j + 1) & (uint64_t)(size - 1);
        t[j] = i + 1;
    }
    free(s->etable);
    s->etable = t;
    s->etable_size = size;
    return 0;
}

static struct sw__stats_error *error_get(struct sw__stats *s, sw_method_t m,
                                         const char *name, const char *msg,
                                         int capped)
{
    uint64_t h = hash_key(m, name, msg);
    if (s->etable_size) {
        uint64_t j = h & (uint64_t)(s->etable_size - 1);
        while (s->etable[j]) {
            struct sw__stats_error *e = s->errors[s->etable[j] - 1];
            if (e->hash == h && e->method == m &&
                strcmp(e->name, name) == 0 && strcmp(e->message, msg) == 0)
                return e;
            j = (j + 1) & (uint64_t)(s->etable_size - 1);
        }
    }
    if (capped && s->nerrors >= SW_STATS_MAX_ERRORS)
        return NULL;
    if (s->nerrors == s->errors_cap) {
        int cap = s->errors_cap ? s->errors_cap * 2 : 16;
        struct sw__stats_error **ne = realloc(s->errors,
                                              (size_t)cap * sizeof(*ne));
        if (!ne)
            return NULL;
        s->errors = ne;
        s->errors_cap = cap;
    }
    if (s->etable_size < 2 * s->errors_cap &&
        etable_rebuild(s, 4 * s->errors_cap) < 0)
        return NULL;
    struct sw__stats_error *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->method = m;
    e->hash = h;
    e->name = strdup(name);
    e->message = strdup(msg);
    if (!e->name || !e->message) {
        free(e->name);
        free(e->message);
        free(e);
        return NULL;
    }
    s->errors[s->nerrors++] = e;
    uint64_t j = h & (uint64_t)(s->etable_size - 1);
    while (s->etable[j])
        j = (j + 1) & (uint64_t)(s->etable_size - 1);
    s->etable[j] = s->nerrors;
    return e;
}

static void error_add(struct sw__stats *s, sw_method_t m, const char *name,
                      const char *msg, int64_t n)
{
    struct sw__stats_error *e = error_get(s, m, name, msg, 1);
    if (!e && s->nerrors >= SW_STATS_MAX_ERRORS) {
        s->folded_errors += n;
        e = error_get(s, m, name, SW_STATS_OTHER_ERROR, 0);
    }
    if (e)
        e->count += n;
}

/* ---- public ------------------------------------------------------------ */

struct sw__stats *sw__stats_new(void)
{
    struct sw__stats *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    if (entry_init(&s->total, SW_GET, "Aggregated", 0) < 0) {
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    return s;
}

static void clear(struct sw__stats *s)
{
    for (int i = 0; i < s->nentries; i++) {
        entry_fini(s->entries[i]);
        free(s->entries[i]);
    }
    for (int i = 0; i < s->nerrors; i++) {
        free(s->errors[i]->name);
        free(s->errors[i]->message);
        free(s->errors[i]);
    }
    free(s->entries);
    free(s->table);
    free(s->errors);
    free(s->etable);
    s->entries = NULL;
    s->table = NULL;
    s->errors = NULL;
    s->etable = NULL;
    s->nentries = s->cap = s->table_size = 0;
    s->nerrors = s->errors_cap = s->etable_size = 0;
    s->folded_samples = s->folded_errors = 0;
}

void sw__stats_free(struct sw__stats *s)
{
    if (!s)
        return;
    clear(s);
    sw__metrics_free(&s->metrics);
    entry_fini(&s->total);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void sw__stats_reset(struct sw__stats *s)
{
    pthread_mutex_lock(&s->lock);
    clear(s);
    sw__metrics_zero(&s->metrics);
    struct sw__hdr *service = s->total.service;
    sw__hdr_reset(service);
    sw__hdr_free(s->total.intended);
    char *name = s->total.name;
    memset(&s->total, 0, sizeof(s->total));
    s->total.name = name;
    s->total.service = service;
    s->total.min_us = INT64_MAX;
    for (int i = 0; i < SW_STATS_RING; i++)
        s->total.sec_key[i] = -1;
    pthread_mutex_unlock(&s->lock);
}

void sw__stats_record(struct sw__stats *s, const struct sw__sample *x)
{
    pthread_mutex_lock(&s->lock);
    int folded;
    struct sw__stats_entry *e = entry_for(s, x->method, x->name, &folded);
    /* Out of memory for a new name: the sample still reaches the total. */
    if (e)
        entry_record(e, x);
    if (folded)
        s->folded_samples++;
    /* A group's duration is not a request: it has its row, and the
     * Aggregated row counts requests only. */
    if (x->method != SW_GROUP)
        entry_record(&s->total, x);
    if (x->error)
        error_add(s, x->method, e ? e->name : (x->name ? x->name : ""),
                  x->error, 1);
    pthread_mutex_unlock(&s->lock);
}

void sw__stats_merge(struct sw__stats *into, struct sw__stats *from)
{
    if (into == from)
        return;
    /* Lock order: into, then from.  Only the main thread merges, always
     * from worker stats into its own snapshot, so the order never flips. */
    pthread_mutex_lock(&into->lock);
    pthread_mutex_lock(&from->lock);
    for (int i = 0; i < from->nentries; i++) {
        const struct sw__stats_entry *f = from->entries[i];
        int folded;
        struct sw__stats_entry *e = entry_for(into, f->method, f->name,
                                              &folded);
        if (e)
            entry_merge(e, f);
        if (folded)
            into->folded_samples += f->requests;
    }
    entry_merge(&into->total, &from->total);
    for (int i = 0; i < from->nerrors; i++) {
        const struct sw__stats_error *f = from->errors[i];
        error_add(into, f->method, f->name, f->message, f->count);
    }
    into->folded_samples += from->folded_samples;
    into->folded_errors += from->folded_errors;
    /* Workers share the scenario's metric table, so kinds never clash. */
    sw__metrics_merge(&into->metrics, &from->metrics, NULL);
    pthread_mutex_unlock(&from->lock);
    pthread_mutex_unlock(&into->lock);
}

static int cmp_entry(const void *a, const void *b)
{
    const struct sw__stats_entry *x = *(const struct sw__stats_entry *const *)a;
    const struct sw__stats_entry *y = *(const struct sw__stats_entry *const *)b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return strcmp(sw__method_name(x->method), sw__method_name(y->method));
}

struct sw__stats_entry **sw__stats_sorted(const struct sw__stats *s, int *n)
{
    *n = 0;
    if (s->nentries == 0)
        return NULL;
    struct sw__stats_entry **v = malloc((size_t)s->nentries * sizeof(*v));
    if (!v)
        return NULL;
    memcpy(v, s->entries, (size_t)s->nentries * sizeof(*v));
    qsort(v, (size_t)s->nentries, sizeof(*v), cmp_entry);
    *n = s->nentries;
    return v;
}

static int cmp_error(const void *a, const void *b)
{
    const struct sw__stats_error *x = *(const struct sw__stats_error *const *)a;
    const struct sw__stats_error *y = *(const struct sw__stats_error *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    c = (int)x->method - (int)y->method;
    if (c)
        return c;
    return strcmp(x->message, y->message);
}

struct sw__stats_error **sw__stats_errors_sorted(const struct sw__stats *s,
                                                 int *n)
{
    *n = 0;
    if (s->nerrors == 0)
        return NULL;
    struct sw__stats_error **v = malloc((size_t)s->nerrors * sizeof(*v));
    if (!v)
        return NULL;
    memcpy(v, s->errors, (size_t)s->nerrors * sizeof(*v));
    qsort(v, (size_t)s->nerrors, sizeof(*v), cmp_error);
    *n = s->nerrors;
    return v;
}

double sw__stats_current_rps(const struct sw__stats_entry *e, int64_t now_ms,
                             int64_t start_ms, double *fails_per_s)
{
    int64_t now_s = now_ms / 1000;
    int64_t from = now_s - 12;
    if (from < start_ms / 1000)
        from = start_ms / 1000;
    int64_t to = now_s - 2;   /* exclusive: the last 2 s are incomplete */
    int64_t reqs = 0, fails = 0;
    for (int64_t t = from; t < to; t++) {
        int slot = (int)(t % SW_STATS_RING);
        if (e->sec_key[slot] == t) {
            reqs += e->sec_reqs[slot];
            fails += e->sec_fails[slot];
        }
    }
    double n = to > from ? (double)(to - from) : 0.0;
    if (fails_per_s)
        *fails_per_s = n > 0 ? (double)fails / n : 0.0;
    return n > 0 ? (double)reqs / n : 0.0;
}

/* Used by merge.c: the uncapped lookup, so a merged result keeps every name
 * its inputs had (each input already applied the cap). */
struct sw__stats_entry *sw__stats_entry(struct sw__stats *s, sw_method_t m,
                                        const char *name)
{
    return entry_get(s, m, name, 0);
}
