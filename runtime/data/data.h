/*
 * data.h - the data side of the runtime (internal): feeders, compiled
 * regexes and resolved environment variables.
 *
 * sw__data_init() runs once at start-up, before any worker thread exists;
 * afterwards everything it built is read-only, except the feeders' atomic
 * row counters, so worker threads share it without locks.
 * sw__data_free() runs once at exit, after every worker thread has joined.
 */
#ifndef SW_DATA_H
#define SW_DATA_H

#include <stddef.h>
#include <stdint.h>
#include "swarm.h"
#include "env.h"
#include "feed.h"
#include "regex.h"

/* What sw__data_init built for one run; owned by sw_main (main.c), shared
 * by every user (u->data). */
struct sw__data {
    const sw_scenario_t *sc;    /* borrowed: the static tables */
    struct sw__env env;
    struct sw__regexes re;
    struct sw__feeders feed;
};

/*
 * Loads every feeder (CSV file or embedded text), compiles every regex
 * (PCRE2, JIT where available) and resolves every env() of the scenario
 * (borrowed: it must outlive the run, as the static tables do).
 * shard_index/shard_count (0-based, count >= 1) split the unique feeders'
 * rows so that shards never share one: shard i takes rows i, i+N, ...
 * Returns 0, or -1 with a one-line message in err (no trailing newline),
 * e.g. "accounts.csv: missing column 'password' (header: user,pass)".
 * On failure nothing needs undoing (it frees what it built).
 */
int sw__data_init(struct sw__data *d, const sw_scenario_t *sc,
                  int shard_index, int shard_count, char *err, size_t errlen);
void sw__data_free(struct sw__data *d);

/*
 * A feeder in SW_FEED_UNIQUE_STOP_RUN mode ran out of rows: the run must
 * end.  The flag is set once, by whichever thread asked for the row that
 * did not exist; the callback (if registered before the run starts) is
 * called once, from that worker thread (use uv_async_send to reach
 * another loop).  Every later sw_feed_next() on that feeder returns NULL.
 */
int sw__data_run_exhausted(struct sw__data *d);
void sw__data_on_exhausted(struct sw__data *d, void (*cb)(void *arg),
                           void *arg);

#endif /* SW_DATA_H */
