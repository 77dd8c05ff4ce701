/*
 * inspect.h - what the binary would run, printed instead of running it
 * (internal): Locust's -l/--list, --show-task-ratio and
 * --show-task-ratio-json, in Locust's output shapes.
 */
#ifndef SW_INSPECT_H
#define SW_INSPECT_H

#include <stdint.h>
#include <stdio.h>
#include "swarm.h"
#include "scheduler.h"

/* "Available Users:" and each class's name (Locust's listing), each
 * followed here by its tasks, nested sets indented below their task. */
void sw__inspect_list(FILE *out, const sw_scenario_t *sc);

/* The task ratios of the classes not skipped (skip[i]: left out by the
 * positional classes or the tag filter), from the tag-filtered sets
 * roots[]: per class, and in total (weighted by each class's share of
 * num_users users, Locust's _calc_distribution; num_users < 0: as Locust
 * without -u).  json: --show-task-ratio-json.  0, or -1 when out of
 * memory. */
int sw__inspect_ratio(FILE *out, const sw_scenario_t *sc,
                      struct sw__rset *const *roots,
                      const unsigned char *skip, int64_t num_users,
                      int json);

#endif /* SW_INSPECT_H */
