/*
 * json_lookup.c - walks a JSONPath subset (see json_lookup.h) over
 * jansson values.
 *
 * The path is parsed (util/jsonpath.c, the parser the compiler's checker
 * uses too) while it is walked, with no allocation for the common cases;
 * the whole path is always parsed, even after the walk has left the
 * document, so that a malformed path is reported as such every time.
 */
#include <stdlib.h>
#include <string.h>

#include "json_lookup.h"
#include "util/jsonpath.h"

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

enum sw__jp_result sw__jsonpath_get(const json_t *root, const char *path,
                                    json_t **out)
{
    /* Cast away const only to hand out a borrowed reference, as jansson's
     * own getters do. */
    json_t *cur = (json_t *)root;
    struct sw__jp_cursor c;
    struct sw__jp_step st;

    sw__jp_start(&c, path);
    while (sw__jp_next(&c, &st) != SW__JP_END) {
        switch (st.kind) {
        case SW__JP_MEMBER:
            if (!st.quoted) {
                cur = member(cur, st.name, st.len);
            } else if (cur != NULL) {
                /* A quoted name without its escapes, on the stack for
                 * the common short names. */
                char small[128];
                char *key = st.len < sizeof(small) ? small
                                                   : malloc(st.len + 1);
                if (key == NULL) {
                    /* Out of memory: not found rather than crash a user. */
                    cur = NULL;
                    break;
                }
                cur = member(cur, key, sw__jp_unescape(&st, key));
                if (key != small)
                    free(key);
            }
            break;
        case SW__JP_INDEX:
            cur = element(cur, st.index);
            break;
        default:
            return SW_JP_INVALID;
        }
    }
    if (cur == NULL)
        return SW_JP_MISSING;
    if (out != NULL)
        *out = cur;
    return SW_JP_FOUND;
}
