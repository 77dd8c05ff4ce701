/* test-report.c - the reporter's outputs: summary, CSV (Locust's exact
 * headers), JSON, HTML, JUnit, hlog, exit codes; atomic files. */
#include "test.h"
#include "report_int.h"
#include "atomicfile.h"

#include <jansson.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/sw-report-XXXXXX";

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (n + 2 > cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
        }
        buf[n++] = (char)c;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static char *path_of(const char *name)
{
    static char p[16][512];
    static int k;
    k = (k + 1) % 16;
    snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
    return p[k];
}

static void rec(struct sw__stats *s, sw_method_t m, const char *name,
                int64_t us, const char *err, int64_t now_ms)
{
    struct sw__sample x;
    memset(&x, 0, sizeof(x));
    x.method = m;
    x.name = name;
    x.latency_us = us;
    x.intended_us = us;
    x.bytes = 512;
    x.error = err;
    x.timing.dns_us = 10;
    x.timing.connect_us = 20;
    x.timing.tls_us = -1;
    x.timing.ttfb_us = us - 5;
    x.timing.total_us = us;
    x.now_ms = now_ms;
    sw__stats_record(s, &x);
}

/* Locust 2.12.1's headers, as its csv.writer writes them ("\r\n"). */
static const char locust_stats_header[] =
    "Type,Name,Request Count,Failure Count,Median Response Time,Average "
    "Response Time,Min Response Time,Max Response Time,Average Content "
    "Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
    "99.99%,100%\r\n";
static const char locust_history_header[] =
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,"
    "90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure "
    "Count,Total Median Response Time,Total Average Response Time,Total "
    "Min Response Time,Total Max Response Time,Total Average Content "
    "Size\r\n";
static const char locust_failures_header[] =
    "Method,Name,Error,Occurrences\r\n";
static const char locust_exceptions_header[] =
    "Count,Message,Traceback,Nodes\r\n";

