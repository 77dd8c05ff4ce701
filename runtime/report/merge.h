/*
 * merge.h - `merge`: combine the --json results of several runs (the shards
 * of one distributed test) into one result, as if one process had run the
 * whole test (internal; the public entry point sw_merge_main is declared in
 * swarm.h).  See docs/distributed.md.
 */
#ifndef SW_MERGE_H
#define SW_MERGE_H

#include <stdint.h>
#include "swarm.h"
#include "report.h"
#include "stats.h"

/* Exit statuses of `merge`. */
#define SW_MERGE_EXIT_OK 0
#define SW_MERGE_EXIT_INPUT 2       /* bad, missing or inconsistent input */
/* thresholds failed on the merged data: SW_EXIT_THRESHOLDS (99) */

/*
 * A 64-bit FNV-1a fingerprint of the compiled scenario's tables: user
 * classes, sets, tasks, weights, waits, load, thresholds, feeders and
 * environment names.  Two binaries built from the same .swarm by the same
 * compiler give the same value; `merge` refuses to mix results whose
 * fingerprints differ.  Borrows sc.
 */
uint64_t sw__scenario_fingerprint(const sw_scenario_t *sc);

/* One second of the merged run (report_merge.c turns these into the
 * history outputs). */
struct sw__merged_sec {
    int64_t ts_ms;              /* latest shard tick in this second */
    int64_t users;              /* sum of the shards' users */
    int64_t reqs;               /* cumulative, all shards */
    int64_t fails;
    int64_t total_us;           /* cumulative service time */
    int64_t min_us;             /* cumulative; INT64_MAX: none yet */
    int64_t max_us;
    int64_t bytes;
    double cur_rps;             /* sum of the shards' current RPS */
    double cur_fps;
    char *hist_b64;             /* owned: this second's Aggregated
                                   histogram, V2 base64; NULL: empty */
};

/*
 * Writes every output of `ri->opt` (summary on stdout, CSV, JSON, HTML,
 * JUnit, .hlog) for the merged statistics `s` and history `secs` (n rows,
 * oldest first), through the reporter a single run uses.  Borrows all.
 * Returns the reporter's exit contribution: 0, 1 (a file could not be
 * written) or SW_EXIT_THRESHOLDS; -1 when out of memory.
 */
int sw__report_merged(const struct sw__stats *s, const struct sw__run_info *ri,
                      const struct sw__merged_sec *secs, int n,
                      int64_t max_users);

#endif /* SW_MERGE_H */
