/*
 * check_int.h - state shared by the checker's files (internal).
 *
 * check.c: declarations, sets, tasks, load, thresholds, the driver of the
 *          passes.
 * check_body.c: statements, requests and the per-user "set before used"
 *          analysis.
 * check_expr.c: expressions, variables and built-ins.
 * check_lit.c: durations, numbers and feeder CSV headers.
 * check_pattern.c: regexes (PCRE2) and JSON paths, validated at compile
 *          time with the runtime's rules.
 */
#ifndef SWC_CHECK_INT_H
#define SWC_CHECK_INT_H

#include "check.h"
#include "symtab.h"

/* The deepest expression (operators, parentheses, ${} inside strings)
 * and the deepest nesting of if/repeat blocks and of sets used as tasks.
 * Every later pass recurses over the checked tree, and the generated C
 * nests the same way: these limits keep both within any stack and within
 * what C compilers accept (clang's default bracket depth is 256). */
#define CK_MAX_EXPR_DEPTH 200
#define CK_MAX_BLOCK_DEPTH 100
#define CK_MAX_SET_DEPTH 100
/* = the runtime's SW_GROUP_MAX_DEPTH (request/group.h) */
#define CK_MAX_GROUP_DEPTH 16

/* What kind of body a statement is in. */
enum body_kind { BODY_TASK, BODY_ON_START, BODY_ON_STOP,
                 BODY_TEST_START, BODY_TEST_STOP };

struct checker {
    struct arena *arena;        /* borrowed */
    struct diag *diag;          /* borrowed */
    struct program *prog;       /* being filled */
    int quiet;                  /* type-inference rounds: report nothing */
    int changed;                /* a variable's type became known */
    int var_cap, feeder_cap, env_cap, regex_cap;
    /* names -> indexes: variables, sets, feeders (scope 0) and tasks
     * (scope: the set's index) */
    struct symtab var_tab, set_tab, feeder_tab, task_tab;
    int expr_depth;             /* of the expression being checked */
    int too_deep;               /* ... and that was reported */
    int block_depth;            /* if/repeat blocks around the statement */
    /* the body being checked */
    struct set *set;
    enum body_kind body;
    struct task *task;
    int repeat_depth;
    int seen_stmt;              /* a non-tag statement came first */
    sw_stage_t *stages;         /* prog->load.stages, being filled */
    /* request names, for thresholds */
    const char **req_names;
    int nreq_names, req_names_cap;
    /* groups and custom metrics (check_metrics.c) */
    const char *group_path;     /* the groups around the statement, or NULL */
    int group_depth;
    const char *group_saved[CK_MAX_GROUP_DEPTH];
    struct span *metric_spans;  /* per prog->metrics: its first use */
    int metric_cap, metric_spans_cap;
    const char **metric_names;  /* NULL-terminated, for did-you-mean */
    int metric_names_cap;
};

