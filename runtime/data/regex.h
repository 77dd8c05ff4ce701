/*
 * regex.h - the scenario's regular expressions, compiled once (internal).
 *
 * sw__regex_init compiles scenario->regexes with PCRE2 (UTF, invalid UTF
 * in subjects tolerated, JIT where the platform has it) before the worker
 * threads start; the compiled codes are then shared read-only.  Each match
 * takes its own match data, so matching is thread-safe.
 */
#ifndef SW_REGEX_H
#define SW_REGEX_H

#include <stddef.h>

/* The compiled regexes, built by sw__regex_init before any worker thread
 * exists, then only read: a pcre2_code is safe to share between threads
 * for matching. */
struct sw__regexes {
    void **codes;               /* owned: n pcre2_code * */
    const char *const *texts;   /* borrowed: the scenario's patterns */
    int n;
};

int sw__regex_init(struct sw__regexes *r, const char *const *patterns, int n,
                   char *err, size_t errlen);
void sw__regex_free(struct sw__regexes *r);

/* The pattern text of regex i, for messages ("" when out of range). */
const char *sw__regex_pattern(const struct sw__regexes *r, int i);

/*
 * Searches subject[0..len) with regex i.  Returns 1 on a match, with the
 * first capture group (or the whole match when the pattern has no group)
 * in *start / *glen (an unset group gives *glen = 0); 0 when there is no
 * match; -1 on an error, with a short reason in err (e.g. "match limit
 * exceeded", "no such regex").  start/glen may be NULL.
 */
int sw__regex_search(const struct sw__regexes *r, int i, const char *subject,
                     size_t len, size_t *start, size_t *glen, char *err,
                     size_t errlen);

#endif /* SW_REGEX_H */
