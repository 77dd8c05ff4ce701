/*
 * test-feed.c - the CSV reader, feeder loading (files, embedded text,
 * column checks, sharding) and the four hand-out modes, with threads.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "swarm.h"
#include "user.h"
#include "data.h"
#include "feed.h"
#include "rng.h"

static char err[512];

/* The run's data (feeders) every fake user reads. */
static struct sw__data D;

/* ===================================================================== */
/* CSV                                                                    */
/* ===================================================================== */

/* Parses text; returns the cell block (or NULL, with err set). */
static char **parse(const char *text, size_t *nrec, size_t *nf)
{
    char **cells = NULL;
    err[0] = '\0';
    if (sw__csv_parse(text, strlen(text), &cells, nrec, nf, err,
                      sizeof(err)) != 0)
        return NULL;
    return cells;
}

TEST(csv_basic)
{
    size_t nrec, nf;
    char **c = parse("user,pass\nalice,a1\r\nbob,b2", &nrec, &nf);
    ASSERT(c != NULL);
    ASSERT_EQ(nrec, 3);
    ASSERT_EQ(nf, 2);
    ASSERT_STR_EQ(c[0], "user");
    ASSERT_STR_EQ(c[1], "pass");
    ASSERT_STR_EQ(c[2], "alice");
    ASSERT_STR_EQ(c[3], "a1");
    ASSERT_STR_EQ(c[4], "bob");
    ASSERT_STR_EQ(c[5], "b2");
    free(c);
}

TEST(csv_quoting)
{
    size_t nrec, nf;
    char **c = parse("\xEF\xBB\xBF" "a,b,c\r\n"
                     "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
                     "\r\n"
                     ",\"\",plain \"quote\"\n\n",
                     &nrec, &nf);
    if (c == NULL)
        FAILF("parse failed: %s", err);
    ASSERT_EQ(nrec, 3);
    ASSERT_EQ(nf, 3);
    ASSERT_STR_EQ(c[0], "a");                   /* BOM skipped */
    ASSERT_STR_EQ(c[3], "x,y");
    ASSERT_STR_EQ(c[4], "say \"hi\"");
    ASSERT_STR_EQ(c[5], "two\nlines");
    ASSERT_STR_EQ(c[6], "");
    ASSERT_STR_EQ(c[7], "");
    ASSERT_STR_EQ(c[8], "plain \"quote\"");
    free(c);
}

TEST(csv_errors)
{
    size_t nrec, nf;
    ASSERT(parse("a,b\n1,2\n3\n", &nrec, &nf) == NULL);
    ASSERT_STR_EQ(err, "line 3: 1 field, but the header has 2");
    ASSERT(parse("a,b\n\"1\nx\",2\n3,4,5\n", &nrec, &nf) == NULL);
    ASSERT_STR_EQ(err, "line 4: 3 fields, but the header has 2");
    ASSERT(parse("a,b\n\"open,2\n", &nrec, &nf) == NULL);
    ASSERT_STR_EQ(err, "line 2: unterminated quoted field");
    ASSERT(parse("a,b\n\"x\"y,2\n", &nrec, &nf) == NULL);
    ASSERT(strncmp(err, "line 2: unexpected 'y' after a closing quote",
                   44) == 0);
    ASSERT(parse("", &nrec, &nf) == NULL);
    ASSERT_STR_EQ(err, "line 1: no header (the file is empty)");
    ASSERT(parse("\n\r\n", &nrec, &nf) == NULL);
}

/* ===================================================================== */
/* Loading                                                                */
/* ===================================================================== */

static const char *const cols_up[] = { "username", "password" };

static sw_user_t *fake_user(int64_t id)
{
    sw_user_t *u = calloc(1, sizeof(*u));
    if (u == NULL || sw__values_init(u, 0) != 0)
        abort();
    u->id = id;
    u->data = &D;
    sw__rng_seed(u->rng, 1, id);
    return u;
}

static void free_user(sw_user_t *u)
{
    sw__values_free(u, 0);
    free(u);
}

