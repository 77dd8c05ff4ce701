/*
 * regex.c - compiles the scenario's regexes at start-up and runs them.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"

int sw__regex_init(struct sw__regexes *r, const char *const *patterns, int n,
                   char *err, size_t errlen)
{
    sw__regex_free(r);
    if (n <= 0)
        return 0;
    pcre2_code **codes = calloc((size_t)n, sizeof(*codes));
    if (codes == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->codes = (void **)codes;
    r->n = n;
    r->texts = patterns;
    for (int i = 0; i < n; i++) {
        int code;
        PCRE2_SIZE offset;
        /* Bodies are often UTF-8 but not always: MATCH_INVALID_UTF keeps
         * UTF semantics without refusing a subject that is not valid. */
        codes[i] = pcre2_compile((PCRE2_SPTR)patterns[i],
                                 PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                 &code, &offset, NULL);
        if (codes[i] == NULL) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(code, msg, sizeof(msg));
            snprintf(err, errlen, "bad regex /%s/ at offset %zu: %s",
                     patterns[i], (size_t)offset, (const char *)msg);
            sw__regex_free(r);
            return -1;
        }
        /* JIT is an optimisation only: where it is missing (or the
         * pattern does not suit it) the interpreter matches the same. */
        (void)pcre2_jit_compile(codes[i], PCRE2_JIT_COMPLETE);
    }
    return 0;
}

void sw__regex_free(struct sw__regexes *r)
{
    for (int i = 0; i < r->n; i++)
        pcre2_code_free(r->codes[i]);
    free(r->codes);
    r->codes = NULL;
    r->texts = NULL;
    r->n = 0;
}

const char *sw__regex_pattern(const struct sw__regexes *r, int i)
{
    if (i < 0 || i >= r->n || r->texts == NULL || r->texts[i] == NULL)
        return "";
    return r->texts[i];
}

int sw__regex_search(const struct sw__regexes *r, int i, const char *subject,
                     size_t len, size_t *start, size_t *glen, char *err,
                     size_t errlen)
{
    pcre2_code *const *codes = (pcre2_code *const *)r->codes;
    if (i < 0 || i >= r->n) {
        snprintf(err, errlen, "no such regex");
        return -1;
    }
    if (subject == NULL) {
        subject = "";
        len = 0;
    }
    /* Match data per call: a few hundred bytes, and no per-thread state
     * to tear down when the workers exit. */
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(codes[i],
                                                                NULL);
    if (md == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = pcre2_match(codes[i], (PCRE2_SPTR)subject, len, 0, 0, md,
                         NULL);
    if (rc == PCRE2_ERROR_NOMATCH) {
        pcre2_match_data_free(md);
        return 0;
    }
    if (rc < 0) {
        PCRE2_UCHAR msg[120];
        pcre2_get_error_message(rc, msg, sizeof(msg));
        snprintf(err, errlen, "%s", (const char *)msg);
        pcre2_match_data_free(md);
        return -1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    uint32_t ngroups = 0;
    (void)pcre2_pattern_info(codes[i], PCRE2_INFO_CAPTURECOUNT, &ngroups);
    size_t s = 0;
    size_t n = 0;
    if (ngroups == 0) {
        /* \K can put the start after the end: report an empty match. */
        s = ov[0];
        n = ov[1] > ov[0] ? ov[1] - ov[0] : 0;
    } else if (rc >= 2 && ov[2] != PCRE2_UNSET) {
        /* rc counts the pairs up to the highest set group: group 1 is
         * unset when rc < 2 or its offsets are PCRE2_UNSET. */
        s = ov[2];
        n = ov[3] > ov[2] ? ov[3] - ov[2] : 0;
    }
    pcre2_match_data_free(md);
    if (start != NULL)
        *start = s;
    if (glen != NULL)
        *glen = n;
    return 1;
}
