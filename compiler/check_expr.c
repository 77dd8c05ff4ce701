/*
 * check_expr.c - types of expressions, variables and built-in functions.
 *
 * Types: int (also durations, in ms), string, bool, and row (a feeder row,
 * read with .column).  `+` with a string on either side concatenates (ints
 * and bools are formatted); the other arithmetic is int only; comparisons
 * need equal types, and ordering needs ints; && || ! need bools.
 */
#include "check_int.h"
#include "arena.h"

#include <string.h>

const char *ck_a_type(enum type t)
{
    return t == TY_INT ? "an int" : t == TY_STR ? "a string"
         : t == TY_BOOL ? "a bool" : t == TY_ROW ? "a row" : "an error";
}

const char *ck_type_name(enum type t)
{
    switch (t) {
    case TY_INT: return "int";
    case TY_STR: return "string";
    case TY_BOOL: return "bool";
    case TY_ROW: return "row";
    case TY_ERROR: break;
    }
    return "error";
}

struct var *ck_var_find(struct checker *ck, const char *name)
{
    int i = symtab_get(&ck->var_tab, 0, name);
    return i < 0 ? NULL : &ck->prog->vars[i];
}

int ck_var_set(struct checker *ck, const char *name, struct span sp,
               enum type t, int feeder)
{
    struct program *pg = ck->prog;
    struct var *v = ck_var_find(ck, name);
    if (v == NULL) {
        pg->vars = arena_grow(ck->arena, pg->vars, pg->nvars, &ck->var_cap,
                              sizeof(struct var));
        v = &pg->vars[pg->nvars++];
        v->name = name;
        v->type = TY_ERROR;
        v->feeder = -1;
        v->first = sp;
        symtab_put(&ck->var_tab, ck->arena, 0, name, pg->nvars - 1);
    }
    ck_flow_var_set(ck, v, sp);
    if (t == TY_ERROR)
        return (int)(v - pg->vars);
    if (v->type == TY_ERROR) {
        v->type = t;
        v->feeder = feeder;
        v->first = sp;
        ck->changed = 1;
    } else if (v->type != t) {
        ck_error(ck, sp, "'%s' holds %s, so it cannot be set to %s",
                 name, ck_a_type(v->type), ck_a_type(t));
        ck_note(ck, v->first, "'%s' first set here", name);
    } else if (t == TY_ROW && v->feeder != feeder) {
        ck_error(ck, sp, "'%s' holds rows of '%s', so it cannot hold rows "
                 "of '%s'", name, pg->feeders[v->feeder].name,
                 pg->feeders[feeder].name);
        ck_note(ck, v->first, "'%s' first set here", name);
    }
    return (int)(v - pg->vars);
}

struct feeder *ck_feeder_find(struct checker *ck, const char *name)
{
    int i = symtab_get(&ck->feeder_tab, 0, name);
    return i < 0 ? NULL : &ck->prog->feeders[i];
}

/* Regexes are compiled once at start-up, so they must be literal. */
int ck_regex(struct checker *ck, struct expr *e)
{
    struct str s;
    if (!ast_str_literal(e, &s)) {
        ck_error(ck, e->span, "a regular expression must be a plain "
                 "string, without ${...}");
        return -1;
    }
    if (ck_regex_valid(ck, s, e->span) != 0)
        return -1;
    struct program *pg = ck->prog;
    for (int i = 0; i < pg->nregexes; i++)
        if (pg->regexes[i].len == s.len
            && memcmp(pg->regexes[i].s, s.s, s.len) == 0)
            return i;
    pg->regexes = arena_grow(ck->arena, pg->regexes, pg->nregexes,
                             &ck->regex_cap, sizeof(struct str));
    pg->regexes[pg->nregexes] = s;
    return pg->nregexes++;
}

static int env_index(struct checker *ck, struct str name, struct str *fb)
{
    struct program *pg = ck->prog;
    for (int i = 0; i < pg->nenvs; i++) {
        struct env_def *d = &pg->envs[i];
        if (d->name.len == name.len && memcmp(d->name.s, name.s, name.len) == 0
            && d->has_fallback == (fb != NULL)
            && (fb == NULL || (d->fallback.len == fb->len
                               && memcmp(d->fallback.s, fb->s, fb->len) == 0)))
            return i;
    }
    pg->envs = arena_grow(ck->arena, pg->envs, pg->nenvs, &ck->env_cap,
                          sizeof(struct env_def));
    struct env_def *d = &pg->envs[pg->nenvs];
    d->name = name;
    if (fb != NULL) {
        d->fallback = *fb;
        d->has_fallback = 1;
    }
    return pg->nenvs++;
}

