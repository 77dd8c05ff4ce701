/*
 * merge.c - `merge a.json b.json ...`: one result from the --json results
 * of several runs, normally the N shards of one distributed test
 * (merge.h, docs/distributed.md).
 *
 * Everything that can be summed exactly is: request, failure and byte
 * counts, service-time sums, exact min/max, the HDR histograms (decoded
 * from their V2 base64 form and added bucket by bucket), error counts and
 * the per-second history (aligned by Unix second).  The thresholds
 * recorded in the inputs, plus any --threshold given here, are evaluated
 * again on the merged data, and every report is written by the reporter a
 * single run uses.  Exit status: 0, 99 (a threshold failed on the merged
 * data), 2 (bad, missing or inconsistent input), 1 (an output file could
 * not be written).
 */
#include "merge.h"

#include <errno.h>
#include <glob.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "report_int.h"
#include "threshold.h"
#include "util/method.h"
#include "report_metrics.h"

#define ME "merge"

/* A start later than this after --start-at is worth a warning. */
#define LATE_WARN_MS 50

/* One input file. */
struct input {
    const char *path;           /* borrowed from argv */
    json_t *root;               /* owned */
    json_t *run;                /* borrowed from root */
    int64_t start_ms, end_ms;
    int shard_index, shard_count;
    int64_t start_at_ms;        /* -1: none */
};

/* The whole merge; freed by state_free(). */
struct state {
    struct input *in;
    int nin;
    struct sw__stats *stats;    /* owned: the merged statistics */
    json_t *error_ix;           /* "METHOD\tname\tmessage" -> index */
    sw_threshold_t *th;         /* owned, names owned */
    int nth;
    int th_cap;
    struct sw__merged_sec *secs;    /* owned, intervals owned */
    int nsecs;
};

/* ---- small helpers ------------------------------------------------------ */

