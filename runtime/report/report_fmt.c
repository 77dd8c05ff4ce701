/*
 * report_fmt.c - number and text formatting shared by the reports.
 */
#include "report_int.h"

#include <string.h>

const double sw__report_pcts[SW_NPCT] = {
    50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100
};
const char *const sw__report_pct_labels[SW_NPCT] = {
    "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%",
    "99.99%", "100%"
};

int64_t sw__report_pct_us(const struct sw__stats_entry *e, double p)
{
    if (e->requests == 0)
        return 0;
    if (p >= 100.0)
        return e->max_us;
    int64_t v = sw__hdr_value_at_percentile(e->service, p);
    /* The bucket's top can lie above the exact max (and its bottom below
     * the exact min): never report a percentile outside what was seen. */
    if (v > e->max_us)
        v = e->max_us;
    if (v < e->min_us)
        v = e->min_us;
    return v;
}

double sw__report_duration_s(const struct sw__run_info *ri)
{
    double d = (double)(ri->now_unix_ms - ri->start_unix_ms) / 1000.0;
    return d < 0.001 ? 0.001 : d;
}

void sw__fmt_ms(char *buf, size_t n, double us)
{
    snprintf(buf, n, "%.3f", us / 1000.0);
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    char *end = buf + strlen(buf) - 1;
    while (end > dot && *end == '0')
        *end-- = '\0';
    if (end == dot)
        *end = '\0';
}

void sw__fmt_ms_short(char *buf, size_t n, double us)
{
    double ms = us / 1000.0;
    if (ms < 10.0)
        snprintf(buf, n, "%.2f", ms);
    else if (ms < 100.0)
        snprintf(buf, n, "%.1f", ms);
    else
        snprintf(buf, n, "%.0f", ms);
}

void sw__csv_field(FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void sw__xml_text(FILE *f, const char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            /* Control characters are not allowed in XML 1.0. */
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputc(' ', f);
            else
                fputc(*s, f);
        }
    }
}
