/*
 * atomicfile.c - temp file + fsync + rename (atomicfile.h).
 */
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void release(struct sw__afile *af)
{
    free(af->path);
    free(af->tmp);
    af->path = NULL;
    af->tmp = NULL;
    af->f = NULL;
}

int sw__afile_open(struct sw__afile *af, const char *path)
{
    memset(af, 0, sizeof(*af));
    size_t n = strlen(path) + 32;
    af->path = strdup(path);
    af->tmp = malloc(n);
    if (!af->path || !af->tmp) {
        release(af);
        errno = ENOMEM;
        return -1;
    }
    snprintf(af->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    af->f = fopen(af->tmp, "w");
    if (!af->f) {
        int e = errno;
        release(af);
        errno = e;
        return -1;
    }
    return 0;
}

/* Makes the rename itself durable; failure here is not fatal (some file
 * systems refuse fsync on a directory). */
static void sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(copy);
}

/* Test-only: SWARM_TEST_REPORT_DELAY_MS=N holds every temporary file N ms
 * before it is committed, so a test can send a signal while the reports
 * are being written (tests/t-report.sh).  Unset (always, outside the
 * tests) it costs one getenv per file. */
static void test_delay(void)
{
    const char *v = getenv("SWARM_TEST_REPORT_DELAY_MS");
    long ms = v ? strtol(v, NULL, 10) : 0;
    if (ms <= 0 || ms > 60000)
        return;
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int sw__afile_commit(struct sw__afile *af)
{
    int rc = 0;
    int e = 0;
    test_delay();
    if (fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) != 0) {
        rc = -1;
        e = errno;
    }
    if (fclose(af->f) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && rename(af->tmp, af->path) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0)
        unlink(af->tmp);
    else
        sync_dir(af->path);
    release(af);
    errno = e;
    return rc;
}

void sw__afile_abort(struct sw__afile *af)
{
    if (af->f) {
        fclose(af->f);
        unlink(af->tmp);
    }
    release(af);
}