/* "merge: FILE: message" on stderr; returns -1. */
static int bad(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int bad(const char *path, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s: ", ME, path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static int64_t jint(const json_t *o, const char *key, int64_t dflt)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_real(v))
        return (int64_t)llround(json_real_value(v));
    return dflt;
}

static double jnum(const json_t *o, const char *key, double dflt)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A time in ms with 3 decimals (as the JSON writes it) back to us. */
static int64_t ms_to_us(const json_t *o, const char *key)
{
    return llround(jnum(o, key, 0.0) * 1000.0);
}

/* ---- reading and checking the inputs ------------------------------------ */

static int load_input(struct input *in)
{
    json_error_t je;
    in->root = json_load_file(in->path, 0, &je);
    if (!in->root) {
        if (je.line < 0)
            return bad(in->path, "cannot read: %s", je.text);
        return bad(in->path, "not valid JSON (line %d: %s)", je.line,
                   je.text);
    }
    const char *tool = jstr(in->root, "tool");
    if (!json_is_object(in->root) || !tool || strcmp(tool, "swarmc") != 0)
        return bad(in->path, "not a swarmc result (no \"tool\": \"swarmc\"; "
                             "write one with --json FILE)");
    if (jint(in->root, "format", -1) != 1)
        return bad(in->path, "result format %lld is not supported (this "
                             "build reads format 1)",
                   (long long)jint(in->root, "format", -1));
    in->run = json_object_get(in->root, "run");
    if (!json_is_object(in->run) ||
        !json_is_array(json_object_get(in->root, "requests")) ||
        !json_is_object(json_object_get(in->root, "aggregated")))
        return bad(in->path, "incomplete result: no run, requests or "
                             "aggregated");
    /* Results written before merge existed lack the exact sums and the
     * per-second histograms: merging them could only approximate. */
    const json_t *hist = json_object_get(in->root, "history");
    int complete = json_is_object(json_object_get(
        json_object_get(in->root, "aggregated"), "sum_us"));
    for (size_t i = 0; complete && i < json_array_size(hist); i++)
        complete = json_object_get(json_array_get(hist, i),
                                   "total_us") != NULL;
    if (!complete || !json_is_array(hist))
        return bad(in->path, "written by an older swarmc runtime: it lacks "
                             "the exact sums and per-second histograms a "
                             "merge needs (rebuild the scenario with this "
                             "swarmc and run it again)");
    in->start_ms = jint(in->run, "start_unix_ms", 0);
    in->end_ms = jint(in->run, "end_unix_ms", in->start_ms);
    const json_t *sh = json_object_get(in->run, "shard");
    in->shard_index = (int)jint(sh, "index", 0);
    in->shard_count = (int)jint(sh, "count", 1);
    in->start_at_ms = jint(sh, "start_at_ms", -1);
    if (in->shard_count < 1 || in->shard_index < 0 ||
        in->shard_index >= in->shard_count)
        return bad(in->path, "bad shard fields in \"run\"");
    return 0;
}

/* The scenario of a result, for messages: "shop.swarm (id 1a2b...)". */
static void scenario_desc(const struct input *in, char *buf, size_t n)
{
    const char *src = jstr(in->run, "scenario");
    const char *id = jstr(in->run, "scenario_id");
    snprintf(buf, n, "%s%s%s%s", src ? src : "(unnamed)", id ? " (id " : "",
             id ? id : "", id ? ")" : "");
}

static int check_same_scenario(const struct input *a, const struct input *b)
{
    const char *ia = jstr(a->run, "scenario_id");
    const char *ib = jstr(b->run, "scenario_id");
    const char *sa = jstr(a->run, "scenario");
    const char *sb = jstr(b->run, "scenario");
    int differ;
    if (ia && ib)
        differ = strcmp(ia, ib) != 0;
    else
        differ = !sa || !sb || strcmp(sa, sb) != 0;
    if (!differ)
        return 0;
    char da[256], db[256];
    scenario_desc(a, da, sizeof(da));
    scenario_desc(b, db, sizeof(db));
    fprintf(stderr, "%s: %s: from another scenario: %s, but %s is from %s\n",
            ME, b->path, db, a->path, da);
    return -1;
}

/*
 * Sharded inputs must be the complete set of one run: the same shard
 * count, each index once, the same --start-at and run time.  Unsharded
 * inputs (count 1) are independent runs and may be added freely.
 */
static int check_shards(struct input *in, int nin)
{
    int sharded = 0;
    for (int i = 0; i < nin; i++)
        sharded |= in[i].shard_count > 1;
    if (!sharded)
        return 0;
    int n = in[0].shard_count;
    for (int i = 0; i < nin; i++) {
        if (in[i].shard_count != n) {
            fprintf(stderr, "%s: %s: shard %d/%d does not belong with %s "
                            "(shard %d/%d): different shard counts\n", ME,
                    in[i].path, in[i].shard_index, in[i].shard_count,
                    in[0].path, in[0].shard_index, n);
            return -1;
        }
        if (in[i].start_at_ms != in[0].start_at_ms) {
            fprintf(stderr, "%s: %s: started with a different --start-at "
                            "than %s: not the same run\n", ME, in[i].path,
                    in[0].path);
            return -1;
        }
        if (jint(in[i].run, "run_time_ms", -1) !=
            jint(in[0].run, "run_time_ms", -1)) {
            fprintf(stderr, "%s: %s: a different --run-time than %s: not "
                            "the same run\n", ME, in[i].path, in[0].path);
            return -1;
        }
        for (int j = 0; j < i; j++) {
            if (in[j].shard_index == in[i].shard_index) {
                fprintf(stderr, "%s: %s: shard %d/%d is also in %s\n", ME,
                        in[i].path, in[i].shard_index, n, in[j].path);
                return -1;
            }
        }
    }
    if (nin == n)
        return 0;
    /* Name every missing index: that is the pod or host to look at. */
    fprintf(stderr, "%s: %d of %d shards given; missing shard%s", ME, nin, n,
            n - nin > 1 ? "s" : "");
    int shown = 0;
    for (int k = 0; k < n && shown < 20; k++) {
        int found = 0;
        for (int i = 0; i < nin; i++)
            found |= in[i].shard_index == k;
        if (!found)
            fprintf(stderr, "%s %d/%d", shown++ ? "," : "", k, n);
    }
    fprintf(stderr, "%s\n", n - nin > shown ? ", ..." : "");
    return -1;
}

/* The histogram settings of an entry must be this build's (and so equal
 * in every input). */
static int check_hist_settings(const struct input *in, const json_t *h,
                               const char *what)
{
    const char *unit = jstr(h, "unit");
    int64_t lo = jint(h, "lowest", -1), hi = jint(h, "highest", -1);
    int64_t sig = jint(h, "significant_digits", -1);
    if (unit && strcmp(unit, "us") == 0 && lo == SW_HDR_LOWEST &&
        hi == SW_HDR_HIGHEST && sig == SW_HDR_SIGFIGS)
        return 0;
    fprintf(stderr, "%s: %s: histogram settings of %s (unit %s, lowest %lld, "
                    "highest %lld, %lld significant digits) differ from "
                    "this build's (unit us, lowest %d, highest %lld, %d "
                    "significant digits)\n", ME, in->path, what,
            unit ? unit : "?", (long long)lo, (long long)hi, (long long)sig,
            SW_HDR_LOWEST, (long long)SW_HDR_HIGHEST, SW_HDR_SIGFIGS);
    return -1;
}

/* Decodes one base64 histogram; NULL with a message naming the file. */
static struct sw__hdr *decode(const struct input *in, const char *b64,
                              const char *what)
{
    char err[128] = "";
    struct sw__hdr *h = sw__hdr_decode_base64(b64, err, sizeof(err));
    if (!h) {
        fprintf(stderr, "%s: %s: bad histogram for %s: %s\n", ME, in->path,
                what, err[0] ? err : "out of memory");
        return NULL;
    }
    if (h->lowest != SW_HDR_LOWEST || h->highest != SW_HDR_HIGHEST ||
        h->sig_figs != SW_HDR_SIGFIGS) {
        fprintf(stderr, "%s: %s: the histogram of %s is encoded with other "
                        "settings (lowest %lld, highest %lld, %d digits)\n",
                ME, in->path, what, (long long)h->lowest,
                (long long)h->highest, h->sig_figs);
        sw__hdr_free(h);
        return NULL;
    }
    return h;
}

/* ---- summing the statistics --------------------------------------------- */


static void phase_add(struct sw__stats_phase *p, const json_t *timing,
                      const json_t *sums, const char *key)
{
    const json_t *o = json_object_get(timing, key);
    int64_t n = jint(o, "count", 0);
    if (n <= 0)
        return;
    int64_t sum = jint(sums, key, 0);
    int64_t mx = ms_to_us(o, "max_ms");
    p->n += n;
    p->sum_us += sum;
    if (mx > p->max_us)
        p->max_us = mx;
}

/* e += the request object o of input `in`.  0, or -1 with a message. */
static int entry_add(const struct input *in, struct sw__stats_entry *e,
                     const json_t *o)
{
    char what[300];
    const char *method = jstr(o, "method");
    snprintf(what, sizeof(what), "%s%s%s", method ? method : "",
             method ? " " : "", e->name);
    const json_t *hist = json_object_get(o, "histogram");
    const char *svc = jstr(hist, "service");
    int64_t reqs = jint(o, "requests", -1);
    if (reqs < 0 || !json_is_object(hist))
        return bad(in->path, "request entry '%s' has no request count or "
                             "histogram", what);
    if (check_hist_settings(in, hist, what) < 0)
        return -1;
    struct sw__hdr *service = NULL, *intended = NULL;
    int rc = -1;
    if (svc) {
        service = decode(in, svc, what);
        if (!service)
            goto out;
    }
    /* The histogram is the heart of the merge: a file whose histogram and
     * count disagree has been damaged or edited. */
    int64_t have = service ? service->total_count : 0;
    if (have != reqs) {
        bad(in->path, "inconsistent entry '%s': %lld requests but %lld "
                      "values in its histogram", what, (long long)reqs,
            (long long)have);
        goto out;
    }
    const char *itd = jstr(hist, "intended");
    if (itd) {
        intended = decode(in, itd, what);
        if (!intended)
            goto out;
    }
    const json_t *lat = json_object_get(o, "latency_ms");
    const json_t *sums = json_object_get(o, "sum_us");
    e->requests += reqs;
    e->failures += jint(o, "failures", 0);
    e->bytes += jint(o, "bytes", 0);
    e->total_us += jint(sums, "latency", 0);
    if (reqs > 0) {
        int64_t mn = ms_to_us(lat, "min"), mx = ms_to_us(lat, "max");
        if (mn < e->min_us)
            e->min_us = mn;
        if (mx > e->max_us)
            e->max_us = mx;
    }
    const json_t *timing = json_object_get(o, "timing");
    phase_add(&e->dns, timing, sums, "dns");
    phase_add(&e->connect, timing, sums, "connect");
    phase_add(&e->tls, timing, sums, "tls");
    phase_add(&e->ttfb, timing, sums, "ttfb");
    /* Same rule as sw__stats_merge: without a schedule, a run's intended
     * times are its service times. */
    if (intended && !e->intended) {
        e->intended = sw__hdr_new_default();
        if (!e->intended || sw__hdr_copy(e->intended, e->service) < 0)
            goto nomem;
    }
    const struct sw__hdr *add = intended ? intended : service;
    if (e->intended && add && sw__hdr_add(e->intended, add) < 0)
        goto nomem;
    if (service && sw__hdr_add(e->service, service) < 0)
        goto nomem;
    e->service->clamped += jint(hist, "clamped", 0);
    rc = 0;
    goto out;
nomem:
    fprintf(stderr, "%s: out of memory\n", ME);
out:
    sw__hdr_free(service);
    sw__hdr_free(intended);
    return rc;
}

static int error_add(struct state *st, const struct input *in,
                     const json_t *o)
{
    struct sw__stats *s = st->stats;
    const char *method = jstr(o, "method");
    const char *name = jstr(o, "name");
    const char *msg = jstr(o, "message");
    sw_method_t m;
    if (!name || !msg || sw__method_parse(method, &m) < 0)
        return bad(in->path, "malformed entry in \"errors\"");
    size_t n = strlen(name) + strlen(msg) + 16;
    char *key = malloc(n);
    if (!key)
        goto nomem;
    snprintf(key, n, "%s\t%s\t%s", method, name, msg);
    json_t *ix = json_object_get(st->error_ix, key);
    struct sw__stats_error *e;
    if (ix) {
        e = s->errors[json_integer_value(ix)];
    } else {
        if (s->nerrors == s->errors_cap) {
            int cap = s->errors_cap ? s->errors_cap * 2 : 16;
            struct sw__stats_error **ne = realloc(s->errors, (size_t)cap *
                                                  sizeof(*ne));
            if (!ne)
                goto nomem;
            s->errors = ne;
            s->errors_cap = cap;
        }
        e = calloc(1, sizeof(*e));
        if (!e)
            goto nomem;
        e->method = m;
        e->name = strdup(name);
        e->message = strdup(msg);
        if (!e->name || !e->message ||
            json_object_set_new(st->error_ix, key,
                                json_integer(s->nerrors)) != 0) {
            free(e->name);
            free(e->message);
            free(e);
            goto nomem;
        }
        s->errors[s->nerrors++] = e;
    }
    e->count += jint(o, "occurrences", 0);
    free(key);
    return 0;
nomem:
    free(key);
    fprintf(stderr, "%s: out of memory\n", ME);
    return -1;
}

static int add_input(struct state *st, const struct input *in)
{
    const json_t *reqs = json_object_get(in->root, "requests");
    size_t i;
    const json_t *o;
    json_array_foreach(reqs, i, o) {
        const char *name = jstr(o, "name");
        sw_method_t m;
        if (!name || sw__method_parse(jstr(o, "method"), &m) < 0)
            return bad(in->path, "malformed entry in \"requests\"");
        struct sw__stats_entry *e = sw__stats_entry(st->stats, m, name);
        if (!e) {
            fprintf(stderr, "%s: out of memory\n", ME);
            return -1;
        }
        if (entry_add(in, e, o) < 0)
            return -1;
    }
    if (entry_add(in, &st->stats->total,
                  json_object_get(in->root, "aggregated")) < 0)
        return -1;
    json_array_foreach(json_object_get(in->root, "errors"), i, o) {
        if (error_add(st, in, o) < 0)
            return -1;
    }
    char why[256];
    if (sw__metrics_from_json(st->stats, json_object_get(in->root, "metrics"),
                              why, sizeof(why)) < 0)
        return bad(in->path, "%s", why);
    const json_t *w = json_object_get(in->root, "warnings");
    st->stats->folded_samples += jint(w, "names_folded", 0);
    st->stats->folded_errors += jint(w, "errors_folded", 0);
    return 0;
}

/* ---- history ------------------------------------------------------------ */

/* What one input said at its latest row so far (carried forward). */
struct carry {
    size_t next;                /* next row of its history */
    int64_t users, reqs, fails, total_us, min_us, max_us, bytes;
    double cur_rps, cur_fps;
};

/*
 * The second a history row belongs to. Shards of one run tick once a
 * second from their common --start-at, give or take a few ms; such a
 * start is usually a whole second, so bucketing by Unix second would
 * split the shards' ticks across two seconds whenever one fires a ms
 * early or late. Counting seconds from the common start, rounded to the
 * nearest, puts the k-th tick of every shard in second k (for starts up
 * to half a second late). Runs without a common start keep Unix seconds.
 */
static int64_t row_sec(const json_t *row, int64_t origin_ms)
{
    int64_t t = jint(row, "ts_ms", 0) - origin_ms;
    if (origin_ms > 0)
        t += 500;
    return t >= 0 ? t / 1000 : (t - 999) / 1000;
}

/* The common --start-at of all inputs, or 0 when they have none. */
static int64_t common_start(const struct state *st)
{
    for (int k = 0; k < st->nin; k++)
        if (st->in[k].start_at_ms <= 0 ||
            st->in[k].start_at_ms != st->in[0].start_at_ms)
            return 0;
    return st->in[0].start_at_ms;
}

/*
 * One merged row per second (row_sec) in which any input has a row: each
 * input's cumulative counters as of that second (its latest row so far),
 * summed; the interval histograms of all rows in that second, added.
 * With a common --start-at every shard's k-th tick falls in second k, so
 * each merged row sums exactly one tick per shard.
 */
static int merge_history(struct state *st)
{
    int nin = st->nin;
    int64_t origin = common_start(st);
    struct carry *c = calloc((size_t)nin, sizeof(*c));
    /* One scratch histogram for the second being merged; each merged
     * second keeps only its encoded form (a few hundred bytes instead of
     * a histogram's 184 KiB). */
    struct sw__hdr *acc = sw__hdr_new_default();
    struct sw__hdr *x = NULL;
    if (!c || !acc)
        goto nomem;
    for (int k = 0; k < nin; k++) {
        c[k].min_us = INT64_MAX;
        const json_t *h = json_object_get(st->in[k].root, "history");
        for (size_t i = 1; i < json_array_size(h); i++) {
            if (row_sec(json_array_get(h, i), origin) <
                row_sec(json_array_get(h, i - 1), origin)) {
                bad(st->in[k].path, "\"history\" is not in time order");
                goto fail;
            }
        }
    }
    for (;;) {
        /* the next second in which any input has a row */
        int64_t s = INT64_MAX;
        for (int k = 0; k < nin; k++) {
            const json_t *h = json_object_get(st->in[k].root, "history");
            const json_t *row = json_array_get(h, c[k].next);
            if (row && row_sec(row, origin) < s)
                s = row_sec(row, origin);
        }
        if (s == INT64_MAX)
            break;
        struct sw__merged_sec m;
        memset(&m, 0, sizeof(m));
        m.min_us = INT64_MAX;
        sw__hdr_reset(acc);
        for (int k = 0; k < nin; k++) {
            const json_t *h = json_object_get(st->in[k].root, "history");
            struct carry *ck = &c[k];
            const json_t *row;
            while ((row = json_array_get(h, ck->next)) &&
                   row_sec(row, origin) == s) {
                ck->next++;
                int64_t ts = jint(row, "ts_ms", 0);
                if (ts > m.ts_ms)
                    m.ts_ms = ts;
                ck->users = jint(row, "users", 0);
                ck->reqs = jint(row, "requests", 0);
                ck->fails = jint(row, "failures", 0);
                ck->total_us = jint(row, "total_us", 0);
                ck->min_us = jint(row, "min_us", INT64_MAX);
                ck->max_us = jint(row, "max_us", 0);
                ck->bytes = jint(row, "bytes", 0);
                ck->cur_rps = jnum(row, "current_rps", 0);
                ck->cur_fps = jnum(row, "current_failures_per_s", 0);
                const char *b64 = jstr(row, "histogram");
                if (!b64)
                    continue;
                x = decode(&st->in[k], b64, "a history row");
                if (!x)
                    goto fail;
                if (sw__hdr_add(acc, x) < 0)
                    goto nomem;
                sw__hdr_free(x);
                x = NULL;
            }
        }
        for (int k = 0; k < nin; k++) {
            m.users += c[k].users;
            m.reqs += c[k].reqs;
            m.fails += c[k].fails;
            m.total_us += c[k].total_us;
            m.bytes += c[k].bytes;
            if (c[k].min_us < m.min_us)
                m.min_us = c[k].min_us;
            if (c[k].max_us > m.max_us)
                m.max_us = c[k].max_us;
            m.cur_rps += c[k].cur_rps;
            m.cur_fps += c[k].cur_fps;
        }
        if (acc->total_count > 0) {
            m.hist_b64 = sw__hdr_encode_base64(acc);
            if (!m.hist_b64)
                goto nomem;
        }
        if (st->nsecs % 64 == 0) {
            struct sw__merged_sec *ns = realloc(
                st->secs, (size_t)(st->nsecs + 64) * sizeof(*ns));
            if (!ns) {
                free(m.hist_b64);
                goto nomem;
            }
            st->secs = ns;
        }
        st->secs[st->nsecs++] = m;
    }
    free(c);
    sw__hdr_free(acc);
    return 0;
nomem:
    fprintf(stderr, "%s: out of memory\n", ME);
fail:
    free(c);
    sw__hdr_free(acc);
    sw__hdr_free(x);
    return -1;
}

/* ---- thresholds --------------------------------------------------------- */

static int same_threshold(const sw_threshold_t *a, const sw_threshold_t *b)
{
    return strcmp(a->text, b->text) == 0 && a->metric == b->metric &&
           a->custom == b->custom &&
           a->cmp == b->cmp && a->pct == b->pct && a->value == b->value &&
           ((!a->name && !b->name) ||
            (a->name && b->name && strcmp(a->name, b->name) == 0));
}

/* Adds t (taking its strings) unless an equal one is there. */
static int threshold_add(struct state *st, sw_threshold_t *t)
{
    for (int i = 0; i < st->nth; i++) {
        if (same_threshold(&st->th[i], t)) {
            free((char *)t->name);
            free((char *)t->text);
            return 0;
        }
    }
    if (st->nth == st->th_cap) {
        int cap = st->th_cap ? st->th_cap * 2 : 8;
        sw_threshold_t *nt = realloc(st->th, (size_t)cap * sizeof(*nt));
        if (!nt)
            return -1;
        st->th = nt;
        st->th_cap = cap;
    }
    st->th[st->nth++] = *t;
    return 0;
}

/* The thresholds a result recorded, in their parsed form. */
static int input_thresholds(struct state *st, const struct input *in)
{
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(in->root, "thresholds"), i, o) {
        const char *text = jstr(o, "text");
        const char *name = jstr(o, "name");
        sw_threshold_t t;
        memset(&t, 0, sizeof(t));
        if (!text)
            return bad(in->path, "a threshold without \"text\"");
        /* The parsed form, not the text: a scenario's threshold text
         * does not repeat the request name it applies to. */
        int64_t metric = jint(o, "metric", -1), cmp = jint(o, "cmp", -1);
        if (metric < 0 || metric > SW_METRIC_RATE || cmp < 0 ||
            cmp > SW_CMP_NE || !json_is_number(json_object_get(o, "value")))
            return bad(in->path, "threshold '%s' has no valid metric, "
                                 "operator or value", text);
        t.metric = (sw_metric_t)metric;
        t.cmp = (sw_cmp_t)cmp;
        t.pct = jnum(o, "pct", 0);
        t.value = jnum(o, "value", 0);
        t.abort_on_fail = json_is_true(json_object_get(o, "abort"));
        t.custom = json_is_true(json_object_get(o, "custom"));
        t.text = strdup(text);
        t.name = name ? strdup(name) : NULL;
        if (!t.text || (name && !t.name) || threshold_add(st, &t) < 0) {
            free((char *)t.text);
            free((char *)t.name);
            fprintf(stderr, "%s: out of memory\n", ME);
            return -1;
        }
    }
    return 0;
}

