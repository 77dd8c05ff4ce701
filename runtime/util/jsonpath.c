/*
 * jsonpath.c - walks a JSONPath subset (see jsonpath.h) over jansson values.
 *
 * The path is parsed while it is walked, with no allocation for the common
 * cases; the whole path is always parsed, even after the walk has left the
 * document, so that a malformed path is reported as such every time.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"

/* Member `key` (len bytes) of cur, or NULL. */
static json_t *member(const json_t *cur, const char *key, size_t len)
{
    if (cur == NULL || !json_is_object(cur))
        return NULL;
    return json_object_getn(cur, key, len);
}

/* Element `index` of cur (negative counts from the end), or NULL. */
static json_t *element(const json_t *cur, long long index)
{
    if (cur == NULL || !json_is_array(cur))
        return NULL;
    long long n = (long long)json_array_size(cur);
    if (index < 0)
        index += n;
    if (index < 0 || index >= n)
        return NULL;
    return json_array_get(cur, (size_t)index);
}

/* Parses a quoted key at *pp (at the quote), unescaping into a buffer of
 * its own; returns the member of cur or NULL, and sets *ok = 0 on a
 * syntax error.  *pp ends after the closing quote. */
static json_t *quoted_member(const json_t *cur, const char **pp, int *ok)
{
    const char *p = *pp;
    char quote = *p++;
    const char *start = p;
    size_t raw = 0;

    while (*p != '\0' && *p != quote) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        p++;
        raw++;
    }
    if (*p != quote) {
        *ok = 0;
        return NULL;
    }
    *pp = p + 1;

    char small[128];
    char *key = raw < sizeof(small) ? small : malloc(raw + 1);
    if (key == NULL) {
        /* Out of memory: treat as not found rather than crash a user. */
        return NULL;
    }
    size_t n = 0;
    for (const char *q = start; q < p; q++) {
        if (*q == '\\' && q + 1 < p)
            q++;
        key[n++] = *q;
    }
    json_t *v = member(cur, key, n);
    if (key != small)
        free(key);
    return v;
}

enum sw__jp_result sw__jsonpath_get(const json_t *root, const char *path,
                                    json_t **out)
{
    const char *p = path;
    /* Cast away const only to hand out a borrowed reference, as jansson's
     * own getters do. */
    json_t *cur = (json_t *)root;
    int ok = 1;

    if (p == NULL || *p == '\0')
        return SW_JP_INVALID;
    /* "token" means "$.token": the first name is read as after a dot. */
    int bare_name = *p != '$' && *p != '.' && *p != '[';
    if (*p == '$')
        p++;
    while (ok && *p != '\0') {
        if (bare_name || *p == '.') {
            const char *name = bare_name ? p : ++p;
            bare_name = 0;
            while (*p != '\0' && *p != '.' && *p != '[' && *p != ']')
                p++;
            if (p == name)
                return SW_JP_INVALID;
            cur = member(cur, name, (size_t)(p - name));
        } else if (*p == '[') {
            p++;
            if (*p == '\'' || *p == '"') {
                cur = quoted_member(cur, &p, &ok);
            } else {
                char *end;
                if (!(*p == '-' || (*p >= '0' && *p <= '9')))
                    return SW_JP_INVALID;
                long long index = strtoll(p, &end, 10);
                if (end == p || (*p == '-' && end == p + 1))
                    return SW_JP_INVALID;
                p = end;
                cur = element(cur, index);
            }
            if (!ok || *p != ']')
                return SW_JP_INVALID;
            p++;
        } else {
            return SW_JP_INVALID;
        }
    }
    if (!ok)
        return SW_JP_INVALID;
    if (cur == NULL)
        return SW_JP_MISSING;
    if (out != NULL)
        *out = cur;
    return SW_JP_FOUND;
}
