/*
 * source.h - a loaded .swarm file, its line map and byte-offset spans.
 *
 * Locations are byte spans [beg, end) into the source text (jq's locfile
 * idea); line and column are worked out only when a diagnostic is printed.
 */
#ifndef SWC_SOURCE_H
#define SWC_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct arena;

struct span {
    uint32_t beg;       /* byte offset of the first byte */
    uint32_t end;       /* byte offset one past the last byte */
};

struct source {
    const char *path;   /* as given on the command line; borrowed */
    const char *text;   /* owned by the arena; NUL-terminated */
    size_t len;
    uint32_t *lines;    /* byte offset of each line start; arena */
    int nlines;
};

/* Reads path into the arena.  Returns 0 or an errno value. */
int source_load(struct source *src, const char *path, struct arena *a);
/* Uses text (borrowed, NUL-terminated) as the source. */
void source_init(struct source *src, const char *path, const char *text,
                 size_t len, struct arena *a);

/* 1-based line of a byte offset. */
int source_line(const struct source *src, uint32_t off);
/* 1-based GNU column: characters, not bytes (UTF-8), and a tab advances
 * to the next multiple of 8. */
int source_column(const struct source *src, uint32_t off);
/* Start offset and length (without the newline) of a 1-based line. */
void source_line_text(const struct source *src, int line, uint32_t *start,
                      uint32_t *len);

#endif
