/*
 * run.h - the C compiler's processes for `swarmc build`: one command or
 * several at once, their output captured; the build's temporary files;
 * and what SIGINT, SIGTERM or SIGHUP do meanwhile.
 *
 * On a signal every running command's process group (cc runs cc1, as and
 * ld) gets it too, and once they are reaped the temporary files and their
 * directory are removed and swarmc dies of the signal, as it would have
 * without handlers.  The handler only forwards and records; the cleanup
 * runs in the normal flow.
 */
#ifndef SWC_RUN_H
#define SWC_RUN_H

#include "util/buf.h"

/* The most commands run_commands() runs at once. */
#define RUN_MAX_JOBS 64

/* Installs the handlers (before the first command). */
void run_catch_signals(void);

/* path (borrowed: it must outlive the build) is removed at the end or on
 * a signal; dir, the same, after the files. */
void run_add_temp(const char *path);
void run_set_temp_dir(const char *dir);
/* Removes them now (idempotent). */
void run_remove_temp(void);
/* After a signal: removes the temporary files, then dies of it. */
void run_die_if_signalled(void);

/* How many commands at once: SWARMC_JOBS when set (a whole number from 1
 * to RUN_MAX_JOBS), else the CPUs online.  0 after one error line naming
 * the variable. */
int run_jobs(void);

/* Runs the n commands (NULL-terminated argv each), at most jobs at once,
 * each in its own process group with stdout and stderr captured into
 * out[i] (appended; the caller frees).  status[i] is command i's exit
 * status, 128 + N for a signal N, -1 when it could not be started.  After
 * the first failure no more are started and the running ones are
 * terminated (their status is then -1).  Returns the index of the first
 * command that failed, or -1 when all exited 0.  Dies of a signal that
 * came meanwhile (run_die_if_signalled). */
int run_commands(char **const *argv, int n, int jobs, struct sw__buf *out,
                 int *status);

#endif
