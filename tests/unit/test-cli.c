/*
 * test-cli.c - the compiled binary's command line (runtime/cli.c):
 * durations, defaults from the scenario, every error is one line naming
 * the flag.
 */
#include "test.h"
#include "cli.h"

static const sw_task_t tasks[] = { { "t", 1, NULL, NULL, NULL, 1, 0 } };
static const sw_user_class_t classes[] = {
    { "U", 1, 0, { "U", SW_SET_RANDOM, tasks, 1, { 0, 0, 0, 0 }, 0, 0 } }
};
static const sw_stage_t stages[] = { { 1000, 5, -1 }, { 2000, 0, -1 } };

static sw_scenario_t scen(const char *host)
{
    sw_scenario_t s;
    memset(&s, 0, sizeof s);
    s.source = "t.swarm";
    s.host = host;
    s.users = classes;
    s.nusers = 1;
    s.load.users = -1;
    s.load.spawn_rate = -1;
    s.load.run_time_ms = -1;
    s.load.rate_per_s = -1;
    s.load.rate_duration_ms = -1;
    s.load.max_users = -1;
    s.load.iterations = -1;
    return s;
}

/* Parses argv (NULL-terminated); the error line, if any, into err. */
static int parse(struct sw__options *o, const sw_scenario_t *s, char *err,
                 size_t errlen, const char *const *args)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"shop";
    for (int i = 0; args[i]; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    FILE *e = fmemopen(err, errlen, "w");
    FILE *out = fopen("/dev/null", "w");
    int rc = sw__cli_parse(o, argc, argv, s, out, e);
    fclose(e);
    fclose(out);
    return rc;
}

#define ARGS(...) ((const char *[]){ __VA_ARGS__, NULL })

TEST(durations)
{
    int64_t ms;
    ASSERT(sw__parse_duration_ms("20", &ms) == 0 && ms == 20000);
    ASSERT(sw__parse_duration_ms("20s", &ms) == 0 && ms == 20000);
    ASSERT(sw__parse_duration_ms("3m", &ms) == 0 && ms == 180000);
    ASSERT(sw__parse_duration_ms("1h30m", &ms) == 0 && ms == 5400000);
    ASSERT(sw__parse_duration_ms("3h30m10s", &ms) == 0 && ms == 12610000);
    ASSERT(sw__parse_duration_ms("500ms", &ms) == 0 && ms == 500);
    ASSERT(sw__parse_duration_ms("1.5s", &ms) == 0 && ms == 1500);
    ASSERT(sw__parse_duration_ms("2m500ms", &ms) == 0 && ms == 120500);
    ASSERT(sw__parse_duration_ms("", &ms) == -1);
    ASSERT(sw__parse_duration_ms("x", &ms) == -1);
    ASSERT(sw__parse_duration_ms("10q", &ms) == -1);
    ASSERT(sw__parse_duration_ms("-5", &ms) == -1);
    ASSERT(sw__parse_duration_ms("s", &ms) == -1);
}

TEST(stages_parse)
{
    sw_stage_t *st;
    int n;
    ASSERT(sw__parse_stages("30s:100,1m:100,30s:0", &st, &n) == 0);
    ASSERT_EQ(n, 3);
    ASSERT_EQ(st[0].duration_ms, 30000);
    ASSERT_EQ(st[0].users, 100);
    ASSERT_EQ(st[1].duration_ms, 60000);
    ASSERT_EQ(st[2].users, 0);
    free(st);
    ASSERT(sw__parse_stages("30s", &st, &n) == -1);
    ASSERT(sw__parse_stages("30s:x", &st, &n) == -1);
    ASSERT(sw__parse_stages("30s:1,", &st, &n) == -1);
    ASSERT(sw__parse_stages("0s:1", &st, &n) == -1);
}

TEST(defaults_like_locust)
{
    sw_scenario_t s = scen("http://127.0.0.1:1");
    struct sw__options o;
    char err[256] = "";
    ASSERT_EQ(parse(&o, &s, err, sizeof err, (const char *[]){ NULL }),
              SW_CLI_OK);
    ASSERT_EQ(o.users, 1);
    ASSERT(o.spawn_rate == 1);
    ASSERT_EQ(o.run_time_ms, -1);
    ASSERT_EQ(o.timeout_ms, 30000);
    ASSERT(o.threads >= 1);
    ASSERT_STR_EQ(o.host, "http://127.0.0.1:1");
    ASSERT_EQ(o.shard_count, 1);
    ASSERT_EQ(o.exit_code_on_error, 0);
    ASSERT_STR_EQ(o.prog, "shop");
    sw__cli_free(&o, &s);
}

