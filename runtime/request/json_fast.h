/*
 * json_fast.h - `capture x = json "$.name"` on a small flat JSON body
 * without building a document (internal; see json_fast.c).
 */
#ifndef SW_JSON_FAST_H
#define SW_JSON_FAST_H

#include <stddef.h>

/*
 * Looks the member `path` ("$.name" or "name", a plain name) up in the
 * JSON object body[0..len) and gives the text a capture stores for it
 * (*val, *val_len point into body): 1.  0 when it cannot answer exactly as
 * the jansson lookup would (another path, a body or value outside the
 * subset json_fast.c reads, a missing member): the caller asks jansson.
 */
int sw__json_fast_get(const char *body, size_t len, const char *path,
                      const char **val, size_t *val_len);

#endif /* SW_JSON_FAST_H */
