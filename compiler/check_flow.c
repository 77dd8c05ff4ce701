/*
 * check_flow.c - the control-flow statements (while, retry N, return),
 * weighted choice() arguments and the run-level hooks on_test_start /
 * on_test_stop.
 *
 * Hook bodies belong to no user or set: ck->set is NULL while one is
 * checked, so the statements that act on a set (interrupt, schedule,
 * tag) and `stop` are refused here before check_body.c sees them.  The
 * variables a hook sets are the run's: every user reads them, none sets
 * them (ck_flow_var_set).
 */
#include "check_int.h"
#include "arena.h"

#include <string.h>

int ck_in_test_hook(const struct checker *ck)
{
    return ck->body == BODY_TEST_START || ck->body == BODY_TEST_STOP;
}

static const char *hook_word(const struct checker *ck)
{
    return ck->body == BODY_TEST_START ? "on_test_start" : "on_test_stop";
}

int ck_flow_hook_stmt(struct checker *ck, struct stmt *s)
{
    if (!ck_in_test_hook(ck))
        return 0;
    switch (s->kind) {
    case ST_STOP:
        ck_error(ck, s->span, "'stop' inside %s: it runs outside any user; "
                 "end it early with 'return'%s", hook_word(ck),
                 ck->body == BODY_TEST_START ? " (a failed request in it "
                 "aborts the run)" : "");
        return 1;
    case ST_INTERRUPT:
        ck_error(ck, s->span, "'interrupt' inside %s: it runs outside any "
                 "taskset; end it early with 'return'", hook_word(ck));
        return 1;
    case ST_SCHEDULE:
        ck_error(ck, s->span, "'schedule' inside %s: it runs outside any "
                 "user or taskset", hook_word(ck));
        return 1;
    case ST_TAG:
        ck_error(ck, s->span, "'tag' inside %s: only tasks have tags",
                 hook_word(ck));
        return 1;
    default:
        return 0;
    }
}

void ck_flow_stmt(struct checker *ck, struct stmt *s, ck_block_fn block)
{
    switch (s->kind) {
    case ST_WHILE: {
        enum type t = ck_expr(ck, s->expr);
        if (t != TY_BOOL && t != TY_ERROR && !s->expr->bad)
            ck_error(ck, s->expr->span, "a while condition must be a bool, "
                     "not %s", ck_a_type(t));
        /* A user in on_stop is stopping already: the loop would end after
         * one round (loops end when their user stops). */
        if (ck->body == BODY_ON_STOP)
            ck_error(ck, s->span, "'while' inside on_stop: the user is "
                     "already stopping, so the loop would end at once; use "
                     "'repeat N'");
        else if (ck->body == BODY_TEST_STOP)
            ck_error(ck, s->span, "'while' inside on_test_stop: the run has "
                     "ended, so nothing would end the loop but its "
                     "condition; use 'repeat N'");
        block(ck, s->body, s->span);
        break;
    }
    case ST_RETRY: {
        enum type t = ck_expr(ck, s->expr);
        if (t != TY_INT && t != TY_ERROR && !s->expr->bad)
            ck_error(ck, s->expr->span, "a retry count must be an int (the "
                     "number of tries), not %s", ck_a_type(t));
        else if (s->expr->kind == EX_DURATION)
            ck_error(ck, s->expr->span, "a retry count is a number of "
                     "tries, not a duration");
        else if ((s->expr->kind == EX_INT && s->expr->i < 1)
                 || s->expr->kind == EX_NEG)
            ck_error(ck, s->expr->span, "retry needs at least 1 try (retry N "
                     "runs the block at most N times)");
        /* The tries left live in a frame local, like a repeat counter. */
        ck_counted_block(ck, s, block);
        break;
    }
    case ST_RETURN:
        if (s->expr != NULL) {
            enum type t = ck_expr(ck, s->expr);
            if (t != TY_BOOL && t != TY_ERROR && !s->expr->bad)
                ck_error(ck, s->expr->span, "'return if' needs a bool "
                         "condition, not %s", ck_a_type(t));
        }
        break;
    default:
        break;
    }
}

