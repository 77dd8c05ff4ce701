/*
 * check_body.c - statements and requests inside task, on_start and on_stop
 * bodies, and the per-user "set before it is used" analysis.
 */
#include "check_int.h"
#include "arena.h"

#include <string.h>

static void stmts(struct checker *ck, struct stmt *s);
static void block(struct checker *ck, struct stmt *s, struct span sp);

/* An expression that must have type want (TY_ERROR already reported). */
static enum type expect_type(struct checker *ck, struct expr *e,
                             enum type want, const char *what)
{
    enum type t = ck_expr(ck, e);
    if (t != want && t != TY_ERROR && !e->bad) {
        ck_error(ck, e->span, "%s must be %s, not %s", what,
                 ck_a_type(want), ck_a_type(t));
        return TY_ERROR;
    }
    return t;
}

/* A string, or an int that is formatted (header values, query values). */
static void text_value(struct checker *ck, struct expr *e, const char *what)
{
    enum type t = ck_expr(ck, e);
    if (t == TY_ROW)
        ck_error(ck, e->span, "%s cannot be a row; take one of its "
                 "columns (.name)", what);
}

/* A time in ms: an int expression, but a bare number needs a unit. */
static void millis(struct checker *ck, struct expr *e, const char *what)
{
    if (e->kind == EX_INT) {
        ck_error(ck, e->span, "%s '%lld' needs a unit (ms, s, m or h)",
                 what, (long long)e->i);
        return;
    }
    if (expect_type(ck, e, TY_INT, what) == TY_INT && e->kind == EX_DURATION
        && e->i == 0 && strcmp(what, "timeout") == 0)
        ck_error(ck, e->span, "timeout must be longer than zero");
}

void ck_req_name(struct checker *ck, const char *name)
{
    /* One more slot than names: the list stays NULL-terminated for
     * diag_suggest(). */
    ck->req_names = arena_grow(ck->arena, ck->req_names, ck->nreq_names + 1,
                               &ck->req_names_cap, sizeof(char *));
    ck->req_names[ck->nreq_names++] = name;
    ck->req_names[ck->nreq_names] = NULL;
}

static void request_name(struct checker *ck, struct expr *e)
{
    struct str s;
    if (!ast_str_literal(e, &s))
        return;
    ck_req_name(ck, ck->group_path == NULL ? s.s
                : arena_printf(ck->arena, "%s::%s", ck->group_path, s.s));
}

/* query { } and form { }: flat, scalar values. */
static void flat_object(struct checker *ck, struct json *j, const char *what)
{
    for (struct json *m = j->items; m != NULL; m = m->next) {
        struct str key;
        if (!ast_str_literal(m->key, &key))
            ck_error(ck, m->key->span, "%s keys must be plain strings",
                     what);
        if (m->kind != J_VALUE) {
            ck_error(ck, m->span, "%s values must be strings, ints or bools, "
                     "not nested objects or arrays", what);
            continue;
        }
        text_value(ck, m->value, what);
    }
}

static void json_value(struct checker *ck, struct json *j)
{
    if (j->kind == J_VALUE) {
        text_value(ck, j->value, "a JSON value");
        return;
    }
    for (struct json *m = j->items; m != NULL; m = m->next) {
        struct str key;
        if (j->kind == J_OBJECT && !ast_str_literal(m->key, &key))
            ck_error(ck, m->key->span, "JSON keys must be plain strings");
        json_value(ck, m);
    }
}

