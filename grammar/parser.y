/*
 * parser.y - the .swarm grammar (pure bison, custom error messages).
 *
 * Actions only build AST nodes (ast.h, arena-allocated); every rule about
 * meaning lives in compiler/check*.c.  Statements and settings end at a
 * newline or ';' (token SEP).  Only a few words are reserved; settings,
 * wait functions, load items and threshold metrics are plain identifiers
 * that the checker validates, so a typo gets "did you mean" instead of a
 * syntax error.
 *
 * %expect 0: instead of raising this, find a way to use precedence or to
 * restructure the rules to resolve shift/reduce conflicts.
 */
%code requires {
#include <stdint.h>
#include "ast.h"
#include "parse.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
}

%code {
#include <string.h>
#include "arena.h"
#include "diag.h"

/* Tokens come through parse_recover.c, which knows the block structure. */
#define yylex(lval, lloc, scanner) parse_lex(lval, lloc, scanner, p)

/* A node's span covers its first and last symbols; an empty rule gets an
 * empty span at the end of what precedes it. */
#define YYLLOC_DEFAULT(cur, rhs, n)                                     \
    do {                                                                \
        if (n) {                                                        \
            (cur).beg = YYRHSLOC(rhs, 1).beg;                           \
            (cur).end = YYRHSLOC(rhs, n).end;                           \
        } else {                                                        \
            (cur).beg = (cur).end = YYRHSLOC(rhs, 0).end;               \
        }                                                               \
    } while (0)

#define A (p->arena)

static struct span join(struct span a, struct span b);
static void yyerror(const YYLTYPE *loc, yyscan_t scanner, struct parser *p,
                    const char *msg);
}

%define api.pure full
%define api.location.type {struct span}
%locations
%define parse.error custom
%define parse.lac full
%expect 0
%lex-param {yyscan_t scanner}
%parse-param {yyscan_t scanner} {struct parser *p}

%union {
    int64_t num;
    const char *text;
    struct str str;
    enum binop op;
    struct expr *expr;
    struct str_part *parts;
    struct stmt *stmt;
    struct opt *opt;
    struct json *json;
    struct member *member;
    struct task *task;
    struct decl *decl;
    struct lit *lit;
    struct load_item *load;
    struct set *set;
    struct mpart *mpart;
    struct mattr *mattr;
}

%token <text> IDENT "identifier"
%token <num> INT "integer"
%token <text> FLOAT "number"
%token <text> DURATION "duration"
%token <text> PERCENT "percentage"
%token <text> RATE "rate"
%token STR_BEGIN "string"
%token <str> STR_TEXT "string text"
%token INTERP_BEGIN "'${'"
%token INTERP_END "'}' closing '${'"
%token STR_END "'\"'"
%token SEP "end of line"
%token DOTDOT "'..'" EQ "'=='" NE "'!='" LE "'<='" GE "'>='"
%token AND "'&&'" OR "'||'"
%token <text> HOST "'host'" USER "'user'" TASKSET "'taskset'" SEQ "'seq'"
%token <text> TASK "'task'" ON_START "'on_start'" ON_STOP "'on_stop'"
%token <text> DATA "'data'" LOAD "'load'" THRESHOLD "'threshold'"
%token <text> LET "'let'" IF "'if'" ELSE "'else'" REPEAT "'repeat'"
%token <text> SLEEP "'sleep'" STOP "'stop'" INTERRUPT "'interrupt'"
%token <text> SCHEDULE "'schedule'" TAG "'tag'"
%token <text> TRUE "'true'" FALSE "'false'" STATUS "'status'"
%token <text> USER_ID "'user_id'"
%token <text> GET "'get'" POST "'post'" PUT "'put'" PATCH "'patch'"
%token <text> DELETE "'delete'" HEAD "'head'" OPTIONS "'options'"
%token <text> NAME "'name'" HEADER "'header'" QUERY "'query'"
%token <text> JSON "'json'" FORM "'form'" BODY "'body'"
%token <text> TIMEOUT "'timeout'" AUTH "'auth'" REDIRECTS "'redirects'"
%token <text> EXPECT "'expect'" CAPTURE "'capture'" CONTAINS "'contains'"
%token <text> MATCHES "'matches'" EXISTS "'exists'" IN "'in'"
%token <text> REGEX "'regex'" COOKIE "'cookie'" FIRST "'first'" NOW "'now'"
%token <text> WHILE "'while'" RETRY "'retry'" RETURN "'return'"
%token <text> FAILED "'failed'"
%token <text> ON_TEST_START "'on_test_start'" ON_TEST_STOP "'on_test_stop'"
%token <text> GROUP "'group'" COUNT "'count'" RECORD "'record'"
%token <text> MULTIPART "'multipart'" CLEAR "'clear'"

%left OR
%left AND
%nonassoc EQ NE
%nonassoc '<' LE '>' GE
%left '+' '-'
%left '*' '/' '%'
%precedence '!' UMINUS

%type <text> ident thr_abort
%type <op> cmpop
%type <num> method set_kind
%type <expr> expr primary string args arg_list arg words status_list
%type <parts> parts
%type <stmt> stmt stmt_list block request if_stmt
%type <opt> opt opts opt_block opt_items expect capture
%type <json> jvalue jobject jarray jmembers jmember jvalues
%type <member> member member_list
%type <task> task
%type <decl> decl decl_list thr_head
%type <lit> lit lit_opt lits lits_opt
%type <load> load_item load_items load_list
%type <set> set_body
%type <mpart> mp_members mp_member
%type <mattr> mattrs

