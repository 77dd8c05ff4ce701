/*
 * report_metrics.h - custom metrics in the reports (internal;
 * report_metrics.c).  Each borrows s; dur_s is the run's duration.
 */
#ifndef SW_REPORT_METRICS_H
#define SW_REPORT_METRICS_H

#include <jansson.h>
#include <stdio.h>

#include "report_int.h"

/* The console table; nothing when the run has no metric. */
void sw__metrics_summary(FILE *out, const struct sw__stats *s, double dur_s);
/* PREFIX_metrics.csv (only when there is a metric): 0 or -1 (said). */
int sw__metrics_csv(const struct sw__stats *s, const char *prefix,
                    double dur_s);
void sw__metrics_csv_body(FILE *f, const struct sw__stats *s, double dur_s);
/* The JSON "metrics" array (new reference; NULL: no memory). */
json_t *sw__metrics_json(const struct sw__stats *s, double dur_s);
/* Adds a result's "metrics" array into `into` exactly (merge).  0, or -1
 * with a reason in err. */
int sw__metrics_from_json(struct sw__stats *into, const json_t *arr,
                          char *err, size_t errlen);
/* The HTML section; nothing when the run has no metric. */
void sw__metrics_html(FILE *f, const struct sw__stats *s, double dur_s);

#endif /* SW_REPORT_METRICS_H */
