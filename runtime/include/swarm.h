/*
 * swarm.h - the public API of the swarmc runtime (libswarm.a).
 *
 * This is the only header that generated scenario code includes.  The
 * generated C describes the scenario as static const tables (user classes,
 * task sets, tasks, load model, thresholds) and compiles every task body to a
 * resumable function; everything that does I/O or keeps time lives in the
 * runtime behind the functions below.  Generated code never calls libuv or
 * an HTTP library.
 *
 * Ownership words used in comments: "borrows" (the callee reads it during the
 * call only, or the pointer stays valid as stated), "copies" (the callee keeps
 * its own copy), "owns"/"takes" (the callee becomes responsible for freeing).
 *
 * Strings handed to the runtime are NUL-terminated UTF-8.  Strings returned
 * by sw_cat(), sw_itoa() and the other "scratch" builders are allocated in the
 * user's scratch arena: they stay valid until the task function returns to
 * the scheduler (that is, until the next resume point) and must never be
 * kept across one.
 */
#ifndef SWARM_H
#define SWARM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SW_VERSION "0.1.0"

/* One virtual user.  Owned by the runtime; generated code only passes it. */
typedef struct sw_user sw_user_t;

/* ===================================================================== */
/* Task functions                                                         */
/* ===================================================================== */

/* What a task function tells the scheduler when it returns. */
typedef enum sw_step {
    SW_DONE = 0,       /* the body ended: the set waits, then picks again */
    SW_YIELD,          /* a request or sleep was started: resume at f->pc */
    SW_INTERRUPT,      /* leave the current set; the parent waits first */
    SW_INTERRUPT_NOW,  /* leave the current set; the parent picks at once */
    SW_STOP            /* this user ends: every on_stop runs, innermost first */
} sw_step_t;

/*
 * The state of one running task body.  pc is the resume point (at the
 * start: its task's pc0, 0 unless bodies share the function);
 * loc[] holds the body's locals that live across resume points (repeat
 * counters), scenario->nlocals of them.  Owned by the runtime, zeroed before
 * each new run of a body.
 */
typedef struct sw_frame {
    int pc;
    int64_t *loc;
} sw_frame_t;

/*
 * A task body (also used for on_start / on_stop).  Called first with
 * f->pc == 0 (a task's pc0), then again with f->pc set by the sw_*_send /
 * sw_sleep call that returned SW_YIELD, once that operation has finished.
 */
typedef sw_step_t (*sw_task_fn)(sw_user_t *u, sw_frame_t *f);

/* ===================================================================== */
/* Scenario description (static const tables emitted by swarmc)          */
/* ===================================================================== */

typedef enum sw_wait_kind {
    SW_WAIT_INHERIT = 0, /* a set without its own wait uses its user's */
    SW_WAIT_CONSTANT,    /* a_ms */
    SW_WAIT_BETWEEN,     /* uniform in [a_ms, b_ms) */
    SW_WAIT_PACING,      /* Locust constant_pacing(a_ms) */
    SW_WAIT_THROUGHPUT   /* Locust constant_throughput(per_s) */
} sw_wait_kind_t;

typedef struct sw_wait {
    sw_wait_kind_t kind;
    double a_ms;         /* constant, between's low end, pacing period */
    double b_ms;         /* between's high end */
    double per_s;        /* throughput: tasks per second per user */
} sw_wait_t;

typedef enum sw_set_kind {
    SW_SET_RANDOM = 0,   /* taskset and a user's own tasks: weighted random */
    SW_SET_SEQ           /* seq: written order, weight = consecutive runs */
} sw_set_kind_t;

struct sw_set;

typedef struct sw_task {
    const char *name;
    int weight;                 /* >= 1 */
    sw_task_fn fn;              /* a task with a body, or NULL */
    const struct sw_set *set;   /* a taskset / seq run as a task, or NULL */
    const char *const *tags;    /* NULL-terminated list, or NULL */
    int line;                   /* line in the .swarm file, for messages */
    /* fn's resume point where this task's body starts (f->pc of its
     * first call): 0 for a function that is one body; several bodies can
     * share one function, each with its own first resume point */
    int pc0;
} sw_task_t;