%%

/* Lists are separated by ends of line and hold empty items (NULL,
 * dropped by the ast_append_* helpers), so that `error` can be shifted
 * right after any '{' or end of line: recovery then stays in the block
 * where the mistake is. */
file
    : decl_list                 { p->file->decls = $1; }
    ;

/* An end of line after an error: recovery is over (parse_recover.c has
 * skipped the rest of the statement), so the next error is reported. */
sep
    : SEP                       { yyerrok; }
    ;

seps
    : SEP
    | seps SEP
    ;

sepsopt
    : %empty
    | seps
    ;

/* ---- top level ---- */

decl_list
    : decl                      { $$ = $1; }
    | decl_list sep decl        { $$ = ast_append_decl($1, $3); }
    ;

decl
    : HOST string
        {
            $$ = ast_decl(A, D_HOST, @$);
            $$->str = $2;
        }
    | set_kind set_body
        {
            $$ = ast_decl(A, D_SET, @$);
            $2->kind = (enum set_kind)$1;
            $$->set = $2;
        }
    | DATA ident '=' IDENT string words
        {
            $$ = ast_decl(A, D_DATA, @$);
            $$->name = $2;
            $$->name_span = @2;
            $$->format = $4;
            $$->format_span = @4;
            $$->str = $5;
            $$->words = $6;
        }
    | LOAD '{' sepsopt load_items '}'
        {
            $$ = ast_decl(A, D_LOAD, @$);
            $$->items = $4;
        }
    | THRESHOLD thr_head cmpop lit thr_abort
        {
            $$ = $2;
            $$->span = @$;
            $$->cmp = $3;
            $$->value = $4;
            $$->abort_word = $5;
            $$->abort_span = @5;
            $$->text_span = join($$->metric_span, @4);
        }
    | ON_TEST_START block
        {
            $$ = ast_decl(A, D_TEST_START, @$);
            $$->name_span = @1;
            $$->stmt = $2;
        }
    | ON_TEST_STOP block
        {
            $$ = ast_decl(A, D_TEST_STOP, @$);
            $$->name_span = @1;
            $$->stmt = $2;
        }
    | stmt
        {
            $$ = NULL;
            if ($1 != NULL) {
                $$ = ast_decl(A, D_STMT, @$);
                $$->stmt = $1;
            }
        }
    ;

/* [NAME] METRIC: NAME is a request or group name (a string) or a custom
 * metric (an identifier). */
thr_head
    : ident
        {
            $$ = ast_decl(A, D_THRESHOLD, @$);
            $$->metric = $1;
            $$->metric_span = @1;
        }
    | string ident
        {
            $$ = ast_decl(A, D_THRESHOLD, @$);
            $$->str = $1;
            $$->metric = $2;
            $$->metric_span = @2;
        }
    | ident ident
        {
            $$ = ast_decl(A, D_THRESHOLD, @$);
            $$->custom = $1;
            $$->custom_span = @1;
            $$->metric = $2;
            $$->metric_span = @2;
        }
    ;

thr_abort
    : %empty                    { $$ = NULL; }
    | IDENT                     { $$ = $1; }
    ;

words
    : %empty                    { $$ = NULL; }
    | words IDENT
        {
            struct expr *w = ast_expr(A, EX_VAR, @2);
            w->name = $2;
            $$ = ast_append_expr($1, w);
        }
    ;

load_items
    : %empty                    { $$ = NULL; }
    | load_list sepsopt         { $$ = $1; }
    ;

load_list
    : load_item                 { $$ = $1; }
    | load_list seps load_item  { $$ = ast_append_load_item($1, $3); }
    ;

load_item
    : IDENT lit
        {
            $$ = ARENA_NEW(A, struct load_item);
            $$->span = @$;
            $$->word = $1;
            $$->word_span = @1;
            $$->a = $2;
        }
    | IDENT lit IDENT lit
        {
            $$ = ARENA_NEW(A, struct load_item);
            $$->span = @$;
            $$->word = $1;
            $$->word_span = @1;
            $$->a = $2;
            $$->word2 = $3;
            $$->word2_span = @3;
            $$->b = $4;
        }
    ;

lit
    : INT
        {
            $$ = ast_lit(A, LIT_INT, @$, arena_strndup(A,
                         p->src->text + @1.beg, @1.end - @1.beg));
            $$->i = $1;
        }
    | FLOAT                     { $$ = ast_lit(A, LIT_FLOAT, @$, $1); }
    | DURATION                  { $$ = ast_lit(A, LIT_DURATION, @$, $1); }
    | PERCENT                   { $$ = ast_lit(A, LIT_PERCENT, @$, $1); }
    | RATE                      { $$ = ast_lit(A, LIT_RATE, @$, $1); }
    ;

lit_opt
    : %empty                    { $$ = NULL; }
    | lit                       { $$ = $1; }
    ;

lits_opt
    : %empty                    { $$ = NULL; }
    | lits                      { $$ = $1; }
    ;

lits
    : lit                       { $$ = $1; }
    | lits ',' lit              { $$ = ast_append_lit($1, $3); }
    ;

