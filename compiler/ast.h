/*
 * ast.h - the syntax tree of a .swarm file.
 *
 * The parser builds these nodes (arena-allocated, lists linked through
 * `next` in source order) and fills only the syntactic fields.  The fields
 * marked "checker" are filled by check*.c and read by codegen*.c.
 */
#ifndef SWC_AST_H
#define SWC_AST_H

#include <stddef.h>
#include <stdint.h>
#include "source.h"

struct arena;

/* A string that may contain NUL bytes (decoded string literal text). */
struct str {
    const char *s;      /* arena, NUL-terminated as well */
    size_t len;
};

/* ---- literals outside expressions (load, thresholds, settings) ---- */

enum lit_kind { LIT_INT, LIT_FLOAT, LIT_DURATION, LIT_PERCENT, LIT_RATE };

struct lit {
    enum lit_kind kind;
    struct lit *next;   /* in argument lists */
    struct span span;
    const char *text;   /* as written */
    int64_t i;          /* LIT_INT */
    double d;           /* LIT_FLOAT, LIT_PERCENT (as written), LIT_RATE */
    struct lit *tail;   /* parser: the last of a list, in its head */
};

/* ---- expressions ---- */

enum type { TY_ERROR = 0, TY_INT, TY_STR, TY_BOOL, TY_ROW };

enum expr_kind {
    EX_INT, EX_BOOL, EX_STR, EX_DURATION, EX_VAR, EX_FIELD, EX_CALL,
    EX_BINARY, EX_NOT, EX_NEG, EX_STATUS, EX_USER_ID,
    EX_FAILED                   /* the last request failed */
};

enum binop {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_EQ, OP_NE, OP_LT, OP_LE,
    OP_GT, OP_GE, OP_AND, OP_OR
};

/* The built-in functions; BI_NONE until the checker resolves a call. */
enum builtin {
    BI_NONE = 0, BI_RANDOM, BI_CHOICE, BI_UUID, BI_ENV, BI_NOW, BI_NEXT
};

struct str_part {       /* one piece of "text ${expr} text" */
    struct str text;    /* when expr == NULL */
    struct expr *expr;
    struct str_part *next;
    /* parser: in the first piece, the last one; in a text piece, the room
     * its arena copy of the text has (0: text.s is borrowed) */
    struct str_part *tail;
    size_t cap;
};

struct expr {
    enum expr_kind kind;
    struct span span;
    struct expr *next;          /* in argument lists */
    enum type type;             /* checker */
    int feeder;                 /* checker: TY_ROW's feeder index */
    int64_t i;                  /* EX_INT, EX_BOOL; checker: EX_DURATION ms */
    const char *text;           /* EX_DURATION as written */
    struct str_part *parts;     /* EX_STR */
    const char *name;           /* EX_VAR, EX_CALL, EX_FIELD column */
    struct span name_span;      /* EX_CALL name, EX_FIELD column */
    struct expr *args;          /* EX_CALL */
    struct expr *lhs, *rhs;     /* EX_BINARY; EX_NOT/EX_NEG/EX_FIELD: lhs */
    enum binop op;
    enum builtin builtin;       /* checker: EX_CALL */
    int index;                  /* checker: variable, column, env, feeder */
    int reported;               /* checker: a use-before-set was reported */
    int bad;                    /* checker: it, or a part, has an error */
    struct expr *weight;        /* a call argument `W: value`: W */
    struct expr *tail;  /* parser: the last of a list, in its head */
};

/* ---- request options ---- */

enum opt_kind {
    OPT_NAME, OPT_HEADER, OPT_QUERY, OPT_JSON, OPT_FORM, OPT_BODY,
    OPT_TIMEOUT, OPT_AUTH, OPT_REDIRECTS, OPT_EXPECT, OPT_CAPTURE,
    OPT_MULTIPART
};

enum expect_kind {
    EXP_STATUS, EXP_STATUS_IN, EXP_STATUS_RANGE, EXP_BODY_CONTAINS,
    EXP_BODY_MATCHES, EXP_JSON_CMP, EXP_JSON_EXISTS, EXP_HEADER
};

enum capture_kind { CAP_JSON, CAP_REGEX, CAP_HEADER, CAP_COOKIE, CAP_STATUS };

enum json_kind { J_OBJECT, J_ARRAY, J_VALUE };

struct json {
    enum json_kind kind;
    struct span span;
    struct json *next;          /* sibling in the enclosing object/array */
    struct expr *key;           /* object member key (a string literal) */
    struct json *items;         /* J_OBJECT members, J_ARRAY elements */
    struct expr *value;         /* J_VALUE */
    struct json *tail;  /* parser: the last of a list, in its head */
};

/* A word after a multipart file or a cookie statement, with its string
 * argument if it has one: `type "image/png"`, `embed`, `path "/"`. */
