/*
 * parse_recover.c - the token stream between the scanner and bison.
 *
 * bison only sees tokens; this layer also keeps the block structure as the
 * text shows it (every '{' with the keyword that opened it), so that:
 *
 * - a missing '}' is named where it becomes certain (a 'task' where only a
 *   user, taskset or seq can hold one, a 'user' inside any block, end of
 *   file), with a note at each open brace; the missing '}' are then handed
 *   to bison as if written, so the rest of the file parses normally;
 * - after a syntax error the rest of the statement is skipped up to its
 *   end at its own block depth (nested blocks included), so one mistake
 *   gives one error and the next statement is parsed afresh;
 * - a '}' that closes nothing is reported once and dropped;
 * - a statement left outside its block by a '}' that came too early (a
 *   task at the top level, a request option among statements) is
 *   reported once, with a note at that '}', and the '}' meant to close the
 *   block is dropped (orphan()).
 */
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "parse.h"
#include "parser.h"

int sw_yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);

static void push_frame(struct parser *p, uint32_t open, enum frame_kind k)
{
    p->frames = arena_grow(p->arena, p->frames, p->nframes, &p->capframes,
                           sizeof(*p->frames));
    struct parse_frame *f = &p->frames[p->nframes++];
    f->open = open;
    f->word = p->block_word;
    f->kind = k;
}

static int is_method(int tok)
{
    return tok == GET || tok == POST || tok == PUT || tok == PATCH
           || tok == DELETE || tok == HEAD || tok == OPTIONS;
}

/* The keywords whose '{' opens a block worth naming. */
static int is_block_word(int tok)
{
    return tok == USER || tok == TASKSET || tok == SEQ || tok == TASK
           || tok == ON_START || tok == ON_STOP || tok == IF || tok == ELSE
           || tok == REPEAT || tok == LOAD || tok == GROUP || is_method(tok)
           || tok == WHILE || tok == RETRY || tok == ON_TEST_START
           || tok == ON_TEST_STOP;
}

static enum frame_kind kind_of_open(const struct parser *p)
{
    int prev = p->cur_tok;  /* the token before this '{' */
    if (prev == JSON || prev == QUERY || prev == FORM || prev == ':'
        || prev == ',' || prev == '[')
        return FRAME_JSON;
    int w = p->block_word.end > p->block_word.beg ? p->block_word_tok : 0;
    if (w == USER || w == TASKSET || w == SEQ)
        return FRAME_SET;
    if (w == LOAD)
        return FRAME_LOAD;
    if (is_method(w))
        return FRAME_OPTS;
    if (w == 0 || w == IDENT)
        return FRAME_OTHER;
    return FRAME_BODY;
}

/* "the 'task' block", "the 'get' options block", "the JSON object". */
const char *parse_frame_name(struct parser *p, const struct parse_frame *f)
{
    int n = (int)(f->word.end - f->word.beg);
    const char *w = p->src->text + f->word.beg;
    switch (f->kind) {
    case FRAME_JSON:
        return "the JSON object";
    case FRAME_OPTS:
        return arena_printf(p->arena, "the '%.*s' options block", n, w);
    default:
        if (n == 0)
            return "the block";
        return arena_printf(p->arena, "the '%.*s' block", n, w);
    }
}

/* A note at each open brace, innermost first; of many, the four
 * innermost and the outermost. */
static void note_frames(struct parser *p, int from)
{
    for (int i = p->nframes - 1; i >= from; i--) {
        if (i < p->nframes - 4 && i > from)
            continue;
        struct span sp = { p->frames[i].open, p->frames[i].open + 1 };
        diag_note(p->diag, sp, "%s opened here",
                  parse_frame_name(p, &p->frames[i]));
    }
}

/* "the 'task' block", "the 'task' block and the 'user' block",
 * "3 blocks". */
static const char *frames_phrase(struct parser *p, int from)
{
    int n = p->nframes - from;
    if (n == 1)
        return parse_frame_name(p, &p->frames[from]);
    if (n > 2)
        return arena_printf(p->arena, "%d blocks", n);
    const char *inner = parse_frame_name(p, &p->frames[from + 1]);
    const char *outer = parse_frame_name(p, &p->frames[from]);
    return arena_printf(p->arena, "%s and %s", inner, outer);
}

