/*
 * feed.c - feeders: CSV rows loaded at start-up and handed out to users.
 *
 * Modes (sw_feed_mode_t):
 *   shared            round-robin over every user of every thread: one
 *                     atomic counter, so each row is used as often as any
 *                     other, give or take one;
 *   random            a uniformly random row from the asking user's RNG;
 *   unique-stop-user  each row once; a user asking after the last row
 *                     gets NULL (the generated code then stops it);
 *   unique-stop-run   each row once; after the last row the run ends.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "data.h"
#include "user.h"

struct sw_row {
    const char **cols;          /* ncols values, in def->columns order */
    int ncols;
};

struct sw__feeder {
    const sw_feeder_def_t *def; /* borrowed: scenario table */
    char **cells;               /* owned: sw__csv_parse's block (util/csv.h) */
    const char **cols;          /* owned: nrows * ncols, reordered */
    struct sw_row *rows;        /* owned: the rows this shard serves */
    size_t nrows;
    int ncols;
    atomic_uint_fast64_t next;  /* shared/unique: rows handed out so far */
};


/* ===================================================================== */
/* Loading                                                                */
/* ===================================================================== */

/* Reads a whole file into a malloc'd buffer; NULL with errno set. */
static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    char *buf = NULL;
    size_t n = 0;
    size_t cap = 0;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(fp);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

/* Opens def->path as given, or next to the scenario source. */
static char *read_feeder_file(const sw_scenario_t *sc, const char *path,
                              size_t *len, char *err, size_t errlen)
{
    char *text = read_file(path, len);
    if (text != NULL)
        return text;
    int first_errno = errno;
    const char *slash = sc->source ? strrchr(sc->source, '/') : NULL;
    if (first_errno == ENOENT && path[0] != '/' && slash != NULL) {
        size_t dir = (size_t)(slash - sc->source) + 1;
        size_t plen = strlen(path);
        char *alt = malloc(dir + plen + 1);
        if (alt != NULL) {
            memcpy(alt, sc->source, dir);
            memcpy(alt + dir, path, plen + 1);
            text = read_file(alt, len);
            free(alt);
            if (text != NULL)
                return text;
        }
    }
    snprintf(err, errlen, "cannot read '%s': %s", path,
             strerror(first_errno));
    return NULL;
}

/* Matches a header name, ignoring spaces around it ("user, pass"). */
static int header_is(const char *h, const char *name)
{
    size_t n;
    h = sw__csv_trim(h, &n);
    return n == strlen(name) && memcmp(h, name, n) == 0;
}

static int load_one(const sw_scenario_t *sc, struct sw__feeder *f,
                    int shard_index, int shard_count, char *err,
                    size_t errlen)
{
    const sw_feeder_def_t *def = f->def;
    const char *where = def->path ? def->path : "(embedded)";
    char why[256];
    size_t len = 0;
    char *owned = NULL;
    const char *text = def->embedded;

    if (text != NULL) {
        len = strlen(text);
    } else {
        if (def->path == NULL) {
            snprintf(err, errlen, "feeder '%s': no file", def->name);
            return -1;
        }
        owned = read_feeder_file(sc, def->path, &len, why, sizeof(why));
        if (owned == NULL) {
            snprintf(err, errlen, "feeder '%s': %s", def->name, why);
            return -1;
        }
        text = owned;
    }

    size_t nrec = 0;
    size_t width = 0;
    int rc = sw__csv_parse(text, len, &f->cells, &nrec, &width, why,
                           sizeof(why));
    free(owned);
    if (rc != 0) {
        snprintf(err, errlen, "feeder '%s': %s: %s", def->name, where, why);
        return -1;
    }

    /* Map the declared columns to the file's; without a declaration the
     * file's own order is used. */
    int ncols = def->columns != NULL ? def->ncolumns : (int)width;
    size_t *map = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof(*map));
    if (map == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int j = 0; j < ncols; j++) {
        if (def->columns == NULL) {
            map[j] = (size_t)j;
            continue;
        }
        size_t k = 0;
        while (k < width && !header_is(f->cells[k], def->columns[j]))
            k++;
        if (k == width) {
            /* Show the header as the file has it, to spot a typo. */
            char hdr[160];
            size_t h = 0;
            hdr[0] = '\0';
            for (size_t c = 0; c < width && h + 1 < sizeof(hdr); c++)
                h += (size_t)snprintf(hdr + h, sizeof(hdr) - h, "%s%s",
                                      c ? "," : "", f->cells[c]);
            snprintf(err, errlen,
                     "feeder '%s': %s: missing column '%s' (header: %s)",
                     def->name, where, def->columns[j], hdr);
            free(map);
            return -1;
        }
        map[j] = k;
    }

    size_t total = nrec - 1;
    if (total == 0) {
        snprintf(err, errlen, "feeder '%s': %s: no data rows", def->name,
                 where);
        free(map);
        return -1;
    }
    int unique = def->mode == SW_FEED_UNIQUE_STOP_USER ||
                 def->mode == SW_FEED_UNIQUE_STOP_RUN;
    /* Unique rows are split between shards (i, i+N, ...) so that no two
     * processes hand out the same row; shared and random feeders keep all
     * rows everywhere. */
    size_t first = 0;
    size_t step = 1;
    if (unique && shard_count > 1) {
        first = (size_t)shard_index;
        step = (size_t)shard_count;
    }
    size_t mine = first < total ? (total - first + step - 1) / step : 0;

    f->ncols = ncols;
    f->nrows = mine;
    f->cols = calloc(mine * (size_t)ncols + 1, sizeof(*f->cols));
    f->rows = calloc(mine + 1, sizeof(*f->rows));
    if (f->cols == NULL || f->rows == NULL) {
        snprintf(err, errlen, "out of memory");
        free(map);
        return -1;
    }
    for (size_t r = 0; r < mine; r++) {
        char **rec = f->cells + (1 + first + r * step) * width;
        const char **dst = f->cols + r * (size_t)ncols;
        for (int j = 0; j < ncols; j++)
            dst[j] = rec[map[j]];
        f->rows[r].cols = dst;
        f->rows[r].ncols = ncols;
    }
    free(map);

    /* Shards start the round-robin at different rows, so that a sharded
     * run does not send every process's first user to row 0. */
    uint64_t start = 0;
    if (!unique && shard_count > 1 && mine > 0)
        start = (uint64_t)shard_index * mine / (uint64_t)shard_count;
    atomic_init(&f->next, start);
    return 0;
}

