/*
 * jsonpath.h - the grammar of the JSONPath subset that `expect json` and
 * `capture ... = json` take, parsed step by step (internal).  The runtime
 * walks documents with it (runtime/jsonpath.c) and the compiler's checker
 * validates literal paths with it, so the checker accepts exactly the
 * paths the runtime runs.
 *
 *   $                 the whole document
 *   $.a.b             object members (a name runs up to '.', '[' or ']')
 *   $['a b']  $["a"]  members with any characters (\' \" \\ escapes)
 *   $.items[0]        array elements; [-1] is the last one
 *
 * The leading '$' may be left out ("token" is "$.token").  No wildcards,
 * filters, slices or recursive descent.  The parser allocates nothing.
 */
#ifndef SW_UTIL_JSONPATH_H
#define SW_UTIL_JSONPATH_H

#include <stddef.h>

enum sw__jp_step_kind {
    SW__JP_END = 0,             /* the path is done */
    SW__JP_MEMBER,              /* an object member: name, len */
    SW__JP_INDEX,               /* an array element: index */
    SW__JP_ERROR                /* malformed: why, at */
};

struct sw__jp_step {
    enum sw__jp_step_kind kind;
    /* MEMBER: the name's bytes in the path (borrowed); when `quoted`, a
     * ['...'] name still carrying its backslash escapes: sw__jp_unescape
     * gives the name itself. */
    const char *name;
    size_t len;
    int quoted;
    long long index;            /* INDEX: negative counts from the end */
    const char *why;            /* ERROR: the reason (static text) */
    size_t at;                  /* ERROR: the offset of the bad step */
};

/* The parse position in a path (borrowed for the cursor's life). */
struct sw__jp_cursor {
    const char *path;
    const char *p;
    int bare_name;              /* the first name comes without '.' */
};

/* Starts parsing path; the first sw__jp_next reports an empty path. */
void sw__jp_start(struct sw__jp_cursor *c, const char *path);
/* The next step into *st; returns st->kind.  After SW__JP_END or
 * SW__JP_ERROR the cursor stays where it is. */
enum sw__jp_step_kind sw__jp_next(struct sw__jp_cursor *c,
                                  struct sw__jp_step *st);
/* Writes a quoted MEMBER's name without its escapes to out (borrowed;
 * room for st->len bytes, no NUL written) and returns its length. */
size_t sw__jp_unescape(const struct sw__jp_step *st, char *out);
/* Why path is malformed (static text, *at its offset), or NULL. */
const char *sw__jp_error(const char *path, size_t *at);

#endif /* SW_UTIL_JSONPATH_H */
