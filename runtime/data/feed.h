/*
 * feed.h - feeders: rows of CSV data handed out to users (internal).
 *
 * sw__feed_init loads every feeder once, before the worker threads start:
 * a CSV file (read at start-up) or the text embedded at compile time,
 * parsed as RFC 4180 (util/csv.h).  The rows are then read-only; only
 * each feeder's atomic row counter changes, so users on every thread share
 * it without a lock.  sw_feed_next() and sw_row_col() (swarm.h) read them.
 */
#ifndef SW_FEED_H
#define SW_FEED_H

#include <stdatomic.h>
#include <stddef.h>
#include "swarm.h"
#include "util/csv.h"     /* sw__csv_parse, for the unit tests */

/*
 * Loads sc->feeders.  A relative path that does not exist in the current
 * directory is also looked up next to the scenario source (sc->source).
 * Each feeder's header must name every column in def->columns (extra
 * columns are ignored, order may differ); sw_row_col(row, j) then returns
 * the value of def->columns[j].  Unique feeders keep rows shard_index,
 * shard_index + shard_count, ... only.  Returns 0 or -1 with err set.
 */
struct sw__feeder;

/* The feeders, built by sw__feed_init before any worker thread exists;
 * afterwards only the atomic members change. */
struct sw__feeders {
    struct sw__feeder *v;       /* owned: n feeders */
    int n;
    atomic_int run_exhausted;   /* a unique-stop-run feeder ran out */
    void (*on_exhausted)(void *arg);
    void *arg;
};

int sw__feed_init(struct sw__feeders *fs, const sw_scenario_t *sc,
                  int shard_index, int shard_count, char *err, size_t errlen);
void sw__feed_free(struct sw__feeders *fs);

/* Rows this process holds for feeder i (after the shard split), or -1. */
long sw__feed_rows(const struct sw__feeders *fs, int i);

/* Set once a unique-stop-run feeder has run out; see data.h. */
int sw__feed_run_exhausted(struct sw__feeders *fs);
void sw__feed_on_exhausted(struct sw__feeders *fs, void (*cb)(void *arg),
                           void *arg);

#endif /* SW_FEED_H */