struct mattr {
    struct span span;
    struct mattr *next;
    const char *word;
    struct span word_span;
    struct expr *arg;           /* NULL: a bare word */
    struct mattr *tail; /* parser: the last of a list, in its head */
};

/* One part of multipart { }: a field ("name": EXPR) or a file
 * ("name": file "path" [type "t"] [filename "f"] [embed]). */
struct mpart {
    struct span span;
    struct mpart *next;
    struct expr *key;           /* the part's name (a string literal) */
    struct expr *value;         /* a field's value; NULL for a file */
    const char *word;           /* `file` as written */
    struct span word_span;
    struct expr *path;          /* the file, a string literal */
    struct mattr *attrs;
    int file_index;             /* checker: in program.files */
    struct mpart *tail; /* parser: the last of a list, in its head */
};

struct opt {
    enum opt_kind kind;
    struct span span;
    struct opt *next;
    struct expr *a, *b;         /* name; header k v; body; timeout; auth u p;
                                   expect operands; capture argument */
    struct json *json;          /* query, json, form */
    struct mpart *parts;        /* multipart */
    const char *word;           /* redirects on|off */
    struct span word_span;
    int expect;                 /* enum expect_kind */
    int capture;                /* enum capture_kind */
    enum binop cmp;             /* EXP_JSON_CMP, EXP_HEADER (OP_EQ) */
    struct expr *list;          /* EXP_STATUS_IN values */
    const char *var;            /* capture target */
    struct span var_span;
    int var_index;              /* checker */
    int regex_index;            /* checker: EXP_BODY_MATCHES, CAP_REGEX */
    struct opt *tail;   /* parser: the last of a list, in its head */
};

/* ---- statements ---- */

enum stmt_kind {
    ST_LET, ST_REQUEST, ST_IF, ST_REPEAT, ST_SLEEP, ST_STOP, ST_INTERRUPT,
    ST_SCHEDULE, ST_TAG, ST_COOKIE, ST_CLEAR,
    ST_WHILE, ST_RETRY,         /* expr: condition / tries; body */
    ST_RETURN,                  /* expr: `return if COND`, or NULL */
    ST_GROUP, ST_COUNT, ST_RECORD   /* group "x" { }, count N [E], record N E */
};

enum method {
    M_GET, M_POST, M_PUT, M_PATCH, M_DELETE, M_HEAD, M_OPTIONS
};

struct stmt {
    enum stmt_kind kind;
    struct span span;
    struct stmt *next;
    const char *name;           /* let variable, schedule task */
    struct span name_span;
    struct expr *expr;          /* let value, url, if cond, repeat count,
                                   sleep ms, tag text */
    struct stmt *body;          /* if then, repeat body */
    struct stmt *els;           /* if else (an ST_IF for `else if`) */
    int method;                 /* ST_REQUEST: enum method */
    struct opt *opts;           /* ST_REQUEST */
    struct expr *arg;           /* ST_COOKIE: the cookie's name */
    struct mattr *attrs;        /* ST_COOKIE: domain, path */
    int flag;                   /* interrupt now, schedule first */
    int index;                  /* checker: let var, schedule task index,
                                   count/record metric index */
    const char *path;           /* checker: ST_GROUP's "outer::name" */
    struct stmt *tail;  /* parser: the last of a list, in its head */
};

/* ---- declarations ---- */

/* A setting or part inside user/taskset/seq { ... }. */
enum member_kind {
    MB_SETTING,     /* weight 3, fixed 2 */
    MB_WAIT,        /* wait between(1s, 5s) */
    MB_TASK, MB_ON_START, MB_ON_STOP,
    MB_HEADER,      /* header "K" V: a default header of the set's requests */
    MB_STMT         /* a statement written outside any task (an error) */
};

struct task {
    struct span span;
    const char *name;
    struct span name_span;
    struct lit *weight;         /* NULL: 1 */
    const char *set_name;       /* task W NAME SETNAME */
    struct span set_span;
    struct stmt *body;
    /* checker */
    int weight_value;
    struct set *set;            /* resolved SETNAME */
    int fn_id;                  /* body function number, 1-based */
    const char **tags;          /* NULL-terminated, or NULL */
    int ntags;
};

struct member {
    enum member_kind kind;
    struct span span;
    struct member *next;
    const char *word;           /* setting name; `wait` */
    struct span word_span;
    const char *fn;             /* wait function name */
    struct span fn_span;
    struct lit *args;           /* setting value; wait arguments (list) */
    struct expr *str, *str2;    /* a setting's strings: cert "c" ["k"] */
    struct task *task;
    struct stmt *body;          /* on_start/on_stop body, stray statement */
    struct opt *header;         /* MB_HEADER: an OPT_HEADER */
    struct member *tail; /* parser: the last of a list, in its head */
};

enum set_kind { SET_USER, SET_TASKSET, SET_SEQ };