/* Hands bison a '}' and an end of line for each frame above `keep`
 * (counted, not queued: any depth), then the token that showed them
 * missing, if any. */
static void close_frames(struct parser *p, int keep, uint32_t at)
{
    p->pending_closes += 2 * (p->nframes - keep);
    p->pending_at = at;
    p->nframes = keep;
}

static void hold(struct parser *p, int tok, struct span sp, const char *text)
{
    p->held_tok = tok;
    p->held_span = sp;
    p->held_text = text;
}

static int word_is(const struct parser *p, struct span sp, const char *w)
{
    size_t n = strlen(w);
    return sp.end - sp.beg == n && memcmp(p->src->text + sp.beg, w, n) == 0;
}

/* What only a user, taskset or seq holds. */
static int is_member_word(const struct parser *p, int tok, struct span sp)
{
    return tok == TASK || tok == ON_START || tok == ON_STOP
           || (tok == IDENT && (word_is(p, sp, "weight")
                                || word_is(p, sp, "fixed")
                                || word_is(p, sp, "wait")));
}

/* A word at the start of a statement that cannot be inside the blocks
 * open here: the '}' before it is missing.  Returns the number of frames
 * that stay open, or -1 when nothing is missing. */
static int frames_to_keep(const struct parser *p, int tok, struct span sp)
{
    if (p->nframes == 0)
        return -1;
    if (tok == USER || tok == TASKSET || tok == SEQ || tok == DATA
        || tok == LOAD || tok == THRESHOLD || tok == HOST
        || tok == ON_TEST_START || tok == ON_TEST_STOP)
        return 0;
    int member = is_member_word(p, tok, sp);
    if (!member)
        return -1;
    for (int i = p->nframes - 1; i >= 0; i--)
        if (p->frames[i].kind == FRAME_SET)
            return i + 1 == p->nframes ? -1 : i + 1;
    return -1;
}

static const char *token_text(struct parser *p, struct span sp)
{
    int n = (int)(sp.end - sp.beg);
    return arena_printf(p->arena, "%.*s%s", n > 24 ? 24 : n,
                        p->src->text + sp.beg, n > 24 ? "..." : "");
}

/* The items of a load block (plain words the checker knows). */
static int is_load_word(const struct parser *p, int tok, struct span sp)
{
    static const char *const words[] = {
        "users", "spawn_rate", "run_time", "iterations", "stage", "rate",
        "max_users", NULL
    };
    if (tok != IDENT)
        return 0;
    for (int i = 0; words[i] != NULL; i++)
        if (word_is(p, sp, words[i]))
            return 1;
    return 0;
}

static int is_option(int tok)
{
    return tok == EXPECT || tok == CAPTURE || tok == HEADER || tok == QUERY
           || tok == JSON || tok == FORM || tok == BODY || tok == TIMEOUT
           || tok == AUTH || tok == REDIRECTS || tok == NAME;
}

/* A statement that cannot be where it is because a '}' above closed its
 * block early: a task at the top level, a request option among
 * statements.  Reported once, with a note at that '}'; the statements
 * like it that follow are skipped quietly, and the '}' that was meant to
 * close the block is dropped.  Returns 1 when the token is to be skipped. */
static int orphan(struct parser *p, int tok, struct span sp)
{
    int member = is_member_word(p, tok, sp);
    int where;
    if (member && p->nframes == 0)
        where = 0;
    else if (is_option(tok) && p->nframes > 0
             && p->frames[p->nframes - 1].kind == FRAME_BODY)
        where = 1;
    else if (is_load_word(p, tok, sp) && p->nframes == 0)
        where = 2;
    else
        return 0;
    /* An error in the statement just before (`load` without its '{', a
     * missing '"' that took the '{' along) is the cause: said already. */
    int caused = p->diag->errors > p->stmt_errors;
    if (p->orphan_frames != p->nframes && !caused) {
        if (where == 0)
            diag_error(p->diag, sp, "'%s' outside a user, taskset or seq",
                       token_text(p, sp));
        else if (where == 1)
            diag_error(p->diag, sp, "'%s' outside a request: options go on "
                       "the request's line or in its '{ }'",
                       token_text(p, sp));
        else
            diag_error(p->diag, sp, "'%s' outside a 'load' block",
                       token_text(p, sp));
        /* A '}' just before, with nothing between, that closed the kind
         * of block this belongs in: that '}' came too early. */
        enum frame_kind home = where == 0 ? FRAME_SET
                               : where == 1 ? FRAME_OPTS : FRAME_LOAD;
        int early = p->last_closed_frames == p->nframes
                    && p->stmts_since_close == 0
                    && p->last_closed.kind == home;
        if (early) {
            struct span at = { p->last_closed_at, p->last_closed_at + 1 };
            diag_note(p->diag, at, "%s ends here",
                      parse_frame_name(p, &p->last_closed));
        }
        p->owed_close = early;
    }
    p->orphan_frames = p->nframes;
    p->skipping = 1;
    p->skip_target = p->nframes;
    return 1;
}