typedef struct sw_set {
    const char *name;
    sw_set_kind_t kind;
    const sw_task_t *tasks;
    int ntasks;
    sw_wait_t wait;
    sw_task_fn on_start;        /* or NULL */
    sw_task_fn on_stop;         /* or NULL */
} sw_set_t;

/* The default headers of a user or a set (`header "K" V` beside its
 * tasks): fn calls sw_req_header for each.  Called for every request sent
 * while the set runs, outermost set first, so the values are evaluated
 * per request and a deeper set's header (or the request's own) replaces a
 * shallower one of the same name. */
typedef void (*sw_headers_fn)(sw_user_t *u);
typedef struct sw_set_headers {
    const sw_set_t *set;        /* a set, or a user class's root */
    sw_headers_fn fn;
} sw_set_headers_t;
/* A user class's TLS client certificate (`cert "FILE" ["KEY"]`). */
typedef struct sw_user_cert {
    int user;                   /* index in sw_scenario_t.users */
    const char *cert_file;
    const char *key_file;       /* or NULL: the key is in cert_file */
} sw_user_cert_t;

typedef struct sw_user_class {
    const char *name;
    int weight;                 /* relative share of spawned users */
    int fixed_count;            /* > 0: exactly this many, spawned first */
    sw_set_t root;              /* the user's own tasks, wait and hooks */
} sw_user_class_t;

/* One step of a load shape: reach `users` (or `rate_per_s`) over duration. */
typedef struct sw_stage {
    int64_t duration_ms;
    int64_t users;              /* closed model target, or -1 */
    double rate_per_s;          /* open model target, or -1 */
} sw_stage_t;

/* The load model declared in `load { ... }`; command-line flags override. */
typedef struct sw_load {
    int64_t users;              /* -1: not declared */
    double spawn_rate;          /* users per second; -1: not declared */
    int64_t run_time_ms;        /* -1: not declared (run until stopped) */
    const sw_stage_t *stages;   /* NULL or nstages entries */
    int nstages;
    double rate_per_s;          /* open model arrival rate; -1: closed */
    int64_t rate_duration_ms;   /* `rate R/s for D`; -1: not declared */
    int64_t max_users;          /* open model pool size; -1: default */
    int64_t iterations;         /* -1: not declared */
} sw_load_t;

typedef enum sw_metric {
    SW_METRIC_PERCENTILE = 0,   /* latency percentile `pct`, in ms */
    SW_METRIC_AVG,              /* average latency, ms */
    SW_METRIC_MAX,              /* maximum latency, ms */
    SW_METRIC_FAILURE_RATIO,    /* failures / requests, 0..1 */
    SW_METRIC_RPS,              /* requests per second */
    SW_METRIC_REQUESTS,         /* request count */
    SW_METRIC_FAILURES,         /* failure count */
    /* custom metrics (sw_threshold_t.custom) */
    SW_METRIC_COUNT,            /* a counter's value, a trend's values */
    SW_METRIC_MIN,              /* a trend's minimum */
    SW_METRIC_RATE              /* a counter's value per second */
} sw_metric_t;

typedef enum sw_cmp {
    SW_CMP_LT = 0, SW_CMP_LE, SW_CMP_GT, SW_CMP_GE, SW_CMP_EQ, SW_CMP_NE
} sw_cmp_t;

typedef struct sw_threshold {
    const char *text;           /* as written, for reports: "p95 < 300ms" */
    const char *name;           /* request name it applies to, NULL = all */
    sw_metric_t metric;
    double pct;                 /* percentile, 0..100 (SW_METRIC_PERCENTILE) */
    sw_cmp_t cmp;
    double value;               /* ms for latencies, 0..1 for ratios */
    int abort_on_fail;          /* `abort`: stop the run as soon as broken */
    int line;
    int custom;                 /* name is a custom metric's (count/record),
                                   not a request's; value in its unit */
} sw_threshold_t;

/* A custom metric (`count NAME`, `record NAME VALUE`). */
typedef enum sw_metric_kind {
    SW_COUNTER = 0,             /* count: a sum of increments */
    SW_TREND,                   /* record: a distribution of plain numbers */
    SW_TREND_TIME               /* record: durations, kept in us, shown ms */
} sw_metric_kind_t;