static void expect_opt(struct checker *ck, struct opt *o)
{
    switch ((enum expect_kind)o->expect) {
    case EXP_STATUS:
        expect_type(ck, o->a, TY_INT, "a status");
        break;
    case EXP_STATUS_IN:
        for (struct expr *e = o->list; e != NULL; e = e->next)
            if (e->kind != EX_INT || e->i < 100 || e->i > 999)
                ck_error(ck, e->span, "a status in a list must be a number "
                         "from 100 to 999");
        break;
    case EXP_STATUS_RANGE:
        expect_type(ck, o->a, TY_INT, "a status");
        expect_type(ck, o->b, TY_INT, "a status");
        if (o->a->kind == EX_INT && o->b->kind == EX_INT && o->a->i > o->b->i)
            ck_error(ck, o->span, "empty status range %lld..%lld",
                     (long long)o->a->i, (long long)o->b->i);
        break;
    case EXP_BODY_CONTAINS:
        expect_type(ck, o->a, TY_STR, "the text to look for");
        break;
    case EXP_BODY_MATCHES:
        o->regex_index = ck_regex(ck, o->a);
        break;
    case EXP_JSON_CMP: {
        expect_type(ck, o->a, TY_STR, "a JSON path");
        ck_json_path(ck, o->a);
        enum type t = ck_expr(ck, o->b);
        if (t == TY_ROW) {
            ck_error(ck, o->b->span, "a JSON value cannot be compared with a "
                     "row");
        } else if (t == TY_BOOL && o->cmp != OP_EQ) {
            ck_error(ck, o->span, "a JSON value is compared with a bool by "
                     "'==' only");
        } else if (t == TY_STR && o->cmp != OP_EQ && o->cmp != OP_NE) {
            ck_error(ck, o->span, "a JSON value is compared with a string "
                     "by '==' or '!=' only");
        }
        break;
    }
    case EXP_JSON_EXISTS:
        expect_type(ck, o->a, TY_STR, "a JSON path");
        ck_json_path(ck, o->a);
        break;
    case EXP_HEADER:
        expect_type(ck, o->a, TY_STR, "a header name");
        if (o->b != NULL)
            expect_type(ck, o->b, TY_STR, "a header value");
        break;
    }
}

static void capture_opt(struct checker *ck, struct opt *o)
{
    enum type t = TY_STR;
    switch ((enum capture_kind)o->capture) {
    case CAP_JSON:
        expect_type(ck, o->a, TY_STR, "a JSON path");
        ck_json_path(ck, o->a);
        break;
    case CAP_REGEX:
        o->regex_index = ck_regex(ck, o->a);
        break;
    case CAP_HEADER:
    case CAP_COOKIE:
        expect_type(ck, o->a, TY_STR, "a name");
        break;
    case CAP_STATUS:
        t = TY_INT;
        break;
    }
    o->var_index = ck_var_set(ck, o->var, o->var_span, t, -1);
}

static void request(struct checker *ck, struct stmt *s)
{
    expect_type(ck, s->expr, TY_STR, "a URL");
    struct opt *name = NULL, *body = NULL, *redirects = NULL, *timeout = NULL;
    struct opt *auth = NULL;
    for (struct opt *o = s->opts; o != NULL; o = o->next) {
        struct opt **once = NULL;
        const char *word = NULL;
        switch (o->kind) {
        case OPT_NAME:
            once = &name;
            word = "name";
            expect_type(ck, o->a, TY_STR, "a request name");
            request_name(ck, o->a);
            break;
        case OPT_HEADER:
            expect_type(ck, o->a, TY_STR, "a header name");
            text_value(ck, o->b, "a header value");
            break;
        case OPT_QUERY:
            flat_object(ck, o->json, "query");
            break;
        case OPT_FORM:
            once = &body;
            word = "body";
            flat_object(ck, o->json, "form");
            break;
        case OPT_JSON:
            once = &body;
            word = "body";
            json_value(ck, o->json);
            break;
        case OPT_MULTIPART:
            once = &body;
            word = "body";
            ck_multipart(ck, o);
            break;
        case OPT_BODY:
            once = &body;
            word = "body";
            expect_type(ck, o->a, TY_STR, "a body");
            break;
        case OPT_TIMEOUT:
            once = &timeout;
            word = "timeout";
            millis(ck, o->a, "timeout");
            break;
        case OPT_AUTH:
            once = &auth;
            word = "auth";
            expect_type(ck, o->a, TY_STR, "a user name");
            expect_type(ck, o->b, TY_STR, "a password");
            break;
        case OPT_REDIRECTS:
            once = &redirects;
            word = "redirects";
            if (strcmp(o->word, "on") != 0 && strcmp(o->word, "off") != 0)
                ck_error(ck, o->word_span, "redirects is 'on' or 'off', not "
                         "'%s'", o->word);
            break;
        case OPT_EXPECT:
            expect_opt(ck, o);
            break;
        case OPT_CAPTURE:
            capture_opt(ck, o);
            break;
        }
        if (once == NULL)
            continue;
        if (*once != NULL) {
            ck_error(ck, o->span, "a request has one %s", word);
            ck_note(ck, (*once)->span, "the first one is here");
        } else {
            *once = o;
        }
    }
    if (name == NULL)
        request_name(ck, s->expr);
}

