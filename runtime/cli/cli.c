/*
 * cli.c - parses the compiled binary's command line into struct
 * sw__options.  Locust's spellings where Locust has the option.
 *
 * Hand-written rather than getopt_long: every error must be exactly one
 * line that names the flag, and getopt prints its own messages.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "config.h"
#include "engine.h"
#include "log.h"
#include "threshold.h"

enum opt_id {
    O_HOST, O_USERS, O_SPAWN_RATE, O_RUN_TIME, O_STOP_TIMEOUT, O_THREADS,
    O_TAGS, O_EXCLUDE_TAGS, O_SEED, O_ITERATIONS, O_ITERATIONS_SHARED,
    O_RATE, O_MAX_USERS, O_STAGES, O_INSECURE, O_CACERT, O_TIMEOUT, O_ENGINE,
    O_PROXY, O_NO_PROXY, O_CERT, O_KEY, O_HTTP_DEBUG,
    O_CSV,
    O_CSV_FULL_HISTORY, O_JSON, O_HTML, O_JUNIT, O_HLOG, O_THRESHOLD,
    O_QUIET, O_ONLY_SUMMARY, O_SHARD, O_SHARDS, O_START_AT, O_JITTER_START,
    O_EXIT_CODE_ON_ERROR, O_WEB_UI, O_WEB_HOST, O_WEB_PORT, O_AUTOSTART,
    O_AUTOQUIT, O_WEB_AUTH, O_HEADLESS,
    /* Locust's own options: meaning here, or accepted with a note */
    O_CONFIG, O_LOCUSTFILE, O_LIST, O_SHOW_TASK_RATIO,
    O_SHOW_TASK_RATIO_JSON, O_RESET_STATS, O_LOGLEVEL, O_LOGFILE,
    O_SKIP_LOG_SETUP, O_PROCESSES, O_PRINT_STATS, O_MASTER, O_WORKER,
    O_MASTER_HOST, O_MASTER_PORT, O_MASTER_BIND_HOST, O_MASTER_BIND_PORT,
    O_EXPECT_WORKERS, O_EXPECT_WORKERS_MAX_WAIT, O_ENABLE_REBALANCING,
    O_CLASS_PICKER, O_TLS_CERT, O_TLS_KEY, O_EQUAL_WEIGHTS,
    O_HELP, O_VERSION
};

struct opt_def {
    enum opt_id id;
    char short_name;        /* 0: none */
    const char *long_name;
    const char *arg;        /* NULL: a switch */
    const char *help;
};