cmpop
    : '<'                       { $$ = OP_LT; }
    | LE                        { $$ = OP_LE; }
    | '>'                       { $$ = OP_GT; }
    | GE                        { $$ = OP_GE; }
    | EQ                        { $$ = OP_EQ; }
    | NE                        { $$ = OP_NE; }
    ;

/* ---- user, taskset, seq ---- */

set_kind
    : USER                      { $$ = SET_USER; }
    | TASKSET                   { $$ = SET_TASKSET; }
    | SEQ                       { $$ = SET_SEQ; }
    ;

set_body
    : ident '{' member_list '}'
        {
            $$ = ARENA_NEW(A, struct set);
            $$->name = $1;
            $$->name_span = @1;
            $$->members = $3;
        }
    ;

member_list
    : member                    { $$ = $1; }
    | member_list sep member    { $$ = ast_append_member($1, $3); }
    ;

member
    : IDENT lit
        {
            $$ = ast_member(A, MB_SETTING, @$);
            $$->word = $1;
            $$->word_span = @1;
            $$->args = $2;
        }
    | IDENT string
        {
            $$ = ast_member(A, MB_SETTING, @$);
            $$->word = $1;
            $$->word_span = @1;
            $$->str = $2;
        }
    | IDENT string string
        {
            $$ = ast_member(A, MB_SETTING, @$);
            $$->word = $1;
            $$->word_span = @1;
            $$->str = $2;
            $$->str2 = $3;
        }
    | IDENT IDENT '(' lits_opt ')'
        {
            $$ = ast_member(A, MB_WAIT, @$);
            $$->word = $1;
            $$->word_span = @1;
            $$->fn = $2;
            $$->fn_span = @2;
            $$->args = $4;
        }
    | task
        {
            $$ = ast_member(A, MB_TASK, @$);
            $$->task = $1;
        }
    | HEADER string expr
        {
            $$ = ast_member(A, MB_HEADER, @$);
            $$->header = ast_opt(A, OPT_HEADER, @$);
            $$->header->a = $2;
            $$->header->b = $3;
        }
    | ON_START block
        {
            $$ = ast_member(A, MB_ON_START, @$);
            $$->word_span = @1;
            $$->body = $2;
        }
    | ON_STOP block
        {
            $$ = ast_member(A, MB_ON_STOP, @$);
            $$->word_span = @1;
            $$->body = $2;
        }
    | stmt
        {
            $$ = NULL;
            if ($1 != NULL) {
                $$ = ast_member(A, MB_STMT, @$);
                $$->body = $1;
            }
        }
    ;

task
    : TASK lit_opt ident block
        {
            $$ = ARENA_NEW(A, struct task);
            $$->span = @$;
            $$->weight = $2;
            $$->name = $3;
            $$->name_span = @3;
            $$->body = $4;
        }
    | TASK lit_opt ident ident
        {
            $$ = ARENA_NEW(A, struct task);
            $$->span = @$;
            $$->weight = $2;
            $$->name = $3;
            $$->name_span = @3;
            $$->set_name = $4;
            $$->set_span = @4;
        }
    ;

/* ---- statements ---- */

block
    : '{' stmt_list '}'         { $$ = $2; }
    ;

stmt_list
    : stmt                      { $$ = $1; }
    | stmt_list sep stmt        { $$ = ast_append_stmt($1, $3); }
    ;

stmt
    : %empty                    { $$ = NULL; }
    | LET ident '=' expr
        {
            $$ = ast_stmt(A, ST_LET, @$);
            $$->name = $2;
            $$->name_span = @2;
            $$->expr = $4;
        }
    | request                   { $$ = $1; }
    | if_stmt                   { $$ = $1; }
    | REPEAT expr block
        {
            $$ = ast_stmt(A, ST_REPEAT, @$);
            $$->expr = $2;
            $$->body = $3;
        }
    | SLEEP expr
        {
            $$ = ast_stmt(A, ST_SLEEP, @$);
            $$->expr = $2;
        }
    | STOP                      { $$ = ast_stmt(A, ST_STOP, @$); }
    | INTERRUPT                 { $$ = ast_stmt(A, ST_INTERRUPT, @$); }
    | INTERRUPT NOW
        {
            $$ = ast_stmt(A, ST_INTERRUPT, @$);
            $$->flag = 1;
        }
    | SCHEDULE ident
        {
            $$ = ast_stmt(A, ST_SCHEDULE, @$);
            $$->name = $2;
            $$->name_span = @2;
        }
    | SCHEDULE FIRST ident
        {
            $$ = ast_stmt(A, ST_SCHEDULE, @$);
            $$->name = $3;
            $$->name_span = @3;
            $$->flag = 1;
        }
    | TAG string
        {
            $$ = ast_stmt(A, ST_TAG, @$);
            $$->expr = $2;
        }
    | WHILE expr block
        {
            $$ = ast_stmt(A, ST_WHILE, @$);
            $$->expr = $2;
            $$->body = $3;
        }
    | RETRY expr block
        {
            $$ = ast_stmt(A, ST_RETRY, @$);
            $$->expr = $2;
            $$->body = $3;
        }
    | RETURN                    { $$ = ast_stmt(A, ST_RETURN, @$); }
    | RETURN IF expr
        {
            $$ = ast_stmt(A, ST_RETURN, @$);
            $$->expr = $3;
        }
    | GROUP string block
        {
            $$ = ast_stmt(A, ST_GROUP, @$);
            $$->expr = $2;
            $$->body = $3;
        }
    | COUNT ident
        {
            $$ = ast_stmt(A, ST_COUNT, @$);
            $$->name = $2;
            $$->name_span = @2;
        }
    | COUNT ident expr
        {
            $$ = ast_stmt(A, ST_COUNT, @$);
            $$->name = $2;
            $$->name_span = @2;
            $$->expr = $3;
        }
    | RECORD ident expr
        {
            $$ = ast_stmt(A, ST_RECORD, @$);
            $$->name = $2;
            $$->name_span = @2;
            $$->expr = $3;
        }
    | COOKIE string '=' expr mattrs
        {
            $$ = ast_stmt(A, ST_COOKIE, @$);
            $$->arg = $2;
            $$->expr = $4;
            $$->attrs = $5;
        }
    | CLEAR IDENT
        {
            $$ = ast_stmt(A, ST_CLEAR, @$);
            $$->name = $2;
            $$->name_span = @2;
        }
    | error                     { $$ = NULL; }
    ;

