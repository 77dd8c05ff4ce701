/*
 * hdrtool.c - the C side of tests/t-hdr-interop.sh.
 *   hdrtool decode         base64 on stdin -> summary on stdout
 *   hdrtool encode SEED N  record N values, print base64 then summary
 *   hdrtool hlog FILE      write a 3-interval .hlog, print what it holds
 * Same value generator and summary format as interop.js.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"

static const double pcts[] = {0, 1, 10, 25, 50, 66, 75, 80, 90, 95, 98,
                              99, 99.9, 99.99, 100};

static void summary(const struct sw__hdr *h)
{
    printf("total %lld\n", (long long)h->total_count);
    for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
        printf("p%g %lld\n", pcts[i],
               (long long)sw__hdr_value_at_percentile(h, pcts[i]));
    struct sw__hdr_iter it;
    sw__hdr_iter_init(&it, h);
    while (sw__hdr_iter_next(&it))
        printf("bucket %lld %lld\n", (long long)it.value,
               (long long)it.count);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "decode") == 0) {
        static char buf[1 << 20];
        size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);
        buf[n] = '\0';
        char err[128];
        struct sw__hdr *h = sw__hdr_decode_base64(buf, err, sizeof(err));
        if (!h) {
            fprintf(stderr, "hdrtool: %s\n", err);
            return 1;
        }
        summary(h);
        sw__hdr_free(h);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "encode") == 0) {
        unsigned long s = strtoul(argv[2], NULL, 10) & 0xffffffffUL;
        long n = atol(argv[3]);
        struct sw__hdr *h = sw__hdr_new_default();
        if (!h)
            return 1;
        for (long i = 0; i < n; i++) {
            s = (s * 1103515245UL + 12345UL) & 0x7fffffffUL;
            int shift = (int)(s % 31);
            s = (s * 1103515245UL + 12345UL) & 0x7fffffffUL;
            long long v = (long long)(s % (1UL << shift)) + 1;
            sw__hdr_record(h, v);
        }
        char *text = sw__hdr_encode_base64(h);
        if (!text)
            return 1;
        printf("%s\n", text);
        summary(h);
        free(text);
        sw__hdr_free(h);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "hlog") == 0) {
        /* Intervals at 0, 1 and 2 s after StartTime; "GET:/a b" has its
         * space written as '_'. */
        FILE *f = fopen(argv[2], "w");
        struct sw__hdr *h = sw__hdr_new_default();
        if (!f || !h)
            return 1;
        sw__hlog_write_header(f, 1795734390250);
        long long total = 0;
        for (int i = 0; i < 3; i++) {
            sw__hdr_reset(h);
            for (int k = 0; k <= i * 100; k++)
                sw__hdr_record(h, 1000 + k * 37);
            total += h->total_count;
            sw__hlog_write_interval(f, "GET:/a b", i, 1.0, h);
            sw__hlog_write_interval(f, NULL, i, 1.0, h);
        }
        fclose(f);
        sw__hdr_free(h);
        printf("tag - intervals 3 total %lld starts 1795734390250 "
               "1795734391250 1795734392250\n", total);
        printf("tag GET:/a_b intervals 3 total %lld starts 1795734390250 "
               "1795734391250 1795734392250\n", total);
        return 0;
    }
    fprintf(stderr, "usage: hdrtool decode | encode SEED N | hlog FILE\n");
    return 2;
}
