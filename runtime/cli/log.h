/*
 * log.h - the compiled binary's own log lines (internal): Locust's levels
 * (-L/--loglevel) and destination (--logfile).
 *
 * On stderr a line reads `shop: warning: ...` as the binary always wrote
 * it; in a log file each line is timestamped as Locust's are:
 *     [2026-11-30 15:20:01,123] host/WARNING/shop: ...
 * Process-wide state, set once by main before the run; sw__log may then be
 * called from any thread (one write per line).
 */
#ifndef SW_LOG_H
#define SW_LOG_H

#include <stddef.h>

/* Python's logging numbers, so that `-L 30` reads as Locust's would. */
enum {
    SW_LOG_DEBUG = 10,
    SW_LOG_INFO = 20,
    SW_LOG_WARNING = 30,
    SW_LOG_ERROR = 40,
    SW_LOG_CRITICAL = 50
};

/* "debug", "INFO", ... (any case) -> SW_LOG_*, or -1. */
int sw__log_level_parse(const char *s);

/* From now on: lines below `level` are dropped; path != NULL appends to
 * that file instead of stderr.  Borrows prog.  0, or -1 with the reason
 * in why (the file cannot be opened). */
int sw__log_open(const char *prog, int level, const char *path, char *why,
                 size_t nwhy);
void sw__log_close(void);

/* A line at `level` (no newline in fmt).  WARNING lines read
 * `prog: warning: ...`, DEBUG `prog: debug: ...`, the others
 * `prog: ...` on stderr. */
void sw__log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An INFO line about the run's progress (started, spawning complete,
 * statistics reset, stopped): only into a --logfile, since on a terminal
 * the live statistics line says the same. */
void sw__log_event(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif /* SW_LOG_H */