static const struct opt_def opts[] = {
    { O_HOST, 'H', "host", "URL",
      "base URL the request paths are appended to (default: the\n"
      "scenario's `host`; one of the two is required)" },
    { O_USERS, 'u', "users", "N",
      "peak number of concurrent users (default: load { users }, else 1)" },
    { O_SPAWN_RATE, 'r', "spawn-rate", "R",
      "users started per second, a number > 0 (default: load\n"
      "{ spawn_rate }, else 1)" },
    { O_RUN_TIME, 't', "run-time", "TIME",
      "stop after TIME: 20, 20s, 3m, 1h30m, 500ms (default: load\n"
      "{ run_time }, else run until Ctrl-C or SIGTERM)" },
    { O_STOP_TIMEOUT, 's', "stop-timeout", "TIME",
      "at the end, let running tasks finish for up to TIME before\n"
      "stopping their users (default 0: stop every user at once)" },
    { O_THREADS, 0, "threads", "N",
      "worker threads, each with its own event loop (default: online\n"
      "cores)" },
    { O_TAGS, 'T', "tags", "T1,T2",
      "run only tasks with at least one of these tags (repeatable)" },
    { O_EXCLUDE_TAGS, 'E', "exclude-tags", "T1,T2",
      "leave out tasks with any of these tags (repeatable)" },
    { O_SEED, 0, "seed", "N",
      "seed for every random choice (default: from the clock); the same\n"
      "seed gives every user the same choices" },
    { O_ITERATIONS, 0, "iterations", "N",
      "each user stops (running its on_stop) after N tasks of its own\n"
      "task list; the run ends when every user has stopped (open model:\n"
      "N arrivals in total, then the run ends)" },
    { O_ITERATIONS_SHARED, 0, "iterations-shared", NULL,
      "with --iterations: N tasks in total, shared by all users, threads\n"
      "and shards" },
    { O_RATE, 0, "rate", "R",
      "open model: start R iterations (one task each) per second, evenly\n"
      "spaced, each on an idle user of the pool; with no user free the\n"
      "start is dropped and counted, never delayed (default: load\n"
      "{ rate R/s }; replaces -u/-r and the scenario's stages)" },
    { O_MAX_USERS, 0, "max-users", "N",
      "open model: at most N users in the pool, created when needed\n"
      "(default: load { max_users }, else 100)" },
    { O_STAGES, 0, "stages", "D:N,...",
      "load shape: ramp to N users over D, stage after stage, e.g.\n"
      "\"30s:100,1m:100,30s:0\"; with rates (\"10s:100/s,1m:100/s\")\n"
      "the open model's rate ramps linearly instead; the run ends after\n"
      "the last stage" },
    { O_INSECURE, 'k', "insecure", NULL,
      "do not verify TLS certificates" },
    { O_CACERT, 0, "cacert", "FILE",
      "verify TLS certificates against the PEM bundle FILE (default:\n"
      "SSL_CERT_FILE, then a bundle built in with swarmc build\n"
      "--embed-ca, then the system's; docs/distributed.md)" },
    { O_TIMEOUT, 0, "timeout", "TIME",
      "default timeout of one request (default 30s; a request's own\n"
      "`timeout` wins)" },
    { O_ENGINE, 0, "engine", "NAME",
      "HTTP engine: auto (default: the native HTTP/1.1 engine for the\n"
      "plain http:// requests it sends exactly as libcurl would, libcurl\n"
      "for the others, decided per request), native (only it; a request\n"
      "it does not cover fails) or curl (libcurl for everything)" },
    { O_PROXY, 0, "proxy", "URL",
      "send every request through the proxy URL (http://host:port;\n"
      "default: http_proxy, https_proxy, all_proxy and no_proxy from\n"
      "the environment, as python-requests reads them)" },
    { O_NO_PROXY, 0, "no-proxy", NULL,
      "ignore the proxy variables of the environment" },
    { O_CERT, 0, "cert", "FILE",
      "TLS client certificate (PEM) for every user (Locust's\n"
      "self.client.cert); the key is in FILE too unless --key" },
    { O_KEY, 0, "key", "FILE",
      "the private key (PEM, unencrypted) of --cert" },
    { O_HTTP_DEBUG, 0, "http-debug", "N",
      "print the first N requests and responses to stderr (request\n"
      "line and headers as sent, status line, headers, a capped body)" },
    { O_CSV, 0, "csv", "PREFIX",
      "write PREFIX_stats.csv, PREFIX_stats_history.csv,\n"
      "PREFIX_failures.csv and PREFIX_exceptions.csv (Locust's format)" },
    { O_CSV_FULL_HISTORY, 0, "csv-full-history", NULL,
      "with --csv: a history row per request name, not only the total" },
    { O_JSON, 0, "json", "FILE", "write the results as JSON (mergeable)" },
    { O_HTML, 0, "html", "FILE", "write a self-contained HTML report" },
    { O_JUNIT, 0, "junit", "FILE", "write thresholds as JUnit XML" },
    { O_HLOG, 0, "hlog", "FILE", "write the HDR histogram log" },
    { O_THRESHOLD, 0, "threshold", "EXPR",
      "pass/fail rule, repeatable: \"p95<300ms\", \"avg<200ms\",\n"
      "\"failures<1%\", \"/cart p99<1s\", \"rps>=100\"; a broken one\n"
      "makes the exit code non-zero" },
    { O_QUIET, 'q', "quiet", NULL, "no live statistics while running" },
    { O_ONLY_SUMMARY, 0, "only-summary", NULL,
      "print only the final summary" },
    { O_SHARD, 0, "shard", "I/N",
      "run shard I (0-based) of N: this process's share of the users" },
    { O_SHARDS, 0, "shards", "N",
      "--shard I/N with I from the environment variable\n"
      "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it)" },
    { O_START_AT, 0, "start-at", "UNIX",
      "start at this Unix time in seconds (shards start together)" },
    { O_JITTER_START, 0, "jitter-start", NULL,
      "spread the users of one spawn step over the step's interval\n"
      "instead of starting them at the same instant" },
    { O_EXIT_CODE_ON_ERROR, 0, "exit-code-on-error", "N",
      "exit with N when any request failed (default 0: failures alone\n"
      "do not change the exit code; Locust's default is 1)" },
    { O_WEB_UI, 0, "web-ui", NULL,
      "serve the web UI on 127.0.0.1:8089 and wait for its start form\n"
      "(also implied by every --web-* option, -P and --autostart)" },
    { O_WEB_HOST, 0, "web-host", "ADDR",
      "address the web UI listens on (default 127.0.0.1; another\n"
      "address without --web-auth is warned about)" },
    { O_WEB_PORT, 'P', "web-port", "N",
      "port of the web UI (default 8089; 0: any free port)" },
    { O_AUTOSTART, 0, "autostart", NULL,
      "with the web UI: start the run at once instead of waiting for\n"
      "the start form" },
    { O_AUTOQUIT, 0, "autoquit", "N",
      "with the web UI: exit N seconds after the run has stopped\n"
      "(default: serve the results until Ctrl-C)" },
    { O_WEB_AUTH, 0, "web-auth", "USER:PASS",
      "HTTP basic authentication on every path of the web UI" },
    { O_HEADLESS, 0, "headless", NULL,
      "no web UI: start at once (the default without web options)" },
    { O_CONFIG, 0, "config", "FILE",
      "read options from FILE in Locust's format (`users = 10`, option\n"
      "names without dashes), after ~/.locust.conf and ./locust.conf;\n"
      "LOCUST_* environment variables win over files, the command line\n"
      "over both" },
    { O_LOCUSTFILE, 'f', "locustfile", "FILE",
      "accepted for Locust command lines: the scenario is built into\n"
      "this binary, FILE is not read (a note says so)" },
    { O_LIST, 'l', "list", NULL,
      "list the user classes and their tasks, and exit" },
    { O_SHOW_TASK_RATIO, 0, "show-task-ratio", NULL,
      "print the task execution ratios per user class and in total\n"
      "(with -u N: the class shares for N users), and exit" },
    { O_SHOW_TASK_RATIO_JSON, 0, "show-task-ratio-json", NULL,
      "the same as JSON, and exit" },
    { O_RESET_STATS, 0, "reset-stats", NULL,
      "reset the statistics once spawning has completed" },
    { O_LOGLEVEL, 'L', "loglevel", "LEVEL",
      "DEBUG, INFO (default), WARNING, ERROR or CRITICAL: the least\n"
      "severe of the binary's own log lines that is shown" },
    { O_LOGFILE, 0, "logfile", "FILE",
      "write the binary's log lines to FILE (timestamped) instead of\n"
      "stderr" },
    { O_SKIP_LOG_SETUP, 0, "skip-log-setup", NULL,
      "accepted for Locust command lines (no effect)" },
    { O_PROCESSES, 0, "processes", "N",
      "use N cores: the same as --threads N; -1: every core" },
    { O_PRINT_STATS, 0, "print-stats", NULL,
      "accepted for Locust command lines: the live statistics are\n"
      "printed anyway (unless -q)" },
    { O_MASTER, 0, "master", NULL,
      "accepted with a note: there is no master/worker mode; run\n"
      "shards instead (--shard I/N, docs/distributed.md)" },
    { O_WORKER, 0, "worker", NULL, "accepted with a note, as --master" },
    { O_MASTER_HOST, 0, "master-host", "HOST",
      "accepted with a note, as --master" },
    { O_MASTER_PORT, 0, "master-port", "N",
      "accepted with a note, as --master" },
    { O_MASTER_BIND_HOST, 0, "master-bind-host", "HOST",
      "accepted with a note, as --master" },
    { O_MASTER_BIND_PORT, 0, "master-bind-port", "N",
      "accepted with a note, as --master" },
    { O_EXPECT_WORKERS, 0, "expect-workers", "N",
      "accepted with a note, as --master" },
    { O_EXPECT_WORKERS_MAX_WAIT, 0, "expect-workers-max-wait", "N",
      "accepted with a note, as --master" },
    { O_ENABLE_REBALANCING, 0, "enable-rebalancing", NULL,
      "accepted with a note, as --master" },
    { O_CLASS_PICKER, 0, "class-picker", NULL,
      "accepted with a note: the web UI has no class picker; name the\n"
      "user classes on the command line instead" },
    { O_TLS_CERT, 0, "tls-cert", "FILE",
      "serve the web UI over HTTPS with this certificate (PEM);\n"
      "needs --tls-key" },
    { O_TLS_KEY, 0, "tls-key", "FILE",
      "the private key of --tls-cert (PEM, not encrypted)" },
    { O_EQUAL_WEIGHTS, 0, "equal-weights", NULL,
      "every task weighs 1, nested sets flattened (Locust's)" },
    { O_HELP, 'h', "help", NULL, "show this help and exit" },
    { O_VERSION, 'V', "version", NULL, "show the version and exit" },
};

