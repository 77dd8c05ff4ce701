/*
 * fmt_main.c - the `swarmc fmt` command line.
 *
 *   swarmc fmt FILE...           the canonical layout on stdout
 *   swarmc fmt -w FILE...        rewrite the files that are not canonical
 *   swarmc fmt --check FILE...   list them on stdout; exit 1 if any
 *
 * A file that does not parse is reported as `check` would and left alone
 * (exit 65): the layout of a broken file is not guessed at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fmt.h"
#include "parse.h"

enum { FMT_OK = 0, FMT_DIFFERS = 1, FMT_USAGE = 64, FMT_DATAERR = 65,
       FMT_IOERR = 74 };

static void usage(FILE *fp)
{
    fputs("usage: swarmc fmt [--check] [-w] FILE.swarm...\n"
          "  (no option)  print each file in the canonical layout\n"
          "  -w           rewrite the files that are not in it\n"
          "  --check      list the files that are not in it; exit 1 if "
          "any\n", fp);
}

/* Writes through a temporary file in the same directory, then renames:
 * an interrupted fmt never leaves half a scenario. */
static int rewrite(const char *path, const struct sw__buf *b)
{
    size_t n = strlen(path);
    char *tmp = xmalloc(n + 16);
    snprintf(tmp, n + 16, "%s.fmt-tmp", path);
    FILE *fp = fopen(tmp, "wb");
    int bad = fp == NULL;
    if (!bad) {
        bad = fwrite(b->ptr, 1, b->len, fp) != b->len;
        bad |= fclose(fp) != 0;
    }
    if (!bad)
        bad = rename(tmp, path) != 0;
    if (bad) {
        fprintf(stderr, "swarmc: cannot write '%s': %s\n", path,
                strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return bad ? FMT_IOERR : FMT_OK;
}

static int one_file(const char *path, int check, int write)
{
    struct arena *a = arena_new();
    struct source src;
    int err = source_load(&src, path, a);
    if (err != 0) {
        fprintf(stderr, "swarmc: cannot read '%s': %s\n", path,
                strerror(err));
        arena_free(a);
        return FMT_IOERR;
    }
    struct diag d;
    diag_init(&d, &src, stderr);
    struct ast_file file;
    parse_source(&src, a, &d, &file);
    if (diag_finish(&d) > 0) {
        arena_free(a);
        return FMT_DATAERR;
    }
    struct sw__buf b = { 0 };
    fmt_source(&src, &b);
    int same = b.len == src.len && (b.len == 0
                                    || memcmp(b.ptr, src.text, b.len) == 0);
    int rc = FMT_OK;
    if (check && !same) {
        printf("%s\n", path);
        rc = FMT_DIFFERS;
    }
    if (write && !same) {
        int w = rewrite(path, &b);
        if (w != FMT_OK)
            rc = w;
    }
    if (!check && !write)
        fwrite(b.ptr ? b.ptr : "", 1, b.len, stdout);
    sw__buf_free(&b);
    arena_free(a);
    return rc;
}

int fmt_main(int argc, char **argv)
{
    int check = 0, write = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--check") == 0) {
            check = 1;
        } else if (strcmp(a, "-w") == 0) {
            write = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return FMT_OK;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "swarmc: unknown fmt option '%s'\n", a);
            usage(stderr);
            return FMT_USAGE;
        } else {
            files++;
        }
    }
    if (files == 0) {
        fprintf(stderr, "swarmc: fmt: no scenario file given\n");
        usage(stderr);
        return FMT_USAGE;
    }
    /* The worst outcome wins: I/O, then parse errors, then differences. */
    int rc = FMT_OK;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            continue;
        int r = one_file(argv[i], check, write);
        if (r > rc)
            rc = r;
    }
    fflush(stdout);
    return rc;
}