TEST(scenario_load_and_overrides)
{
    sw_scenario_t s = scen("http://127.0.0.1:1");
    s.load.users = 50;
    s.load.spawn_rate = 5;
    s.load.run_time_ms = 60000;
    struct sw__options o;
    char err[256] = "";
    ASSERT_EQ(parse(&o, &s, err, sizeof err, (const char *[]){ NULL }),
              SW_CLI_OK);
    ASSERT_EQ(o.users, 50);
    ASSERT(o.spawn_rate == 5);
    ASSERT_EQ(o.run_time_ms, 60000);
    sw__cli_free(&o, &s);
    ASSERT_EQ(parse(&o, &s, err, sizeof err,
                    ARGS("-u", "7", "--spawn-rate=2.5", "-t1h30m",
                         "--host", "https://x.test", "--threads", "3",
                         "-T", "a,b", "-T", "c", "-E", "slow", "--seed",
                         "42", "-k", "--timeout", "2s", "-q",
                         "--shard", "1/4", "--exit-code-on-error", "3",
                         "--csv", "out", "--csv-full-history",
                         "--threshold", "p95<300ms")),
              SW_CLI_OK);
    ASSERT_EQ(o.users, 7);
    ASSERT(o.spawn_rate == 2.5);
    ASSERT_EQ(o.run_time_ms, 5400000);
    ASSERT_STR_EQ(o.host, "https://x.test");
    ASSERT_EQ(o.threads, 3);
    ASSERT_STR_EQ(o.tags[0], "a");
    ASSERT_STR_EQ(o.tags[1], "b");
    ASSERT_STR_EQ(o.tags[2], "c");
    ASSERT(o.tags[3] == NULL);
    ASSERT_STR_EQ(o.exclude_tags[0], "slow");
    ASSERT(o.seed == 42 && o.seed_given);
    ASSERT(o.insecure && o.quiet);
    ASSERT_EQ(o.timeout_ms, 2000);
    ASSERT_EQ(o.shard_index, 1);
    ASSERT_EQ(o.shard_count, 4);
    ASSERT_EQ(o.exit_code_on_error, 3);
    ASSERT_STR_EQ(o.csv_prefix, "out");
    ASSERT(o.csv_full_history);
    ASSERT_EQ(o.nthresholds, 1);
    ASSERT(o.thresholds[0].metric == SW_METRIC_PERCENTILE);
    sw__cli_free(&o, &s);
}

TEST(scenario_stages_unless_users_given)
{
    sw_scenario_t s = scen("http://127.0.0.1:1");
    s.load.stages = stages;
    s.load.nstages = 2;
    struct sw__options o;
    char err[256] = "";
    ASSERT_EQ(parse(&o, &s, err, sizeof err, (const char *[]){ NULL }),
              SW_CLI_OK);
    ASSERT_EQ(o.nstages, 2);
    ASSERT_EQ(o.stages[0].users, 5);
    sw__cli_free(&o, &s);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("-u", "3")), SW_CLI_OK);
    ASSERT_EQ(o.nstages, 0);
    sw__cli_free(&o, &s);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--stages", "1s:9")),
              SW_CLI_OK);
    ASSERT_EQ(o.nstages, 1);
    ASSERT_EQ(o.stages[0].users, 9);
    sw__cli_free(&o, &s);
}