if_stmt
    : IF expr block
        {
            $$ = ast_stmt(A, ST_IF, @$);
            $$->expr = $2;
            $$->body = $3;
        }
    | IF expr block ELSE block
        {
            $$ = ast_stmt(A, ST_IF, @$);
            $$->expr = $2;
            $$->body = $3;
            /* An empty else block is like no else at all. */
            $$->els = $5;
        }
    | IF expr block ELSE if_stmt
        {
            $$ = ast_stmt(A, ST_IF, @$);
            $$->expr = $2;
            $$->body = $3;
            $$->els = $5;
        }
    ;

request
    : method expr opts opt_block
        {
            $$ = ast_stmt(A, ST_REQUEST, @$);
            $$->method = (int)$1;
            $$->expr = $2;
            $$->opts = ast_append_opt($3, $4);
        }
    ;

method
    : GET                       { $$ = M_GET; }
    | POST                      { $$ = M_POST; }
    | PUT                       { $$ = M_PUT; }
    | PATCH                     { $$ = M_PATCH; }
    | DELETE                    { $$ = M_DELETE; }
    | HEAD                      { $$ = M_HEAD; }
    | OPTIONS                   { $$ = M_OPTIONS; }
    ;

opts
    : %empty                    { $$ = NULL; }
    | opts opt                  { $$ = ast_append_opt($1, $2); }
    ;

opt_block
    : %empty                    { $$ = NULL; }
    | '{' sepsopt '}'           { $$ = NULL; }
    | '{' sepsopt opt_items sepsopt '}' { $$ = $3; }
    ;

opt_items
    : opt                       { $$ = $1; }
    | opt_items opt             { $$ = ast_append_opt($1, $2); }
    | opt_items seps opt        { $$ = ast_append_opt($1, $3); }
    ;

opt
    : NAME expr
        {
            $$ = ast_opt(A, OPT_NAME, @$);
            $$->a = $2;
        }
    | HEADER string expr
        {
            $$ = ast_opt(A, OPT_HEADER, @$);
            $$->a = $2;
            $$->b = $3;
        }
    | QUERY jobject
        {
            $$ = ast_opt(A, OPT_QUERY, @$);
            $$->json = $2;
        }
    | JSON jvalue
        {
            $$ = ast_opt(A, OPT_JSON, @$);
            $$->json = $2;
        }
    | FORM jobject
        {
            $$ = ast_opt(A, OPT_FORM, @$);
            $$->json = $2;
        }
    | MULTIPART '{' sepsopt '}'  { $$ = ast_opt(A, OPT_MULTIPART, @$); }
    | MULTIPART '{' sepsopt mp_members sepsopt '}'
        {
            $$ = ast_opt(A, OPT_MULTIPART, @$);
            $$->parts = $4;
        }
    | BODY expr
        {
            $$ = ast_opt(A, OPT_BODY, @$);
            $$->a = $2;
        }
    | TIMEOUT expr
        {
            $$ = ast_opt(A, OPT_TIMEOUT, @$);
            $$->a = $2;
        }
    | AUTH string expr
        {
            $$ = ast_opt(A, OPT_AUTH, @$);
            $$->a = $2;
            $$->b = $3;
        }
    | REDIRECTS IDENT
        {
            $$ = ast_opt(A, OPT_REDIRECTS, @$);
            $$->word = $2;
            $$->word_span = @2;
        }
    | EXPECT expect             { $$ = $2; $$->span = @$; }
    | CAPTURE ident '=' capture
        {
            $$ = $4;
            $$->span = @$;
            $$->var = $2;
            $$->var_span = @2;
        }
    ;

expect
    : STATUS expr
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_STATUS;
            $$->a = $2;
        }
    | STATUS IN '[' status_list ']'
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_STATUS_IN;
            $$->list = $4;
        }
    | STATUS IN expr DOTDOT expr
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_STATUS_RANGE;
            $$->a = $3;
            $$->b = $5;
        }
    | BODY CONTAINS expr
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_BODY_CONTAINS;
            $$->a = $3;
        }
    | BODY MATCHES string
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_BODY_MATCHES;
            $$->a = $3;
        }
    | JSON string cmpop expr
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_JSON_CMP;
            $$->a = $2;
            $$->cmp = $3;
            $$->b = $4;
        }
    | JSON string EXISTS
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_JSON_EXISTS;
            $$->a = $2;
        }
    | HEADER string
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_HEADER;
            $$->a = $2;
        }
    | HEADER string EQ expr
        {
            $$ = ast_opt(A, OPT_EXPECT, @$);
            $$->expect = EXP_HEADER;
            $$->a = $2;
            $$->cmp = OP_EQ;
            $$->b = $4;
        }
    ;