/* ---- the command -------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: merge RESULT.json... [--csv PREFIX] [--json FILE] "
        "[--html FILE]\n"
        "             [--junit FILE] [--hlog FILE] [--threshold EXPR]...\n"
        "\n"
        "Merges the --json results of the shards of one run (or of several\n"
        "independent runs of one scenario) into one result: histograms and\n"
        "counters summed exactly, the per-second history rebuilt, the\n"
        "recorded thresholds and every --threshold evaluated again on the\n"
        "merged data.  Prints the summary and writes the reports asked for.\n"
        "A RESULT with * ? or [ is expanded here when the shell has not\n"
        "(an image with no shell): 'results/shard-*.json'.\n"
        "\n"
        "  --csv PREFIX     Locust's CSV files (history: Aggregated rows)\n"
        "  --json FILE      the merged result (itself mergeable)\n"
        "  --html FILE      a self-contained HTML report\n"
        "  --junit FILE     thresholds as JUnit XML\n"
        "  --hlog FILE      HdrHistogram interval log (untagged intervals)\n"
        "  --threshold EXPR an extra threshold, repeatable: \"p95<300ms\"\n"
        "  -h, --help       show this help\n"
        "\n"
        "Exit status: 0 merged and every threshold passed; 99 a threshold\n"
        "failed on the merged data; 2 bad, missing or inconsistent input;\n"
        "1 an output file could not be written.\n");
}

/* "--opt VALUE" or "--opt=VALUE": 1 and *val when argv[*i] is opt. */
static int opt_value(int argc, char **argv, int *i, const char *opt,
                     const char **val, int *err)
{
    size_t n = strlen(opt);
    const char *a = argv[*i];
    if (strncmp(a, opt, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", ME, opt);
        *err = 1;
        return 1;
    }
    *val = argv[++*i];
    return 1;
}

static void state_free(struct state *st)
{
    for (int i = 0; i < st->nin; i++)
        json_decref(st->in[i].root);
    free(st->in);
    sw__stats_free(st->stats);
    json_decref(st->error_ix);
    for (int i = 0; i < st->nth; i++) {
        free((char *)st->th[i].text);
        free((char *)st->th[i].name);
    }
    free(st->th);
    for (int i = 0; i < st->nsecs; i++)
        free(st->secs[i].hist_b64);
    free(st->secs);
}

/* Lateness of each shard against --start-at, and the start skew. */
static void start_report(const struct state *st)
{
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (int i = 0; i < st->nin; i++) {
        const struct input *in = &st->in[i];
        if (in->start_ms < first)
            first = in->start_ms;
        if (in->start_ms > last)
            last = in->start_ms;
        if (in->start_at_ms < 0)
            continue;
        int64_t late = in->start_ms - in->start_at_ms;
        double dur = (double)(in->end_ms - in->start_ms);
        if (late > LATE_WARN_MS && (double)late > dur / 100.0)
            fprintf(stderr, "%s: warning: %s (shard %d/%d) started %.3f s "
                            "after --start-at\n", ME, in->path,
                    in->shard_index, in->shard_count, (double)late / 1000.0);
    }
    if (st->nin > 1 && st->in[0].start_at_ms >= 0 &&
        last - first > LATE_WARN_MS)
        fprintf(stderr, "%s: warning: the shards' starts are %.3f s apart\n",
                ME, (double)(last - first) / 1000.0);
}

int sw_merge_main(int argc, char **argv)
{
    struct state st;
    memset(&st, 0, sizeof(st));
    struct sw__options opt;
    memset(&opt, 0, sizeof(opt));
    opt.quiet = 1;
    opt.shard_count = 1;
    opt.start_at_ms = -1;
    opt.rate_per_s = -1;
    opt.prog = ME;
    int rc = SW_MERGE_EXIT_INPUT;
    glob_t globbed;             /* owns the paths of expanded patterns */
    memset(&globbed, 0, sizeof(globbed));
    int gr, globs = 0;
    const char **extra = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*extra));
    int nextra = 0;
    st.in = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*st.in));
    st.stats = sw__stats_new();
    st.error_ix = json_object();
    if (!extra || !st.in || !st.stats || !st.error_ix) {
        fprintf(stderr, "%s: out of memory\n", ME);
        goto out;
    }

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int err = 0;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (opt_value(argc, argv, &i, "--csv", &v, &err)) {
            opt.csv_prefix = v;
        } else if (opt_value(argc, argv, &i, "--json", &v, &err)) {
            opt.json_path = v;
        } else if (opt_value(argc, argv, &i, "--html", &v, &err)) {
            opt.html_path = v;
        } else if (opt_value(argc, argv, &i, "--junit", &v, &err)) {
            opt.junit_path = v;
        } else if (opt_value(argc, argv, &i, "--hlog", &v, &err)) {
            opt.hlog_path = v;
        } else if (opt_value(argc, argv, &i, "--threshold", &v, &err)) {
            extra[nextra++] = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "%s: unknown option '%s' (see --help)\n", ME, a);
            goto out;
        } else if (strpbrk(a, "*?[") != NULL && access(a, F_OK) != 0) {
            /* a pattern the shell left alone: no shell in the image */
            gr = glob(a, globs++ ? GLOB_APPEND : 0, NULL, &globbed);
            if (gr == GLOB_NOSPACE) {
                fprintf(stderr, "%s: out of memory\n", ME);
                goto out;
            }
            if (gr == GLOB_NOMATCH || gr == GLOB_ABORTED) {
                fprintf(stderr, "%s: %s: no file matches\n", ME, a);
                goto out;
            }
        } else {
            st.in[st.nin++].path = a;
        }
        if (err)
            goto out;
    }
    if (globbed.gl_pathc > 0) {
        struct input *in = realloc(st.in, sizeof(*st.in) *
                                   ((size_t)st.nin + globbed.gl_pathc));
        if (!in) {
            fprintf(stderr, "%s: out of memory\n", ME);
            goto out;
        }
        st.in = in;
        memset(in + st.nin, 0, sizeof(*in) * globbed.gl_pathc);
        for (size_t k = 0; k < globbed.gl_pathc; k++)
            st.in[st.nin++].path = globbed.gl_pathv[k];
    }
    if (st.nin == 0) {
        fprintf(stderr, "%s: no result files given (see --help)\n", ME);
        goto out;
    }

    /* Read and check everything before writing anything. */
    for (int i = 0; i < st.nin; i++) {
        struct stat sb;
        if (stat(st.in[i].path, &sb) == 0) {
            for (int j = 0; j < i; j++) {
                struct stat sj;
                if (stat(st.in[j].path, &sj) == 0 && sj.st_dev == sb.st_dev &&
                    sj.st_ino == sb.st_ino) {
                    fprintf(stderr, "%s: %s: given twice (also as %s)\n", ME,
                            st.in[i].path, st.in[j].path);
                    goto out;
                }
            }
        }
        if (load_input(&st.in[i]) < 0)
            goto out;
        if (i > 0 && check_same_scenario(&st.in[0], &st.in[i]) < 0)
            goto out;
    }
    if (check_shards(st.in, st.nin) < 0)
        goto out;
    for (int i = 0; i < st.nin; i++) {
        if (add_input(&st, &st.in[i]) < 0 ||
            input_thresholds(&st, &st.in[i]) < 0)
            goto out;
    }
    for (int i = 0; i < nextra; i++) {
        sw_threshold_t t;
        char err[256];
        if (sw__threshold_parse(extra[i], &t, err, sizeof(err)) < 0) {
            fprintf(stderr, "%s: %s\n", ME, err);
            goto out;
        }
        t.text = strdup(extra[i]);
        if (!t.text || threshold_add(&st, &t) < 0) {
            free((char *)t.text);
            free((char *)t.name);
            fprintf(stderr, "%s: out of memory\n", ME);
            goto out;
        }
    }
    if (merge_history(&st) < 0)
        goto out;

    /* The merged run: from the first start to the last end. */
    const json_t *run0 = st.in[0].run;
    sw_scenario_t sc;
    memset(&sc, 0, sizeof(sc));
    sc.source = jstr(run0, "scenario");
    struct sw__run_info ri;
    memset(&ri, 0, sizeof(ri));
    ri.scenario = &sc;
    ri.scenario_id = jstr(run0, "scenario_id");
    ri.opt = &opt;
    ri.start_unix_ms = INT64_MAX;
    int64_t max_users = 0;
    for (int i = 0; i < st.nin; i++) {
        const struct input *in = &st.in[i];
        if (in->start_ms < ri.start_unix_ms)
            ri.start_unix_ms = in->start_ms;
        if (in->end_ms > ri.now_unix_ms)
            ri.now_unix_ms = in->end_ms;
        ri.users += jint(in->run, "users", 0);
        ri.target_users += jint(in->run, "target_users", 0);
        ri.dropped += jint(in->run, "dropped", 0);
        ri.threads += (int)jint(in->run, "threads", 0);
        /* per-engine counts add up while every input has them */
        const json_t *eng = json_object_get(in->run, "engines");
        int64_t nat = jint(eng, "native", -1), cur = jint(eng, "curl", -1);
        if (i == 0 || ri.engine_native >= 0) {
            ri.engine_native = nat < 0 || cur < 0 ? -1
                                                  : ri.engine_native + nat;
            ri.engine_curl = nat < 0 || cur < 0 ? -1 : ri.engine_curl + cur;
        }
    }
    max_users = ri.users;
    /* Shards of one closed-model run split every stage's users the same
     * monotonic way (3 + 2 + 2 of 7), so they reach their peaks together
     * and the run's peak is the sum of theirs, whatever the history rows
     * caught. An open model's shards peak when their arrivals pile up,
     * independently: there the history's sums are the measure. */
    if (st.in[0].shard_count > 1 && st.in[0].start_at_ms >= 0 &&
        jnum(run0, "rate_per_s", -1) < 0) {
        int64_t sum = 0;
        for (int i = 0; i < st.nin; i++)
            sum += jint(st.in[i].run, "max_users", 0);
        if (sum > max_users)
            max_users = sum;
    }
    opt.host = jstr(run0, "host");
    opt.start_at_ms = st.in[0].start_at_ms;
    opt.spawn_rate = jnum(run0, "spawn_rate", 0);
    opt.run_time_ms = jint(run0, "run_time_ms", -1);
    opt.rate_per_s = jnum(run0, "rate_per_s", -1);
    opt.thresholds = st.th;
    opt.nthresholds = st.nth;
    start_report(&st);

    char desc[256];
    scenario_desc(&st.in[0], desc, sizeof(desc));
    if (st.in[0].shard_count > 1)
        printf("Merged %d shards of %s\n\n", st.nin, desc);
    else
        printf("Merged %d result%s of %s\n\n", st.nin, st.nin > 1 ? "s" : "",
               desc);
    rc = sw__report_merged(st.stats, &ri, st.secs, st.nsecs, max_users);
    if (rc < 0) {
        fprintf(stderr, "%s: out of memory\n", ME);
        rc = 1;
    }
out:
    free(extra);
    state_free(&st);
    if (globs > 0)
        globfree(&globbed);
    return rc;
}
