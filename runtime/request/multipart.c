/*
 * multipart.c - multipart/form-data bodies (`multipart { }`) and the files
 * their parts send.
 *
 * The body is built here, in the request module, once per request: both
 * engines get the same bytes, as for any other body.  The layout is the
 * one python-requests (urllib3's encode_multipart_formdata) writes, so a
 * server sees what a Locust user would send:
 *
 *   --BOUNDARY\r\n
 *   Content-Disposition: form-data; name="NAME"[; filename="FILE"]\r\n
 *   [Content-Type: TYPE\r\n]          (a file part with a type only)
 *   \r\n
 *   VALUE OR FILE BYTES\r\n
 *   ...
 *   --BOUNDARY--\r\n
 *
 * with Content-Type "multipart/form-data; boundary=BOUNDARY".  BOUNDARY is
 * 32 hex digits from the user's random generator (urllib3: 16 random
 * bytes in hex), so a run with --seed sends the same bodies again.  Names
 * and file names are quoted as urllib3 2.x does: '"', CR and LF
 * percent-encoded, nothing else changed.
 *
 * Files are read once at start-up (sw__files_load, before any worker
 * exists) or were embedded by swarmc; afterwards the table is read-only
 * and shared by every worker thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "request.h"
#include "rng.h"
#include "user.h"
#include "util/buf.h"

struct file {
    const char *bytes;          /* the embedded bytes, or owned */
    size_t len;
    char *owned;
};

static struct file *files;      /* per sw_scenario_t.files entry */
static int nfiles;
static const sw_file_def_t *defs;

/* The boundary of the body being built on this thread: begin, the parts
 * and end are called one after the other by the same task function. */
static _Thread_local char boundary[33];

/* ---- start-up ---------------------------------------------------------- */

/* Reads path whole into a malloc'd buffer (NUL-terminated); NULL with
 * errno set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct sw__buf b = { 0 };
    char chunk[16384];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        sw__buf_add(&b, chunk, got);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        sw__buf_free(&b);
        errno = EIO;
        return NULL;
    }
    sw__buf_add(&b, "", 1);     /* never NULL, even when empty */
    *len = b.len - 1;
    return b.ptr;
}

/* As feeders: the path as given (from the working directory), else next
 * to the scenario source. */
static char *read_near(const sw_scenario_t *sc, const char *path,
                       size_t *len)
{
    char *text = slurp(path, len);
    int first = errno;
    const char *slash = sc->source ? strrchr(sc->source, '/') : NULL;
    if (!text && first == ENOENT && path[0] != '/' && slash) {
        struct sw__buf alt = { 0 };
        sw__buf_add(&alt, sc->source, (size_t)(slash - sc->source) + 1);
        sw__buf_adds(&alt, path);
        text = slurp(alt.ptr, len);
        sw__buf_free(&alt);
    }
    errno = first;
    return text;
}

int sw__files_load(const sw_scenario_t *sc, char *err, size_t errlen)
{
    sw__files_free();
    if (sc->nfiles <= 0)
        return 0;
    files = calloc((size_t)sc->nfiles, sizeof *files);
    if (!files) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    defs = sc->files;
    nfiles = sc->nfiles;
    for (int i = 0; i < nfiles; i++) {
        const sw_file_def_t *d = &defs[i];
        if (d->embedded) {
            files[i].bytes = d->embedded;
            files[i].len = d->embedded_len;
            continue;
        }
        size_t len = 0;
        char *text = read_near(sc, d->path, &len);
        if (!text) {
            snprintf(err, errlen, "multipart file '%s': cannot read it: %s",
                     d->path, strerror(errno));
            sw__files_free();
            return -1;
        }
        files[i].bytes = files[i].owned = text;
        files[i].len = len;
    }
    return 0;
}

void sw__files_free(void)
{
    for (int i = 0; i < nfiles; i++)
        free(files[i].owned);
    free(files);
    files = NULL;
    nfiles = 0;
    defs = NULL;
}

/* ---- building ---------------------------------------------------------- */

/* A Content-Disposition parameter value, as urllib3 2.x quotes it. */
static void add_param(struct sw__buf *b, const char *key, const char *v)
{
    sw__buf_adds(b, key);
    sw__buf_add(b, "=\"", 2);
    for (; *v; v++) {
        if (*v == '"')
            sw__buf_add(b, "%22", 3);
        else if (*v == '\r')
            sw__buf_add(b, "%0D", 3);
        else if (*v == '\n')
            sw__buf_add(b, "%0A", 3);
        else
            sw__buf_add(b, v, 1);
    }
    sw__buf_add(b, "\"", 1);
}

static void part_head(struct sw__buf *b, const char *name,
                      const char *filename, const char *type)
{
    sw__buf_add(b, "--", 2);
    sw__buf_add(b, boundary, 32);
    sw__buf_adds(b, "\r\nContent-Disposition: form-data; ");
    add_param(b, "name", name ? name : "");
    if (filename) {
        sw__buf_add(b, "; ", 2);
        add_param(b, "filename", filename);
    }
    sw__buf_add(b, "\r\n", 2);
    if (type) {
        sw__buf_adds(b, "Content-Type: ");
        sw__buf_adds(b, type);
        sw__buf_add(b, "\r\n", 2);
    }
    sw__buf_add(b, "\r\n", 2);
}

void sw_req_multipart_begin(sw_user_t *u)
{
    static const char hex[] = "0123456789abcdef";
    struct sw__buf *b = sw__req_body_buf(u);
    if (!b)
        return;
    b->len = 0;
    if ((u->rng[0] | u->rng[1] | u->rng[2] | u->rng[3]) == 0)
        sw__rng_seed(u->rng, 0, u->id);
    uint64_t w[2] = { sw__rng_next(u->rng), sw__rng_next(u->rng) };
    for (int i = 0; i < 32; i++)
        boundary[i] = hex[(w[i / 16] >> (4 * (i % 16))) & 15];
    boundary[32] = 0;
    char type[64];
    snprintf(type, sizeof type, "multipart/form-data; boundary=%s",
             boundary);
    sw__req_add_header(u, "Content-Type", type);
}

void sw_req_part(sw_user_t *u, const char *name, const char *value)
{
    struct sw__buf *b = sw__req_body_buf(u);
    if (!b)
        return;
    part_head(b, name, NULL, NULL);
    sw__buf_adds(b, value ? value : "");
    sw__buf_add(b, "\r\n", 2);
}

void sw_req_part_file(sw_user_t *u, const char *name, int file_index)
{
    struct sw__buf *b = sw__req_body_buf(u);
    if (!b || file_index < 0 || file_index >= nfiles)
        return;
    const sw_file_def_t *d = &defs[file_index];
    part_head(b, name, d->filename ? d->filename : "", d->content_type);
    sw__buf_add(b, files[file_index].bytes, files[file_index].len);
    sw__buf_add(b, "\r\n", 2);
}

void sw_req_multipart_end(sw_user_t *u)
{
    struct sw__buf *b = sw__req_body_buf(u);
    if (!b)
        return;
    sw__buf_add(b, "--", 2);
    sw__buf_add(b, boundary, 32);
    sw__buf_add(b, "--\r\n", 4);
}