status_list
    : expr                      { $$ = $1; }
    | status_list ',' expr      { $$ = ast_append_expr($1, $3); }
    ;

capture
    : JSON string
        {
            $$ = ast_opt(A, OPT_CAPTURE, @$);
            $$->capture = CAP_JSON;
            $$->a = $2;
        }
    | REGEX string
        {
            $$ = ast_opt(A, OPT_CAPTURE, @$);
            $$->capture = CAP_REGEX;
            $$->a = $2;
        }
    | HEADER string
        {
            $$ = ast_opt(A, OPT_CAPTURE, @$);
            $$->capture = CAP_HEADER;
            $$->a = $2;
        }
    | COOKIE string
        {
            $$ = ast_opt(A, OPT_CAPTURE, @$);
            $$->capture = CAP_COOKIE;
            $$->a = $2;
        }
    | STATUS
        {
            $$ = ast_opt(A, OPT_CAPTURE, @$);
            $$->capture = CAP_STATUS;
        }
    ;

/* ---- multipart parts: "name": EXPR, or "name": file "path" WORDS ---- */

mp_members
    : mp_member                 { $$ = $1; }
    | mp_members ',' sepsopt mp_member { $$ = ast_append_mpart($1, $4); }
    ;

mp_member
    : string ':' expr
        {
            $$ = ARENA_NEW(A, struct mpart);
            $$->span = @$;
            $$->key = $1;
            $$->value = $3;
        }
    | string ':' IDENT string mattrs
        {
            $$ = ARENA_NEW(A, struct mpart);
            $$->span = @$;
            $$->key = $1;
            $$->word = $3;
            $$->word_span = @3;
            $$->path = $4;
            $$->attrs = $5;
        }
    ;

/* Words after a file part or a cookie: `type "image/png"`, `embed`,
 * `domain "x"`; the checker knows which words go where. */
mattrs
    : %empty                    { $$ = NULL; }
    | mattrs IDENT
        {
            struct mattr *m = ARENA_NEW(A, struct mattr);
            m->span = @2;
            m->word = $2;
            m->word_span = @2;
            $$ = ast_append_mattr($1, m);
        }
    | mattrs IDENT string
        {
            struct mattr *m = ARENA_NEW(A, struct mattr);
            m->span = join(@2, @3);
            m->word = $2;
            m->word_span = @2;
            m->arg = $3;
            $$ = ast_append_mattr($1, m);
        }
    ;

/* ---- JSON, query and form values ---- */

jvalue
    : jobject                   { $$ = $1; }
    | jarray                    { $$ = $1; }
    | expr
        {
            $$ = ast_json(A, J_VALUE, @$);
            $$->value = $1;
        }
    ;

jobject
    : '{' sepsopt '}'           { $$ = ast_json(A, J_OBJECT, @$); }
    | '{' sepsopt jmembers sepsopt '}'
        {
            $$ = ast_json(A, J_OBJECT, @$);
            $$->items = $3;
        }
    ;

jmembers
    : jmember                   { $$ = $1; }
    | jmembers ',' sepsopt jmember { $$ = ast_append_json($1, $4); }
    ;

jmember
    : string ':' jvalue
        {
            $$ = $3;
            $$->key = $1;
        }
    ;

jarray
    : '[' ']'                   { $$ = ast_json(A, J_ARRAY, @$); }
    | '[' jvalues ']'
        {
            $$ = ast_json(A, J_ARRAY, @$);
            $$->items = $2;
        }
    ;

jvalues
    : jvalue                    { $$ = $1; }
    | jvalues ',' jvalue        { $$ = ast_append_json($1, $3); }
    ;

/* ---- expressions ---- */

expr
    : expr OR expr              { $$ = ast_binary(A, OP_OR, $1, $3, @$); }
    | expr AND expr             { $$ = ast_binary(A, OP_AND, $1, $3, @$); }
    | expr EQ expr              { $$ = ast_binary(A, OP_EQ, $1, $3, @$); }
    | expr NE expr              { $$ = ast_binary(A, OP_NE, $1, $3, @$); }
    | expr '<' expr             { $$ = ast_binary(A, OP_LT, $1, $3, @$); }
    | expr LE expr              { $$ = ast_binary(A, OP_LE, $1, $3, @$); }
    | expr '>' expr             { $$ = ast_binary(A, OP_GT, $1, $3, @$); }
    | expr GE expr              { $$ = ast_binary(A, OP_GE, $1, $3, @$); }
    | expr '+' expr             { $$ = ast_binary(A, OP_ADD, $1, $3, @$); }
    | expr '-' expr             { $$ = ast_binary(A, OP_SUB, $1, $3, @$); }
    | expr '*' expr             { $$ = ast_binary(A, OP_MUL, $1, $3, @$); }
    | expr '/' expr             { $$ = ast_binary(A, OP_DIV, $1, $3, @$); }
    | expr '%' expr             { $$ = ast_binary(A, OP_MOD, $1, $3, @$); }
    | '!' expr
        {
            $$ = ast_expr(A, EX_NOT, @$);
            $$->lhs = $2;
        }
    | '-' expr %prec UMINUS
        {
            $$ = ast_expr(A, EX_NEG, @$);
            $$->lhs = $2;
        }
    | primary                   { $$ = $1; }
    ;

