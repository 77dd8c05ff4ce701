/*
 * jsonpath.h - the small JSONPath subset used by `expect json` and
 * `capture ... = json` (internal).
 *
 *   $                 the whole document
 *   $.a.b             object members (a name runs up to '.', '[' or ']')
 *   $['a b']  $["a"]  members with any characters (\' \" \\ escapes)
 *   $.items[0]        array elements; [-1] is the last one
 *
 * The leading '$' may be left out ("token" is "$.token").  No wildcards,
 * filters, slices or recursive descent.
 */
#ifndef SW_JSONPATH_H
#define SW_JSONPATH_H

#include <jansson.h>

enum sw__jp_result {
    SW_JP_FOUND = 0,
    SW_JP_MISSING = 1,      /* a well-formed path that leads nowhere */
    SW_JP_INVALID = -1      /* the path itself is malformed */
};

/*
 * Looks path up in root (borrowed; may be NULL to only check the syntax).
 * On SW_JP_FOUND *out is a borrowed reference into root.
 */
enum sw__jp_result sw__jsonpath_get(const json_t *root, const char *path,
                                    json_t **out);

#endif /* SW_JSONPATH_H */
