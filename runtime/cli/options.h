/*
 * options.h - the compiled binary's command line, parsed (internal).
 *
 * cli.c fills it from the scenario's defaults and argv; every other module
 * only reads it.  Strings borrow from argv or the scenario tables.
 */
#ifndef SW_OPTIONS_H
#define SW_OPTIONS_H

#include <stdint.h>
#include "swarm.h"

struct sw__options {
    /* target and load (closed model) */
    const char *host;           /* -H/--host, else the scenario's */
    int64_t users;              /* -u/--users */
    double spawn_rate;          /* -r/--spawn-rate, users per second */
    int64_t run_time_ms;        /* -t/--run-time; -1 = until stopped */
    int threads;                /* --threads; default: online cores */
    /* load models and run control */
    const sw_stage_t *stages;   /* --stages or the scenario's; owned by cli */
    int nstages;
    double rate_per_s;          /* --rate; -1 = closed model */
    int64_t max_users;          /* --max-users (open model pool) */
    int64_t iterations;         /* --iterations; -1 = unbounded */
    int iterations_shared;      /* --iterations-shared: N in total */
    int64_t stop_timeout_ms;    /* -s/--stop-timeout; 0 = kill at once */
    uint64_t seed;              /* --seed */
    int seed_given;
    int jitter_start;           /* --jitter-start: spread a spawn step */
    const char *const *tags;    /* -T/--tags, NULL-terminated, or NULL */
    const char *const *exclude_tags; /* -E/--exclude-tags */
    int insecure;               /* -k/--insecure: no TLS verification */
    const char *cacert;         /* --cacert FILE (argv's), or NULL */
    int64_t timeout_ms;         /* --timeout: default per-request timeout */
    const char *engine;         /* --engine: "auto" (default), "native" or
                                   "curl" */
    /* HTTP features (docs/runtime.md) */
    const char *proxy;          /* --proxy URL, or NULL: the environment's */
    int no_proxy;               /* --no-proxy: ignore the environment */
    const char *cert;           /* --cert FILE (TLS client certificate) */
    const char *key;            /* --key FILE, or NULL: in cert's file */
    int64_t http_debug;         /* --http-debug N: print the first N
                                   requests and responses; 0: off.  Set
                                   it before start-up (main.c reads it) */
    /* outputs */
    const char *csv_prefix;     /* --csv */
    int csv_full_history;       /* --csv-full-history */
    const char *json_path;      /* --json */
    const char *html_path;      /* --html */
    const char *junit_path;     /* --junit */
    const char *hlog_path;      /* --hlog */
    int quiet;                  /* -q/--quiet: no live view */
    int only_summary;           /* --only-summary */
    const sw_threshold_t *thresholds; /* scenario's + --threshold; owned */
    int nthresholds;
    /* distribution */
    int shard_index;            /* --shard i/N: 0-based index */
    int shard_count;            /* 1 = not sharded */
    int64_t start_at_ms;        /* --start-at, Unix ms; -1 = now */
    /* process */
    int exit_code_on_error;     /* --exit-code-on-error N: exit N when any
                                   request failed; 0 (default) = off */
    const char *prog;           /* program name for messages (argv[0]) */
    /* the web UI (docs/webui.md) */
    int web;                    /* serve the UI: a web flag was given */
    const char *web_host;       /* --web-host, default 127.0.0.1 */
    int web_port;               /* -P/--web-port, default 8089 */
    int autostart;              /* --autostart: start without the form */
    int64_t autoquit_s;         /* --autoquit N; -1 = serve until a signal */
    const char *web_auth;       /* --web-auth user:pass, or NULL */
    const char *tls_cert;       /* --tls-cert FILE: the UI over HTTPS */
    const char *tls_key;        /* --tls-key FILE (both or neither) */
    int64_t web_max_users;      /* the most users the UI may ask for */
    /* Locust's options (docs/cli.md, "Coming from Locust") */
    const char *const *user_classes; /* positional: the classes to spawn,
                                   NULL-terminated (names borrowed), or
                                   NULL for every class; owned */
    int list_classes;           /* -l/--list: print the classes, exit */
    int show_task_ratio;        /* 1 --show-task-ratio, 2 ...-json */
    int users_given;            /* -u came from argv, a file or LOCUST_* */
    int reset_stats;            /* --reset-stats */
    int log_level;              /* -L/--loglevel: SW_LOG_* (log.h) */
    int equal_weights;          /* --equal-weights: every task (nested
                                   sets flattened) and class weighs 1 */
    const char *log_file;       /* --logfile, or NULL: stderr */
    const char *const *notes;   /* NULL-terminated lines for the log (how
                                   a Locust option differs here); owned */
    void *config;               /* the merged config/env/argv (config.h);
                                   owned: values borrow from it */
};

#endif /* SW_OPTIONS_H */