primary
    : INT
        {
            $$ = ast_expr(A, EX_INT, @$);
            $$->i = $1;
        }
    | TRUE
        {
            $$ = ast_expr(A, EX_BOOL, @$);
            $$->i = 1;
        }
    | FALSE                     { $$ = ast_expr(A, EX_BOOL, @$); }
    | DURATION
        {
            $$ = ast_expr(A, EX_DURATION, @$);
            $$->text = $1;
        }
    | STATUS                    { $$ = ast_expr(A, EX_STATUS, @$); }
    | USER_ID                   { $$ = ast_expr(A, EX_USER_ID, @$); }
    | FAILED                    { $$ = ast_expr(A, EX_FAILED, @$); }
    | string                    { $$ = $1; }
    | ident
        {
            $$ = ast_expr(A, EX_VAR, @$);
            $$->name = $1;
        }
    | ident '(' args ')'
        {
            $$ = ast_expr(A, EX_CALL, @$);
            $$->name = $1;
            $$->name_span = @1;
            $$->args = $3;
        }
    | primary '.' ident
        {
            $$ = ast_expr(A, EX_FIELD, @$);
            $$->lhs = $1;
            $$->name = $3;
            $$->name_span = @3;
        }
    | '(' expr ')'              { $$ = $2; }
    ;

args
    : %empty                    { $$ = NULL; }
    | arg_list                  { $$ = $1; }
    ;

arg_list
    : arg                       { $$ = $1; }
    | arg_list ',' arg          { $$ = ast_append_expr($1, $3); }
    ;

/* `W: value` is a weighted choice() argument; the checker says where a
 * weight is allowed. */
arg
    : expr                      { $$ = $1; }
    | expr ':' expr
        {
            $$ = $3;
            $$->weight = $1;
        }
    | FLOAT ':' expr
        {
            /* not a weight, but said so by the checker */
            $$ = $3;
            $$->weight = ast_expr(A, EX_VAR, @1);
            $$->weight->name = $1;
        }
    ;

string
    : STR_BEGIN parts STR_END
        {
            $$ = ast_expr(A, EX_STR, @$);
            $$->parts = $2;
        }
    ;

parts
    : %empty                    { $$ = NULL; }
    | parts STR_TEXT            { $$ = ast_str_text(A, $1, $2); }
    | parts INTERP_BEGIN expr INTERP_END { $$ = ast_str_expr(A, $1, $3); }
    ;

/* Words that are keywords only where they introduce an option may still
 * name variables, tasks, sets and columns. */
ident
    : IDENT | NAME | HEADER | QUERY | JSON | FORM | BODY | TIMEOUT | AUTH
    | REDIRECTS | CONTAINS | MATCHES | EXISTS | REGEX | COOKIE | FIRST | NOW
    | COUNT | RECORD | GROUP
    | MULTIPART | CLEAR
    ;

%%

static struct span join(struct span a, struct span b)
{
    struct span s = { a.beg, b.end };
    return s;
}

/* Only called by bison when its stack is full ("memory exhausted"): the
 * input nests deeper than YYMAXDEPTH.  Syntax errors go through
 * yyreport_syntax_error. */
static void yyerror(const YYLTYPE *loc, yyscan_t scanner, struct parser *p,
                    const char *msg)
{
    (void)scanner;
    (void)msg;
    diag_error(p->diag, *loc, "nested too deeply");
}

/* ---- syntax errors ----
 *
 * Messages in the checker's style: the user's words quoted from the
 * source, the likely mistake named ("unknown statement 'tsak'; did you
 * mean 'task'?", "missing the right operand of '+'", "missing ','"), and
 * "unexpected X; expected Y" only when nothing more precise fits.  Then
 * parse_recover_start() skips the rest of the statement. */

/* The source text of a token: a string token quotes the whole string. */
static const char *token_desc(struct parser *p, yysymbol_kind_t tok,
                              struct span sp)
{
    const char *t = p->src->text;
    if (tok == YYSYMBOL_YYEOF)
        return "end of file";
    if (tok == YYSYMBOL_SEP)
        return sp.beg < sp.end && t[sp.beg] == ';' ? "';'" : "end of line";
    uint32_t end = sp.end;
    if (tok == YYSYMBOL_STR_BEGIN) {
        end = sp.beg + 1;
        while (end < p->src->len && t[end] != '\n' && t[end] != '"')
            end += t[end] == '\\' && t[end + 1] != '\n' ? 2 : 1;
        if (end < p->src->len && t[end] == '"')
            end++;
    }
    if (end == sp.beg)
        return "'}'";   /* one handed out for a missing '}' */
    int n = (int)(end - sp.beg);
    return arena_printf(A, "'%.*s%s'", n > 24 ? 24 : n, t + sp.beg,
                        n > 24 ? "..." : "");
}