/* Loads one feeder; 0 or -1 with err set. */
static int load(sw_feeder_def_t *def, int shard, int nshards)
{
    static sw_scenario_t sc;
    memset(&sc, 0, sizeof(sc));
    sc.source = "tests/unit/fake.swarm";
    sc.feeders = def;
    sc.nfeeders = 1;
    err[0] = '\0';
    return sw__data_init(&D, &sc, shard, nshards, err, sizeof(err));
}

static char tmpdir[64];

static const char *write_file(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        abort();
    fputs(text, fp);
    fclose(fp);
    return path;
}

TEST(load_file_and_reorder_columns)
{
    const char *path = write_file("acc.csv",
                                  "id, password ,username\n"
                                  "1,p1,alice\n2,p2,bob\n");
    sw_feeder_def_t def = { "accounts", path, NULL, cols_up, 2,
                            SW_FEED_SHARED };
    if (load(&def, 0, 1) != 0)
        FAILF("load: %s", err);
    ASSERT_EQ(sw__feed_rows(&D.feed, 0), 2);
    sw_user_t *u = fake_user(1);
    const sw_row_t *r = sw_feed_next(u, 0);
    ASSERT_STR_EQ(sw_row_col(r, 0), "alice");
    ASSERT_STR_EQ(sw_row_col(r, 1), "p1");
    ASSERT_STR_EQ(sw_row_col(r, 2), "");
    ASSERT_STR_EQ(sw_row_col(r, -1), "");
    ASSERT_STR_EQ(sw_row_col(NULL, 0), "");
    r = sw_feed_next(u, 0);
    ASSERT_STR_EQ(sw_row_col(r, 0), "bob");
    r = sw_feed_next(u, 0);
    ASSERT_STR_EQ(sw_row_col(r, 0), "alice");   /* round-robin wraps */
    free_user(u);
    sw__data_free(&D);
}

TEST(load_errors)
{
    sw_feeder_def_t def = { "accounts", NULL,
                            "username,pass\nalice,x\n", cols_up, 2,
                            SW_FEED_SHARED };
    ASSERT_EQ(load(&def, 0, 1), -1);
    ASSERT_STR_EQ(err, "feeder 'accounts': (embedded): missing column "
                       "'password' (header: username,pass)");

    def.embedded = "username,password\n";
    ASSERT_EQ(load(&def, 0, 1), -1);
    ASSERT_STR_EQ(err, "feeder 'accounts': (embedded): no data rows");

    def.embedded = "username,password\na,b,c\n";
    ASSERT_EQ(load(&def, 0, 1), -1);
    ASSERT_STR_EQ(err, "feeder 'accounts': (embedded): line 2: 3 fields, "
                       "but the header has 2");

    def.embedded = NULL;
    def.path = "no/such/file.csv";
    ASSERT_EQ(load(&def, 0, 1), -1);
    ASSERT_STR_EQ(err, "feeder 'accounts': cannot read 'no/such/file.csv': "
                       "No such file or directory");

    const char *path = write_file("bad.csv", "username,password\n\"x,1\n");
    def.path = path;
    ASSERT_EQ(load(&def, 0, 1), -1);
    char want[256];
    snprintf(want, sizeof(want),
             "feeder 'accounts': %s: line 2: unterminated quoted field",
             path);
    ASSERT_STR_EQ(err, want);
    sw__data_free(&D);
}

TEST(path_next_to_scenario)
{
    /* A relative path missing from the current directory is looked up
     * next to the scenario source, here "<tmpdir>/fake.swarm". */
    sw_feeder_def_t def = { "f", "data-beside.csv", NULL, NULL, 0,
                            SW_FEED_SHARED };
    (void)write_file("data-beside.csv", "a\n1\n");
    static sw_scenario_t sc;
    memset(&sc, 0, sizeof(sc));
    char source[128];
    snprintf(source, sizeof(source), "%s/fake.swarm", tmpdir);
    sc.source = source;
    sc.feeders = &def;
    sc.nfeeders = 1;
    int rc = sw__data_init(&D, &sc, 0, 1, err, sizeof(err));
    if (rc != 0)
        FAILF("load: %s", err);
    sw_user_t *u = fake_user(1);
    ASSERT_STR_EQ(sw_row_col(sw_feed_next(u, 0), 0), "1");
    free_user(u);
    sw__data_free(&D);
}

