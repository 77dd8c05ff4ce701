/*
 * check.h - the checker: every rule about meaning, and the checked program
 * that codegen reads.
 *
 * check_program() resolves names, types and tables over the AST and
 * reports every error it can see (through diag).  When it returns 0 the
 * program is complete and codegen can run without reporting anything.
 */
#ifndef SWC_CHECK_H
#define SWC_CHECK_H

#include "ast.h"
#include "diag.h"

struct arena;

struct var {
    const char *name;
    enum type type;
    int feeder;                 /* TY_ROW: which feeder's rows */
    struct span first;          /* first let/capture */
    int set_bad;                /* checker: a let of it has an error */
};

enum feed_mode { FEED_SHARED, FEED_RANDOM, FEED_UNIQUE, FEED_UNIQUE_STOP_RUN };

struct feeder {
    const char *name;
    struct span span;           /* the data declaration */
    struct str path;            /* as written */
    enum feed_mode mode;
    int embed;
    struct str content;         /* embed: the whole file */
    const char **columns;       /* the header */
    int ncolumns;
};

struct env_def {
    struct str name;
    struct str fallback;
    int has_fallback;
};

struct stage {
    int64_t duration_ms;
    int64_t users;              /* -1 when a rate stage */
    double rate_per_s;          /* -1 when a users stage */
};

struct load {
    int64_t users;              /* -1: not declared (as sw_load_t) */
    double spawn_rate;
    int64_t run_time_ms;
    struct stage *stages;
    int nstages;
    double rate_per_s;
    int64_t rate_duration_ms;
    int64_t max_users;
    int64_t iterations;
};

enum metric {
    MET_PERCENTILE, MET_AVG, MET_MAX, MET_FAILURE_RATIO, MET_RPS,
    MET_REQUESTS, MET_FAILURES
};

struct threshold {
    struct str text;            /* as written: "p95 < 300ms" */
    struct str name;            /* request name; s == NULL for all */
    enum metric metric;
    double pct;
    enum binop cmp;
    double value;
    int abort_on_fail;
    int line;
};

struct program {
    const struct source *src;
    struct str host;            /* s == NULL: none */
    struct set **sets;          /* every user/taskset/seq, source order */
    int nsets;
    struct var *vars;
    int nvars;
    struct feeder *feeders;
    int nfeeders;
    struct env_def *envs;
    int nenvs;
    struct str *regexes;
    int nregexes;
    struct load load;
    struct threshold *thresholds;
    int nthresholds;
    int nlocals;                /* deepest repeat nesting */
    int ntask_fns;              /* task bodies, numbered 1.. */
    int nhook_fns;              /* on_start/on_stop bodies, numbered 1.. */
};

/* Checks file; fills *prog (arena-allocated).  Returns the error count. */
int check_program(struct ast_file *file, const struct source *src,
                  struct arena *a, struct diag *d, struct program *prog);

#endif