static void schedule(struct checker *ck, struct stmt *s)
{
    struct set *set = ck->set;
    int found = symtab_get(&ck->task_tab, set->index, s->name);
    if (found >= 0) {
        s->index = found;
        return;
    }
    const char **cands = arena_alloc(ck->arena, sizeof(char *)
                                     * (size_t)(set->ntasks + 1));
    for (int i = 0; i < set->ntasks; i++)
        cands[i] = set->tasks[i]->name;
    const char *sug = diag_suggest(s->name, cands);
    if (sug != NULL)
        ck_error(ck, s->name_span, "%s '%s' has no task '%s'; did you mean "
                 "'%s'?", ck_set_word(set), set->name, s->name, sug);
    else
        ck_error(ck, s->name_span, "%s '%s' has no task '%s' (schedule "
                 "picks a task of the set it runs in)", ck_set_word(set),
                 set->name, s->name);
    ck_note(ck, set->name_span, "%s '%s' declared here", ck_set_word(set),
            set->name);
}

static void tag(struct checker *ck, struct stmt *s)
{
    struct str text;
    if (!ast_str_literal(s->expr, &text) || text.len == 0) {
        ck_error(ck, s->expr->span, "a tag is a plain, non-empty string");
        return;
    }
    if (ck->body != BODY_TASK || ck->seen_stmt) {
        ck_error(ck, s->span, "'tag' must come first in a task body");
        return;
    }
    struct task *t = ck->task;
    const char **tags = arena_alloc(ck->arena, sizeof(char *)
                                    * (size_t)(t->ntags + 2));
    if (t->ntags)
        memcpy(tags, t->tags, sizeof(char *) * (size_t)t->ntags);
    tags[t->ntags++] = text.s;
    t->tags = tags;
}

/* The body of a repeat or a retry: its count lives in a frame local, one
 * per nesting level (prog->nlocals is the deepest). */
void ck_counted_block(struct checker *ck, struct stmt *s,
                      ck_block_fn block_fn)
{
    ck->repeat_depth++;
    if (ck->repeat_depth > ck->prog->nlocals)
        ck->prog->nlocals = ck->repeat_depth;
    block_fn(ck, s->body, s->span);
    ck->repeat_depth--;
}