TEST(all_columns_without_declaration)
{
    sw_feeder_def_t def = { "f", NULL, "x,y\n1,2\n", NULL, 0,
                            SW_FEED_SHARED };
    if (load(&def, 0, 1) != 0)
        FAILF("load: %s", err);
    sw_user_t *u = fake_user(1);
    const sw_row_t *r = sw_feed_next(u, 0);
    ASSERT_STR_EQ(sw_row_col(r, 0), "1");
    ASSERT_STR_EQ(sw_row_col(r, 1), "2");
    free_user(u);
    sw__data_free(&D);
}

/* ===================================================================== */
/* Modes, with several threads                                            */
/* ===================================================================== */

#define NTHREADS 4
#define NROWS 7

static const char *const cols_n[] = { "n" };
static const char embedded7[] = "n\n0\n1\n2\n3\n4\n5\n6\n";

struct worker_arg {
    int64_t id;
    int calls;
    int counts[NROWS];
    int nulls;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    sw_user_t *u = fake_user(a->id);
    for (int i = 0; i < a->calls; i++) {
        const sw_row_t *r = sw_feed_next(u, 0);
        if (r == NULL) {
            a->nulls++;
            continue;
        }
        a->counts[atoi(sw_row_col(r, 0))]++;
    }
    free_user(u);
    return NULL;
}

/* Runs NTHREADS workers of `calls` each; sums into totals. */
static void run_threads(int calls, int totals[NROWS], int *nulls)
{
    pthread_t t[NTHREADS];
    struct worker_arg a[NTHREADS];
    memset(a, 0, sizeof(a));
    memset(totals, 0, NROWS * sizeof(int));
    *nulls = 0;
    for (int i = 0; i < NTHREADS; i++) {
        a[i].id = i + 1;
        a[i].calls = calls;
        if (pthread_create(&t[i], NULL, worker, &a[i]) != 0)
            abort();
    }
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(t[i], NULL);
        for (int k = 0; k < NROWS; k++)
            totals[k] += a[i].counts[k];
        *nulls += a[i].nulls;
    }
}

TEST(shared_even_across_threads)
{
    sw_feeder_def_t def = { "n", NULL, embedded7, cols_n, 1,
                            SW_FEED_SHARED };
    if (load(&def, 0, 1) != 0)
        FAILF("load: %s", err);
    int totals[NROWS], nulls;
    run_threads(10001, totals, &nulls);   /* 40004 rows handed out */
    ASSERT_EQ(nulls, 0);
    int lo = totals[0], hi = totals[0];
    for (int k = 1; k < NROWS; k++) {
        lo = totals[k] < lo ? totals[k] : lo;
        hi = totals[k] > hi ? totals[k] : hi;
    }
    if (hi - lo > 1)
        FAILF("uneven: min %d, max %d", lo, hi);
    sw__data_free(&D);
}

TEST(random_mode)
{
    sw_feeder_def_t def = { "n", NULL, embedded7, cols_n, 1,
                            SW_FEED_RANDOM };
    if (load(&def, 0, 1) != 0)
        FAILF("load: %s", err);
    int totals[NROWS], nulls;
    run_threads(7000, totals, &nulls);    /* 4000 expected per row */
    ASSERT_EQ(nulls, 0);
    for (int k = 0; k < NROWS; k++)
        if (totals[k] < 3600 || totals[k] > 4400)
            FAILF("row %d drawn %d times of 28000", k, totals[k]);
    sw__data_free(&D);
}

TEST(unique_stop_user)
{
    sw_feeder_def_t def = { "n", NULL, embedded7, cols_n, 1,
                            SW_FEED_UNIQUE_STOP_USER };
    if (load(&def, 0, 1) != 0)
        FAILF("load: %s", err);
    int totals[NROWS], nulls;
    run_threads(5, totals, &nulls);       /* 20 asks for 7 rows */
    for (int k = 0; k < NROWS; k++)
        ASSERT_EQ(totals[k], 1);
    ASSERT_EQ(nulls, 20 - NROWS);
    ASSERT_EQ(sw__data_run_exhausted(&D), 0);  /* only the users stop */
    sw__data_free(&D);
}