TEST(open_model_options)
{
    sw_scenario_t s = scen("http://127.0.0.1:1");
    struct sw__options o;
    char err[256] = "";
    /* --rate: default pool 100, no end */
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--rate", "50")),
              SW_CLI_OK);
    ASSERT(o.rate_per_s == 50);
    ASSERT_EQ(o.max_users, 100);
    ASSERT_EQ(o.run_time_ms, -1);
    sw__cli_free(&o, &s);
    /* load { rate 200/s for 10s; max_users 50 } */
    s.load.rate_per_s = 200;
    s.load.rate_duration_ms = 10000;
    s.load.max_users = 50;
    ASSERT_EQ(parse(&o, &s, err, sizeof err, (const char *[]){ NULL }),
              SW_CLI_OK);
    ASSERT(o.rate_per_s == 200);
    ASSERT_EQ(o.run_time_ms, 10000);
    ASSERT_EQ(o.max_users, 50);
    sw__cli_free(&o, &s);
    /* -t wins over `for D`; --rate and --max-users over the scenario's */
    ASSERT_EQ(parse(&o, &s, err, sizeof err,
                    ARGS("-t", "3s", "--rate", "7.5", "--max-users", "9")),
              SW_CLI_OK);
    ASSERT_EQ(o.run_time_ms, 3000);
    ASSERT(o.rate_per_s == 7.5);
    ASSERT_EQ(o.max_users, 9);
    sw__cli_free(&o, &s);
    /* -u on the command line: the closed model, the scenario's rate goes */
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("-u", "3")), SW_CLI_OK);
    ASSERT(o.rate_per_s < 0);
    ASSERT_EQ(o.users, 3);
    sw__cli_free(&o, &s);
    /* rate stages on the command line (from 0/s) */
    ASSERT_EQ(parse(&o, &s, err, sizeof err,
                    ARGS("--stages", "2s:100/s,1m:100/s,10s:0/s")),
              SW_CLI_OK);
    ASSERT_EQ(o.nstages, 3);
    ASSERT(o.rate_per_s < 0);
    ASSERT(o.stages[0].rate_per_s == 100 && o.stages[0].users == -1);
    ASSERT(o.stages[2].rate_per_s == 0 && o.stages[2].duration_ms == 10000);
    ASSERT_EQ(o.run_time_ms, -1);   /* the stages end the run */
    sw__cli_free(&o, &s);
    /* the scenario's user stages give way to --rate */
    sw_scenario_t s2 = scen("http://127.0.0.1:1");
    s2.load.stages = stages;
    s2.load.nstages = 2;
    ASSERT_EQ(parse(&o, &s2, err, sizeof err, ARGS("--rate", "5")),
              SW_CLI_OK);
    ASSERT_EQ(o.nstages, 0);
    ASSERT(o.rate_per_s == 5);
    sw__cli_free(&o, &s2);
}

TEST(shards_from_job_completion_index)
{
    sw_scenario_t s = scen("http://127.0.0.1:1");
    struct sw__options o;
    char err[256] = "";
    setenv("JOB_COMPLETION_INDEX", "1", 1);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--shards", "3")),
              SW_CLI_OK);
    ASSERT_EQ(o.shard_index, 1);
    ASSERT_EQ(o.shard_count, 3);
    sw__cli_free(&o, &s);
    setenv("JOB_COMPLETION_INDEX", "3", 1);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--shards=3")),
              SW_CLI_ERROR);
    ASSERT_STR_EQ(err, "shop: --shards: needs JOB_COMPLETION_INDEX set to "
                       "0..2 in the environment, got '3'\n");
    unsetenv("JOB_COMPLETION_INDEX");
    memset(err, 0, sizeof err);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--shards", "2")),
              SW_CLI_ERROR);
    ASSERT(strstr(err, "JOB_COMPLETION_INDEX") != NULL);
}

struct bad_case {
    const char *args[6];
    const char *message;
};

