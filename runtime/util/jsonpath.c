/*
 * jsonpath.c - the JSONPath subset's parser (see jsonpath.h).
 */
#include "jsonpath.h"

#include <stdlib.h>

void sw__jp_start(struct sw__jp_cursor *c, const char *path)
{
    c->path = path;
    c->p = path;
    /* "token" means "$.token": the first name is read as after a dot. */
    c->bare_name = path != NULL && *path != '\0' && *path != '$' &&
                   *path != '.' && *path != '[';
    if (path != NULL && *path == '$')
        c->p++;
}

static enum sw__jp_step_kind fail(struct sw__jp_step *st, const char *why,
                                  size_t at)
{
    st->kind = SW__JP_ERROR;
    st->why = why;
    st->at = at;
    return st->kind;
}

enum sw__jp_step_kind sw__jp_next(struct sw__jp_cursor *c,
                                  struct sw__jp_step *st)
{
    const char *p = c->p;
    st->quoted = 0;
    if (c->path == NULL || *c->path == '\0')
        return fail(st, "the path is empty", 0);
    size_t at = (size_t)(p - c->path);
    if (*p == '\0') {
        st->kind = SW__JP_END;
        return st->kind;
    }
    if (c->bare_name || *p == '.') {
        const char *name = c->bare_name ? p : ++p;
        while (*p != '\0' && *p != '.' && *p != '[' && *p != ']')
            p++;
        if (p == name)
            return fail(st, *p == '.' ? "'..' (recursive descent) is not "
                        "supported" : "a member name is missing after '.'",
                        at);
        c->bare_name = 0;
        st->kind = SW__JP_MEMBER;
        st->name = name;
        st->len = (size_t)(p - name);
    } else if (*p == '[') {
        p++;
        if (*p == '\'' || *p == '"') {
            char quote = *p++;
            const char *name = p;
            while (*p != '\0' && *p != quote) {
                if (*p == '\\' && p[1] != '\0')
                    p++;
                p++;
            }
            if (*p != quote)
                return fail(st, "unterminated quoted name", at);
            st->kind = SW__JP_MEMBER;
            st->name = name;
            st->len = (size_t)(p - name);
            st->quoted = 1;
            p++;
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            char *end;
            long long index = strtoll(p, &end, 10);
            if (end == p || (*p == '-' && end == p + 1))
                return fail(st, "an index needs digits", at);
            st->kind = SW__JP_INDEX;
            st->index = index;
            p = end;
        } else {
            return fail(st, "'[' takes an index or a quoted name "
                        "(wildcards, slices and filters are not supported)",
                        at);
        }
        if (*p != ']')
            return fail(st, "missing ']'", at);
        p++;
    } else {
        return fail(st, "expected '.' or '['", at);
    }
    c->p = p;
    return st->kind;
}

size_t sw__jp_unescape(const struct sw__jp_step *st, char *out)
{
    const char *q = st->name;
    const char *end = st->name + st->len;
    size_t n = 0;
    for (; q < end; q++) {
        if (st->quoted && *q == '\\' && q + 1 < end)
            q++;
        out[n++] = *q;
    }
    return n;
}

const char *sw__jp_error(const char *path, size_t *at)
{
    struct sw__jp_cursor c;
    struct sw__jp_step st;
    sw__jp_start(&c, path);
    while (sw__jp_next(&c, &st) != SW__JP_END) {
        if (st.kind == SW__JP_ERROR) {
            *at = st.at;
            return st.why;
        }
    }
    return NULL;
}