typedef struct sw_metric_def {
    const char *name;
    sw_metric_kind_t kind;
} sw_metric_def_t;

typedef enum sw_feed_mode {
    SW_FEED_SHARED = 0,         /* round-robin over all users (default) */
    SW_FEED_RANDOM,             /* a random row each time */
    SW_FEED_UNIQUE_STOP_USER,   /* each row once; then the asking user stops */
    SW_FEED_UNIQUE_STOP_RUN     /* each row once; then the run ends */
} sw_feed_mode_t;

typedef struct sw_feeder_def {
    const char *name;
    const char *path;           /* CSV path as written (read at start-up) */
    const char *embedded;       /* `embed`: the whole CSV text, or NULL */
    const char *const *columns; /* header checked at compile time */
    int ncolumns;
    sw_feed_mode_t mode;
} sw_feeder_def_t;

/* A file sent as a part of a multipart body (`file "a.png"`). */
typedef struct sw_file_def {
    const char *path;           /* as written (read at start-up) */
    const char *embedded;       /* `embed`: the bytes, or NULL */
    size_t embedded_len;
    const char *filename;       /* Content-Disposition's filename */
    const char *content_type;   /* the part's Content-Type, or NULL */
} sw_file_def_t;

typedef struct sw_env_def {
    const char *name;           /* environment variable */
    const char *fallback;       /* default, or NULL: unset is an error */
} sw_env_def_t;

typedef struct sw_scenario {
    const char *source;         /* the .swarm path as given to swarmc */
    const char *host;           /* default host, or NULL */
    const sw_user_class_t *users;
    int nusers;
    sw_load_t load;
    const sw_threshold_t *thresholds;
    int nthresholds;
    int nvars;                  /* user variables (let, capture) */
    const char *const *var_names;
    int nlocals;                /* sw_frame_t.loc size for every body */
    const char *const *regexes; /* compiled once at start-up (PCRE2) */
    int nregexes;
    const sw_feeder_def_t *feeders;
    int nfeeders;
    const sw_env_def_t *envs;   /* resolved once at start-up */
    int nenvs;
    const char *ca_pem;         /* swarmc build --embed-ca: PEM, or NULL */
    size_t ca_pem_len;
    /* on_test_start / on_test_stop: run once per process, before any user
     * starts / after every user has stopped (NULL: none).  A body that
     * returns SW_STOP from on_test_start aborts the run. */
    sw_task_fn on_test_start;
    sw_task_fn on_test_stop;
    const sw_metric_def_t *metrics; /* custom metrics; index = sw_count's */
    int nmetrics;
    const sw_file_def_t *files; /* multipart files, read at start-up */
    int nfiles;
    const sw_set_headers_t *set_headers;    /* default headers, by set */
    int nset_headers;
    const sw_user_cert_t *user_certs;   /* the classes' `cert`, or NULL */
    int nuser_certs;
} sw_scenario_t;

/*
 * The generated main() calls this.  Parses the command line, runs the test
 * and returns the process exit status (see docs/cli.md).
 */
int sw_main(int argc, char **argv, const sw_scenario_t *scenario);

/*
 * `merge RESULT.json... [--csv P] [--json F] [--html F] [--junit F]
 * [--hlog F] [--threshold T]...`: merges the --json results of the shards
 * of one run into one result and writes every report.  argv[0] is the
 * command's name ("merge"), the arguments follow.  Returns the exit
 * status: 0, 99 (a threshold failed on the merged data), 2 (bad, missing
 * or inconsistent input), 1 (an output file could not be written).
 * Used by the compiled binary (`./shop merge ...`) and `swarmc merge`.
 */
int sw_merge_main(int argc, char **argv);

/*
 * Checks that pem[0..len) is a bundle of PEM certificates the binary can
 * verify TLS against (the same parser that loads it at run time).  Returns
 * the number of certificates, or 0 with a reason in why (NUL-terminated,
 * at most whylen bytes).  `swarmc build --embed-ca` calls it.
 */
int sw_ca_check_pem(const char *pem, size_t len, char *why, size_t whylen);

/* ===================================================================== */
/* Requests                                                               */
/* ===================================================================== */