TEST(errors_one_line_naming_the_flag)
{
    static const struct bad_case cases[] = {
        { { "-u", "x" },
          "shop: --users: expected a positive integer, got 'x'\n" },
        { { "--users", "0" },
          "shop: --users: expected a positive integer, got '0'\n" },
        { { "-r", "-1" },
          "shop: --spawn-rate: expected a number from 0.001 to 1000000, "
          "got '-1'\n" },
        { { "-r", "1e-17" },
          "shop: --spawn-rate: expected a number from 0.001 to 1000000, "
          "got '1e-17'\n" },
        { { "-r", "1e300" },
          "shop: --spawn-rate: expected a number from 0.001 to 1000000, "
          "got '1e300'\n" },
        { { "--host", "http://" },
          "shop: --host: No host part in the URL, got 'http://'\n" },
        { { "--host", "http://[::1" },
          "shop: --host: Bad IPv6 address, got 'http://[::1'\n" },
        { { "--json", "/nonexistent-dir/r.json" },
          "shop: --json: cannot write '/nonexistent-dir/r.json': no such "
          "directory\n" },
        { { "--csv", "/dev/null/r" },
          "shop: --csv: cannot write '/dev/null/r': not in a directory\n" },
        { { "--html", "/" },
          "shop: --html: cannot write '/': is a directory\n" },
        { { "--hlog", "/nonexistent-dir/r.hlog" },
          "shop: --hlog: cannot write '/nonexistent-dir/r.hlog': no such "
          "directory\n" },
        { { "--junit", "/dev/null/j.xml" },
          "shop: --junit: cannot write '/dev/null/j.xml': not in a "
          "directory\n" },
        { { "--stages", "1s:2000000/s" },
          "shop: --stages: expected DURATION:USERS,... like "
          "\"30s:100,1m:100,30s:0\" or DURATION:RATE/s,... like "
          "\"10s:50/s,1m:50/s\" (rates from 0.001 to 1000000/s, or 0/s), "
          "got '1s:2000000/s'\n" },
        { { "-t", "10q" },
          "shop: --run-time: expected a duration like 20, 20s, 3m or "
          "1h30m, got '10q'\n" },
        { { "--threads", "0" },
          "shop: --threads: expected an integer from 1 to 1024, got '0'\n" },
        { { "--bogus" }, "shop: --bogus: unknown option (see --help)\n" },
        { { "-Z" }, "shop: -Z: unknown option (see --help)\n" },
        { { "-u" }, "shop: --users: missing value N\n" },
        { { "--quiet=1" }, "shop: --quiet: takes no value\n" },
        { { "--host", "ftp://x" },
          "shop: --host: expected an http:// or https:// URL, got "
          "'ftp://x'\n" },
        { { "--shard", "4/4" },
          "shop: --shard: expected I/N with 0 <= I < N, got '4/4'\n" },
        { { "--rate", "10", "-u", "5" },
          "shop: --rate: the open model has no -u/-r: give --max-users N "
          "for the size of its user pool\n" },
        { { "--rate", "0" },
          "shop: --rate: expected a number from 0.001 to 1000000, got '0'\n" },
        { { "--max-users", "5" },
          "shop: --max-users: only for the open model (--rate R or rate "
          "stages)\n" },
        { { "--stages", "1s:5,1s:5/s" },
          "shop: --stages: expected DURATION:USERS,... like "
          "\"30s:100,1m:100,30s:0\" or DURATION:RATE/s,... like "
          "\"10s:50/s,1m:50/s\" (rates from 0.001 to 1000000/s, or 0/s), "
          "got '1s:5,1s:5/s'\n" },
        { { "--rate", "5", "--stages", "1s:5" },
          "shop: --rate: --stages gives users, not rates "
          "(\"10s:50/s,...\")\n" },
        { { "extra" },
          "shop: 'extra': no such user class (options start with -; the "
          "classes: U; see --list)\n" },
    };
    sw_scenario_t s = scen("http://127.0.0.1:1");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sw__options o;
        char err[512];
        memset(err, 0, sizeof err);
        int rc = parse(&o, &s, err, sizeof err, cases[i].args);
        if (rc != SW_CLI_ERROR)
            FAILF("case %zu: rc %d", i, rc);
        ASSERT_STR_EQ(err, cases[i].message);
    }
    /* a broken threshold names the flag too */
    struct sw__options o;
    char err[512] = "";
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--threshold", "p95<")),
              SW_CLI_ERROR);
    ASSERT(!strncmp(err, "shop: --threshold: ", 19));
    ASSERT(strchr(err, '\n') == err + strlen(err) - 1);
}

TEST(host_required)
{
    sw_scenario_t s = scen(NULL);
    struct sw__options o;
    char err[256] = "";
    ASSERT_EQ(parse(&o, &s, err, sizeof err, (const char *[]){ NULL }),
              SW_CLI_ERROR);
    ASSERT(strstr(err, "no host") != NULL);
}

TEST(help_and_version_exit_0)
{
    sw_scenario_t s = scen(NULL);
    struct sw__options o;
    char err[256] = "";
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--help")), SW_CLI_EXIT);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("-V")), SW_CLI_EXIT);
    ASSERT_STR_EQ(err, "");
}

/* Locust's option sources (config.c): a --config file and LOCUST_*
 * variables are options of the same table; file < env < command line. */