struct wait {
    int kind;                   /* 0 = inherit, else as sw_wait_kind_t */
    double a_ms, b_ms, per_s;
};

struct set {
    enum set_kind kind;
    struct span span;
    const char *name;
    struct span name_span;
    struct member *members;
    /* checker */
    int index;                  /* in program.sets */
    struct task **tasks;
    int ntasks;
    struct wait wait;
    struct stmt *on_start, *on_stop;
    int on_start_id, on_stop_id;
    int weight, fixed;
    struct str cert, cert_key;  /* cert "FILE" ["KEY"]; .s NULL: none */
    int used;                   /* referenced by some task */
    int visiting, done;         /* cycle detection */
    int height;                 /* levels of sets below it, once done */
    int emitted;                /* codegen: table written */
    struct opt **headers;       /* checker: its default headers (MB_HEADER) */
    int nheaders;
};

enum decl_kind {
    D_HOST, D_SET, D_DATA, D_LOAD, D_THRESHOLD, D_STMT,
    D_TEST_START, D_TEST_STOP   /* stmt: the body; name_span: the keyword */
};

struct load_item {
    struct span span;
    struct load_item *next;
    const char *word;           /* users, spawn_rate, stage, rate, ... */
    struct span word_span;
    struct lit *a;
    const char *word2;          /* stage D `to` N, rate R `for` D */
    struct span word2_span;
    struct lit *b;
    struct load_item *tail; /* parser: the last of a list, in its head */
};

struct decl {
    enum decl_kind kind;
    struct span span;
    struct decl *next;
    struct expr *str;           /* host url, data file, threshold name */
    struct set *set;
    /* data NAME = FORMAT "file" words... */
    const char *name;
    struct span name_span;
    const char *format;
    struct span format_span;
    struct expr *words;         /* EX_VAR nodes: embed, mode, random... */
    /* load */
    struct load_item *items;
    /* threshold [NAME] METRIC OP VALUE [abort] */
    const char *metric;
    struct span metric_span;
    enum binop cmp;
    struct lit *value;
    const char *abort_word;
    struct span abort_span;
    struct span text_span;      /* METRIC .. VALUE, for reports */
    const char *custom;         /* threshold NAME METRIC ...: a custom
                                   metric's name (an identifier) */
    struct span custom_span;
    struct stmt *stmt;          /* D_STMT */
    struct decl *tail;  /* parser: the last of a list, in its head */
};

struct ast_file {
    struct decl *decls;
};

/* ---- constructors used by the parser ---- */

struct expr *ast_expr(struct arena *a, enum expr_kind kind, struct span sp);
struct expr *ast_binary(struct arena *a, enum binop op, struct expr *l,
                        struct expr *r, struct span sp);
struct str_part *ast_str_text(struct arena *a, struct str_part *list,
                              struct str text);
struct str_part *ast_str_expr(struct arena *a, struct str_part *list,
                              struct expr *e);
struct stmt *ast_stmt(struct arena *a, enum stmt_kind kind, struct span sp);
struct opt *ast_opt(struct arena *a, enum opt_kind kind, struct span sp);
struct json *ast_json(struct arena *a, enum json_kind kind, struct span sp);
struct member *ast_member(struct arena *a, enum member_kind kind,
                          struct span sp);
struct decl *ast_decl(struct arena *a, enum decl_kind kind, struct span sp);
struct lit *ast_lit(struct arena *a, enum lit_kind kind, struct span sp,
                    const char *text);

/* Appending to `next`-linked lists: returns the new head.  The head
 * remembers the list's last node (`tail`), so building a list of n items
 * costs O(n), not O(n^2); the walks from `tail` only ever cover nodes that
 * were linked without this function. */
#define AST_APPEND(type)                                                  \
    static inline struct type *ast_append_##type(struct type *head,       \
                                                 struct type *item)       \
    {                                                                     \
        if (item == NULL)                                                 \
            return head;                                                  \
        struct type *last = item->tail != NULL ? item->tail : item;       \
        while (last->next != NULL)                                        \
            last = last->next;                                            \
        if (head == NULL) {                                               \
            item->tail = last;                                            \
            return item;                                                  \
        }                                                                 \
        struct type *t = head->tail != NULL ? head->tail : head;          \
        while (t->next != NULL)                                           \
            t = t->next;                                                  \
        t->next = item;                                                   \
        head->tail = last;                                                \
        return head;                                                      \
    }
AST_APPEND(expr)
AST_APPEND(stmt)
AST_APPEND(opt)
AST_APPEND(json)
AST_APPEND(member)
AST_APPEND(decl)
AST_APPEND(load_item)
AST_APPEND(lit)
AST_APPEND(mpart)
AST_APPEND(mattr)

/* True when a string expression has no ${...} part; *out gets its text. */
int ast_str_literal(const struct expr *e, struct str *out);

#endif
