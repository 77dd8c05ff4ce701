/*
 * atomicfile.h - write a file so that readers see the old one or the whole
 * new one, never half of it: PATH.tmp.PID in the same directory, fflush,
 * fsync, rename(2), then fsync of the directory (internal).
 */
#ifndef SW_ATOMICFILE_H
#define SW_ATOMICFILE_H

#include <stdio.h>

struct sw__afile {
    FILE *f;                    /* write here; owned until commit/abort */
    char *path;                 /* owned copy of the final path */
    char *tmp;                  /* owned: the temporary path */
};

/* Opens the temporary file.  0, or -1 with errno set (nothing to undo). */
int sw__afile_open(struct sw__afile *af, const char *path);
/* Flushes, syncs and renames into place.  0, or -1 with errno set (the
 * temporary is removed, the old file untouched).  Frees af either way. */
int sw__afile_commit(struct sw__afile *af);
/* Drops the temporary file. */
void sw__afile_abort(struct sw__afile *af);

#endif /* SW_ATOMICFILE_H */