/* Diagnostics that stay silent while ctx->quiet. */
void ck_error(struct checker *ck, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ck_note(struct checker *ck, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* check.c */
const char *ck_set_word(const struct set *s);   /* user/taskset/seq */
/* "unknown WHAT 'name'; did you mean 'X'?" (cands: NULL-terminated). */
void ck_unknown(struct checker *ck, struct span sp, const char *what,
                const char *name, const char *const *cands);

/* check_expr.c */
enum type ck_expr(struct checker *ck, struct expr *e);
const char *ck_type_name(enum type t);   /* "int" */
const char *ck_a_type(enum type t);      /* "an int" */
struct var *ck_var_find(struct checker *ck, const char *name);
/* Records that `name` is set to type t at sp; returns its index. */
int ck_var_set(struct checker *ck, const char *name, struct span sp,
               enum type t, int feeder);
struct feeder *ck_feeder_find(struct checker *ck, const char *name);
int ck_regex(struct checker *ck, struct expr *e);  /* index, or -1 */

/* check_body.c */
void ck_body(struct checker *ck, struct set *set, enum body_kind kind,
             struct task *task, struct stmt *body);
/* Reports, per user, variables used before (or without) being set. */
void ck_reach(struct checker *ck);
void ck_stray(struct checker *ck, struct stmt *s);

/* check_flow.c: while, retry, return, weighted choice(), the run hooks */
typedef void (*ck_block_fn)(struct checker *ck, struct stmt *s,
                            struct span sp);
int ck_in_test_hook(const struct checker *ck);
/* check_body.c: a repeat's or retry's body, its count in a frame local */
void ck_counted_block(struct checker *ck, struct stmt *s,
                      ck_block_fn block_fn);
/* A statement a test hook cannot hold: reported, returns 1. */
int ck_flow_hook_stmt(struct checker *ck, struct stmt *s);
/* ST_WHILE, ST_RETRY, ST_RETURN; block checks a nested block. */
void ck_flow_stmt(struct checker *ck, struct stmt *s, ck_block_fn block);
/* v is being set at sp: a hook makes it the run's, a user may not. */
void ck_flow_var_set(struct checker *ck, struct var *v, struct span sp);
/* The `W: value` arguments of a call: 1 when fine (or none), else 0. */
int ck_flow_weights(struct checker *ck, struct expr *call);
/* An on_test_start / on_test_stop declaration (one of each at most). */
void ck_test_hook_decl(struct checker *ck, struct decl *d,
                       struct decl **seen_start, struct decl **seen_stop);
/* Checks both hook bodies (before the users': they make the run's
 * variables). */
void ck_test_hook_bodies(struct checker *ck);
/* check_body.c: adds a name requests are reported under (thresholds). */
void ck_req_name(struct checker *ck, const char *name);

/* check.c: a threshold's pNN metric word (p95, p99.9) */
int ck_is_percentile(const char *m);
/* Sets t's percentile from d's metric word; 0, or -1 after an error. */
int ck_percentile(struct checker *ck, const struct decl *d,
                  sw_threshold_t *t);

/* check_metrics.c */
void ck_group_enter(struct checker *ck, struct stmt *s);
void ck_group_leave(struct checker *ck);
void ck_metric_stmt(struct checker *ck, struct stmt *s);
/* `threshold NAME METRIC OP VALUE` on custom metric NAME. */
void ck_threshold_custom(struct checker *ck, struct decl *d,
                         sw_threshold_t *t);
/* check_reqlang.c: multipart bodies, default headers, cookies */
void ck_multipart(struct checker *ck, struct opt *o);
void ck_cookie(struct checker *ck, struct stmt *s);
void ck_clear(struct checker *ck, struct stmt *s);
void ck_set_header(struct checker *ck, struct set *set, struct member *m);
/* After the bodies (variable types known): every set's default headers. */
void ck_default_headers(struct checker *ck);
/* check_lit.c: reads a file next to the .swarm file whole (feeders,
 * embedded multipart files); 0, or -1 after an error. */
int ck_read_file(struct checker *ck, struct str path, struct span sp,
                 struct str *out);

/* check_lit.c */
/* Parses "1h30m", "500ms", "1.5s".  Returns 0, or -1 after an error. */
int ck_duration(struct checker *ck, const char *text, struct span sp,
                int64_t *ms);
/* A literal that must be a duration; positive unless allow_zero. */
int ck_lit_duration(struct checker *ck, const struct lit *l, int allow_zero,
                    const char *what, int64_t *ms);
/* The value of a number, N% or N/s as written: finite, at most
 * CK_MAX_NUMBER (beyond it a double no longer holds every whole number).
 * 0, or -1 after an error. */
#define CK_MAX_NUMBER 1e15
int ck_lit_value(struct checker *ck, const struct lit *l, double *out);
/* A per-second rate (spawn_rate, rate, a rate stage, throughput): a number
 * or N/s from CK_MIN_RATE to CK_MAX_RATE, or 0 when allow_zero. */
#define CK_MIN_RATE 0.001
#define CK_MAX_RATE 1e6
int ck_lit_rate(struct checker *ck, const struct lit *l, const char *what,
                int allow_zero, double *out);
/* A literal number (int or float, not a duration/percent/rate). */
int ck_lit_number(struct checker *ck, const struct lit *l, const char *what,
                  double *out);
int ck_lit_count(struct checker *ck, const struct lit *l, const char *what,
                 int64_t min, int64_t *out);
/* Reads the CSV header (and, with embed, the whole file) of a feeder. */
int ck_feeder_file(struct checker *ck, struct feeder *f, struct span sp);

/* check_pattern.c */
/* Compiles re with the runtime's PCRE2 options; 0, or -1 after an error at
 * sp ("invalid regex: MESSAGE at offset N"). */
int ck_regex_valid(struct checker *ck, struct str re, struct span sp);
/* Reports a literal JSON path the runtime would reject; an interpolated
 * path is left to run time. */
void ck_json_path(struct checker *ck, struct expr *e);

#endif