/* Updates the block structure for a token bison is about to see. */
static void track(struct parser *p, int tok, struct span sp)
{
    if (tok == '{') {
        push_frame(p, sp.beg, kind_of_open(p));
    } else if (tok == '(' || tok == '[') {
        if (p->nparens < (int)(sizeof(p->paren_open)
                               / sizeof(p->paren_open[0])))
            p->paren_open[p->nparens] = sp.beg;
        p->nparens++;
    } else if ((tok == ')' || tok == ']') && p->nparens > 0) {
        p->nparens--;
    }
    if (p->at_start && tok != SEP && tok != '}') {
        p->stmts_since_close++;
        p->stmt_tok = tok;
        p->stmt_span = sp;
        p->stmt_frames = p->nframes;
        p->stmt_errors = p->diag->errors;
        p->block_word.beg = p->block_word.end = sp.beg;
        p->at_start = 0;
    }
    if (is_block_word(tok) || (tok == IDENT && p->stmt_span.beg == sp.beg)) {
        p->block_word = sp;
        p->block_word_tok = tok;
    }
    if (tok == SEP || tok == '{')
        p->at_start = 1;
    else if (tok == '}')
        p->at_start = 0;
    p->prev_tok = p->cur_tok;
    p->prev_span = p->cur_span;
    p->cur_tok = tok;
    p->cur_span = sp;
}

/* The scanner's next token, with '}' popping frames; stray '}' dropped. */
static int scan(YYSTYPE *lval, struct span *lloc, yyscan_t scanner,
                struct parser *p)
{
    for (;;) {
        int tok = sw_yylex(lval, lloc, scanner);
        if (tok != YYEOF && tok != SEP)
            p->last_end = lloc->end;
        if (tok != '}')
            return tok;
        if (p->owed_close && p->nframes == p->orphan_frames) {
            /* the partner of the '}' that closed this block early */
            p->owed_close = 0;
            continue;
        }
        if (p->nframes > 0) {
            p->last_closed = p->frames[--p->nframes];
            p->last_closed_at = lloc->beg;
            p->last_closed_frames = p->nframes;
            p->stmts_since_close = 0;
            return tok;
        }
        /* Quiet while skipping, or after statements left outside their
         * block at the top level: this '}' was theirs. */
        if (!p->skipping && p->orphan_frames != 0)
            diag_error(p->diag, *lloc, "unexpected '}': no block is open "
                       "here");
    }
}

/* True (and reported) when the next thing after this end of line, blank
 * lines and comments skipped, is a '{'. */
static int brace_follows(struct parser *p, uint32_t i)
{
    const char *t = p->src->text;
    size_t n = p->src->len;
    if (i == 0 || t[i - 1] != '\n')
        return 0;
    for (;;) {
        while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r'
                         || t[i] == '\n'))
            i++;
        if (i < n && t[i] == '#') {
            while (i < n && t[i] != '\n')
                i++;
            continue;
        }
        break;
    }
    if (i >= n || t[i] != '{')
        return 0;
    struct span sp = { (uint32_t)i, (uint32_t)i + 1 };
    diag_error(p->diag, sp, "a block's '{' must be on the line that opens "
               "it");
    return 1;
}

