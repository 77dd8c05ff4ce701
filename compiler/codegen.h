/*
 * codegen.h - checked program -> C text (docs/internals/generated-code.md).
 *
 * Codegen never reports a user error: it runs only on a program the
 * checker accepted.  The output is deterministic: the same input gives the
 * same bytes (no dates, no absolute paths, source order everywhere).
 */
#ifndef SWC_CODEGEN_H
#define SWC_CODEGEN_H

#include "util/buf.h"
#include "check.h"

struct cg_options {
    const char *swarm_path;     /* as given on the command line */
    const char *c_name;         /* the .c file's name, for #line back */
    int line_directives;        /* 0: --no-line */
    /* --embed-ca: a PEM bundle (borrowed) the binary carries, or NULL */
    const char *ca_pem;
    size_t ca_pem_len;
    /* task bodies per C function (SWARMC_GROUP_BODIES, a debugging aid):
     * 0 as the scenario's size says (CG_GROUP_BODIES in parts, else one
     * each), 1 one each, N > 1 N each at any size */
    int group_bodies;
};

/* With more than CG_PART_FNS bodies, the C file is also a set of parts:
 * the text before the first CG_PART_MARK line (includes, enums, helpers)
 * followed by the text up to the next marker is a translation unit of its
 * own, and so is the prelude with the last piece (the bodies' prototypes,
 * the tables and main).  Compiled separately and linked, the parts keep
 * the C compiler's time and memory linear in the number of bodies (it
 * holds a whole translation unit in memory).  As one file, the markers are
 * plain comments. */
#define CG_PART_FNS 1000
#define CG_PART_MARK "/* swarmc: part */\n"

/* In parts, task bodies share C functions, CG_GROUP_BODIES each (one
 * switch of all their resume points, renumbered; the task table names the
 * function and the task's first resume point): gcc's cost is mostly per
 * function, not per line.  A part then takes CG_PART_GROUPED bodies
 * (docs/compiler.md, "Task bodies sharing a function"). */
#define CG_GROUP_BODIES 100
#define CG_PART_GROUPED 5000

/* Appends the whole C file to out. */
void cg_generate(const struct program *prog, const struct cg_options *opt,
                 struct arena *a, struct sw__buf *out);

#endif
