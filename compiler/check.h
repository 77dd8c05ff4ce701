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
#include "swarm.h"      /* sw_load_t, sw_stage_t, sw_threshold_t, modes */

struct arena;

enum { CK_HOOK_START = 1, CK_HOOK_STOP = 2 };

struct var {
    const char *name;
    enum type type;
    int feeder;                 /* TY_ROW: which feeder's rows */
    struct span first;          /* first let/capture */
    int set_bad;                /* checker: a let of it has an error */
    int hook;                   /* CK_HOOK_* bits: set by on_test_start /
                                   on_test_stop, so the run's, read-only
                                   in users */
    struct span hook_span;
};

struct feeder {
    const char *name;
    struct span span;           /* the data declaration */
    struct str path;            /* as written */
    sw_feed_mode_t mode;
    int embed;
    struct str content;         /* embed: the whole file */
    const char **columns;       /* the header */
    int ncolumns;
};

/* A file a multipart part sends (one per `file` part). */
struct part_file {
    struct span span;           /* the part */
    struct str path;            /* as written */
    struct str filename;        /* sent: `filename`, else path's basename */
    struct str type;            /* `type`, or s == NULL */
    int embed;
    struct str content;         /* embed: the whole file */
};

struct env_def {
    struct str name;
    struct str fallback;
    int has_fallback;
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
    sw_load_t load;             /* the load model, as the runtime takes it */
    sw_threshold_t *thresholds; /* text and name arena-allocated */
    int nthresholds;
    int nlocals;                /* deepest repeat nesting */
    int ntask_fns;              /* task bodies, numbered 1.. */
    int nhook_fns;              /* on_start/on_stop bodies, numbered 1.. */
    struct stmt *test_start;    /* on_test_start { }, or NULL */
    struct stmt *test_stop;     /* on_test_stop { }, or NULL */
    int has_test_start, has_test_stop;  /* declared (even if empty) */
    struct span test_start_at, test_stop_at;    /* their keywords */
    sw_metric_def_t *metrics;   /* custom metrics, in order of first use */
    int nmetrics;
    struct part_file *files;    /* multipart files, in order of use */
    int nfiles, files_cap;
};

/* Checks file; fills *prog (arena-allocated).  Returns the error count. */
int check_program(struct ast_file *file, const struct source *src,
                  struct arena *a, struct diag *d, struct program *prog);

#endif