static const char *span_text(struct parser *p, struct span sp)
{
    return arena_strndup(A, p->src->text + sp.beg, sp.end - sp.beg);
}

/* Tokens an expression can start with. */
static int starts_expr(yysymbol_kind_t t)
{
    switch (t) {
    case YYSYMBOL_INT: case YYSYMBOL_DURATION: case YYSYMBOL_STR_BEGIN:
    case YYSYMBOL_IDENT: case YYSYMBOL_TRUE: case YYSYMBOL_FALSE:
    case YYSYMBOL_STATUS: case YYSYMBOL_USER_ID: case YYSYMBOL_NOW:
    case YYSYMBOL_FAILED:
    case YYSYMBOL_FIRST: case YYSYMBOL_COUNT: case YYSYMBOL_RECORD:
    case YYSYMBOL_GROUP:
        return 1;
    default:
        return t == YYTRANSLATE('(') || t == YYTRANSLATE('-')
               || t == YYTRANSLATE('!');
    }
}

static int is_binop(int tok)
{
    return tok == '+' || tok == '-' || tok == '*' || tok == '/' || tok == '%'
           || tok == '<' || tok == '>' || tok == EQ || tok == NE || tok == LE
           || tok == GE || tok == AND || tok == OR;
}

static int has(const yysymbol_kind_t *exp, int n, yysymbol_kind_t k)
{
    for (int i = 0; i < n; i++)
        if (exp[i] == k)
            return 1;
    return 0;
}

/* The keywords among the expected tokens, as words ("'task'" -> task). */
static const char **expected_words(struct parser *p,
                                   const yysymbol_kind_t *exp, int n)
{
    const char **w = arena_alloc(A, sizeof(char *) * (size_t)(n + 1));
    int k = 0;
    for (int i = 0; i < n; i++) {
        const char *name = yysymbol_name(exp[i]);
        size_t len = strlen(name);
        if (len < 3 || name[0] != '\'' || name[1] < 'a' || name[1] > 'z')
            continue;
        w[k++] = arena_strndup(A, name + 1, len - 2);
    }
    w[k] = NULL;
    return w;
}

/* What a statement is called in the block it starts in. */
static const char *stmt_noun(const struct parser *p)
{
    if (p->stmt_frames == 0)
        return "declaration";
    if (p->frames[p->stmt_frames - 1].kind == FRAME_OPTS)
        return "request option";
    return "statement";
}

/* `x = 1`: the word is followed by a single '='. */
static int assignment_follows(const struct parser *p, struct span sp)
{
    const char *t = p->src->text;
    uint32_t i = sp.end;
    while (i < p->src->len && (t[i] == ' ' || t[i] == '\t'))
        i++;
    return i < p->src->len && t[i] == '=' && t[i + 1] != '=';
}

static int unknown_word(struct parser *p, yysymbol_kind_t tok, struct span sp,
                        const yysymbol_kind_t *exp, int n)
{
    static const char *const members[] = {
        "task", "on_start", "on_stop", "weight", "fixed", "wait", NULL
    };
    if (tok == YYSYMBOL_IDENT && p->stmt_span.beg == sp.beg) {
        const char *word = span_text(p, sp);
        const char *noun = stmt_noun(p);
        if (strcmp(noun, "statement") == 0 && assignment_follows(p, sp)) {
            diag_error(p->diag, sp, "unknown statement '%s'; a variable is "
                       "set with 'let %s = ...'", word, word);
            struct span at = { sp.beg, sp.beg };
            diag_fixit(p->diag, at, "let ");
            return 1;
        }
        const char *best = diag_suggest(word, expected_words(p, exp, n));
        if (best != NULL)
            diag_error(p->diag, sp, "unknown %s '%s'; did you mean '%s'?",
                       noun, word, best);
        else if (p->stmt_frames == 0)
            diag_error(p->diag, sp, "unknown declaration '%s'; a file "
                       "holds host, user, taskset, seq, data, load, "
                       "threshold, on_test_start and on_test_stop", word);
        else
            diag_error(p->diag, sp, "unknown %s '%s'", noun, word);
        return 1;
    }
    /* `tsak 3 browse {` in a user: `tsak 3` read as a setting. */
    if (p->stmt_tok == IDENT && sp.beg > p->stmt_span.beg
        && p->stmt_frames > 0
        && p->frames[p->stmt_frames - 1].kind == FRAME_SET) {
        const char *word = span_text(p, p->stmt_span);
        for (int i = 0; members[i] != NULL; i++)
            if (strcmp(word, members[i]) == 0)
                return 0;
        const char *best = diag_suggest(word, members);
        if (best != NULL)
            diag_error(p->diag, p->stmt_span, "unknown statement '%s'; did "
                       "you mean '%s'?", word, best);
        else
            diag_error(p->diag, p->stmt_span, "unknown statement '%s'",
                       word);
        return 1;
    }
    /* `get "/" expcet status 200`: a misspelt option word. */
    if (tok == YYSYMBOL_IDENT) {
        const char *word = span_text(p, sp);
        const char *best = diag_suggest(word, expected_words(p, exp, n));
        if (best != NULL) {
            diag_error(p->diag, sp, "unexpected '%s'; did you mean '%s'?",
                       word, best);
            return 1;
        }
    }
    return 0;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner,
                                 struct parser *p)
{
    (void)scanner;
    yysymbol_kind_t tok = yypcontext_token(ctx);
    struct span sp = *yypcontext_location(ctx);
    const char *what = token_desc(p, tok, sp);
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
    if (n < 0)
        n = 0;
    int is_expr = has(exp, n, YYSYMBOL_INT);
    int can_end = has(exp, n, YYSYMBOL_SEP);
    int want_str = has(exp, n, YYSYMBOL_STR_BEGIN) && !is_expr;
    int in_json = p->nframes > 0
                  && p->frames[p->nframes - 1].kind == FRAME_JSON;
    const char *prev = p->prev_span.end > p->prev_span.beg
                       ? span_text(p, p->prev_span) : NULL;
    int closer = has(exp, n, YYTRANSLATE(')')) ? ')'
                 : has(exp, n, YYTRANSLATE(']')) ? ']' : 0;

