/*
 * threshold.h - pass/fail thresholds: parsing the command line's
 * `--threshold TEXT` and evaluating thresholds on statistics (internal).
 */
#ifndef SW_THRESHOLD_H
#define SW_THRESHOLD_H

#include <stddef.h>
#include "swarm.h"
#include "stats.h"

/* The exit status when any threshold failed (k6's code). */
#define SW_EXIT_THRESHOLDS 99

/*
 * Parses "p95<300ms", "/cart/add p99 < 1s", "\"/a b\" avg < 20ms",
 * "failures < 1%", "failures < 10", "rps > 500", "requests >= 100",
 * "max < 2s abort", "basket p95 < 300", "cart_adds count > 10".  Metrics: pN / p(N) / med / median, avg, max (latency,
 * unit us, ms (default), s or m), failures (with % a ratio, else a count),
 * fail_ratio / error_rate (0..1, or with %), rps, requests, min, count
 * (= requests), rate (= rps).  A name that is a custom metric's and no
 * request's means the metric (sw_threshold_t.custom: always).  Operators:
 * < <= > >= == != (= means ==).  A trailing `abort` sets abort_on_fail.
 * out->text borrows `text`; out->name is malloc'd (caller frees) or NULL.
 * Returns 0, or -1 with a message in err.
 */
int sw__threshold_parse(const char *text, sw_threshold_t *out, char *err,
                        size_t errlen);

/* Evaluates one threshold; *actual gets the measured value in the
 * threshold's unit (ms, ratio 0..1, per second or a count).  A named
 * threshold sums every method of that name.  duration_s: for rps.
 * Returns 1 = passed, 0 = failed (also when out of memory). */
int sw__threshold_eval(const sw_threshold_t *t, const struct sw__stats *s,
                       double duration_s, double *actual);

/* "p95=12.34ms", "failures=0.51%", "rps=812.3" into buf. */
void sw__threshold_format_actual(const sw_threshold_t *t, double actual,
                                 char *buf, size_t n);
/* The same, in the unit of what t measures in s: a threshold on a counter
 * or a plain trend (custom metrics) shows plain numbers ("p95=42"). */
void sw__threshold_format_actual_in(const sw_threshold_t *t,
                                    const struct sw__stats *s, double actual,
                                    char *buf, size_t n);

#endif /* SW_THRESHOLD_H */
