/*
 * cg_int.h - state shared by the code generator's files (internal).
 *
 * cg_emit.c:   C string literals (the one escaping function), #line, the
 *              string-building helper (struct cg_parts).
 * cg_expr.c:   expressions.
 * cg_body.c:   statements: a body as the cases of a resumable function.
 * cg_request.c: a request: options, body building, expect, capture.
 * cg_names.c:  the enum constants for regexes, env variables and
 *              schedule targets.
 * cg_group.c: task bodies sharing one function (big scenarios).
 * cg_tables.c: the static const tables, main(), and the file's assembly.
 */
#ifndef SWC_CG_INT_H
#define SWC_CG_INT_H

#include "codegen.h"

/* A line-directive marker: replaced by `#line N "file.c"` once the final
 * line numbers are known.  A control byte can never come from user text:
 * every user string goes through cg_cstring(). */
#define CG_LINE_BACK "\001LINE\n"

/* A task that `schedule` names, and its enum constant. */
struct cg_target {
    const struct set *set;
    int index;                  /* in set->tasks */
    const char *name;
};

struct cg {
    const struct program *prog;
    const struct cg_options *opt;
    struct arena *arena;
    /* the function being generated */
    struct sw__buf *out;        /* its body text */
    struct sw__buf pre;         /* statements an expression needs first */
    int indent;                 /* spaces */
    int pc;                     /* last resume point used */
    int uses_u;                 /* the body passes `u` somewhere */
    int nrows;                  /* feeder row temporaries */
    int repeat_depth;
    int retry_fail;             /* the innermost retry's failure label, 0:
                                   none (cg_flow.c) */
    int fail_stops;             /* a failure outside any retry ends the
                                   body with SW_STOP (on_test_start) */
    int nlabels;                /* goto labels made in this function */
    int retry_used;             /* the innermost retry's label is used */
    int mapped;                 /* the last #line named the .swarm */
    int in_response;            /* between sw_req_send and sw_req_end */
    int label_pending;          /* a case label has no statement yet */
    int need_div, need_mod;     /* helper functions used */
    int need_add, need_sub, need_mul, need_neg;
    /* A big program is compiled in parts (see CG_PART_MARK in codegen.h):
     * its bodies are extern, declared up front in protos. */
    int split;
    int part_bodies;            /* bodies in the current part so far */
    int part_max;               /* bodies a part takes */
    struct sw__buf protos;
    /* Task bodies sharing C functions (cg_group.c). */
    int group_size;             /* bodies per function; 0: one each */
    struct cg_group *group;     /* the open group, or NULL */
    int ngroups;                /* groups made (their functions' numbers) */
    int *task_group;            /* by fn_id: the group, 0 for none */
    int *task_pc0;              /* by fn_id: the first resume point */
    /* named constants (cg_names.c) */
    const struct set *set;      /* the set whose body is being generated */
    const char **re_names;      /* per prog->regexes entry */
    const char **env_names;     /* per prog->envs entry */
    struct cg_target *targets;  /* schedule targets, in order of first use */
    int ntargets, targets_cap;
    const char **names;         /* every name made, to keep them unique */
    int nnames, names_cap;
};

/* ---- cg_emit.c ---- */
/* sw_cmp_t names indexed by enum binop (comparisons only). */
extern const char *const cg_cmp_c[];
/* Writes s[0..len) as one C string literal (see the rules there). */
void cg_cstring(struct sw__buf *b, const char *s, size_t len);
void cg_cstr(struct sw__buf *b, const char *s);
/* The same, but split after each newline into adjacent literals, each on
 * its own line indented by indent spaces (embedded CSV files). */
void cg_cstring_lines(struct sw__buf *b, const char *s, size_t len,
                      int indent);