static int starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A 5-second run of two names with failures, reported every second. */
static int run_reporter(const sw_threshold_t *th, int nth, int *exit_code)
{
    static struct sw__options opt;
    memset(&opt, 0, sizeof(opt));
    opt.host = "http://127.0.0.1:8089";
    opt.users = 5;
    opt.spawn_rate = 5;
    opt.run_time_ms = 5000;
    opt.rate_per_s = -1;
    opt.shard_index = 1;
    opt.shard_count = 3;
    opt.start_at_ms = -1;
    opt.csv_prefix = path_of("out");
    opt.csv_full_history = 1;
    opt.json_path = path_of("out.json");
    opt.html_path = path_of("out.html");
    opt.junit_path = path_of("junit.xml");
    opt.hlog_path = path_of("out.hlog");
    opt.quiet = 1;
    opt.thresholds = th;
    opt.nthresholds = nth;
    static sw_scenario_t sc;
    memset(&sc, 0, sizeof(sc));
    sc.source = "shop.swarm";

    struct sw__run_info ri;
    memset(&ri, 0, sizeof(ri));
    ri.scenario = &sc;
    ri.opt = &opt;
    ri.start_unix_ms = 1795734390000;
    ri.now_unix_ms = ri.start_unix_ms;
    ri.users = 5;
    ri.target_users = 5;
    ri.threads = 2;

    struct sw__reporter *r = sw__reporter_new(&ri);
    if (!r)
        return -1;
    struct sw__stats *worker = sw__stats_new();
    struct sw__stats *snap = sw__stats_new();
    for (int sec = 0; sec < 5; sec++) {
        for (int i = 0; i < 20; i++) {
            int64_t now = ri.start_unix_ms + sec * 1000 + i * 40;
            rec(worker, SW_GET, "/", 1000 + i * 100, NULL, now);
            rec(worker, SW_POST, "/cart, \"add\"", 5000 + i * 1000,
                i % 4 == 0 ? "HTTP 500, \"oops\"" : NULL, now);
        }
        ri.now_unix_ms = ri.start_unix_ms + (sec + 1) * 1000;
        sw__stats_reset(snap);
        sw__stats_merge(snap, worker);
        sw__reporter_tick(r, snap, &ri);
        if (sw__reporter_should_abort(r, snap, &ri)) {
            sw__reporter_free(r);
            sw__stats_free(worker);
            sw__stats_free(snap);
            return -2;
        }
    }
    ri.now_unix_ms += 500;
    /* the summary goes to stdout: keep it out of the test log */
    fflush(stdout);
    int saved = dup(1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    *exit_code = sw__reporter_finish(r, snap, &ri);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(null);
    sw__reporter_free(r);
    sw__stats_free(worker);
    sw__stats_free(snap);
    return 0;
}

TEST(files_and_exit_codes)
{
    sw_threshold_t th[2];
    char err[128];
    ASSERT_EQ(sw__threshold_parse("p95 < 100ms", &th[0], err, sizeof(err)),
              0);
    ASSERT_EQ(sw__threshold_parse("\"/cart, \\\"add\\\"\" failures < 1%",
                                  &th[1], err, sizeof(err)), -1);
    ASSERT_EQ(sw__threshold_parse("failures < 1%", &th[1], err, sizeof(err)),
              0);
    int code = -1;
    ASSERT_EQ(run_reporter(th, 2, &code), 0);
    ASSERT_EQ(code, SW_EXIT_THRESHOLDS);   /* 25 % of POSTs failed */

    /* CSV: Locust's exact header bytes, the Aggregated row, quoting */
    char *csv = slurp(path_of("out_stats.csv"), NULL);
    ASSERT(starts_with(csv, locust_stats_header));
    ASSERT(strstr(csv, "\r\nGET,/,100,0,"));
    ASSERT(strstr(csv, "\r\nPOST,\"/cart, \"\"add\"\"\",100,25,"));
    ASSERT(strstr(csv, "\r\n,Aggregated,200,25,"));
    free(csv);
    char *hist = slurp(path_of("out_stats_history.csv"), NULL);
    ASSERT(starts_with(hist, locust_history_header));
    /* full history: per-name rows and the Aggregated row every second,
     * plus the final one */
    ASSERT(strstr(hist, "\r\n1795734391,5,GET,/,"));
    ASSERT(strstr(hist, "\r\n1795734391,5,,Aggregated,"));
    ASSERT(strstr(hist, "\r\n1795734395,5,,Aggregated,"));
    int rows = 0;
    for (char *p = hist; (p = strstr(p, ",Aggregated,")); p++)
        rows++;
    ASSERT_EQ(rows, 6);
    free(hist);
    char *fails = slurp(path_of("out_failures.csv"), NULL);
    ASSERT(starts_with(fails, locust_failures_header));
    ASSERT(strstr(fails, "POST,\"/cart, \"\"add\"\"\",\"HTTP 500, "
                         "\"\"oops\"\"\",25\r\n"));
    free(fails);
    char *exc = slurp(path_of("out_exceptions.csv"), NULL);
    ASSERT_STR_EQ(exc, locust_exceptions_header);
    free(exc);

    /* JSON: parses, has counters, history, thresholds, run info and a
     * histogram that decodes to the same counts */
    json_error_t je;
    json_t *root = json_load_file(path_of("out.json"), 0, &je);
    ASSERT(root);
    json_t *agg = json_object_get(root, "aggregated");
    ASSERT_EQ(json_integer_value(json_object_get(agg, "requests")), 200);
    ASSERT_EQ(json_integer_value(json_object_get(agg, "failures")), 25);
    ASSERT_EQ(json_array_size(json_object_get(root, "requests")), 2);
    ASSERT_EQ(json_array_size(json_object_get(root, "history")), 6);
    ASSERT_EQ(json_array_size(json_object_get(root, "thresholds")), 2);
    ASSERT(json_is_false(json_object_get(root, "thresholds_ok")));
    json_t *run = json_object_get(root, "run");
    ASSERT_EQ(json_integer_value(json_object_get(
                  json_object_get(run, "shard"), "count")), 3);
    const char *b64 = json_string_value(json_object_get(
        json_object_get(agg, "histogram"), "service"));
    ASSERT(b64);
    struct sw__hdr *h = sw__hdr_decode_base64(b64, err, sizeof(err));
    ASSERT(h);
    ASSERT_EQ(h->total_count, 200);
    sw__hdr_free(h);
    json_t *lat = json_object_get(agg, "latency_ms");
    ASSERT(json_real_value(json_object_get(json_object_get(lat,
                           "percentiles"), "p100")) == 24.0);
    json_t *timing = json_object_get(agg, "timing");
    ASSERT(json_real_value(json_object_get(json_object_get(timing, "dns"),
                                           "avg_ms")) == 0.01);
    json_decref(root);

    /* HTML: self-contained, with tables, data and chart code */
    char *html = slurp(path_of("out.html"), NULL);
    ASSERT(html);
    ASSERT(strstr(html, "Request statistics"));
    ASSERT(strstr(html, "id=\"swarm-data\""));
    ASSERT(strstr(html, "/cart, &quot;add&quot;"));
    ASSERT(strstr(html, "&#10007;"));
    ASSERT(!strstr(html, "src=\"http"));
    ASSERT(!strstr(html, "<link"));
    free(html);

    /* JUnit: one testcase per threshold, a failure for the broken one */
    char *xml = slurp(path_of("junit.xml"), NULL);
    ASSERT(strstr(xml, "<testsuites tests=\"2\" failures=\"1\">"));
    ASSERT(strstr(xml, "name=\"p95 &lt; 100ms\" time=\"0\"/>"));
    ASSERT(strstr(xml, "name=\"failures &lt; 1%\" time=\"0\">\n      "
                       "<failure type=\"threshold\" message=\"failures=12.50%\""));
    free(xml);

    /* hlog: header, tagged and untagged intervals that decode */
    char *hl = slurp(path_of("out.hlog"), NULL);
    ASSERT(strstr(hl, "#[StartTime: 1795734390.000 "));
    ASSERT(strstr(hl, "\nTag=GET:/,0.000,1.000,"));
    ASSERT(strstr(hl, "\nTag=POST:/cart__\"add\",4.000,1.000,"));
    ASSERT(strstr(hl, "\n5.000,0.500,0.000,HISTF"));
    char *line = strstr(hl, "\n1.000,1.000,");
    ASSERT(line);
    char *hist64 = strchr(line + 1, 'H');
    *strchr(hist64, '\n') = '\0';
    h = sw__hdr_decode_base64(hist64, err, sizeof(err));
    ASSERT(h);
    ASSERT_EQ(h->total_count, 40);
    sw__hdr_free(h);
    free(hl);

    /* all thresholds pass: exit contribution 0 */
    sw_threshold_t ok;
    ASSERT_EQ(sw__threshold_parse("p95 < 30ms", &ok, err, sizeof(err)), 0);
    ASSERT_EQ(run_reporter(&ok, 1, &code), 0);
    ASSERT_EQ(code, 0);
    /* an abort threshold stops the run at the first tick */
    sw_threshold_t ab;
    ASSERT_EQ(sw__threshold_parse("max < 1ms abort", &ab, err, sizeof(err)),
              0);
    ASSERT_EQ(run_reporter(&ab, 1, &code), -2);
}

TEST(summary_text)
{
    struct sw__stats *s = sw__stats_new();
    for (int i = 0; i < 10; i++)
        rec(s, SW_GET, "/index.html", 1000 * (i + 1), i < 3 ? "HTTP 404" :
            NULL, 5000);
    struct sw__options opt;
    memset(&opt, 0, sizeof(opt));
    sw_threshold_t th;
    char err[64];
    sw__threshold_parse("p95 < 300ms", &th, err, sizeof(err));
    opt.thresholds = &th;
    opt.nthresholds = 1;
    struct sw__run_info ri;
    memset(&ri, 0, sizeof(ri));
    ri.opt = &opt;
    ri.start_unix_ms = 0;
    ri.now_unix_ms = 10000;
    struct sw__tresult tr = {1, 10.0};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sw__report_summary(f, s, &ri, &tr, 0);
    fclose(f);
    ASSERT(strstr(buf, "Type     Name "));
    ASSERT(strstr(buf, "# reqs      # fails |     Avg     Min     Max     Med"
                       " |   req/s  failures/s"));
    ASSERT(strstr(buf, "GET      /index.html"));
    ASSERT(strstr(buf, "     10    3(30.00%) |    5.50    1.00    10.0"
                       "    5.00 |    1.00        0.30"));
    ASSERT(strstr(buf, "         Aggregated "));
    ASSERT(strstr(buf, "Response time percentiles (ms)"));
    ASSERT(strstr(buf, "    50%    66%    75%    80%    90%    95%    98%"
                       "    99%  99.9% 99.99%   100% # reqs"));
    ASSERT(strstr(buf, "Error report"));
    ASSERT(strstr(buf, "3                  GET /index.html: HTTP 404"));
    ASSERT(strstr(buf, "Thresholds\n  \xe2\x9c\x93 p95 < 300ms  p95=10.00ms"));
    free(buf);
    sw__stats_free(s);
}

TEST(atomic_file)
{
    const char *p = path_of("atomic.txt");
    struct sw__afile af;
    ASSERT_EQ(sw__afile_open(&af, p), 0);
    fputs("new", af.f);
    fflush(af.f);
    ASSERT(access(p, F_OK) != 0);        /* not there until the commit */
    char tmp[600];
    snprintf(tmp, sizeof(tmp), "%s", af.tmp);
    ASSERT(access(tmp, F_OK) == 0);
    ASSERT_EQ(sw__afile_commit(&af), 0);
    ASSERT(access(tmp, F_OK) != 0);
    char *s = slurp(p, NULL);
    ASSERT_STR_EQ(s, "new");
    free(s);
    /* an aborted rewrite leaves the old file as it was */
    ASSERT_EQ(sw__afile_open(&af, p), 0);
    fputs("half", af.f);
    sw__afile_abort(&af);
    s = slurp(p, NULL);
    ASSERT_STR_EQ(s, "new");
    free(s);
    ASSERT(access(tmp, F_OK) != 0);
    /* a directory that does not exist: an error, not a crash */
    ASSERT_EQ(sw__afile_open(&af, "/nonexistent-dir/x/y.csv"), -1);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "report";
    if (!mkdtemp(dir)) {
        printf("FAIL report/setup: mkdtemp\n");
        return 1;
    }
    RUN(files_and_exit_codes);
    RUN(summary_text);
    RUN(atomic_file);
    /* leave nothing behind (SW_KEEP=1 keeps the files to look at) */
    if (getenv("SW_KEEP")) {
        printf("# files kept in %s\n", dir);
        TEST_EXIT();
    }
    const char *names[] = {"out_stats.csv", "out_stats_history.csv",
                           "out_failures.csv", "out_exceptions.csv",
                           "out.json", "out.html", "junit.xml", "out.hlog",
                           "atomic.txt"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        unlink(path_of(names[i]));
    rmdir(dir);
    TEST_EXIT();
}