static void stmt(struct checker *ck, struct stmt *s)
{
    if (s->kind != ST_TAG)
        ck->seen_stmt = 1;
    if (ck_flow_hook_stmt(ck, s))
        return;
    switch (s->kind) {
    case ST_LET: {
        enum type t = ck_expr(ck, s->expr);
        s->index = ck_var_set(ck, s->name, s->name_span, t, s->expr->feeder);
        if (s->expr->bad && !ck->quiet)
            ck->prog->vars[s->index].set_bad = 1;
        break;
    }
    case ST_REQUEST:
        request(ck, s);
        break;
    case ST_IF:
        expect_type(ck, s->expr, TY_BOOL, "a condition");
        block(ck, s->body, s->span);
        block(ck, s->els, s->span);
        break;
    case ST_REPEAT:
        expect_type(ck, s->expr, TY_INT, "a repeat count");
        if (s->expr->kind == EX_NEG)
            ck_error(ck, s->expr->span, "a repeat count cannot be "
                     "negative");
        ck_counted_block(ck, s, block);
        break;
    case ST_SLEEP:
        millis(ck, s->expr, "sleep");
        break;
    case ST_STOP:
        if (ck->body == BODY_ON_STOP)
            ck_error(ck, s->span, "'stop' inside on_stop: the user is "
                     "already stopping");
        break;
    case ST_INTERRUPT:
        if (ck->set->kind == SET_USER)
            ck_error(ck, s->span, "'interrupt' outside a taskset or seq "
                     "(user '%s' has no parent to return to; use 'stop' to "
                     "end the user)", ck->set->name);
        else if (ck->body == BODY_ON_STOP)
            ck_error(ck, s->span, "'interrupt' inside on_stop: the %s is "
                     "already being left", ck_set_word(ck->set));
        break;
    case ST_SCHEDULE:
        schedule(ck, s);
        break;
    case ST_TAG:
        tag(ck, s);
        break;
    case ST_WHILE:
    case ST_RETRY:
    case ST_RETURN:
        ck_flow_stmt(ck, s, block);
        break;
    case ST_GROUP:
        ck_group_enter(ck, s);
        block(ck, s->body, s->span);
        ck_group_leave(ck);
        break;
    case ST_COUNT:
    case ST_RECORD:
        ck_metric_stmt(ck, s);
        break;
    case ST_COOKIE:
        ck_cookie(ck, s);
        break;
    case ST_CLEAR:
        ck_clear(ck, s);
        break;
    }
}

static void stmts(struct checker *ck, struct stmt *s)
{
    for (; s != NULL; s = s->next)
        stmt(ck, s);
}

/* A block inside if, else (if) or repeat.  Too deep a block is reported
 * and not checked, so no later pass walks it. */
static void block(struct checker *ck, struct stmt *s, struct span sp)
{
    if (s == NULL)
        return;
    if (ck->block_depth >= CK_MAX_BLOCK_DEPTH) {
        ck_error(ck, sp, "blocks nested too deeply (more than %d levels of "
                 "if, else if and repeat)", CK_MAX_BLOCK_DEPTH);
        return;
    }
    ck->block_depth++;
    stmts(ck, s);
    ck->block_depth--;
}

void ck_body(struct checker *ck, struct set *set, enum body_kind kind,
             struct task *task, struct stmt *body)
{
    ck->set = set;
    ck->body = kind;
    ck->task = task;
    ck->repeat_depth = 0;
    ck->block_depth = 0;
    ck->group_path = NULL;
    ck->group_depth = 0;
    ck->seen_stmt = 0;
    if (task != NULL && !ck->quiet) {
        task->tags = NULL;
        task->ntags = 0;
    }
    stmts(ck, body);
}

void ck_stray(struct checker *ck, struct stmt *s)
{
    if (s == NULL)
        return;             /* a syntax error, already reported */
    const char *text = ck->prog->src->text + s->span.beg;
    size_t n = 0;
    while (text[n] >= 'a' && text[n] <= 'z')
        n++;
    struct span sp = { s->span.beg, s->span.beg + (uint32_t)n };
    if (s->kind == ST_REQUEST)
        ck_error(ck, sp, "a request outside a task; requests go inside "
                 "task, on_start or on_stop");
    else
        ck_error(ck, sp, "'%.*s' outside a task; statements go inside "
                 "task, on_start or on_stop", (int)n, text);
}

/* ===================================================================== */
/* Set before used, per user                                              */
/* ===================================================================== */

