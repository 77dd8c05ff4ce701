/*
 * check_pattern.c - compile-time validation of regular expressions and
 * JSON paths, so that a scenario that compiles never stops at start-up
 * (regex) or fails every request (JSON path) for a typo the compiler could
 * see.
 *
 * Regexes are compiled with PCRE2 using the runtime's own options
 * (runtime/regex.c: PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, the pattern read
 * up to its first NUL), so both sides agree on what is valid.  JSON paths
 * are parsed with the grammar runtime/jsonpath.c walks: $ (optional),
 * .name, ['quoted'] / ["quoted"], [N] / [-N]; nothing else.
 */
#include "check_int.h"
#include "arena.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

int ck_regex_valid(struct checker *ck, struct str re, struct span sp)
{
    /* The runtime hands PCRE2 a NUL-terminated pattern: a "\0" in the
     * literal ends it there, so check the same prefix. */
    size_t len = strnlen(re.s, re.len);
    int code;
    PCRE2_SIZE offset;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re.s, len,
                                  PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                  &code, &offset, NULL);
    if (c != NULL) {
        pcre2_code_free(c);
        return 0;
    }
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
        strcpy((char *)msg, "unknown PCRE2 error");
    ck_error(ck, sp, "invalid regex: %s at offset %zu", (const char *)msg,
             (size_t)offset);
    return -1;
}

/* Why path p (at offset *at) is not valid, or NULL when it is. */
static const char *json_path_error(const char *path, size_t *at)
{
    const char *p = path;
    if (*p == '\0') {
        *at = 0;
        return "the path is empty";
    }
    /* "token" means "$.token", as in the runtime. */
    int bare_name = *p != '$' && *p != '.' && *p != '[';
    if (*p == '$')
        p++;
    while (*p != '\0') {
        *at = (size_t)(p - path);
        if (bare_name || *p == '.') {
            const char *name = bare_name ? p : ++p;
            bare_name = 0;
            while (*p != '\0' && *p != '.' && *p != '[' && *p != ']')
                p++;
            if (p == name)
                return *p == '.' ? "'..' (recursive descent) is not "
                       "supported" : "a member name is missing after '.'";
        } else if (*p == '[') {
            p++;
            if (*p == '\'' || *p == '"') {
                char quote = *p++;
                while (*p != '\0' && *p != quote) {
                    if (*p == '\\' && p[1] != '\0')
                        p++;
                    p++;
                }
                if (*p != quote)
                    return "unterminated quoted name";
                p++;
            } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
                char *end;
                (void)strtoll(p, &end, 10);
                if (end == p || (*p == '-' && end == p + 1))
                    return "an index needs digits";
                p = end;
            } else {
                return "'[' takes an index or a quoted name (wildcards, "
                       "slices and filters are not supported)";
            }
            if (*p != ']')
                return "missing ']'";
            p++;
        } else {
            return "expected '.' or '['";
        }
    }
    return NULL;
}

void ck_json_path(struct checker *ck, struct expr *e)
{
    struct str s;
    /* An interpolated path is only known at run time. */
    if (!ast_str_literal(e, &s))
        return;
    /* The runtime reads the path as a C string. */
    const char *path = arena_strndup(ck->arena, s.s, strnlen(s.s, s.len));
    size_t at = 0;
    const char *why = json_path_error(path, &at);
    if (why != NULL)
        ck_error(ck, e->span, "invalid JSON path '%s': %s at offset %zu",
                 path, why, at);
}
