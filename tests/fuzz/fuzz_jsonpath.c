/*
 * fuzz_jsonpath.c - the JSON path parser and lookup.  The first line of
 * the input is the path; the rest, when it is JSON, the document (else a
 * fixed one).
 */
#include "fuzz.h"

#include <jansson.h>

#include "json_lookup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl != NULL ? (size_t)(nl - data) : size;
    char *path = fuzz_cstr(data, plen);
    json_t *root = NULL;
    if (nl != NULL)
        root = json_loadb((const char *)nl + 1, size - plen - 1, 0, NULL);
    if (root == NULL)
        root = json_pack("{s:[i,s,{s:n}],s:{s:b}}", "items", 1, "two", "x",
                         "a b", "t", 1);
    json_t *out = NULL;
    enum sw__jp_result r = sw__jsonpath_get(root, path, &out);
    if (r == SW_JP_FOUND && out == NULL)
        abort();
    sw__jsonpath_get(NULL, path, &out);     /* the syntax check alone */
    json_decref(root);
    free(path);
    return 0;
}