/* Every body a user can run, in the order a reader meets them. */
struct reach {
    struct checker *ck;
    struct set *user;
    /* Per variable, valid only while its stamp is the current one, so
     * nothing is cleared between bodies or users: the work stays linear
     * in the size of what each user runs, not in users x variables. */
    int *sets_in;               /* bodies of this user that set it */
    int *sets_in_stamp;         /* == user_stamp: sets_in is valid */
    int *here;                  /* == body_stamp: set so far in the body */
    int *set_in_body;           /* == body_stamp: this body sets it */
    int user_stamp, body_stamp;
    int counting;               /* count_sets: bodies add to sets_in */
    int in_user_start;          /* the user's own on_start: runs first */
    struct stmt *body;
};

static void r_expr(struct reach *r, struct expr *e);

static void r_use(struct reach *r, struct expr *e)
{
    if (e->index < 0 || e->type == TY_ERROR)
        return;
    struct checker *ck = r->ck;
    struct var *v = &ck->prog->vars[e->index];
    int i = e->index;
    if (r->here[i] == r->body_stamp || (v->hook & CK_HOOK_START))
        return;                 /* a hook's variable is set before users */
    /* A use in a taskset shared by several users is reported once, for
     * the first user that reaches it. */
    if (e->reported)
        return;
    int sets_in = r->sets_in_stamp[i] == r->user_stamp ? r->sets_in[i] : 0;
    if (sets_in == 0) {
        ck_error(ck, e->span, "'%s' is used but never set in user '%s' (or "
                 "what it runs)", v->name, r->user->name);
        ck_note(ck, v->first, "'%s' is set here, in code user '%s' does "
                "not run", v->name, r->user->name);
    } else if (r->in_user_start || (r->set_in_body[i] == r->body_stamp
                                    && sets_in == 1)) {
        ck_error(ck, e->span, "'%s' is used before it is set", v->name);
        ck_note(ck, v->first, "'%s' is set here", v->name);
    } else {
        return;
    }
    e->reported = 1;
    r->here[i] = r->body_stamp; /* one error per variable per body */
}

static void r_parts(struct reach *r, struct str_part *p)
{
    for (; p != NULL; p = p->next)
        if (p->expr != NULL)
            r_expr(r, p->expr);
}

static void r_expr(struct reach *r, struct expr *e)
{
    if (e == NULL)
        return;
    switch (e->kind) {
    case EX_VAR:
        r_use(r, e);
        break;
    case EX_STR:
        r_parts(r, e->parts);
        break;
    case EX_FIELD:
    case EX_NOT:
    case EX_NEG:
        r_expr(r, e->lhs);
        break;
    case EX_BINARY:
        r_expr(r, e->lhs);
        r_expr(r, e->rhs);
        break;
    case EX_CALL:
        if (e->builtin != BI_NEXT)
            for (struct expr *a = e->args; a != NULL; a = a->next)
                r_expr(r, a);
        break;
    default:
        break;
    }
}

/* This body sets variable i. */
static void r_set(struct reach *r, int i)
{
    if (r->set_in_body[i] == r->body_stamp)
        return;
    r->set_in_body[i] = r->body_stamp;
    if (!r->counting)
        return;
    if (r->sets_in_stamp[i] != r->user_stamp) {
        r->sets_in_stamp[i] = r->user_stamp;
        r->sets_in[i] = 0;
    }
    r->sets_in[i]++;
}

static void r_json(struct reach *r, struct json *j)
{
    for (; j != NULL; j = j->next) {
        r_expr(r, j->value);
        r_json(r, j->items);
    }
}

/* Visits uses (use != 0) or records sets (use == 0) in source order. */
static void r_stmts(struct reach *r, struct stmt *s, int use);

