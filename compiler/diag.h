/*
 * diag.h - compiler diagnostics in the GNU format.
 *
 *   shop.swarm:12:9: error: unknown taskset 'Checkout'; did you mean
 *   'CheckOut'?   (one line)
 *       task buy Checkout
 *                ^~~~~~~~
 *   shop.swarm:30:1: note: 'CheckOut' declared here
 *
 * One renderer for every stage.  At most DIAG_MAX_ERRORS errors are shown
 * (the rest are still counted); a note is shown only when the error or
 * warning it belongs to was.
 */
#ifndef SWC_DIAG_H
#define SWC_DIAG_H

#include <stdio.h>
#include "source.h"

#define DIAG_MAX_ERRORS 20

struct diag {
    const struct source *src;   /* borrowed */
    FILE *out;                  /* borrowed: stderr in the driver */
    int errors;
    int warnings;
    int last_shown;             /* the last error/warning was printed */
};

void diag_init(struct diag *d, const struct source *src, FILE *out);
void diag_error(struct diag *d, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(struct diag *d, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_note(struct diag *d, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints "swarmc: N errors generated." when there were errors (or the
 * warning count when there were only warnings); returns the error count. */
int diag_finish(struct diag *d);

/* The candidate closest to name by edit distance, if it is close enough to
 * be a likely typo; NULL otherwise.  candidates: NULL-terminated. */
const char *diag_suggest(const char *name, const char *const *candidates);

#endif
