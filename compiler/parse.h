/*
 * parse.h - running the flex/bison front end over a loaded source.
 */
#ifndef SWC_PARSE_H
#define SWC_PARSE_H

#include "ast.h"
#include "diag.h"

struct arena;

/* State shared by the scanner (yyextra) and the parser (%parse-param). */
struct parser {
    struct arena *arena;        /* borrowed: every node goes here */
    struct diag *diag;          /* borrowed */
    const struct source *src;   /* borrowed */
    struct ast_file *file;      /* the result */
    uint32_t off;               /* scanner: byte offset of the next token */
    int depth;                  /* scanner: open ( and [ (newlines ignored) */
    uint32_t str_start;         /* scanner: offset of the open string's " */
};

/* Parses src into *out.  Returns the number of errors reported. */
int parse_source(const struct source *src, struct arena *a, struct diag *d,
                 struct ast_file *out);

#endif