static int count_args(const struct expr *e)
{
    int n = 0;
    for (const struct expr *a = e->args; a != NULL; a = a->next)
        n++;
    return n;
}

static const char *const builtin_names[] = {
    "random", "choice", "uuid", "env", "now", "next", NULL
};

static int want_args(struct checker *ck, struct expr *e, int lo, int hi,
                     const char *usage)
{
    int n = count_args(e);
    if (n < lo || (hi >= 0 && n > hi)) {
        ck_error(ck, e->span, "wrong number of arguments to '%s'; "
                 "write %s", e->name, usage);
        return 0;
    }
    return 1;
}

static enum type call(struct checker *ck, struct expr *e)
{
    const char *n = e->name;
    int known = 0;
    for (int i = 0; builtin_names[i] != NULL; i++)
        known |= strcmp(builtin_names[i], n) == 0;
    if (!known) {
        /* Its arguments would only add noise. */
        ck_unknown(ck, e->name_span, "function", n, builtin_names);
        return TY_ERROR;
    }
    if (!ck_flow_weights(ck, e))
        return TY_ERROR;
    if (strcmp(n, "next") == 0) {
        e->builtin = BI_NEXT;
        if (!want_args(ck, e, 1, 1, "next(FEEDER)"))
            return TY_ERROR;
        struct expr *a = e->args;
        struct feeder *f = a->kind == EX_VAR ? ck_feeder_find(ck, a->name)
                                             : NULL;
        if (f == NULL) {
            if (a->kind == EX_VAR) {
                const char **cands = arena_alloc(ck->arena, sizeof(char *)
                    * (size_t)(ck->prog->nfeeders + 1));
                for (int i = 0; i < ck->prog->nfeeders; i++)
                    cands[i] = ck->prog->feeders[i].name;
                ck_unknown(ck, a->span, "feeder", a->name, cands);
            } else {
                ck_error(ck, a->span, "next() takes the name of a feeder "
                         "declared with 'data'");
            }
            return TY_ERROR;
        }
        e->index = (int)(f - ck->prog->feeders);
        e->feeder = e->index;
        return TY_ROW;
    }
    for (struct expr *a = e->args; a != NULL; a = a->next)
        ck_expr(ck, a);
    if (strcmp(n, "random") == 0) {
        e->builtin = BI_RANDOM;
        if (!want_args(ck, e, 2, 2, "random(LOW, HIGH)"))
            return TY_ERROR;
        for (struct expr *a = e->args; a != NULL; a = a->next)
            if (a->type != TY_INT && a->type != TY_ERROR)
                ck_error(ck, a->span, "random() needs int bounds, not %s",
                         ck_a_type(a->type));
        struct expr *lo = e->args;
        struct expr *hi = lo->next;
        if (lo->kind == EX_INT && hi->kind == EX_INT && lo->i > hi->i)
            ck_error(ck, e->span, "random(%lld, %lld): the low bound is "
                     "above the high one", (long long)lo->i,
                     (long long)hi->i);
        return TY_INT;
    }
    if (strcmp(n, "choice") == 0) {
        e->builtin = BI_CHOICE;
        if (!want_args(ck, e, 1, 64, "choice(A, B, ...) with 1 to 64 values"))
            return TY_ERROR;
        enum type t = e->args->type;
        if (t != TY_INT && t != TY_STR) {
            if (t != TY_ERROR)
                ck_error(ck, e->args->span, "choice() picks ints or "
                         "strings, not %s", ck_a_type(t));
            return TY_ERROR;
        }
        for (struct expr *a = e->args->next; a != NULL; a = a->next)
            if (a->type != t && a->type != TY_ERROR) {
                ck_error(ck, a->span, "choice() values must all have the "
                         "same type: this is %s, the first %s",
                         ck_a_type(a->type), ck_a_type(t));
                return TY_ERROR;
            }
        return t;
    }
    if (strcmp(n, "uuid") == 0) {
        e->builtin = BI_UUID;
        return want_args(ck, e, 0, 0, "uuid()") ? TY_STR : TY_ERROR;
    }
    if (strcmp(n, "now") == 0) {
        e->builtin = BI_NOW;
        return want_args(ck, e, 0, 0, "now()") ? TY_INT : TY_ERROR;
    }
    if (strcmp(n, "env") == 0) {
        e->builtin = BI_ENV;
        if (!want_args(ck, e, 1, 2, "env(\"NAME\") or env(\"NAME\", "
                       "\"default\")"))
            return TY_ERROR;
        /* Resolved once at start-up, so both must be known now. */
        struct str name, fb;
        if (!ast_str_literal(e->args, &name) || name.len == 0) {
            ck_error(ck, e->args->span, "env() takes the variable's name as "
                     "a plain string");
            return TY_ERROR;
        }
        int has_fb = e->args->next != NULL;
        if (has_fb && !ast_str_literal(e->args->next, &fb)) {
            ck_error(ck, e->args->next->span, "env()'s default must be a "
                     "plain string");
            return TY_ERROR;
        }
        e->index = env_index(ck, name, has_fb ? &fb : NULL);
        return TY_STR;
    }
    return TY_ERROR;            /* not reached: every name is handled */
}