static void r_stmt(struct reach *r, struct stmt *s, int use)
{
    switch (s->kind) {
    case ST_LET:
        if (use) {
            r_expr(r, s->expr);
            if (s->index >= 0)
                r->here[s->index] = r->body_stamp;
        } else if (s->index >= 0) {
            r_set(r, s->index);
        }
        break;
    case ST_REQUEST:
        if (use)
            r_expr(r, s->expr);
        for (struct opt *o = s->opts; o != NULL; o = o->next) {
            if (o->kind == OPT_CAPTURE) {
                if (o->var_index < 0)
                    continue;
                if (use)
                    r->here[o->var_index] = r->body_stamp;
                else
                    r_set(r, o->var_index);
                continue;
            }
            if (!use)
                continue;
            r_expr(r, o->a);
            r_expr(r, o->b);
            for (struct expr *e = o->list; e != NULL; e = e->next)
                r_expr(r, e);
            if (o->json != NULL)
                r_json(r, o->json->kind == J_VALUE ? o->json
                                                   : o->json->items);
            for (struct mpart *mp = o->parts; mp != NULL; mp = mp->next)
                r_expr(r, mp->value);
        }
        break;
    case ST_COOKIE:
        if (use) {
            r_expr(r, s->arg);
            r_expr(r, s->expr);
            for (struct mattr *a = s->attrs; a != NULL; a = a->next)
                r_expr(r, a->arg);
        }
        break;
    case ST_IF:
    case ST_REPEAT:
    case ST_WHILE:
    case ST_RETRY:
    case ST_RETURN:
    case ST_GROUP:
        if (use)
            r_expr(r, s->expr);
        r_stmts(r, s->body, use);
        if (s->kind == ST_IF)
            r_stmts(r, s->els, use);
        break;
    case ST_SLEEP:
    case ST_COUNT:
    case ST_RECORD:
        if (use)
            r_expr(r, s->expr);
        break;
    default:
        break;
    }
}

static void r_stmts(struct reach *r, struct stmt *s, int use)
{
    for (; s != NULL; s = s->next)
        r_stmt(r, s, use);
}

typedef void (*body_fn)(struct reach *r, struct stmt *body, int user_start);

/* Calls fn on every body user can run: its on_start first, then its
 * tasks (sets expanded, each once), then its on_stop. */
static void each_body(struct reach *r, struct set *set, int *seen,
                      int stamp, body_fn fn)
{
    int k = set->index;
    if (seen[k] == stamp)
        return;
    seen[k] = stamp;
    fn(r, set->on_start, set == r->user);
    for (int i = 0; i < set->ntasks; i++) {
        struct task *t = set->tasks[i];
        if (t->set != NULL)
            each_body(r, t->set, seen, stamp, fn);
        else
            fn(r, t->body, 0);
    }
    fn(r, set->on_stop, 0);
}

static void count_sets(struct reach *r, struct stmt *body, int user_start)
{
    (void)user_start;
    r->body_stamp++;
    r->counting = 1;
    r_stmts(r, body, 0);
}

static void check_uses(struct reach *r, struct stmt *body, int user_start)
{
    r->body_stamp++;
    r->counting = 0;
    r_stmts(r, body, 0);
    r->in_user_start = user_start;
    r_stmts(r, body, 1);
}

void ck_reach(struct checker *ck)
{
    struct program *pg = ck->prog;
    if (pg->nvars == 0)
        return;
    struct reach r = { 0 };
    r.ck = ck;
    size_t nv = (size_t)pg->nvars;
    r.sets_in = arena_alloc(ck->arena, sizeof(int) * nv);
    r.sets_in_stamp = arena_alloc(ck->arena, sizeof(int) * nv);
    r.here = arena_alloc(ck->arena, sizeof(int) * nv);
    r.set_in_body = arena_alloc(ck->arena, sizeof(int) * nv);
    /* seen[] holds the user's stamp: a set is expanded once per user. */
    int *seen = arena_alloc(ck->arena, sizeof(int) * (size_t)pg->nsets);
    for (int i = 0; i < pg->nsets; i++) {
        if (pg->sets[i]->kind != SET_USER)
            continue;
        r.user = pg->sets[i];
        r.user_stamp = 2 * (r.user->index + 1);
        each_body(&r, r.user, seen, r.user_stamp - 1, count_sets);
        each_body(&r, r.user, seen, r.user_stamp, check_uses);
    }
}
