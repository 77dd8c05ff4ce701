/*
 * check_pattern.c - compile-time validation of regular expressions and
 * JSON paths, so that a scenario that compiles never stops at start-up
 * (regex) or fails every request (JSON path) for a typo the compiler could
 * see.
 *
 * Regexes are compiled with PCRE2 using the runtime's own options
 * (runtime/regex.c: PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, the pattern read
 * up to its first NUL), so both sides agree on what is valid.  JSON paths
 * are parsed by the runtime's own parser (util/jsonpath.h), so the checker
 * accepts exactly the paths the runtime walks.
 */
#include "check_int.h"
#include "arena.h"
#include "util/jsonpath.h"

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

void ck_json_path(struct checker *ck, struct expr *e)
{
    struct str s;
    /* An interpolated path is only known at run time. */
    if (!ast_str_literal(e, &s))
        return;
    /* The runtime reads the path as a C string. */
    const char *path = arena_strndup(ck->arena, s.s, strnlen(s.s, s.len));
    size_t at = 0;
    const char *why = sw__jp_error(path, &at);
    if (why != NULL)
        ck_error(ck, e->span, "invalid JSON path '%s': %s at offset %zu",
                 path, why, at);
}
