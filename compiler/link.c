/*
 * link.c - the recorded link line and the --embed-ca bundle (see link.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swarm.h>   /* sw_ca_check_pem: the runtime's own PEM parser */

#include "util/buf.h"
#include "link.h"

enum { EX_USAGE_ = 64, EX_IOERR_ = 74 };

/* The whole file into b; 0 or an errno. */
static int slurp(const char *path, struct sw__buf *b)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return errno;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        sw__buf_add(b, chunk, n);
    int err = ferror(fp) ? (errno ? errno : EIO) : 0;
    fclose(fp);
    return err;
}

char *link_words(struct arena *a, const char *record, enum link_mode mode)
{
    struct sw__buf b = { 0 };
    int err = slurp(record, &b);
    if (err != 0) {
        fprintf(stderr, "swarmc: internal error: cannot read the runtime's "
                "link record '%s': %s (make writes it)\n", record,
                strerror(err));
        sw__buf_free(&b);
        return NULL;
    }
    sw__buf_addc(&b, '\0');
    const char *key = mode == LINK_STATIC ? "static " : "dynamic ";
    char *words = NULL;
    for (char *line = b.ptr, *next; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (strncmp(line, key, strlen(key)) == 0) {
            const char *w = line + strlen(key);
            words = arena_strndup(a, w, strlen(w));
            break;
        }
        if (mode == LINK_STATIC && strncmp(line, "static-error ", 13) == 0) {
            fprintf(stderr, "%s\nswarmc: no static executable on this "
                    "machine; use --dynamic (or run make again once the "
                    "step can succeed)\n", line + 13);
            sw__buf_free(&b);
            return NULL;
        }
    }
    if (words == NULL)
        fprintf(stderr, "swarmc: internal error: the link record '%s' has "
                "no %s line (rebuild with make)\n", record,
                mode == LINK_STATIC ? "static" : "dynamic");
    sw__buf_free(&b);
    return words;
}

int link_embed_ca(struct arena *a, const char *path, char **pem,
                  size_t *len)
{
    struct sw__buf b = { 0 };
    int err = slurp(path, &b);
    if (err != 0) {
        fprintf(stderr, "swarmc: --embed-ca '%s': cannot read: %s\n", path,
                strerror(err));
        sw__buf_free(&b);
        return EX_IOERR_;
    }
    char why[200];
    if (b.len == 0 || sw_ca_check_pem(b.ptr, b.len, why, sizeof why) == 0) {
        fprintf(stderr, "swarmc: --embed-ca '%s': %s\n", path,
                b.len == 0 ? "empty file, not a PEM certificate bundle"
                           : why);
        sw__buf_free(&b);
        return EX_USAGE_;
    }
    *pem = arena_strndup(a, b.ptr, b.len);
    *len = b.len;
    sw__buf_free(&b);
    return 0;
}

void link_drop_static_warnings(struct sw__buf *out)
{
    static const char known[] = "in statically linked applications requires "
                                "at runtime the shared libraries";
    if (out->len == 0)
        return;
    size_t w = 0, held = 0;     /* held: a kept "in function" line */
    int holding = 0;
    for (size_t r = 0; r < out->len;) {
        char *nl = memchr(out->ptr + r, '\n', out->len - r);
        size_t end = nl ? (size_t)(nl - out->ptr) + 1 : out->len;
        size_t n = end - r;
        char *line = out->ptr + r;
        /* ld says "...: in function `f':" and then the warning */
        int is_fn = n > 16 && memmem(line, n, ": in function `", 15) != NULL;
        int is_known = memmem(line, n, known, sizeof known - 1) != NULL;
        if (is_known) {
            if (holding)
                w = held;       /* drop its "in function" line too */
            holding = 0;
        } else {
            memmove(out->ptr + w, line, n);
            holding = is_fn;
            held = w;
            w += n;
        }
        r = end;
    }
    out->len = w;
    if (out->ptr != NULL)
        out->ptr[w] = '\0';
}
