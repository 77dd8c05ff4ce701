/*
 * hdr_codec.c - the V2 compressed histogram encoding, base64, and the .hlog
 * interval-log lines (format: shared research ecosystem.md 2.2).
 *
 * Encoded layout, all integers big-endian:
 *   wrapper: int32 cookie 0x1c849314, int32 n, n bytes of zlib data;
 *   payload: int32 cookie 0x1c849313, int32 counts_bytes,
 *            int32 normalizing offset (0), int32 significant digits,
 *            int64 lowest, int64 highest, float64 conversion ratio (1.0),
 *            then the counts up to the last non-zero one as ZigZag LEB128
 *            varints, where a run of k > 1 zero counts is written as -k.
 */
#include "hdr.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "swarm.h"
#include "util/base64.h"

#define COOKIE_PAYLOAD 0x1c849313u
#define COOKIE_COMPRESSED 0x1c849314u
#define PAYLOAD_HEADER 40

/* ---- big-endian and varint helpers ------------------------------------- */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* ZigZag, then LEB128 with at most 9 bytes: the 9th carries 8 full bits
 * (the HdrHistogram variant, so any int64 fits). */
static size_t put_varint(unsigned char *p, int64_t value)
{
    uint64_t v = ((uint64_t)value << 1) ^ (uint64_t)(value >> 63);
    size_t n = 0;
    while (n < 8) {
        if ((v >> 7) == 0) {
            p[n++] = (unsigned char)v;
            return n;
        }
        p[n++] = (unsigned char)((v & 0x7f) | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Returns the bytes used, 0 when the input ends first. */
static size_t get_varint(const unsigned char *p, size_t avail, int64_t *out)
{
    uint64_t v = 0;
    size_t n = 0;
    int shift = 0;
    for (;;) {
        if (n >= avail)
            return 0;
        unsigned char b = p[n++];
        if (n == 9) {
            v |= (uint64_t)b << 56;
            break;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    return n;
}

/* ---- encode ------------------------------------------------------------ */

char *sw__hdr_encode_base64(const struct sw__hdr *h)
{
    int32_t limit = 0;
    for (int32_t i = h->counts_len - 1; i >= 0; i--) {
        if (h->counts[i]) {
            limit = i + 1;
            break;
        }
    }
    /* Worst case: every count takes 9 bytes. */
    size_t cap = PAYLOAD_HEADER + (size_t)limit * 9 + 9;
    unsigned char *payload = malloc(cap);
    if (!payload)
        return NULL;
    size_t n = PAYLOAD_HEADER;
    for (int32_t i = 0; i < limit;) {
        int64_t c = h->counts[i++];
        if (c == 0) {
            int64_t zeros = 1;
            while (i < limit && h->counts[i] == 0) {
                zeros++;
                i++;
            }
            n += put_varint(payload + n, zeros > 1 ? -zeros : 0);
        } else {
            n += put_varint(payload + n, c);
        }
    }
    put32(payload, COOKIE_PAYLOAD);
    put32(payload + 4, (uint32_t)(n - PAYLOAD_HEADER));
    put32(payload + 8, 0);
    put32(payload + 12, (uint32_t)h->sig_figs);
    put64(payload + 16, (uint64_t)h->lowest);
    put64(payload + 24, (uint64_t)h->highest);
    double ratio = 1.0;
    uint64_t bits;
    memcpy(&bits, &ratio, sizeof(bits));
    put64(payload + 32, bits);

    uLongf zlen = compressBound((uLong)n);
    unsigned char *wrap = malloc(8 + zlen);
    if (!wrap) {
        free(payload);
        return NULL;
    }
    int zrc = compress(wrap + 8, &zlen, payload, (uLong)n);
    free(payload);
    if (zrc != Z_OK) {
        free(wrap);
        return NULL;
    }
    put32(wrap, COOKIE_COMPRESSED);
    put32(wrap + 4, (uint32_t)zlen);
    char *text = sw__base64_encode(wrap, 8 + zlen);
    free(wrap);
    return text;
}

/* ---- decode ------------------------------------------------------------ */

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

struct sw__hdr *sw__hdr_decode_base64(const char *text, char *err,
                                      size_t errlen)
{
    unsigned char *raw = NULL;
    long rawlen = sw__base64_decode(text, &raw);
    if (rawlen < 0) {
        set_err(err, errlen, "not base64");
        return NULL;
    }
    struct sw__hdr *h = NULL;
    unsigned char *payload = NULL;
    if (rawlen < 8 || (get32(raw) & ~0xf0u) != (COOKIE_COMPRESSED & ~0xf0u)) {
        set_err(err, errlen, "not a V2 compressed histogram");
        goto out;
    }
    uint32_t zlen = get32(raw + 4);
    if (zlen > (uint32_t)rawlen - 8) {
        set_err(err, errlen, "truncated histogram");
        goto out;
    }
    /* The payload size is not stored: inflate into a growing buffer. */
    uLongf cap = 4096;
    for (;;) {
        payload = malloc(cap);
        if (!payload) {
            set_err(err, errlen, "out of memory");
            goto out;
        }
        uLongf plen = cap;
        int zrc = uncompress(payload, &plen, raw + 8, zlen);
        if (zrc == Z_OK) {
            cap = plen;
            break;
        }
        free(payload);
        payload = NULL;
        if (zrc != Z_BUF_ERROR || cap > (64u << 20)) {
            set_err(err, errlen, "bad zlib data");
            goto out;
        }
        cap *= 4;
    }
    if (cap < PAYLOAD_HEADER ||
        (get32(payload) & ~0xf0u) != (COOKIE_PAYLOAD & ~0xf0u)) {
        set_err(err, errlen, "bad payload cookie");
        goto out;
    }
    uint32_t counts_bytes = get32(payload + 4);
    int sig = (int)get32(payload + 12);
    int64_t lowest = (int64_t)get64(payload + 16);
    int64_t highest = (int64_t)get64(payload + 24);
    if (counts_bytes > cap - PAYLOAD_HEADER) {
        set_err(err, errlen, "truncated counts");
        goto out;
    }
    h = sw__hdr_new(lowest, highest, sig);
    if (!h) {
        set_err(err, errlen, "bad histogram configuration");
        goto out;
    }
    const unsigned char *p = payload + PAYLOAD_HEADER;
    size_t left = counts_bytes;
    int32_t index = 0;
    int64_t total = 0;
    while (left > 0) {
        int64_t v;
        size_t used = get_varint(p, left, &v);
        if (used == 0) {
            set_err(err, errlen, "truncated varint");
            goto fail;
        }
        p += used;
        left -= used;
        if (v < 0) {
            if (-v > (int64_t)(h->counts_len - index)) {
                set_err(err, errlen, "zero run past the end");
                goto fail;
            }
            index += (int32_t)-v;
        } else {
            if (index >= h->counts_len) {
                set_err(err, errlen, "counts past the end");
                goto fail;
            }
            h->counts[index++] = v;
            total += v;
        }
    }
    h->total_count = total;
    /* min/max: the lowest and highest equivalents of the used buckets. */
    for (int32_t i = 0; i < h->counts_len; i++) {
        if (h->counts[i]) {
            h->min_value = sw__hdr_value_at_index(h, i);
            break;
        }
    }
    for (int32_t i = h->counts_len - 1; i >= 0; i--) {
        if (h->counts[i]) {
            h->max_value = sw__hdr_highest_equivalent(
                h, sw__hdr_value_at_index(h, i));
            if (h->max_value > h->highest)
                h->max_value = h->highest;
            break;
        }
    }
    goto out;
fail:
    sw__hdr_free(h);
    h = NULL;
out:
    free(payload);
    free(raw);
    return h;
}

/* ---- .hlog ------------------------------------------------------------- */

void sw__hlog_write_header(FILE *f, int64_t start_unix_ms)
{
    time_t t = (time_t)(start_unix_ms / 1000);
    struct tm tm;
    char when[64] = "";
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof(when), "%a %b %d %H:%M:%S UTC %Y", &tm);
    fprintf(f, "#[Logged with swarmc %s]\n", SW_VERSION);
    fprintf(f, "#[Histogram log format version 1.3]\n");
    fprintf(f, "#[StartTime: %.3f (seconds since epoch), %s]\n",
            (double)start_unix_ms / 1000.0, when);
    fprintf(f, "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
               "\"Interval_Compressed_Histogram\"\n");
}

int sw__hlog_write_interval(FILE *f, const char *tag, double start_s,
                            double length_s, const struct sw__hdr *h)
{
    char *text = sw__hdr_encode_base64(h);
    if (!text)
        return -1;
    if (tag) {
        fputs("Tag=", f);
        for (const char *c = tag; *c; c++) {
            int bad = *c == ',' || *c == ' ' || *c == '\t' || *c == '\n' ||
                      *c == '\r';
            fputc(bad ? '_' : *c, f);
        }
        fputc(',', f);
    }
    /* Interval_Max is in ms: values are us, the ratio is 1000. */
    fprintf(f, "%.3f,%.3f,%.3f,%s\n", start_s, length_s,
            (double)sw__hdr_max(h) / 1000.0, text);
    free(text);
    return 0;
}