    const char *one = n == 1 ? yysymbol_name(exp[0]) : "";
    if (p->diag->errors > p->stmt_errors) {
        /* The scanner has reported this statement already (a missing
         * '"', a stray character): the parser's view adds nothing. */
    } else if (unknown_word(p, tok, sp, exp, n)) {
        /* said */
    } else if ((p->prev_tok == COUNT || p->prev_tok == RECORD)
               && p->stmt_tok == p->prev_tok) {
        diag_error(p->diag, sp, "missing the metric's name after '%s' (as "
                   "in %s)", prev, p->prev_tok == COUNT ? "count orders"
                                                        : "record size 3");
    } else if (p->stmt_tok == RECORD && is_expr && !starts_expr(tok)
               && p->prev_tok != '=' && !is_binop(p->prev_tok)) {
        diag_error(p->diag, sp, "missing the value to record after '%s'",
                   prev);
    } else if (tok == YYSYMBOL_ELSE) {
        diag_error(p->diag, sp, "'else' without 'if': it must follow the "
                   "'}' of an 'if' block");
    } else if (p->stmt_tok == TASK && tok == YYTRANSLATE('{')
               && (p->prev_tok == TASK || p->prev_tok == INT)) {
        diag_error(p->diag, sp, "missing the task's name before '{'");
    } else if (strlen(one) == 3 && one[0] == '\'' && one[2] == '\'') {
        diag_error(p->diag, sp, "missing %s before %s", one, what);
        struct span at = { p->prev_span.end, p->prev_span.end };
        char ins[2] = { one[1], '\0' };
        diag_fixit(p->diag, at, ins);
    } else if (closer && p->nparens > 0 && !starts_expr(tok)
               && tok != YYTRANSLATE(',')) {
        /* Newlines do not end statements inside ( and [, so an unclosed
         * one is often found lines later: say where it was opened. */
        diag_error(p->diag, sp, "missing '%c' before %s", closer, what);
        struct span o = { p->paren_open[p->nparens > 32 ? 31
                                                        : p->nparens - 1], 0 };
        o.end = o.beg + 1;
        diag_note(p->diag, o, "'%c' opened here", closer == ')' ? '('
                                                                : '[');
    } else if (is_expr && !starts_expr(tok) && prev != NULL
               && is_binop(p->prev_tok)) {
        diag_error(p->diag, p->prev_span, "missing the right operand of "
                   "'%s'", prev);
    } else if (is_expr && !starts_expr(tok) && prev != NULL
               && p->prev_tok == '=') {
        diag_error(p->diag, p->prev_span, "missing the value after '='");
    } else if (is_expr && !starts_expr(tok) && prev != NULL
               && (p->prev_tok == ',' || p->prev_tok == '(')) {
        diag_error(p->diag, sp, "missing an expression after '%s' (before "
                   "%s)", prev, what);
    } else if (is_expr && !starts_expr(tok) && prev != NULL) {
        diag_error(p->diag, sp, "missing an expression after '%s'; found "
                   "%s", prev, what);
    } else if ((has(exp, n, YYTRANSLATE(',')) || (in_json
                                              && tok == YYSYMBOL_STR_BEGIN))
               && starts_expr(tok)) {
        diag_error(p->diag, sp, "missing ',' before %s", what);
        struct span at = { p->prev_span.end, p->prev_span.end };
        if (!in_json || p->prev_tok != SEP)
            diag_fixit(p->diag, at, ",");
    } else if (want_str && tok != YYSYMBOL_STR_BEGIN && prev != NULL) {
        if (tok == YYSYMBOL_SEP || tok == YYSYMBOL_YYEOF)
            diag_error(p->diag, sp, "missing a string after '%s'", prev);
        else
            diag_error(p->diag, sp, "expected a string after '%s', found "
                       "%s; strings are written in double quotes", prev,
                       what);
    } else if (n > 5 && can_end) {
        /* Most often two statements on one line. */
        diag_error(p->diag, sp, "expected end of line or ';' before %s",
                   what);
    } else if (n > 0 && n <= 5) {
        char list[256] = "";
        for (int i = 0; i < n; i++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof(list) - len, "%s%s",
                     i == 0 ? "" : i == n - 1 ? " or " : ", ",
                     yysymbol_name(exp[i]));
        }
        diag_error(p->diag, sp, "unexpected %s; expected %s", what, list);
    } else {
        diag_error(p->diag, sp, "unexpected %s", what);
    }
    parse_recover_start(p);
    return 0;
}