typedef enum sw_method {
    SW_GET = 0, SW_POST, SW_PUT, SW_PATCH, SW_DELETE, SW_HEAD, SW_OPTIONS,
    SW_GROUP        /* not a request: a group's duration row ("GROUP") */
} sw_method_t;

/*
 * Starts building the user's next request.  url (copied) is a path joined to
 * the host by concatenation, as Locust does, or an absolute http(s) URL that
 * bypasses it.  The statistics name defaults to url (path and query).
 */
void sw_req_begin(sw_user_t *u, sw_method_t method, const char *url);
void sw_req_name(sw_user_t *u, const char *name);             /* copies */
void sw_req_header(sw_user_t *u, const char *key, const char *value);
void sw_req_query(sw_user_t *u, const char *key, const char *value);
/* Sets the body; content_type may be NULL (then none is sent). Copies. */
void sw_req_body(sw_user_t *u, const char *content_type, const char *body);
void sw_req_timeout_ms(sw_user_t *u, int64_t timeout_ms);
void sw_req_auth(sw_user_t *u, const char *user, const char *password);
void sw_req_redirects(sw_user_t *u, int follow);
/* A multipart/form-data body (python-requests' layout): begin, the parts
 * in order (copied), end.  The Content-Type with its boundary is set. */
void sw_req_multipart_begin(sw_user_t *u);
void sw_req_part(sw_user_t *u, const char *name, const char *value);
void sw_req_part_file(sw_user_t *u, const char *name, int file_index);
void sw_req_multipart_end(sw_user_t *u);

/* The user's cookie jar: sets cookie name=value for domain (NULL: the
 * host of --host, host-only) and path (NULL: "/"); empties it. */
void sw_cookie_set(sw_user_t *u, const char *name, const char *value,
                   const char *domain, const char *path);
void sw_cookies_clear(sw_user_t *u);

/*
 * Sends the request through the user's own session (cookies, keep-alive
 * connection), sets f->pc = resume_pc and returns SW_YIELD.  When the task is
 * resumed the response is available to sw_resp_status and the sw_expect_*
 * and sw_capture_* functions until sw_req_end().
 */
sw_step_t sw_req_send(sw_user_t *u, sw_frame_t *f, int resume_pc);

/*
 * Records the finished request in the statistics: a failure when the
 * transport failed, when an expectation failed, or (unless an `expect status`
 * was evaluated) when the status is >= 400.  As Locust's catch_response, the
 * time recorded is the transfer's, not the checks'.
 */
void sw_req_end(sw_user_t *u);

/* The last response's status (0 after a transport error); it stays
 * readable after sw_req_end, until the next request's response. */
int64_t sw_resp_status(sw_user_t *u);
/* 1 when the user's last request (ended by sw_req_end) was recorded as a
 * failure, else 0 (also before any request). */
int sw_req_failed(sw_user_t *u);

/* ===================================================================== */
/* Checks (expect) and captures                                           */
/* ===================================================================== */

/* Each marks the pending request failed with a message naming the check. */
void sw_expect_status(sw_user_t *u, int64_t status);
void sw_expect_status_in(sw_user_t *u, const int64_t *list, int n);
void sw_expect_status_range(sw_user_t *u, int64_t lo, int64_t hi);
void sw_expect_body_contains(sw_user_t *u, const char *needle);
void sw_expect_body_matches(sw_user_t *u, int regex_index);
void sw_expect_header(sw_user_t *u, const char *key, const char *value_or_null);
/* JSON value at path compared with an int, string or bool (kind chosen by
 * the compiler from the literal's type). */
void sw_expect_json_int(sw_user_t *u, const char *path, sw_cmp_t cmp, int64_t v);
void sw_expect_json_str(sw_user_t *u, const char *path, sw_cmp_t cmp, const char *v);
void sw_expect_json_bool(sw_user_t *u, const char *path, int v);
void sw_expect_json_exists(sw_user_t *u, const char *path);

/* Each stores into variable `var`; nothing found: empty value + failure. */
void sw_capture_json(sw_user_t *u, int var, const char *path);
void sw_capture_regex(sw_user_t *u, int var, int regex_index);
void sw_capture_header(sw_user_t *u, int var, const char *key);
void sw_capture_cookie(sw_user_t *u, int var, const char *name);
void sw_capture_status(sw_user_t *u, int var);

