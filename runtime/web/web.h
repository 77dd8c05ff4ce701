/*
 * web.h - the web UI: Locust's web API and the page, served from the
 * binary (internal; docs/webui.md).
 *
 * Threads: the HTTP server runs on its own thread (httpd.c).  It never
 * reads the workers' statistics: the main thread publishes a rendered
 * snapshot once a second (sw__web_publish, from the merge the reporter
 * already does) and the server hands out the latest one.  What changes the
 * run (start, new user count, stop, reset) and what needs the reporter
 * (the HTML report) goes the other way as a command, executed on the main
 * thread by the `exec` callback from the main loop's async handle.
 */
#ifndef SW_WEB_H
#define SW_WEB_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "options.h"
#include "report.h"
#include "stats.h"

/* Locust's runner states, as /stats/requests says them. */
enum sw__web_state {
    SW_WEB_READY, SW_WEB_SPAWNING, SW_WEB_RUNNING, SW_WEB_STOPPING,
    SW_WEB_STOPPED
};

enum sw__web_cmd_kind { SW_WEB_SWARM, SW_WEB_STOP, SW_WEB_RESET,
                        SW_WEB_REPORT };

/* One command for the main thread; `exec` fills the answer. */
struct sw__web_cmd {
    enum sw__web_cmd_kind kind;
    /* SW_WEB_SWARM: the checked form; has_* = given */
    int has_users;
    int64_t users;
    int has_rate;
    double rate;
    const char *host;           /* in: the form's (NULL: not given); out:
                                   the run's host; borrowed */
    int has_run_time;
    int64_t run_time_ms;
    /* the answer */
    int status;                 /* HTTP status; 200 = success */
    char message[256];          /* Locust's "message" */
    char *body;                 /* SW_WEB_REPORT: owned HTML (malloc) */
    size_t len;
};

typedef void (*sw__web_exec_fn)(void *arg, struct sw__web_cmd *cmd);

/* What the page shows besides the statistics. */
struct sw__web_view {
    enum sw__web_state state;
    const char *host;           /* borrowed; NULL: none yet */
    int64_t target_users;       /* what the plan asks of this process */
    int64_t run_time_ms;        /* -1: until stopped */
    int64_t users;              /* the count asked for (start form: the
                                   command line's or scenario's) */
    double spawn_rate;
    int open_model;
    int can_change_users;       /* not a load shape or the open model */
};

struct sw__web;

/* Main thread: reads --tls-cert/--tls-key when given, binds the UI's
 * address and starts its thread; prints where it listens (and a warning
 * when it listens beyond loopback without --web-auth).  exec(arg, cmd)
 * runs on main_loop.  NULL: the reason was printed, and *exit_code is the
 * process's status for it (66 an unreadable TLS file, 64 a bad one, 1
 * otherwise). */
struct sw__web *sw__web_start(const struct sw__options *opt,
                              uv_loop_t *main_loop, sw__web_exec_fn exec,
                              void *arg, int *exit_code);
/* Main thread: the statistics as they stand (borrowed for the call). */
void sw__web_publish(struct sw__web *w, const struct sw__stats *snap,
                     const struct sw__run_info *ri,
                     const struct sw__web_view *view);
/* Main thread: stops the server; pending commands get a 503. */
void sw__web_stop(struct sw__web *w);

#endif /* SW_WEB_H */