TEST(config_file_env_and_precedence)
{
    sw_scenario_t s = scen("http://127.0.0.1:1");
    struct sw__options o;
    char err[512] = "";
    char path[] = "/tmp/test-cli-XXXXXX";
    int fd = mkstemp(path);
    ASSERT(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# comment\n; comment\nusers = 4\nspawn-rate: 2.5\n"
          "run_time 1h30m\nheadless\nonly-summary = false\n"
          "tags = [a, 'b']\n", f);
    fclose(f);
    unsetenv("LOCUST_USERS");
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--config", path)),
              SW_CLI_OK);
    ASSERT_EQ(o.users, 4);
    ASSERT(o.spawn_rate == 2.5);
    ASSERT_EQ(o.run_time_ms, 5400000);
    ASSERT_EQ(o.only_summary, 0);
    ASSERT(o.tags && !strcmp(o.tags[0], "a") && !strcmp(o.tags[1], "b") &&
           !o.tags[2]);
    sw__cli_free(&o, &s);
    /* the environment over the file, the command line over both; a list
     * given later replaces, it does not add */
    setenv("LOCUST_USERS", "6", 1);
    setenv("LOCUST_TAGS", "c", 1);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--config", path)),
              SW_CLI_OK);
    ASSERT_EQ(o.users, 6);
    ASSERT(o.tags && !strcmp(o.tags[0], "c") && !o.tags[1]);
    sw__cli_free(&o, &s);
    ASSERT_EQ(parse(&o, &s, err, sizeof err,
                    ARGS("--config", path, "-u", "7", "-T", "d", "e")),
              SW_CLI_OK);
    ASSERT_EQ(o.users, 7);
    ASSERT(o.tags && !strcmp(o.tags[0], "d") && !strcmp(o.tags[1], "e") &&
           !o.tags[2]);
    sw__cli_free(&o, &s);
    /* a bad value names where it came from */
    setenv("LOCUST_USERS", "x", 1);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--config", path)),
              SW_CLI_ERROR);
    ASSERT_STR_EQ(err, "shop: LOCUST_USERS: --users: expected a positive "
                       "integer, got 'x'\n");
    unsetenv("LOCUST_USERS");
    unsetenv("LOCUST_TAGS");
    f = fopen(path, "w");
    fputs("users = 2\nusers = 0\n", f);
    fclose(f);
    memset(err, 0, sizeof err);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("--config", path)),
              SW_CLI_ERROR);
    char want[128];
    snprintf(want, sizeof want, "shop: %s:2: --users: expected a positive "
             "integer, got '0'\n", path);
    ASSERT_STR_EQ(err, want);
    unlink(path);
}

/* Locust's own options with a meaning here, and those noted */
TEST(locust_options)
{
    sw_scenario_t s = scen("http://127.0.0.1:1");
    struct sw__options o;
    char err[512] = "";
    ASSERT_EQ(parse(&o, &s, err, sizeof err,
                    ARGS("--processes", "3", "-L", "debug", "--logfile",
                         "/tmp/x.log", "--reset-stats", "-f", "x.py",
                         "--master", "--expect-workers", "2", "U")),
              SW_CLI_OK);
    ASSERT_EQ(o.threads, 3);
    ASSERT_EQ(o.log_level, 10);
    ASSERT_STR_EQ(o.log_file, "/tmp/x.log");
    ASSERT_EQ(o.reset_stats, 1);
    ASSERT(o.user_classes && !strcmp(o.user_classes[0], "U") &&
           !o.user_classes[1]);
    /* -f and one note for the master/worker options */
    ASSERT(o.notes && o.notes[0] && o.notes[1] && !o.notes[2]);
    ASSERT(!strncmp(o.notes[0], "note: -f x.py: ", 15));
    ASSERT(!strncmp(o.notes[1], "note: --master: ", 16));
    sw__cli_free(&o, &s);
    ASSERT_EQ(parse(&o, &s, err, sizeof err, ARGS("-l")), SW_CLI_OK);
    ASSERT_EQ(o.list_classes, 1);
    sw__cli_free(&o, &s);
    ASSERT_EQ(parse(&o, &s, err, sizeof err,
                    ARGS("--show-task-ratio-json")), SW_CLI_OK);
    ASSERT_EQ(o.show_task_ratio, 2);
    sw__cli_free(&o, &s);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "unit/cli";
    RUN(durations);
    RUN(stages_parse);
    RUN(defaults_like_locust);
    RUN(scenario_load_and_overrides);
    RUN(scenario_stages_unless_users_given);
    RUN(open_model_options);
    RUN(shards_from_job_completion_index);
    RUN(errors_one_line_naming_the_flag);
    RUN(host_required);
    RUN(help_and_version_exit_0);
    RUN(config_file_env_and_precedence);
    RUN(locust_options);
    TEST_EXIT();
}