/* ===================================================================== */
/* Variables (per user) and scratch values                                */
/* ===================================================================== */

typedef struct sw_row sw_row_t;  /* a feeder row: owned by the feeder */

int64_t sw_var_int(sw_user_t *u, int var);
void sw_var_set_int(sw_user_t *u, int var, int64_t v);
const char *sw_var_str(sw_user_t *u, int var);          /* "" when unset */
void sw_var_set_str(sw_user_t *u, int var, const char *s);  /* copies */
const sw_row_t *sw_var_row(sw_user_t *u, int var);
void sw_var_set_row(sw_user_t *u, int var, const sw_row_t *row);
const char *sw_row_col(const sw_row_t *row, int column);  /* "" for NULL */

/* Scratch builders (see the header comment for their lifetime). */
const char *sw_itoa(sw_user_t *u, int64_t v);
const char *sw_btoa(sw_user_t *u, int v);                  /* true/false */
const char *sw_cat(sw_user_t *u, int n, ...);              /* n strings */
const char *sw_json_quote(sw_user_t *u, const char *s);    /* "..." */
const char *sw_urlencode(sw_user_t *u, const char *s);
int sw_streq(const char *a, const char *b);

/* ===================================================================== */
/* Built-ins                                                              */
/* ===================================================================== */

int64_t sw_random(sw_user_t *u, int64_t lo, int64_t hi);   /* inclusive */
const char *sw_choice_str(sw_user_t *u, int n, ...);
int64_t sw_choice_int(sw_user_t *u, int n, ...);           /* int64_t args */
/* Weighted: value i is picked with probability weights[i] / sum (weights
 * borrowed, each >= 1). */
const char *sw_choice_weighted_str(sw_user_t *u, int n,
                                   const int64_t *weights, ...);
int64_t sw_choice_weighted_int(sw_user_t *u, int n, const int64_t *weights,
                               ...);
const char *sw_uuid(sw_user_t *u);                         /* v4, scratch */
const char *sw_env(sw_user_t *u, int env_index);           /* start-up value */
int64_t sw_user_id(sw_user_t *u);                          /* 1-based */
int64_t sw_now_ms(sw_user_t *u);                           /* Unix time, ms */
/* The next row of a feeder; NULL ends the user (unique mode, exhausted):
 * generated code then returns SW_STOP. */
const sw_row_t *sw_feed_next(sw_user_t *u, int feeder_index);

/* ===================================================================== */
/* Control flow                                                           */
/* ===================================================================== */

/* Sleeps, then resumes at resume_pc.  Returns SW_YIELD. */
sw_step_t sw_sleep_ms(sw_user_t *u, sw_frame_t *f, int64_t ms, int resume_pc);
/* The end of a `while` round: SW_YIELD (resume at resume_pc on the next
 * loop turn, so other users run), or SW_DONE when the user is stopping,
 * which ends the body there. */
sw_step_t sw_loop_next(sw_user_t *u, sw_frame_t *f, int resume_pc);
/* Queues task `task_index` of the innermost running set (schedule_task):
 * `first` is SW_SCHEDULE_FIRST (before the tasks already queued) or
 * SW_SCHEDULE_LAST (after them). */
enum { SW_SCHEDULE_LAST = 0, SW_SCHEDULE_FIRST = 1 };
void sw_schedule(sw_user_t *u, int task_index, int first);

/* ===================================================================== */
/* Groups and custom metrics                                              */
/* ===================================================================== */

/*
 * `group "a" { ... }`: path is the whole group path ("a", "a::b"; a string
 * constant).  Requests ended while a group is open are named
 * "PATH::NAME"; sw_group_leave records the time since the matching enter
 * (waits and sleeps included) as a GROUP row named PATH.  A body that ends
 * inside a group (stop, interrupt, the run ending) records nothing for it.
 */
void sw_group_enter(sw_user_t *u, const char *path);
void sw_group_leave(sw_user_t *u);
/* `count NAME N` and `record NAME VALUE`: metric is the index in
 * scenario->metrics; a time trend's value is in ms. */
void sw_count(sw_user_t *u, int metric, int64_t n);
void sw_record(sw_user_t *u, int metric, int64_t value);

#ifdef __cplusplus
}
#endif

#endif /* SWARM_H */
