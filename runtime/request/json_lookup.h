/*
 * json_lookup.h - looks a JSONPath (the subset `expect json` and
 * `capture ... = json` take; grammar in util/jsonpath.h) up in a jansson
 * document (internal).
 */
#ifndef SW_JSON_LOOKUP_H
#define SW_JSON_LOOKUP_H

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

#endif /* SW_JSON_LOOKUP_H */
