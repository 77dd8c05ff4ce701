/*
 * source.c - loading a source file and mapping offsets to lines.
 */
#include "source.h"
#include "arena.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void source_init(struct source *src, const char *path, const char *text,
                 size_t len, struct arena *a)
{
    src->path = path;
    src->text = text;
    src->len = len;
    int n = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            n++;
    src->lines = arena_alloc(a, sizeof(uint32_t) * (size_t)n);
    src->nlines = n;
    int k = 0;
    src->lines[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            src->lines[k++] = (uint32_t)(i + 1);
}

int source_load(struct source *src, const char *path, struct arena *a)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return errno;
    char *text = NULL;
    size_t len = 0;
    size_t cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            /* Spans are 32-bit offsets: refuse anything near 4 GB. */
            if (cap > (size_t)1 << 30) {
                fclose(fp);
                return EFBIG;
            }
            size_t ncap = cap ? cap * 2 : 8192;
            char *p = arena_alloc(a, ncap + 1);
            if (len)
                memcpy(p, text, len);
            text = p;
            cap = ncap;
        }
        size_t got = fread(text + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    int err = ferror(fp) ? EIO : 0;
    fclose(fp);
    if (err)
        return err;
    text[len] = '\0';
    source_init(src, path, text, len, a);
    return 0;
}

int source_line(const struct source *src, uint32_t off)
{
    int lo = 0;
    int hi = src->nlines - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (src->lines[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo + 1;
}

int source_column(const struct source *src, uint32_t off)
{
    uint32_t start = src->lines[source_line(src, off) - 1];
    int col = 0;
    for (uint32_t i = start; i < off && i < src->len; i++) {
        unsigned char c = (unsigned char)src->text[i];
        if (c == '\t')
            col = (col / 8 + 1) * 8;
        else if ((c & 0xC0) != 0x80)    /* a UTF-8 character counts once */
            col++;
    }
    return col + 1;
}

void source_line_text(const struct source *src, int line, uint32_t *start,
                      uint32_t *len)
{
    uint32_t s = src->lines[line - 1];
    uint32_t e = s;
    while (e < src->len && src->text[e] != '\n')
        e++;
    if (e > s && src->text[e - 1] == '\r')
        e--;
    *start = s;
    *len = e - s;
}