/* `#line N "file.swarm"` (unless --no-line). */
void cg_line_swarm(struct cg *g, struct sw__buf *b, int line);
/* A marker for `#line N "file.c"` if the last directive named the .swarm. */
void cg_line_back(struct cg *g, struct sw__buf *b);
/* Replaces the markers with their directives. */
void cg_resolve_lines(const struct cg_options *opt, struct sw__buf *b);
/* An indented line of the current function: printf-style. */
void cg_stmt(struct cg *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A double as a C literal, shortest round-trip-safe form. */
void cg_double(struct sw__buf *b, double v);

/* Builds a string value from constant text and run-time pieces:
 * a C literal when it is all constant, else sw_cat(u, n, ...). */
struct cg_parts {
    struct sw__buf text;        /* pending constant text */
    struct sw__buf args;        /* ", piece, piece" */
    int n;
};
void cg_parts_text(struct cg_parts *p, const char *s, size_t len);
void cg_parts_expr(struct cg_parts *p, const char *c_expr);
/* Appends the C expression to b and frees p's buffers. */
void cg_parts_end(struct cg *g, struct cg_parts *p, struct sw__buf *b);

/* ---- cg_expr.c ---- */
/* C for e in its own type (int64_t, const char *, int, const sw_row_t *). */
void cg_expr(struct cg *g, struct sw__buf *b, const struct expr *e);
/* C for e as a string (ints and bools formatted). */
void cg_expr_str(struct cg *g, struct sw__buf *b, const struct expr *e);
/* Returns an arena copy of cg_expr / cg_expr_str's text. */
const char *cg_expr_text(struct cg *g, const struct expr *e, int as_str);
/* Adds e's pieces to p as a string. */
void cg_expr_parts(struct cg *g, struct cg_parts *p, const struct expr *e);

/* ---- cg_body.c ---- */
/* Writes the pending g->pre statements at the current indent. */
void cg_flush_pre(struct cg *g);
/* Writes `case N:` for a new resume point after a `return ...;` that
 * passes N; returns N. */
int cg_next_pc(struct cg *g);
void cg_label(struct cg *g, int pc);

/* The statements of a block, and its closing line after them. */
void cg_stmts(struct cg *g, const struct stmt *s);
void cg_close_block(struct cg *g, const char *text);
/* A condition without its own outer parentheses. */
const char *cg_bare(struct cg *g, const char *c);

/* ---- cg_flow.c ---- */
void cg_flow_stmt(struct cg *g, const struct stmt *s);
/* After a request's sw_req_end: a failure leaves a retry's try. */
void cg_flow_after_request(struct cg *g);
/* choice(W: v, ...) as sw_choice_weighted_*. */
void cg_flow_choice(struct cg *g, struct sw__buf *b, const struct expr *e);
int cg_flow_nhooks(const struct program *pg);
/* The on_test_start / on_test_stop functions, and their table fields. */
void cg_flow_hooks(struct cg *g, struct sw__buf *out);
void cg_flow_scenario(const struct program *pg, struct sw__buf *b);

/* ---- cg_names.c ---- */
/* Names every regex and env variable (call before any body). */
void cg_names_init(struct cg *g);
/* The enum constant for task `index` of set s, made on first use. */
const char *cg_task_name(struct cg *g, const struct set *s, int index);
/* Writes the enums of the regexes, env variables and schedule targets
 * (after every body: the targets are known then). */
void cg_names_enums(const struct cg *g, struct sw__buf *b);

/* ---- cg_metrics.c ---- */
/* group "x" { }: enter, the body, leave. */
void cg_group_enter(struct cg *g, const struct stmt *s);
void cg_group_leave(struct cg *g);
/* count NAME [N], record NAME VALUE */
void cg_metric(struct cg *g, const struct stmt *s);
/* The custom metrics' table (nothing when there is none). */
void cg_metrics_table(const struct program *pg, struct sw__buf *b);
/* ---- cg_reqlang.c ---- */
/* The statements of a multipart body, NULL-terminated. */
const char **cg_multipart_lines(struct cg *g, const struct opt *o);
/* `cookie "n" = V` and `clear cookies`. */
void cg_cookie_stmt(struct cg *g, const struct stmt *s);
/* `void headers_SET(sw_user_t *u)` when s has default headers. */
void cg_set_headers(struct cg *g, struct sw__buf *out, const struct set *s);
/* `static const sw_set_headers_t set_headers[]` (after user_classes),
 * and how many entries it has (0: none written). */
void cg_set_headers_table(const struct program *pg, struct sw__buf *b);
int cg_set_headers_count(const struct program *pg);
/* `static const sw_file_def_t files[]` when multipart parts send files. */
void cg_files_table(const struct program *pg, struct sw__buf *b);

/* ---- cg_request.c ---- */
void cg_request(struct cg *g, const struct stmt *s);

/* Writes `static sw_step_t NAME(sw_user_t *u, sw_frame_t *f) { ... }`. */
void cg_function(struct cg *g, struct sw__buf *out, const char *name,
                 const char *what, int line, const struct stmt *body);
/* One body's cases into g->out, from resume point g->pc on: its first
 * `case`, its statements.  The numbering of resume points, retry labels
 * and row temporaries (g->pc, nlabels, nrows) goes on from where it is,
 * so several bodies can share one switch. */
void cg_body_cases(struct cg *g, const struct stmt *body);
/* A function's first lines: its prototype in g->protos (in parts), its
 * signature, the row temporaries g->nrows counts, `(void)u` unless
 * g->uses_u. */
void cg_function_head(struct cg *g, struct sw__buf *out, const char *name);
/* Before a function of that many bodies: a part marker when the current
 * part is full (in parts only). */
void cg_part_mark(struct cg *g, struct sw__buf *out, int bodies);

/* ---- cg_group.c ---- */
/* Task bodies per C function: SWARMC_GROUP_BODIES's value (opt), else
 * CG_GROUP_BODIES in a scenario compiled in parts; 0: one each. */
int cg_group_size(const struct cg_options *opt, int split);
/* Task t's body, in its own function or added to the open group's. */
void cg_group_task(struct cg *g, struct sw__buf *out, const struct task *t);
/* Writes the open group's function (if any) to out. */
void cg_group_flush(struct cg *g, struct sw__buf *out);
/* The `.fn = ...` (and `.pc0 = N`) members of t's table row. */
void cg_group_row(const struct cg *g, struct sw__buf *b, const struct task *t);

#endif
