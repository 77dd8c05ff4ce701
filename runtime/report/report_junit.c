/*
 * report_junit.c - --junit FILE: one <testcase> per threshold, with a
 * <failure> when it is broken, in the minimal schema GitLab, Jenkins,
 * GitHub test reporters and Azure all read.
 */
#include "report_int.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "atomicfile.h"

int sw__report_junit(const struct sw__stats *s,
                     const struct sw__run_info *ri,
                     const struct sw__tresult *tres, const char *path)
{
    const struct sw__options *opt = ri->opt;
    int n = opt ? opt->nthresholds : 0;
    int failures = 0;
    for (int i = 0; i < n; i++)
        failures += !tres[i].passed;
    const char *suite = ri->scenario && ri->scenario->source
                            ? ri->scenario->source : "swarm";
    char stamp[32] = "";
    time_t t = (time_t)(ri->start_unix_ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);

    struct sw__afile af;
    if (sw__afile_open(&af, path) < 0)
        goto fail;
    FILE *f = af.f;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites tests=\"%d\" failures=\"%d\">\n", n, failures);
    fprintf(f, "  <testsuite name=\"");
    sw__xml_text(f, suite);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" "
               "time=\"%.3f\" timestamp=\"%s\">\n",
            n, failures, sw__report_duration_s(ri), stamp);
    fprintf(f, "    <properties>\n"
               "      <property name=\"requests\" value=\"%lld\"/>\n"
               "      <property name=\"failures\" value=\"%lld\"/>\n"
               "    </properties>\n",
            (long long)s->total.requests, (long long)s->total.failures);
    for (int i = 0; i < n; i++) {
        const sw_threshold_t *th = &opt->thresholds[i];
        char actual[64];
        sw__threshold_format_actual_in(th, s, tres[i].actual, actual,
                                    sizeof(actual));
        fprintf(f, "    <testcase classname=\"thresholds\" name=\"");
        sw__xml_text(f, th->text ? th->text : "");
        fprintf(f, "\" time=\"0\"");
        if (tres[i].passed) {
            fprintf(f, "/>\n");
            continue;
        }
        fprintf(f, ">\n      <failure type=\"threshold\" message=\"");
        sw__xml_text(f, actual);
        fprintf(f, "\">");
        sw__xml_text(f, th->text ? th->text : "");
        fprintf(f, " broken: ");
        sw__xml_text(f, actual);
        fprintf(f, "</failure>\n    </testcase>\n");
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    if (sw__afile_commit(&af) < 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "swarm: cannot write %s: %s\n", path, strerror(errno));
    return -1;
}