/* ---- variables of the run ---------------------------------------------- */

void ck_flow_var_set(struct checker *ck, struct var *v, struct span sp)
{
    if (ck_in_test_hook(ck)) {
        if (!v->hook)
            v->hook_span = sp;
        v->hook |= ck->body == BODY_TEST_START ? CK_HOOK_START
                                               : CK_HOOK_STOP;
        return;
    }
    if (v->hook) {
        ck_error(ck, sp, "'%s' is set in on_test_start or on_test_stop: "
                 "users can read it but not set it; copy it first (let "
                 "my_%s = %s)", v->name, v->name, v->name);
        ck_note(ck, v->hook_span, "'%s' is set here, for the whole run",
                v->name);
    }
}

/* ---- choice(3: "a", 1: "b") ---------------------------------------------- */

/* The largest weight: the sum of 64 of them still fits an int64_t. */
#define CK_MAX_WEIGHT 1000000000LL

int ck_flow_weights(struct checker *ck, struct expr *call)
{
    int weighted = 0, plain = 0, ok = 1;
    for (struct expr *a = call->args; a != NULL; a = a->next)
        a->weight != NULL ? weighted++ : plain++;
    if (weighted == 0)
        return 1;
    if (strcmp(call->name, "choice") != 0) {
        for (struct expr *a = call->args; a != NULL; a = a->next)
            if (a->weight != NULL) {
                ck_error(ck, a->weight->span, "only choice() takes weights "
                         "('WEIGHT: value'); %s() does not", call->name);
                break;
            }
        return 0;
    }
    if (plain > 0) {
        for (struct expr *a = call->args; a != NULL; a = a->next)
            if (a->weight == NULL) {
                ck_error(ck, a->span, "this choice() value has no weight: "
                         "give every value one ('1: value') or none");
                break;
            }
        ok = 0;
    }
    for (struct expr *a = call->args; a != NULL; a = a->next) {
        struct expr *w = a->weight;
        if (w == NULL)
            continue;
        if (w->kind != EX_INT) {
            const char *src = ck->prog->src->text + w->span.beg;
            ck_error(ck, w->span, "a choice() weight must be a whole number "
                     "greater than 0, written as is, not '%.*s'",
                     (int)(w->span.end - w->span.beg), src);
            ok = 0;
        } else if (w->i < 1 || w->i > CK_MAX_WEIGHT) {
            ck_error(ck, w->span, "a choice() weight must be from 1 to %lld, "
                     "not %lld%s", CK_MAX_WEIGHT, (long long)w->i,
                     w->i == 0 ? " (leave a value out rather than give it "
                     "weight 0)" : "");
            ok = 0;
        }
    }
    return ok;
}

/* ---- on_test_start { } and on_test_stop { } ------------------------------ */

void ck_test_hook_decl(struct checker *ck, struct decl *d,
                       struct decl **seen_start, struct decl **seen_stop)
{
    int start = d->kind == D_TEST_START;
    struct decl **seen = start ? seen_start : seen_stop;
    const char *word = start ? "on_test_start" : "on_test_stop";
    if (*seen != NULL) {
        ck_error(ck, d->name_span, "a scenario has one %s block", word);
        ck_note(ck, (*seen)->name_span, "the first one is here");
        return;
    }
    *seen = d;
    if (start) {
        ck->prog->test_start = d->stmt;
        ck->prog->has_test_start = 1;
        ck->prog->test_start_at = d->name_span;
    } else {
        ck->prog->test_stop = d->stmt;
        ck->prog->has_test_stop = 1;
        ck->prog->test_stop_at = d->name_span;
    }
}

void ck_test_hook_bodies(struct checker *ck)
{
    struct program *pg = ck->prog;
    if (pg->has_test_start)
        ck_body(ck, NULL, BODY_TEST_START, NULL, pg->test_start);
    if (pg->has_test_stop)
        ck_body(ck, NULL, BODY_TEST_STOP, NULL, pg->test_stop);
}