/* The end of file with blocks still open: one error naming them. */
static void at_eof(struct parser *p, struct span *lloc)
{
    p->eof_seen = 1;
    p->skipping = 0;
    if (p->nframes == 0)
        return;
    struct span sp = { p->last_end, p->last_end };
    diag_error(p->diag, sp, "missing '}' at end of file: %s %s still open",
               frames_phrase(p, 0), p->nframes == 1 ? "is" : "are");
    note_frames(p, 0);
    close_frames(p, 0, p->last_end);
    *lloc = sp;
}

int parse_lex(YYSTYPE *lval, struct span *lloc, yyscan_t scanner,
              struct parser *p)
{
    for (;;) {
        if (p->pending_closes > 0) {
            /* '}' then end of line, for a frame already popped */
            int tok = p->pending_closes-- % 2 == 0 ? '}' : SEP;
            lloc->beg = lloc->end = p->pending_at;
            track(p, tok, *lloc);
            return tok;
        }
        if (p->held_tok != 0) {
            int tok = p->held_tok;
            p->held_tok = 0;
            *lloc = p->held_span;
            lval->text = p->held_text;
            track(p, tok, *lloc);
            return tok;
        }
        if (p->eof_seen) {
            lloc->beg = lloc->end = p->last_end;
            return YYEOF;
        }
        int start = p->at_start;
        int tok = scan(lval, lloc, scanner, p);
        if (tok == YYEOF) {
            at_eof(p, lloc);
            if (p->pending_closes > 0)
                continue;
            return YYEOF;
        }
        if (p->skipping) {
            /* Skip to the end of the statement being recovered: its end
             * of line, or the '}' closing the block it is in. */
            if (tok == '{') {
                p->frames = arena_grow(p->arena, p->frames, p->nframes,
                                       &p->capframes, sizeof(*p->frames));
                p->frames[p->nframes].open = lloc->beg;
                p->frames[p->nframes].word = *lloc;
                p->frames[p->nframes].kind = FRAME_OTHER;
                p->nframes++;
                continue;
            }
            if (tok == '}' && p->nframes < p->skip_target) {
                p->skipping = 0;
                track(p, tok, *lloc);
                return tok;
            }
            if (tok == SEP && p->nframes <= p->skip_target) {
                p->skipping = 0;
                track(p, tok, *lloc);
                return tok;
            }
            continue;
        }
        if (tok == SEP && brace_follows(p, lloc->end)) {
            /* A line cannot start with '{': the block belongs to the line
             * before, so read it as written there. */
            continue;
        }
        if (start && tok != SEP && p->orphan_frames >= 0
            && p->orphan_frames != p->nframes) {
            p->orphan_frames = -1;
            p->owed_close = 0;
        }
        if (start && tok != SEP && orphan(p, tok, *lloc))
            continue;
        if (start && tok != SEP) {
            int keep = frames_to_keep(p, tok, *lloc);
            if (keep >= 0) {
                diag_error(p->diag, *lloc, "missing '}' to close %s before "
                           "'%s'", frames_phrase(p, keep),
                           token_text(p, *lloc));
                note_frames(p, keep);
                close_frames(p, keep, lloc->beg);
                hold(p, tok, *lloc, lval->text);
                continue;
            }
        }
        track(p, tok, *lloc);
        return tok;
    }
}

void parse_recover_start(struct parser *p)
{
    int tok = p->cur_tok;
    struct span sp = p->cur_span;
    /* The statement being recovered is in the innermost block, at or
     * outside the one it started in, that holds statements or members:
     * bison recovers there (`stmt: error`). */
    int target = p->stmt_frames < p->nframes ? p->stmt_frames : p->nframes;
    while (target > 0 && p->frames[target - 1].kind != FRAME_SET
           && p->frames[target - 1].kind != FRAME_BODY)
        target--;
    /* A newline inside an unclosed ( or [ ended nothing: let newlines end
     * statements again. */
    p->depth = 0;
    p->nparens = 0;
    if (tok == YYEOF)
        return;
    if (tok == SEP && p->nframes == target)
        return;
    if (tok == '}' && p->nframes == target - 1 && sp.beg != sp.end)
        return;
    if (tok == '}' && sp.beg == sp.end)
        return;     /* one we handed out for a missing '}' */
    p->skipping = 1;
    p->skip_target = target;
}