static int exhausted_calls;
static void on_exhausted(void *arg)
{
    exhausted_calls++;
    ASSERT_EQ((intptr_t)arg, 99);
}

TEST(unique_stop_run)
{
    sw_feeder_def_t def = { "n", NULL, embedded7, cols_n, 1,
                            SW_FEED_UNIQUE_STOP_RUN };
    exhausted_calls = 0;
    sw__data_on_exhausted(&D, on_exhausted, (void *)(intptr_t)99);
    if (load(&def, 0, 1) != 0)
        FAILF("load: %s", err);
    ASSERT_EQ(sw__data_run_exhausted(&D), 0);
    int totals[NROWS], nulls;
    run_threads(5, totals, &nulls);
    for (int k = 0; k < NROWS; k++)
        ASSERT_EQ(totals[k], 1);
    ASSERT_EQ(nulls, 20 - NROWS);
    ASSERT_EQ(sw__data_run_exhausted(&D), 1);
    ASSERT_EQ(exhausted_calls, 1);
    sw__data_free(&D);
    ASSERT_EQ(sw__data_run_exhausted(&D), 0);
    sw__data_on_exhausted(&D, NULL, NULL);
}

TEST(sharding)
{
    /* Unique rows are split i, i+N, ...: together the shards hold each
     * row exactly once. */
    int seen[NROWS] = { 0 };
    for (int shard = 0; shard < 3; shard++) {
        sw_feeder_def_t def = { "n", NULL, embedded7, cols_n, 1,
                                SW_FEED_UNIQUE_STOP_USER };
        if (load(&def, shard, 3) != 0)
            FAILF("load: %s", err);
        ASSERT_EQ(sw__feed_rows(&D.feed, 0), shard == 0 ? 3 : 2);
        sw_user_t *u = fake_user(1);
        const sw_row_t *r;
        int first = 1;
        while ((r = sw_feed_next(u, 0)) != NULL) {
            int n = atoi(sw_row_col(r, 0));
            if (first)
                ASSERT_EQ(n, shard);
            first = 0;
            ASSERT_EQ(n % 3, shard);
            seen[n]++;
        }
        free_user(u);
        sw__data_free(&D);
    }
    for (int k = 0; k < NROWS; k++)
        ASSERT_EQ(seen[k], 1);

    /* More shards than rows: an empty shard is not an error, its users
     * just get no row. */
    sw_feeder_def_t def = { "n", NULL, "n\n0\n", cols_n, 1,
                            SW_FEED_UNIQUE_STOP_USER };
    ASSERT_EQ(load(&def, 1, 2), 0);
    ASSERT_EQ(sw__feed_rows(&D.feed, 0), 0);
    sw_user_t *u = fake_user(1);
    ASSERT(sw_feed_next(u, 0) == NULL);
    free_user(u);
    sw__data_free(&D);

    /* Shared feeders keep every row on every shard. */
    def.mode = SW_FEED_SHARED;
    def.embedded = embedded7;
    ASSERT_EQ(load(&def, 2, 3), 0);
    ASSERT_EQ(sw__feed_rows(&D.feed, 0), NROWS);
    sw__data_free(&D);

    ASSERT_EQ(load(&def, 3, 3), -1);
    ASSERT_STR_EQ(err, "bad shard 3/3");
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "feed";
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/sw-test-feed-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    RUN(csv_basic);
    RUN(csv_quoting);
    RUN(csv_errors);
    RUN(load_file_and_reorder_columns);
    RUN(load_errors);
    RUN(path_next_to_scenario);
    RUN(all_columns_without_declaration);
    RUN(shared_even_across_threads);
    RUN(random_mode);
    RUN(unique_stop_user);
    RUN(unique_stop_run);
    RUN(sharding);
    /* Clean the temporary files up. */
    const char *names[] = { "acc.csv", "bad.csv", "data-beside.csv" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char p[128];
        snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    TEST_EXIT();
}
