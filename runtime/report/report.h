/*
 * report.h - everything that formats results (internal).  The only module
 * that prints statistics.  Called on the main thread.
 */
#ifndef SW_REPORT_H
#define SW_REPORT_H

#include <stdint.h>
#include "swarm.h"
#include "options.h"
#include "stats.h"

/* What the reporter needs to know about the run besides the statistics. */
struct sw__run_info {
    const sw_scenario_t *scenario;   /* borrowed */
    const struct sw__options *opt;   /* borrowed */
    int64_t start_unix_ms;           /* when the test started */
    int64_t now_unix_ms;             /* time of this report */
    int64_t users;                   /* users running now */
    int64_t target_users;            /* users the shape asks for now */
    int64_t dropped;                 /* open model: starts dropped */
    int threads;
    /* requests recorded per HTTP engine (native, curl), summed over the
     * threads at the end; -1: not known (a merge of older reports) */
    int64_t engine_native;
    int64_t engine_curl;
    const char *scenario_id;         /* borrowed; written to the JSON as
                                        is; NULL: the scenario's own
                                        fingerprint (sw__scenario_fingerprint) */
};

struct sw__reporter;

/* owns: the reporter; opens no file yet. NULL: no memory. */
struct sw__reporter *sw__reporter_new(const struct sw__run_info *ri);
/* Every second: snapshot = all threads merged so far (borrowed).  Keeps the
 * per-second history and, every 2 s, refreshes the live view on stderr. */
void sw__reporter_tick(struct sw__reporter *r, const struct sw__stats *snap,
                       const struct sw__run_info *ri);
/* Once at the end (also after SIGINT/SIGTERM): final summary on stdout and
 * every requested file, written atomically.  Returns the exit-code
 * contribution: 0, or the threshold-failure exit code. */
int sw__reporter_finish(struct sw__reporter *r, const struct sw__stats *total,
                        const struct sw__run_info *ri);
/* During the run: 1 when an `abort` threshold is broken. */
int sw__reporter_should_abort(struct sw__reporter *r,
                              const struct sw__stats *snap,
                              const struct sw__run_info *ri);
void sw__reporter_free(struct sw__reporter *r);
/* The statistics were zeroed (the web UI's reset): the next history step
 * starts from nothing instead of the previous cumulative counts. */
void sw__reporter_stats_reset(struct sw__reporter *r);
/* owns: the HTML report of snap as it stands (thresholds evaluated on it),
 * NUL-terminated, *len its size; NULL when out of memory. */
char *sw__reporter_html(struct sw__reporter *r, const struct sw__stats *snap,
                        const struct sw__run_info *ri, size_t *len);

#endif /* SW_REPORT_H */
