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

int sw__regex_init(const char *const *patterns, int n, char *err,
                   size_t errlen);
void sw__regex_free(void);

/* The pattern text of regex i, for messages ("" when out of range). */
const char *sw__regex_pattern(int i);

/*
 * Searches subject[0..len) with regex i.  Returns 1 on a match, with the
 * first capture group (or the whole match when the pattern has no group)
 * in *start / *glen (an unset group gives *glen = 0); 0 when there is no
 * match; -1 on an error, with a short reason in err (e.g. "match limit
 * exceeded", "no such regex").  start/glen may be NULL.
 */
int sw__regex_search(int i, const char *subject, size_t len,
                     size_t *start, size_t *glen, char *err, size_t errlen);

#endif /* SW_REGEX_H */