int sw__feed_init(struct sw__feeders *fs, const sw_scenario_t *sc,
                  int shard_index, int shard_count, char *err, size_t errlen)
{
    sw__feed_free(fs);
    if (shard_count < 1 || shard_index < 0 || shard_index >= shard_count) {
        snprintf(err, errlen, "bad shard %d/%d", shard_index, shard_count);
        return -1;
    }
    if (sc->nfeeders <= 0)
        return 0;
    fs->v = calloc((size_t)sc->nfeeders, sizeof(*fs->v));
    if (fs->v == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    fs->n = sc->nfeeders;
    for (int i = 0; i < fs->n; i++) {
        fs->v[i].def = &sc->feeders[i];
        if (load_one(sc, &fs->v[i], shard_index, shard_count, err,
                     errlen) != 0) {
            sw__feed_free(fs);
            return -1;
        }
    }
    return 0;
}

void sw__feed_free(struct sw__feeders *fs)
{
    for (int i = 0; i < fs->n; i++) {
        free(fs->v[i].cells);
        free(fs->v[i].cols);
        free(fs->v[i].rows);
    }
    free(fs->v);
    fs->v = NULL;
    fs->n = 0;
    atomic_store(&fs->run_exhausted, 0);
}

long sw__feed_rows(const struct sw__feeders *fs, int i)
{
    if (i < 0 || i >= fs->n)
        return -1;
    return (long)fs->v[i].nrows;
}

int sw__feed_run_exhausted(struct sw__feeders *fs)
{
    return atomic_load(&fs->run_exhausted);
}

void sw__feed_on_exhausted(struct sw__feeders *fs, void (*cb)(void *arg),
                           void *arg)
{
    fs->on_exhausted = cb;
    fs->arg = arg;
}

/* ===================================================================== */
/* Handing out rows                                                       */
/* ===================================================================== */

const sw_row_t *sw_feed_next(sw_user_t *u, int feeder_index)
{
    struct sw__feeders *fs = &u->data->feed;
    if (feeder_index < 0 || feeder_index >= fs->n) {
        /* Only a runtime bug gets here (the compiler numbers feeders). */
        fprintf(stderr, "swarm: feeder %d is not loaded\n", feeder_index);
        abort();
    }
    struct sw__feeder *f = &fs->v[feeder_index];
    uint64_t k;

    switch (f->def->mode) {
    case SW_FEED_RANDOM:
        if (f->nrows == 0)
            return NULL;
        return &f->rows[sw_random(u, 0, (int64_t)f->nrows - 1)];
    case SW_FEED_UNIQUE_STOP_USER:
    case SW_FEED_UNIQUE_STOP_RUN:
        k = atomic_fetch_add(&f->next, 1);
        if (k < f->nrows)
            return &f->rows[k];
        /* Exactly one caller sees k == nrows (or a shard with no rows at
         * all sees 0 first): that one reports the end of the run. */
        if (f->def->mode == SW_FEED_UNIQUE_STOP_RUN && k == f->nrows) {
            atomic_store(&fs->run_exhausted, 1);
            if (fs->on_exhausted != NULL)
                fs->on_exhausted(fs->arg);
        }
        return NULL;
    case SW_FEED_SHARED:
    default:
        if (f->nrows == 0)
            return NULL;
        k = atomic_fetch_add(&f->next, 1);
        return &f->rows[k % f->nrows];
    }
}

const char *sw_row_col(const sw_row_t *row, int column)
{
    if (row == NULL || column < 0 || column >= row->ncols)
        return "";
    const char *v = row->cols[column];
    return v != NULL ? v : "";
}
