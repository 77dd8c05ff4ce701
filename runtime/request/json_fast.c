/*
 * json_fast.c - the common case of a JSON capture, without jansson.
 *
 * `capture id = json "$.id"` on a reply like {"id":42,"ok":true} is what
 * realistic scenarios do on most requests, and through jansson it costs a
 * parse into a document (an allocation per value, a hash table per
 * object) and its deletion: ~6,700 instructions for a 19-byte body.  This
 * reads the body once, allocating nothing, and answers only when the
 * answer is certainly jansson's:
 *
 *   - the body is one JSON value, an object, in a strict subset of JSON:
 *     strings of printable ASCII without escapes, numbers of at most 15
 *     characters without an exponent (no overflow, so jansson's retry
 *     with integers read as reals never happens), nesting depth <= 16;
 *     anything else (escapes, UTF-8, long numbers, a syntax error) is
 *     left to jansson, which also words the errors;
 *   - the path is one plain member name; the member found last wins, as
 *     in jansson's object (a repeated key replaces the value);
 *   - the value is a string (its bytes), an integer in canonical form (its
 *     digits; "-0" is left to jansson, which reads it as 0), true, false
 *     or null: the text json_text (check.c) would give.
 */
#include <string.h>
#include "json_fast.h"

#define MAX_DEPTH 16
#define MAX_NUMBER 15

struct scan {
    const char *p, *end;
    /* the member looked for, at the top level only */
    const char *name;
    size_t name_len;
    const char *val;            /* the last match's text, or NULL */
    size_t val_len;
};

static void ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
                             *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* A string at s->p ('"'): its bytes in *b, *n.  0, or -1 (not simple). */
static int string(struct scan *s, const char **b, size_t *n)
{
    const char *q = ++s->p;
    while (q < s->end && *q != '"') {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20 || c >= 0x7f || c == '\\')
            return -1;
        q++;
    }
    if (q == s->end)
        return -1;
    *b = s->p;
    *n = (size_t)(q - s->p);
    s->p = q + 1;
    return 0;
}

/* A number: 0 and *is_int, or -1. */
static int number(struct scan *s, int *is_int)
{
    const char *q = s->p;
    if (q < s->end && *q == '-')
        q++;
    if (q == s->end || *q < '0' || *q > '9')
        return -1;
    if (*q == '0')
        q++;
    else
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
    *is_int = 1;
    if (q < s->end && *q == '.') {
        const char *d = ++q;
        while (q < s->end && *q >= '0' && *q <= '9')
            q++;
        if (q == d)
            return -1;
        *is_int = 0;
    }
    if (q < s->end && (*q == 'e' || *q == 'E'))
        return -1;
    if (q - s->p > MAX_NUMBER)
        return -1;
    s->p = q;
    return 0;
}

static int literal(struct scan *s, const char *w, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n))
        return -1;
    s->p += n;
    return 0;
}

static int value(struct scan *s, int depth, const char **text, size_t *tlen);

/* An object or array at s->p; at depth 1 (the body's object) members
 * called s->name are noted. */
static int container(struct scan *s, int depth)
{
    char close = *s->p == '{' ? '}' : ']';
    if (depth > MAX_DEPTH)
        return -1;
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 0;
    }
    for (;;) {
        const char *key = NULL;
        size_t klen = 0;
        if (close == '}') {
            if (s->p == s->end || *s->p != '"' || string(s, &key, &klen))
                return -1;
            ws(s);
            if (s->p == s->end || *s->p != ':')
                return -1;
            s->p++;
            ws(s);
        }
        const char *t;
        size_t tl;
        if (value(s, depth, &t, &tl))
            return -1;
        if (depth == 1 && key && klen == s->name_len &&
            !memcmp(key, s->name, klen)) {
            s->val = t;         /* NULL: a value this does not give */
            s->val_len = tl;
        }
        ws(s);
        if (s->p == s->end)
            return -1;
        if (*s->p == close) {
            s->p++;
            return 0;
        }
        if (*s->p != ',')
            return -1;
        s->p++;
        ws(s);
    }
}

/* A value at s->p: 0 and, for a value a capture can take as is, its text
 * (else *text = NULL); -1 when not in the subset. */
static int value(struct scan *s, int depth, const char **text, size_t *tlen)
{
    *text = NULL;
    *tlen = 0;
    if (s->p == s->end)
        return -1;
    const char *start = s->p;
    switch (*s->p) {
    case '"':
        return string(s, text, tlen);
    case '{':
    case '[':
        return container(s, depth + 1);
    case 't':
        if (literal(s, "true", 4))
            return -1;
        break;
    case 'f':
        if (literal(s, "false", 5))
            return -1;
        break;
    case 'n':
        if (literal(s, "null", 4))
            return -1;
        break;
    default: {
        int is_int;
        if (number(s, &is_int))
            return -1;
        if (!is_int || (s->p - start == 2 && start[0] == '-' &&
                        start[1] == '0'))
            return 0;           /* jansson's text for it differs */
        break;
    }
    }
    *text = start;
    *tlen = (size_t)(s->p - start);
    return 0;
}

int sw__json_fast_get(const char *body, size_t len, const char *path,
                      const char **val, size_t *val_len)
{
    if (path[0] == '$') {
        if (path[1] != '.')
            return 0;
        path += 2;
    }
    size_t n = 0;
    for (; path[n]; n++) {
        char c = path[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    if (n == 0 || !body)
        return 0;
    struct scan s = { body, body + len, path, n, NULL, 0 };
    int found;
    ws(&s);
    if (s.p == s.end || *s.p != '{')
        return 0;
    /* a match is noted with its text, or NULL for one to leave to
     * jansson; `found` says whether any member matched */
    const char *none = "";
    s.val = none;
    if (container(&s, 1))
        return 0;
    ws(&s);
    if (s.p != s.end)
        return 0;
    found = s.val != none;
    if (!found || s.val == NULL)
        return 0;
    *val = s.val;
    *val_len = s.val_len;
    return 1;
}
