/*
 * parse.c - runs the reentrant scanner and the pure parser over a source.
 */
#include "parse.h"
#include "parser.h"
#include "lexer.h"

#include <stdio.h>

int parse_source(const struct source *src, struct arena *a, struct diag *d,
                 struct ast_file *out)
{
    struct parser p = { 0 };
    p.arena = a;
    p.diag = d;
    p.src = src;
    p.file = out;
    p.orphan_frames = -1;
    p.last_closed_frames = -1;
    out->decls = NULL;

    int before = d->errors;
    yyscan_t scanner;
    if (sw_yylex_init_extra(&p, &scanner) != 0) {
        fputs("swarmc: internal error: cannot start the scanner\n", stderr);
        return 1;
    }
    YY_BUFFER_STATE b = sw_yy_scan_bytes(src->text, (int)src->len, scanner);
    int rc = yyparse(scanner, &p);
    sw_yy_delete_buffer(b, scanner);
    sw_yylex_destroy(scanner);
    int errors = d->errors - before;
    /* bison may give up (rc 1) after an error it already reported. */
    return rc != 0 && errors == 0 ? 1 : errors;
}
