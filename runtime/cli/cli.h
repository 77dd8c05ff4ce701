/*
 * cli.h - the compiled binary's command line (internal).
 *
 * sw__cli_parse fills struct sw__options (options.h) from the scenario's
 * defaults and argv.  Errors are one line on `err` naming the flag:
 *     shop: --users: expected a positive integer, got 'x'
 * and the caller exits 64 (EX_USAGE).
 */
#ifndef SW_CLI_H
#define SW_CLI_H

#include <stdio.h>
#include <stdint.h>
#include "swarm.h"
#include "options.h"

enum {
    SW_CLI_OK = 0,      /* run the test */
    SW_CLI_EXIT = 1,    /* --help / --version printed: exit 0 */
    SW_CLI_ERROR = -1   /* message printed: exit SW_EXIT_USAGE */
};

#define SW_EXIT_USAGE 64

/* Fills *o; owns the stages, thresholds and tag lists it allocates (freed
 * by sw__cli_free).  Borrows argv and the scenario for the options' life. */
int sw__cli_parse(struct sw__options *o, int argc, char **argv,
                  const sw_scenario_t *sc, FILE *out, FILE *err);
void sw__cli_free(struct sw__options *o, const sw_scenario_t *sc);

/* The option table, for config.c: entry i's long name (NULL past the
 * end), its short letter (0: none) and whether it takes a value. */
const char *sw__cli_option(int i, char *short_name, int *takes_value);

/* "20" (seconds), "20s", "500ms", "3m", "1h30m", "3h30m10s", "1.5s".
 * 0 and *ms set, or -1. */
int sw__parse_duration_ms(const char *s, int64_t *ms);

/* "30s:100,1m:100,30s:0" -> *stages (owned by the caller), *n.  0 or -1. */
int sw__parse_stages(const char *s, sw_stage_t **stages, int *n);

#endif /* SW_CLI_H */
