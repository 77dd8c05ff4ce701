/*
 * codegen.h - checked program -> C text (docs/internals/generated-code.md).
 *
 * Codegen never reports a user error: it runs only on a program the
 * checker accepted.  The output is deterministic: the same input gives the
 * same bytes (no dates, no absolute paths, source order everywhere).
 */
#ifndef SWC_CODEGEN_H
#define SWC_CODEGEN_H

#include "buf.h"
#include "check.h"

struct cg_options {
    const char *swarm_path;     /* as given on the command line */
    const char *c_name;         /* the .c file's name, for #line back */
    int line_directives;        /* 0: --no-line */
    /* --embed-ca: a PEM bundle (borrowed) the binary carries, or NULL */
    const char *ca_pem;
    size_t ca_pem_len;
};

/* Appends the whole C file to out. */
void cg_generate(const struct program *prog, const struct cg_options *opt,
                 struct arena *a, struct buf *out);

#endif
