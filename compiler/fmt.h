/*
 * fmt.h - `swarmc fmt`: the canonical layout of a .swarm file.
 */
#ifndef SWC_FMT_H
#define SWC_FMT_H

#include "util/buf.h"
#include "source.h"

/* Appends the canonical layout of src (which must parse) to out. */
void fmt_source(const struct source *src, struct sw__buf *out);

/* `swarmc fmt [--check] [-w] FILE...`: argv[0] is "fmt".  Exit status 0,
 * 1 (--check: some file is not canonical), 64, 65 (a file does not
 * parse), 74. */
int fmt_main(int argc, char **argv);

#endif