#define NOPTS ((int)(sizeof opts / sizeof opts[0]))

const char *sw__cli_option(int i, char *short_name, int *takes_value)
{
    if (i < 0 || i >= NOPTS)
        return NULL;
    *short_name = opts[i].short_name;
    *takes_value = opts[i].arg != NULL;
    return opts[i].long_name;
}

/* ---- value parsers ---------------------------------------------------- */

static int parse_i64(const char *s, int64_t *v)
{
    char *end;
    if (!*s || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

static int parse_double(const char *s, double *v)
{
    char *end;
    if (!*s || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || *end || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

/* Per-second rates: the same bounds as the compiler's.  Beyond them the
 * spawn and arrival timers' intervals no longer fit their integers. */
#define RATE_MIN 0.001
#define RATE_MAX 1e6
#define RATE_EXPECTED "expected a number from 0.001 to 1000000"
/* -L DEBUG without --http-debug: the first requests and responses shown */
#define SW__HTTP_DEBUG_DEFAULT 20

/* Every per-second rate of the command line (-r, --rate, a rate stage):
 * RATE_MIN..RATE_MAX, or 0 where zero_ok (a stage ramping down to 0/s).
 * 0, or -1. */
static int parse_rate(const char *s, int zero_ok, double *v)
{
    double r;
    if (parse_double(s, &r) ||
        !((r >= RATE_MIN && r <= RATE_MAX) || (zero_ok && r == 0)))
        return -1;
    *v = r;
    return 0;
}

int sw__parse_duration_ms(const char *s, int64_t *ms)
{
    double total = 0;
    const char *p = s;
    int parts = 0;
    if (!s || !*s)
        return -1;
    /* A bare number is seconds, as Locust's -t 20. */
    double bare;
    if (parse_double(s, &bare) == 0) {
        if (bare < 0)
            return -1;
        *ms = (int64_t)llround(bare * 1000.0);
        return 0;
    }
    while (*p) {
        if (!isdigit((unsigned char)*p) && *p != '.')
            return -1;
        char *end;
        double v = strtod(p, &end);
        if (end == p || v < 0)
            return -1;
        p = end;
        double unit;
        if (p[0] == 'm' && p[1] == 's') {
            unit = 1;
            p += 2;
        } else if (*p == 'h') {
            unit = 3600000;
            p++;
        } else if (*p == 'm') {
            unit = 60000;
            p++;
        } else if (*p == 's') {
            unit = 1000;
            p++;
        } else {
            return -1;
        }
        total += v * unit;
        parts++;
    }
    if (!parts || total > 9.0e15)
        return -1;
    *ms = (int64_t)llround(total);
    return 0;
}

int sw__parse_stages(const char *s, sw_stage_t **stages, int *n)
{
    int cap = 1;
    for (const char *c = s; *c; c++)
        cap += *c == ',';
    sw_stage_t *st = calloc((size_t)cap, sizeof *st);
    if (!st)
        return -1;
    int k = 0;
    const char *p = s;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[128];
        if (len == 0 || len >= sizeof item)
            goto bad;
        memcpy(item, p, len);
        item[len] = 0;
        char *colon = strchr(item, ':');
        if (!colon)
            goto bad;
        *colon = 0;
        int64_t d, u;
        if (sw__parse_duration_ms(item, &d) || d <= 0)
            goto bad;
        char *val = colon + 1;
        size_t vl = strlen(val);
        st[k].duration_ms = d;
        if (vl > 2 && !strcmp(val + vl - 2, "/s")) {
            /* a rate stage, "30s:200/s": the open model */
            double r;
            val[vl - 2] = 0;
            if (parse_rate(val, 1, &r))
                goto bad;
            st[k].users = -1;
            st[k].rate_per_s = r;
        } else {
            if (parse_i64(val, &u) || u < 0)
                goto bad;
            st[k].users = u;
            st[k].rate_per_s = -1;
        }
        /* one kind for the whole shape */
        if (k > 0 && (st[k].rate_per_s >= 0) != (st[0].rate_per_s >= 0))
            goto bad;
        k++;
        p += len;
        if (*p == ',') {
            p++;
            if (!*p)
                goto bad;
        }
    }
    if (k == 0)
        goto bad;
    *stages = st;
    *n = k;
    return 0;
bad:
    free(st);
    return -1;
}

/* ---- help ------------------------------------------------------------- */

static void print_help(FILE *out, const char *prog, const sw_scenario_t *sc)
{
    fprintf(out,
        "usage: %s [options]\n"
        "\n"
        "Runs the load test compiled from %s (swarmc %s).\n"
        "Options take their value as `--users 10`, `--users=10` or `-u 10`.\n"
        "\n", prog, sc && sc->source ? sc->source : "a scenario",
        SW_VERSION);
    for (int i = 0; i < NOPTS; i++) {
        const struct opt_def *d = &opts[i];
        char head[64];
        if (d->short_name)
            snprintf(head, sizeof head, "-%c, --%s%s%s", d->short_name,
                     d->long_name, d->arg ? " " : "", d->arg ? d->arg : "");
        else
            snprintf(head, sizeof head, "    --%s%s%s", d->long_name,
                     d->arg ? " " : "", d->arg ? d->arg : "");
        /* word-wrapped to 79 columns after a 27-column head */
        int col = fprintf(out, "  %-24s", head);
        if (col > 26) {
            fprintf(out, "\n%26s", "");
        }
        col = 26;
        const char *h = d->help;
        while (*h) {
            while (*h == ' ' || *h == '\n')
                h++;
            size_t n = strcspn(h, " \n");
            if (!n)
                break;
            if (col + 1 + (int)n > 79) {
                fprintf(out, "\n%26s", "");
                col = 26;
            }
            fprintf(out, " %.*s", (int)n, h);
            col += 1 + (int)n;
            h += n;
        }
        fputc('\n', out);
    }
    fprintf(out,
        "\n"
        "Exit status: 0 when the run completed (failed requests are counted\n"
        "and reported, not fatal), the reporter's code when a threshold is\n"
        "broken, N from --exit-code-on-error N when a request failed, 64 for\n"
        "a bad command line, 1 when the test could not start, 130 after a\n"
        "second Ctrl-C (the first one stops the run gracefully and still\n"
        "writes every output).\n");
}

/* ---- the parser ------------------------------------------------------- */

struct owned {
    char **tags;
    int ntags;
    char **xtags;
    int nxtags;
    sw_threshold_t *th;
    int nth;
    sw_stage_t *stages;
    const char **classes;       /* positional user classes (borrowed) */
    int nclasses;
    char **notes;
    int nnotes;
    struct sw__config *cfg;
};

/* A line for the log: how a Locust option behaves differently here;
 * `where` (the file:line or variable it came from) or NULL. */
static int add_note(struct owned *own, const char *where, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));
static int add_note(struct owned *own, const char *where, const char *fmt,
                    ...)
{
    char line[768];
    int n = snprintf(line, sizeof line, "note: %s%s", where ? where : "",
                     where ? ": " : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    char **nl = realloc(own->notes, sizeof *nl * (size_t)(own->nnotes + 2));
    if (!nl)
        return -1;
    own->notes = nl;
    if (!(nl[own->nnotes] = strdup(line)))
        return -1;
    nl[++own->nnotes] = NULL;
    return 0;
}

static int add_tags(char ***list, int *n, const char *arg)
{
    const char *p = arg;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len) {
            char **nl = realloc(*list, sizeof **list * (size_t)(*n + 2));
            if (!nl)
                return -1;
            *list = nl;
            nl[*n] = strndup(p, len);
            if (!nl[*n])
                return -1;
            (*n)++;
            nl[*n] = NULL;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

static const char *base_name(const char *s)
{
    const char *b = strrchr(s, '/');
    return b ? b + 1 : s;
}

/* ---- start-up checks: a bad value fails now, not after the run ------- */

/* A report file can be created: its directory exists and is writable,
 * and the file, if it exists, is a writable regular file.  prefix: path
 * is a prefix (--csv), the files are PATH_*.csv.  NULL or why not. */
static const char *unwritable(const char *path, int prefix)
{
    struct stat st;
    if (!prefix && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return "is a directory";
        if (access(path, W_OK) != 0)
            return strerror(errno);
    }
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) {
        strcpy(dir, ".");
    } else {
        size_t n = (size_t)(slash - path);
        if (n == 0)
            n = 1;                          /* "/file" */
        if (n >= sizeof dir)
            return "path too long";
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    if (stat(dir, &st) != 0)
        return errno == ENOENT ? "no such directory" : strerror(errno);
    if (!S_ISDIR(st.st_mode))
        return "not in a directory";
    if (access(dir, W_OK | X_OK) != 0)
        return "directory not writable";
    return NULL;
}

/* `where`: the file:line or LOCUST_* variable the option came from */
#define BAD(...)                                                         \
    do {                                                                 \
        fprintf(err, "%s: ", o->prog);                                   \
        if (where)                                                       \
            fprintf(err, "%s: ", where);                                 \
        fprintf(err, __VA_ARGS__);                                       \
        fputc('\n', err);                                                \
        goto fail;                                                       \
    } while (0)

int sw__cli_parse(struct sw__options *o, int argc, char **argv,
                  const sw_scenario_t *sc, FILE *out, FILE *err)
{
    struct owned own = { 0 };
    int rc = SW_CLI_ERROR;
    const sw_load_t *ld = &sc->load;
    int users_given = 0, rate_given = 0, stages_given = 0;
    int arrival_given = 0, max_users_given = 0, run_time_given = 0;
    int http_debug_given = 0;

    memset(o, 0, sizeof *o);
    o->prog = argc > 0 && argv[0] ? base_name(argv[0]) : "swarm";
    o->host = sc->host;
    o->users = ld->users >= 0 ? ld->users : 1;
    o->spawn_rate = ld->spawn_rate > 0 ? ld->spawn_rate : 1;
    o->run_time_ms = ld->run_time_ms >= 0 ? ld->run_time_ms : -1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cores > 0 ? (int)cores : 1;
    o->rate_per_s = ld->rate_per_s > 0 ? ld->rate_per_s : -1;
    o->max_users = ld->max_users;
    o->iterations = ld->iterations >= 0 ? ld->iterations : -1;
    o->timeout_ms = 30000;
    o->engine = "auto";
    o->shard_count = 1;
    o->start_at_ms = -1;
    o->web_host = "127.0.0.1";
    o->web_port = 8089;
    o->autoquit_s = -1;
    int headless = 0, web_given = 0;
    const char *where = NULL;
    o->log_level = SW_LOG_INFO;

    /* ~/.locust.conf, ./locust.conf, --config FILE and LOCUST_* come
     * first, as options of the same table; what a later source gives
     * replaced them already (config.h) */
    own.cfg = sw__config_collect(argc, argv, o->prog, err);
    if (!own.cfg)
        goto fail;
    argc = own.cfg->argc;
    argv = own.cfg->argv;
    int master_noted = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct opt_def *d = NULL;
        const char *val = NULL;
        char flag[64];
        where = own.cfg->origin[i];
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            const char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            for (int k = 0; k < NOPTS; k++)
                if (strlen(opts[k].long_name) == n &&
                    !strncmp(opts[k].long_name, a + 2, n))
                    d = &opts[k];
            /* Locust's old spelling, still accepted there */
            if (!d && n == 10 && !strncmp(a + 2, "hatch-rate", 10))
                d = &opts[O_SPAWN_RATE];
            if (!d)
                BAD("%.*s: unknown option (see --help)", (int)(n + 2), a);
            snprintf(flag, sizeof flag, "--%s", d->long_name);
            if (eq) {
                if (!d->arg)
                    BAD("%s: takes no value", flag);
                val = eq + 1;
            }
        } else if (a[0] == '-' && a[1] && a[1] != '-') {
            for (int k = 0; k < NOPTS; k++)
                if (opts[k].short_name == a[1])
                    d = &opts[k];
            if (!d)
                BAD("-%c: unknown option (see --help)", a[1]);
            snprintf(flag, sizeof flag, "--%s", d->long_name);
            if (a[2]) {
                if (!d->arg)
                    BAD("-%c: takes no value, got '%s'", a[1], a);
                val = a + 2;
            }
        } else {
            /* a user class to spawn (Locust's positional UserClass) */
            const char **nc = realloc(own.classes, sizeof *nc *
                                      (size_t)(own.nclasses + 2));
            if (!nc)
                BAD("out of memory");
            own.classes = nc;
            nc[own.nclasses++] = a;
            nc[own.nclasses] = NULL;
            continue;
        }
        if (d->arg && !val) {
            if (i + 1 >= argc)
                BAD("%s: missing value %s", flag, d->arg);
            val = argv[++i];
        }

        int64_t iv;
        double dv;
        switch (d->id) {
        case O_HOST:
            if (sw__engine_url_error(val))
                BAD("%s: %s, got '%s'", flag, sw__engine_url_error(val), val);
            o->host = val;
            break;
        case O_USERS:
            if (parse_i64(val, &iv) || iv < 1 || iv > 100000000)
                BAD("%s: expected a positive integer, got '%s'", flag, val);
            o->users = iv;
            users_given = 1;
            o->users_given = 1;
            break;
        case O_SPAWN_RATE:
            if (parse_rate(val, 0, &dv))
                BAD("%s: " RATE_EXPECTED ", got '%s'", flag, val);
            o->spawn_rate = dv;
            rate_given = 1;
            break;
        case O_RUN_TIME:
            if (sw__parse_duration_ms(val, &iv) || iv <= 0)
                BAD("%s: expected a duration like 20, 20s, 3m or 1h30m, "
                    "got '%s'", flag, val);
            o->run_time_ms = iv;
            run_time_given = 1;
            break;
        case O_STOP_TIMEOUT:
            if (sw__parse_duration_ms(val, &iv))
                BAD("%s: expected a duration like 10 or 10s, got '%s'",
                    flag, val);
            o->stop_timeout_ms = iv;
            break;
        case O_THREADS:
            if (parse_i64(val, &iv) || iv < 1 || iv > 1024)
                BAD("%s: expected an integer from 1 to 1024, got '%s'",
                    flag, val);
            o->threads = (int)iv;
            break;
        case O_TAGS:
        case O_EXCLUDE_TAGS: {
            char ***list = d->id == O_TAGS ? &own.tags : &own.xtags;
            int *n = d->id == O_TAGS ? &own.ntags : &own.nxtags;
            if (add_tags(list, n, val))
                BAD("%s: out of memory", flag);
            /* Locust's -T a b: the words up to the next option are tags
             * too (so `-T a WebsiteUser` takes WebsiteUser as a tag, as
             * Locust does) */
            while (val == argv[i] && i + 1 < argc && argv[i + 1][0] != '-' &&
                   own.cfg->origin[i + 1] == where)
                if (add_tags(list, n, argv[++i]))
                    BAD("%s: out of memory", flag);
            break;
        }
        case O_SEED: {
            char *end;
            errno = 0;
            unsigned long long s = strtoull(val, &end, 0);
            if (!*val || *end || errno || *val == '-')
                BAD("%s: expected a non-negative integer, got '%s'", flag,
                    val);
            o->seed = s;
            o->seed_given = 1;
            break;
        }
        case O_ITERATIONS:
            if (parse_i64(val, &iv) || iv < 1)
                BAD("%s: expected a positive integer, got '%s'", flag, val);
            o->iterations = iv;
            break;
        case O_ITERATIONS_SHARED:
            o->iterations_shared = 1;
            break;
        case O_RATE:
            if (parse_rate(val, 0, &dv))
                BAD("%s: " RATE_EXPECTED ", got '%s'", flag, val);
            o->rate_per_s = dv;
            arrival_given = 1;
            break;
        case O_MAX_USERS:
            if (parse_i64(val, &iv) || iv < 1 || iv > 100000000)
                BAD("%s: expected a positive integer, got '%s'", flag, val);
            o->max_users = iv;
            max_users_given = 1;
            break;
        case O_STAGES:
            free(own.stages);
            own.stages = NULL;
            if (sw__parse_stages(val, &own.stages, &o->nstages))
                BAD("%s: expected DURATION:USERS,... like "
                    "\"30s:100,1m:100,30s:0\" or DURATION:RATE/s,... "
                    "like \"10s:50/s,1m:50/s\" (rates from 0.001 to "
                    "1000000/s, or 0/s), got '%s'", flag, val);
            o->stages = own.stages;
            stages_given = 1;
            break;
        case O_INSECURE:
            o->insecure = 1;
            break;
        case O_CACERT:
            if (!*val)
                BAD("%s: expected a file name", flag);
            o->cacert = val;    /* read and checked at start-up (ca.c) */
            break;
        case O_TIMEOUT:
            if (sw__parse_duration_ms(val, &iv) || iv <= 0)
                BAD("%s: expected a duration like 30s or 500ms, got '%s'",
                    flag, val);
            o->timeout_ms = iv;
            break;
        case O_ENGINE:
            if (strcmp(val, "auto") && strcmp(val, "native") &&
                strcmp(val, "curl"))
                BAD("%s: expected auto, native or curl, got '%s'", flag, val);
            o->engine = val;
            break;
        case O_PROXY:
            if (!*val)
                BAD("%s: expected a proxy URL like http://127.0.0.1:3128",
                    flag);
            o->proxy = val;     /* checked at start-up (request/proxy.c) */
            break;
        case O_NO_PROXY:
            o->no_proxy = 1;
            break;
        case O_CERT:
        case O_KEY:
            if (!*val)
                BAD("%s: expected a file name", flag);
            /* read and checked at start-up (engine/tlsclient.c) */
            *(d->id == O_CERT ? &o->cert : &o->key) = val;
            break;
        case O_HTTP_DEBUG:
            if (parse_i64(val, &iv) || iv < 0 || iv > 1000000)
                BAD("%s: expected a number of requests from 0 to 1000000, "
                    "got '%s'", flag, val);
            o->http_debug = iv;
            http_debug_given = 1;
            break;
        case O_CSV:
            if (!*val)
                BAD("%s: expected a file prefix", flag);
            o->csv_prefix = val;
            break;
        case O_CSV_FULL_HISTORY:
            o->csv_full_history = 1;
            break;
        case O_JSON:
        case O_HTML:
        case O_JUNIT:
        case O_HLOG:
            if (!*val)
                BAD("%s: expected a file name", flag);
            if (d->id == O_JSON)
                o->json_path = val;
            else if (d->id == O_HTML)
                o->html_path = val;
            else if (d->id == O_JUNIT)
                o->junit_path = val;
            else
                o->hlog_path = val;
            break;
        case O_THRESHOLD: {
            sw_threshold_t t;
            char why[160];
            if (sw__threshold_parse(val, &t, why, sizeof why))
                BAD("%s: %s", flag, why);
            sw_threshold_t *nt = realloc(own.th,
                                         sizeof *nt * (size_t)(own.nth + 1));
            if (!nt) {
                free((void *)t.name);
                BAD("%s: out of memory", flag);
            }
            own.th = nt;
            own.th[own.nth++] = t;
            break;
        }
        case O_QUIET:
            o->quiet = 1;
            break;
        case O_ONLY_SUMMARY:
            o->only_summary = 1;
            break;
        case O_SHARD: {
            int si, sn, used = 0;
            if (sscanf(val, "%d/%d%n", &si, &sn, &used) != 2 ||
                val[used] || sn < 1 || si < 0 || si >= sn)
                BAD("%s: expected I/N with 0 <= I < N, got '%s'", flag, val);
            o->shard_index = si;
            o->shard_count = sn;
            break;
        }
        case O_SHARDS: {
            const char *ix = getenv("JOB_COMPLETION_INDEX");
            int64_t si;
            if (parse_i64(val, &iv) || iv < 1 || iv > 1000000)
                BAD("%s: expected a positive integer, got '%s'", flag, val);
            if (!ix || parse_i64(ix, &si) || si < 0 || si >= iv)
                BAD("%s: needs JOB_COMPLETION_INDEX set to 0..%lld in the "
                    "environment, got '%s'", flag, (long long)iv - 1,
                    ix ? ix : "");
            o->shard_index = (int)si;
            o->shard_count = (int)iv;
            break;
        }
        case O_START_AT:
            if (parse_double(val, &dv) || dv < 0 || dv > 1e11)
                BAD("%s: expected a Unix time in seconds, got '%s'", flag,
                    val);
            o->start_at_ms = (int64_t)llround(dv * 1000.0);
            break;
        case O_JITTER_START:
            o->jitter_start = 1;
            break;
        case O_EXIT_CODE_ON_ERROR:
            if (parse_i64(val, &iv) || iv < 0 || iv > 255)
                BAD("%s: expected an integer from 0 to 255, got '%s'", flag,
                    val);
            o->exit_code_on_error = (int)iv;
            break;
        case O_WEB_UI:
        case O_AUTOSTART:
            web_given = 1;
            if (d->id == O_AUTOSTART)
                o->autostart = 1;
            break;
        case O_WEB_HOST:
            if (!*val || strlen(val) > 255)
                BAD("%s: expected an IP address, got '%s'", flag, val);
            o->web_host = val;
            web_given = 1;
            break;
        case O_WEB_PORT:
            if (parse_i64(val, &iv) || iv < 0 || iv > 65535)
                BAD("%s: expected a port from 0 to 65535, got '%s'", flag,
                    val);
            o->web_port = (int)iv;
            web_given = 1;
            break;
        case O_AUTOQUIT:
            if (parse_i64(val, &iv) || iv < 0 || iv > 86400 * 365)
                BAD("%s: expected a number of seconds >= 0, got '%s'", flag,
                    val);
            o->autoquit_s = iv;
            web_given = 1;
            break;
        case O_WEB_AUTH: {
            const char *colon = strchr(val, ':');
            if (!colon || colon == val || strlen(val) > 512)
                BAD("%s: expected USER:PASS, got '%s'", flag, val);
            o->web_auth = val;
            web_given = 1;
            break;
        }
        case O_HEADLESS:
            headless = 1;
            break;
        case O_CONFIG:          /* read by sw__config_collect */
        case O_SKIP_LOG_SETUP:  /* no logging set-up to skip */
        case O_PRINT_STATS:     /* the live statistics print anyway */
            break;
        case O_LOCUSTFILE:
            /* as spelled: Locust's documentation writes -f */
            if (add_note(&own, where, "%s %s: the scenario %s is built into "
                         "this binary; the file is not read",
                         a[1] == '-' ? flag : "-f", val,
                         sc->source ? sc->source : "") != 0)
                BAD("out of memory");
            break;
        case O_LIST:
            o->list_classes = 1;
            break;
        case O_SHOW_TASK_RATIO:
            o->show_task_ratio = 1;
            break;
        case O_SHOW_TASK_RATIO_JSON:
            o->show_task_ratio = 2;
            break;
        case O_RESET_STATS:
            o->reset_stats = 1;
            break;
        case O_LOGLEVEL:
            if ((o->log_level = sw__log_level_parse(val)) < 0)
                BAD("%s: expected DEBUG, INFO, WARNING, ERROR or CRITICAL, "
                    "got '%s'", flag, val);
            break;
        case O_LOGFILE:
            if (!*val)
                BAD("%s: expected a file name", flag);
            o->log_file = val;
            break;
        case O_PROCESSES:
            /* Locust forks N processes; here N event-loop threads do
             * that work: the same --threads setting */
            if (parse_i64(val, &iv) || iv == 0 || iv < -1 || iv > 1024)
                BAD("%s: expected -1 (every core) or an integer from 1 to "
                    "1024, got '%s'", flag, val);
            if (iv > 0)
                o->threads = (int)iv;
            else
                o->threads = cores > 0 ? (int)cores : 1;
            break;
        case O_MASTER:
        case O_WORKER:
        case O_MASTER_HOST:
        case O_MASTER_PORT:
        case O_MASTER_BIND_HOST:
        case O_MASTER_BIND_PORT:
        case O_EXPECT_WORKERS:
        case O_EXPECT_WORKERS_MAX_WAIT:
        case O_ENABLE_REBALANCING:
            if (!master_noted++ &&
                add_note(&own, where, "%s: there is no master/worker mode: "
                         "this process runs its load alone; to spread a "
                         "test over machines run this binary on each with "
                         "--shard I/N and merge the results "
                         "(docs/distributed.md)", flag) != 0)
                BAD("out of memory");
            break;
        case O_CLASS_PICKER:
            if (add_note(&own, where, "%s: the web UI has no class picker; "
                         "name the user classes to run on the command line "
                         "(see --list)", flag) != 0)
                BAD("out of memory");
            break;
        case O_TLS_CERT:
        case O_TLS_KEY:
            if (!*val)
                BAD("%s: expected a file name", flag);
            /* read and checked when the UI starts (web/tls_server.c) */
            *(d->id == O_TLS_CERT ? &o->tls_cert : &o->tls_key) = val;
            web_given = 1;
            break;
        case O_EQUAL_WEIGHTS:
            o->equal_weights = 1;
            break;
        case O_HELP:
            print_help(out, o->prog, sc);
            rc = SW_CLI_EXIT;
            goto done_exit;
        case O_VERSION:
            fprintf(out, "%s (swarmc runtime %s)\n", o->prog, SW_VERSION);
            rc = SW_CLI_EXIT;
            goto done_exit;
        }
    }

    where = NULL;
    /* Locust's positional user classes: each must exist */
    for (int i = 0; i < own.nclasses; i++) {
        int k = 0;
        while (k < sc->nusers && strcmp(sc->users[k].name, own.classes[i]))
            k++;
        if (k == sc->nusers) {
            char names[512] = "";
            for (int j = 0; j < sc->nusers; j++)
                snprintf(names + strlen(names), sizeof names - strlen(names),
                         "%s%s", j ? ", " : "", sc->users[j].name);
            BAD("'%s': no such user class (options start with -; the "
                "classes: %s; see --list)", own.classes[i], names);
        }
    }
    if (o->log_file) {
        const char *why = unwritable(o->log_file, 0);
        if (why)
            BAD("--logfile: cannot write '%s': %s", o->log_file, why);
    }

    /* The model: the command line's wins over the scenario's.  --rate (or
     * rate stages) is the open model, -u/-r (or user stages) the closed
     * one; both at once on the command line is an error. */
    int cmd_rate_stages = stages_given && o->stages[0].rate_per_s >= 0;
    if ((arrival_given || cmd_rate_stages) && (users_given || rate_given))
        BAD("%s: the open model has no -u/-r: give --max-users N for the "
            "size of its user pool", arrival_given ? "--rate" : "--stages");
    if (arrival_given && stages_given && !cmd_rate_stages)
        BAD("--rate: --stages gives users, not rates (\"10s:50/s,...\")");
    if (users_given || rate_given || (stages_given && !cmd_rate_stages))
        o->rate_per_s = -1;     /* closed model: the scenario's rate goes */
    else if (cmd_rate_stages && !arrival_given)
        o->rate_per_s = -1;     /* rate stages from the command line start
                                   at 0/s */

    /* Load shape: --stages, then -u/-r/--rate, then the scenario's stages,
     * then the scenario's users (or Locust's -u 1 -r 1). */
    if (!stages_given && !users_given && !rate_given && !arrival_given &&
        ld->nstages > 0) {
        /* copied so that o->stages is always ours to free */
        own.stages = calloc((size_t)ld->nstages, sizeof *own.stages);
        if (!own.stages)
            BAD("out of memory");
        memcpy(own.stages, ld->stages, sizeof *own.stages *
                                       (size_t)ld->nstages);
        o->stages = own.stages;
        o->nstages = ld->nstages;
    }
    /* The web UI runs only when asked for (a web option): a command line
     * without one keeps today's headless run.  --headless wins, as in
     * Locust, where it turns the UI off. */
    if (headless && web_given)
        BAD("--headless: no web UI, but a web option (-P, --web-host, "
            "--web-auth, --web-ui, --autostart, --autoquit, --tls-cert, "
            "--tls-key) asks for one");
    if (!o->tls_cert != !o->tls_key)
        BAD("%s: needs %s FILE as well (the web UI's HTTPS takes a "
            "certificate and its key)", o->tls_cert ? "--tls-cert" :
            "--tls-key", o->tls_cert ? "--tls-key" : "--tls-cert");
    o->web = web_given;
    /* the start form can give the host; --autostart needs it now */
    if ((!o->host || !*o->host) && !(o->web && !o->autostart) &&
        !o->list_classes && !o->show_task_ratio)
        BAD("no host: give --host URL (or declare `host` in the scenario)");
    if (o->host && *o->host && sw__engine_url_error(o->host))
        BAD("host '%s': %s", o->host, sw__engine_url_error(o->host));
    {
        /* Checked now: an unwritable report would lose the run's results
         * at its end. */
        const char *const paths[] = { o->json_path, o->html_path,
                                      o->junit_path, o->hlog_path,
                                      o->csv_prefix };
        const char *const flags[] = { "--json", "--html", "--junit",
                                      "--hlog", "--csv" };
        for (int i = 0; i < 5; i++) {
            const char *why = paths[i] ? unwritable(paths[i], i == 4) : NULL;
            if (why)
                BAD("%s: cannot write '%s': %s", flags[i], paths[i], why);
        }
    }
    /* Locust's -L DEBUG shows what the HTTP client does; here that is the
     * first requests and responses (--http-debug N says how many) */
    if (o->log_level == SW_LOG_DEBUG && !http_debug_given)
        o->http_debug = SW__HTTP_DEBUG_DEFAULT;
    int open = o->rate_per_s > 0 ||
               (o->nstages > 0 && o->stages[0].rate_per_s >= 0);
    if (o->web && !open) {
        /* the most users the UI may start: --max-users, else the
         * open-file limit's share (one connection per user) */
        o->web_max_users = max_users_given ? o->max_users : 0;
        if (max_users_given && o->max_users < o->users)
            BAD("--max-users: %lld is below --users %lld",
                (long long)o->max_users, (long long)o->users);
        max_users_given = 0;
    }
    if (open) {
        /* `rate R/s for D` ends the run after D unless -t says otherwise */
        if (!run_time_given && o->nstages == 0 && ld->rate_duration_ms >= 0 &&
            (o->run_time_ms < 0 || ld->rate_duration_ms < o->run_time_ms))
            o->run_time_ms = ld->rate_duration_ms;
        if (o->max_users < 1)
            o->max_users = 100;
    } else if (max_users_given) {
        BAD("--max-users: only for the open model (--rate R or rate "
            "stages)");
    }
    if (o->iterations_shared && o->iterations < 0)
        BAD("--iterations-shared: needs --iterations N");
    if (o->csv_full_history && !o->csv_prefix)
        BAD("--csv-full-history: needs --csv PREFIX");

    /* Thresholds: the scenario's, then the command line's. */
    int nth = sc->nthresholds + own.nth;
    if (nth > 0) {
        sw_threshold_t *all = calloc((size_t)nth, sizeof *all);
        if (!all)
            BAD("out of memory");
        for (int i = 0; i < sc->nthresholds; i++)
            all[i] = sc->thresholds[i];
        for (int i = 0; i < own.nth; i++)
            all[sc->nthresholds + i] = own.th[i];
        o->thresholds = all;
        o->nthresholds = nth;
    }
    if (o->reset_stats && open &&
        add_note(&own, where, "--reset-stats: the open model has no "
                 "spawning phase; the statistics are not reset") != 0)
        BAD("out of memory");
    free(own.th);
    o->user_classes = own.classes;
    o->notes = (const char *const *)own.notes;
    o->config = own.cfg;
    o->tags = (const char *const *)own.tags;
    o->exclude_tags = (const char *const *)own.xtags;
    return SW_CLI_OK;

done_exit:
fail:
    for (int i = 0; i < own.ntags; i++)
        free(own.tags[i]);
    free(own.tags);
    for (int i = 0; i < own.nxtags; i++)
        free(own.xtags[i]);
    free(own.xtags);
    free(own.th);
    free(own.stages);
    free(own.classes);
    for (int i = 0; i < own.nnotes; i++)
        free(own.notes[i]);
    free(own.notes);
    sw__config_free(own.cfg);
    o->user_classes = NULL;
    o->notes = NULL;
    o->config = NULL;
    o->tags = o->exclude_tags = NULL;
    o->stages = NULL;
    o->nstages = 0;
    o->thresholds = NULL;
    o->nthresholds = 0;
    return rc;
}

void sw__cli_free(struct sw__options *o, const sw_scenario_t *sc)
{
    /* the command line's thresholds follow the scenario's; their names
     * were allocated by sw__threshold_parse */
    for (int i = sc->nthresholds; i < o->nthresholds; i++)
        free((void *)o->thresholds[i].name);
    char **t = (char **)o->tags;
    for (int i = 0; t && t[i]; i++)
        free(t[i]);
    free(t);
    t = (char **)o->exclude_tags;
    for (int i = 0; t && t[i]; i++)
        free(t[i]);
    free(t);
    free((void *)o->stages);
    free((void *)o->thresholds);
    free((void *)o->user_classes);
    t = (char **)o->notes;
    for (int i = 0; t && t[i]; i++)
        free(t[i]);
    free(t);
    sw__config_free(o->config);
    o->user_classes = NULL;
    o->notes = NULL;
    o->config = NULL;
    o->tags = o->exclude_tags = NULL;
    o->stages = NULL;
    o->thresholds = NULL;
}