static enum type variable(struct checker *ck, struct expr *e)
{
    struct var *v = ck_var_find(ck, e->name);
    if (v != NULL) {
        e->index = (int)(v - ck->prog->vars);
        e->feeder = v->feeder;
        return v->type;
    }
    if (ck_feeder_find(ck, e->name) != NULL) {
        ck_error(ck, e->span, "'%s' is a feeder: take a row with "
                 "next(%s)", e->name, e->name);
        return TY_ERROR;
    }
    for (int i = 0; builtin_names[i] != NULL; i++)
        if (strcmp(builtin_names[i], e->name) == 0) {
            ck_error(ck, e->span, "'%s' is a function: call it as %s(...)",
                     e->name, e->name);
            return TY_ERROR;
        }
    const char *cands[129];
    int k = 0;
    for (int i = 0; i < ck->prog->nvars && k < 128; i++)
        cands[k++] = ck->prog->vars[i].name;
    cands[k] = NULL;
    const char *s = diag_suggest(e->name, cands);
    if (s != NULL)
        ck_error(ck, e->span, "unknown variable '%s'; did you mean '%s'?",
                 e->name, s);
    else
        ck_error(ck, e->span, "unknown variable '%s' (set it with let or "
                 "capture)", e->name);
    return TY_ERROR;
}

static enum type field(struct checker *ck, struct expr *e)
{
    enum type t = ck_expr(ck, e->lhs);
    if (t == TY_ERROR)
        return TY_ERROR;
    if (t != TY_ROW || e->lhs->feeder < 0) {
        ck_error(ck, e->name_span, "'.%s': only a feeder row has columns, "
                 "and this is %s", e->name, ck_a_type(t));
        return TY_ERROR;
    }
    struct feeder *f = &ck->prog->feeders[e->lhs->feeder];
    if (f->columns == NULL)
        return TY_ERROR;        /* its file could not be read */
    for (int i = 0; i < f->ncolumns; i++)
        if (strcmp(f->columns[i], e->name) == 0) {
            e->index = i;
            return TY_STR;
        }
    const char **cands = arena_alloc(ck->arena, sizeof(char *)
                                     * (size_t)(f->ncolumns + 1));
    memcpy(cands, f->columns, sizeof(char *) * (size_t)f->ncolumns);
    const char *s = diag_suggest(e->name, cands);
    if (s != NULL)
        ck_error(ck, e->name_span, "'%.*s' has no column '%s'; did you mean "
                 "'%s'?", (int)f->path.len, f->path.s, e->name, s);
    else
        ck_error(ck, e->name_span, "'%.*s' has no column '%s'",
                 (int)f->path.len, f->path.s, e->name);
    ck_note(ck, f->span, "feeder '%s' declared here", f->name);
    return TY_ERROR;
}

/* The type an operator gives whatever its operands: every operator but
 * `+` has one, and `+` with a string on one side is a string.  Used when
 * an operand has an error, so that a variable set from the expression
 * still gets its type and its uses are checked: in `let s = "a${s - 1}"`,
 * s is a string, so `s - 1` is an error (without this, s stayed untyped
 * and went unchecked). */
static enum type result_type(const struct expr *e, enum type l, enum type r)
{
    switch (e->op) {
    case OP_ADD:
        return l == TY_STR || r == TY_STR ? TY_STR : TY_ERROR;
    case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
        return TY_INT;
    default:
        return TY_BOOL;
    }
}

