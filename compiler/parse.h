/*
 * parse.h - running the flex/bison front end over a loaded source.
 */
#ifndef SWC_PARSE_H
#define SWC_PARSE_H

#include "ast.h"
#include "diag.h"

struct arena;

/* An open '{' as the token stream shows it (parse_recover.c). */
enum frame_kind {
    FRAME_SET,          /* user, taskset, seq: members */
    FRAME_BODY,         /* task, on_start, on_stop, if, else, repeat */
    FRAME_LOAD,         /* load items */
    FRAME_OPTS,         /* a request's options block */
    FRAME_JSON,         /* a json, query or form object */
    FRAME_OTHER         /* after words that open no known block */
};

struct parse_frame {
    uint32_t open;              /* offset of the '{' */
    struct span word;           /* the keyword that opened it, or empty */
    enum frame_kind kind;
};

/* State shared by the scanner (yyextra) and the parser (%parse-param). */
struct parser {
    struct arena *arena;        /* borrowed: every node goes here */
    struct diag *diag;          /* borrowed */
    const struct source *src;   /* borrowed */
    struct ast_file *file;      /* the result */
    uint32_t off;               /* scanner: byte offset of the next token */
    int depth;                  /* scanner: open ( and [ (newlines ignored) */
    uint32_t str_start;         /* scanner: offset of the open string's " */

    /* parse_recover.c: the block structure of the token stream, kept
     * apart from bison's stack so that a missing '}' can be named and
     * recovery can skip whole statements. */
    struct parse_frame *frames; /* arena */
    int nframes, capframes;
    int at_start;               /* the next token starts a statement */
    int stmt_tok;               /* first token of the current statement */
    struct span stmt_span;
    int stmt_frames;            /* nframes when it started */
    int stmt_errors;            /* errors reported before it started */
    struct span block_word;     /* last block keyword in this statement */
    int block_word_tok;
    int prev_tok;               /* the token before the current one */
    struct span prev_span;
    int cur_tok;                /* the last token handed to bison */
    struct span cur_span;
    uint32_t paren_open[32];    /* innermost open ( and [ offsets */
    int nparens;
    int pending_closes;         /* '}' and end-of-line tokens to hand out */
    uint32_t pending_at;
    int held_tok;               /* then this token (0: none) */
    struct span held_span;
    const char *held_text;
    struct parse_frame last_closed; /* the block the last '}' closed */
    uint32_t last_closed_at;
    int last_closed_frames;     /* ... leaving this many open */
    int stmts_since_close;      /* statements begun since that '}' */
    int orphan_frames;          /* see orphan() in parse_recover.c; -1 */
    int owed_close;
    int skipping;               /* after an error: to the statement's end */
    int skip_target;            /* ... at this many open frames */
    int eof_seen;
    uint32_t last_end;          /* end of the last real token */
};

/* parse_recover.c: the token stream bison reads (scanner + block
 * structure), starting error recovery after a reported syntax error, and
 * naming a block ("the 'task' block"). */
union YYSTYPE;
int parse_lex(union YYSTYPE *lval, struct span *lloc, void *scanner,
              struct parser *p);
void parse_recover_start(struct parser *p);
const char *parse_frame_name(struct parser *p, const struct parse_frame *f);

/* Parses src into *out.  Returns the number of errors reported. */
int parse_source(const struct source *src, struct arena *a, struct diag *d,
                 struct ast_file *out);

#endif
