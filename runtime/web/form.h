/*
 * form.h - the web UI's form bodies (application/x-www-form-urlencoded)
 * and the values of Locust's start form, checked (internal, pure).
 */
#ifndef SW_WEB_FORM_H
#define SW_WEB_FORM_H

#include <stddef.h>
#include <stdint.h>

/* POST /swarm's fields; has_* say which were given (non-empty). */
struct sw__web_form {
    int has_users;
    int64_t users;              /* user_count: 1 .. max_users */
    int has_rate;
    double rate;                /* spawn_rate: > 0 */
    char *host;                 /* owned; NULL: not given or empty */
    int has_run_time;
    int64_t run_time_ms;        /* run_time: "20", "20s", "1h30m" */
};

/* Parses body[0..len).  Unknown fields are ignored (Locust's form has
 * more); the last of repeated fields wins.  0, or -1 with the reason in
 * why, naming the field: "user_count: expected a positive integer, got
 * 'abc'".  max_users bounds user_count. */
int sw__web_form_parse(const char *body, size_t len, int64_t max_users,
                       struct sw__web_form *f, char *why, size_t nwhy);
void sw__web_form_free(struct sw__web_form *f);

/* Decodes %XX and '+' of s[0..n) into out (room for n + 1), NUL-ended.
 * The decoded length, or -1 for a bad escape or a NUL byte. */
long sw__web_urldecode(const char *s, size_t n, char *out);

#endif /* SW_WEB_FORM_H */
