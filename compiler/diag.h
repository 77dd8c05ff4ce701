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
 *
 * DIAG_JSON keeps the diagnostics and prints them at diag_finish as one
 * JSON array in gcc's -fdiagnostics-format=json shape (notes as children,
 * fix-its as "fixits"), for editors and CI annotations.
 */
#ifndef SWC_DIAG_H
#define SWC_DIAG_H

#include <stdio.h>
#include "source.h"

#define DIAG_MAX_ERRORS 20

enum diag_format { DIAG_TEXT, DIAG_JSON };

struct diag_rec;

struct diag {
    const struct source *src;   /* borrowed */
    FILE *out;                  /* borrowed: stderr in the driver */
    int errors;
    int warnings;
    int last_shown;             /* the last error/warning was printed */
    enum diag_format format;
    struct diag_rec *recs;      /* owned (DIAG_JSON): kept until finish */
    int nrecs, caprecs;
};

void diag_init(struct diag *d, const struct source *src, FILE *out);
/* DIAG_TEXT (the default) or DIAG_JSON; call before the first diagnostic. */
void diag_set_format(struct diag *d, enum diag_format f);
void diag_error(struct diag *d, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(struct diag *d, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_note(struct diag *d, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A fix-it for the last error or warning: replace sp with text.  Shown in
 * the JSON format only.  A "did you mean 'X'?" whose span is exactly the
 * quoted unknown word gets one by itself. */
void diag_fixit(struct diag *d, struct span sp, const char *text);
/* Prints "swarmc: N errors generated." when there were errors (or the
 * warning count when there were only warnings), or the JSON array; frees
 * what was kept; returns the error count. */
int diag_finish(struct diag *d);

/* The candidate closest to name by edit distance, if it is close enough to
 * be a likely typo; NULL otherwise.  candidates: NULL-terminated. */
const char *diag_suggest(const char *name, const char *const *candidates);

#endif