static enum type binary(struct checker *ck, struct expr *e)
{
    enum type l = ck_expr(ck, e->lhs);
    enum type r = ck_expr(ck, e->rhs);
    if (l == TY_ERROR || r == TY_ERROR)
        return result_type(e, l, r);
    static const char *const op_text[] = {
        "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||"
    };
    const char *op = op_text[e->op];
    switch (e->op) {
    case OP_ADD:
        if (l == TY_INT && r == TY_INT)
            return TY_INT;
        if ((l == TY_STR && r != TY_ROW) || (r == TY_STR && l != TY_ROW))
            return TY_STR;
        break;
    case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
        if (l == TY_INT && r == TY_INT) {
            if ((e->op == OP_DIV || e->op == OP_MOD) && e->rhs->kind == EX_INT
                && e->rhs->i == 0) {
                ck_error(ck, e->rhs->span, "division by zero");
            }
            return TY_INT;
        }
        break;
    case OP_EQ: case OP_NE:
        if (l == r && l != TY_ROW)
            return TY_BOOL;
        break;
    case OP_LT: case OP_LE: case OP_GT: case OP_GE:
        if (l == TY_INT && r == TY_INT)
            return TY_BOOL;
        break;
    case OP_AND: case OP_OR:
        if (l == TY_BOOL && r == TY_BOOL)
            return TY_BOOL;
        break;
    }
    ck_error(ck, e->span, "invalid operands to '%s' (%s and %s)", op,
             ck_type_name(l), ck_type_name(r));
    return result_type(e, l, r);
}

/* The expression's type, even when something inside it is wrong, or
 * TY_ERROR when it has none. */
static enum type expr(struct checker *ck, struct expr *e)
{
    enum type t = TY_ERROR;
    switch (e->kind) {
    case EX_INT:
        t = TY_INT;
        break;
    case EX_BOOL:
        t = TY_BOOL;
        break;
    case EX_DURATION:
        t = ck_duration(ck, e->text, e->span, &e->i) == 0 ? TY_INT
                                                          : TY_ERROR;
        break;
    case EX_STATUS:
    case EX_USER_ID:
        t = TY_INT;
        break;
    case EX_FAILED:
        t = TY_BOOL;
        break;
    case EX_STR:
        /* A string whatever its pieces hold. */
        t = TY_STR;
        for (struct str_part *p = e->parts; p != NULL; p = p->next) {
            if (p->expr == NULL)
                continue;
            enum type pt = ck_expr(ck, p->expr);
            if (pt == TY_ROW) {
                ck_error(ck, p->expr->span, "a row cannot be put in a "
                         "string; take one of its columns (.name)");
            }
        }
        break;
    case EX_VAR:
        t = variable(ck, e);
        break;
    case EX_FIELD:
        t = field(ck, e);
        break;
    case EX_CALL:
        t = call(ck, e);
        break;
    case EX_BINARY:
        t = binary(ck, e);
        break;
    case EX_NOT:
    case EX_NEG: {
        enum type want = e->kind == EX_NOT ? TY_BOOL : TY_INT;
        enum type lt = ck_expr(ck, e->lhs);
        if (lt != want && lt != TY_ERROR)
            ck_error(ck, e->span, "'%c' needs %s, not %s",
                     e->kind == EX_NOT ? '!' : '-', ck_a_type(want),
                     ck_a_type(lt));
        t = want;
        break;
    }
    }
    return t;
}

/* Sets e->type, and e->bad when an error was reported inside e (never
 * while quiet).  TY_ERROR without bad is a variable of unknown type: see
 * the end of bodies() in check.c. */
enum type ck_expr(struct checker *ck, struct expr *e)
{
    int errors = ck->diag->errors;
    if (ck->expr_depth == 0)
        ck->too_deep = 0;
    if (ck->expr_depth >= CK_MAX_EXPR_DEPTH) {
        /* Once per statement-level expression; its parts go unchecked, so
         * no later pass recurses deeper than this either. */
        if (!ck->too_deep)
            ck_error(ck, e->span, "expression nested too deeply (more than "
                     "%d levels of operators, parentheses and ${...}); "
                     "split it with let", CK_MAX_EXPR_DEPTH);
        ck->too_deep = 1;
        e->bad = ck->diag->errors > errors;
        e->type = TY_ERROR;
        return TY_ERROR;
    }
    ck->expr_depth++;
    enum type t = expr(ck, e);
    ck->expr_depth--;
    e->bad = ck->diag->errors > errors;
    e->type = t;
    return t;
}
