/*
 * replay.c - runs a fuzz target on files, without libFuzzer: each
 * argument is a file, or a directory whose files are all run.  Any C
 * compiler builds it, so `make test` replays the corpus everywhere.
 * Exit 0 when every input ran (a crash or sanitizer report ends it).
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(fp);
    if (buf == NULL)
        abort();
    /* Exactly n bytes, as libFuzzer passes them: ASan sees overreads. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact == NULL)
        abort();
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int count = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= run_file(argv[i]);
            count++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (d == NULL)
            return 1;
        size_t n = 0, cap = 64;
        char **files = malloc(cap * sizeof(char *));
        struct dirent *e;
        while (files != NULL && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            if (n == cap) {
                cap *= 2;
                files = realloc(files, cap * sizeof(char *));
                if (files == NULL)
                    break;
            }
            size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
            files[n] = malloc(len);
            snprintf(files[n], len, "%s/%s", argv[i], e->d_name);
            n++;
        }
        closedir(d);
        if (files == NULL)
            abort();
        /* In name order, so a run is reproducible. */
        qsort(files, n, sizeof(char *), cmp_names);
        for (size_t k = 0; k < n; k++) {
            bad |= run_file(files[k]);
            count++;
            free(files[k]);
        }
        free(files);
    }
    printf("replay: %d inputs\n", count);
    return bad ? 1 : 0;
}
