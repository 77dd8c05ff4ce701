/*
 * check.c - `expect` checks and `capture`s on the user's last response.
 *
 * As Locust's catch_response, a failed check does not stop the task: it
 * records a message (sw__fail) that makes sw_req_end() count the request
 * as failed.  Rules:
 *   - the first failure wins; once a request has failed, later `expect`s
 *     are skipped (they could only add a message nobody sees), while later
 *     `capture`s still run so that variables always reflect the response;
 *   - after a transport error every check does nothing (the request fails
 *     already) and every capture stores the empty value ("" or 0) without
 *     adding a message;
 *   - an `expect status` check sets the response's status_checked, which
 *     replaces the ">= 400 is a failure" rule for this request.
 *
 * Everything is read from and decided on the user's current response,
 * through sw__resp(u) (request.h), which owns it.  The body is parsed as
 * JSON at most once per response: the first json check or capture parses
 * it, the others reuse the response's cache, which goes with the response.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "swarm.h"
#include "request.h"
#include "user.h"
#include "data.h"
#include "json_fast.h"
#include "json_lookup.h"
#include "regex.h"
#include "util/buf.h"

/* Longest user text quoted in a message before it is cut with "...". */
#define CLIP 80

/* ===================================================================== */
/* Failure messages                                                       */
/* ===================================================================== */

void sw__fail(sw_user_t *u, const char *fmt, ...)
{
    struct sw__response *r = sw__resp(u);
    if (r == NULL || r->fail_msg != NULL)
        return;
    /* The buffer's memory becomes the message (freed with free()). */
    struct sw__buf msg = { 0 };
    va_list ap;
    va_start(ap, fmt);
    sw__buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    r->fail_msg = msg.ptr;
}

/* s[0..len) for a message: cut at CLIP bytes, line breaks and tabs as
 * spaces so the console and CSV stay one line per failure. (scratch) */
static const char *clip_n(sw_user_t *u, const char *s, size_t len)
{
    size_t n = len > CLIP ? CLIP : len;
    char *out = sw__scratch_alloc(u, n + 4);
    for (size_t i = 0; i < n; i++)
        out[i] = (s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ||
                  s[i] == '\0') ? ' ' : s[i];
    if (n < len) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

static const char *clip(sw_user_t *u, const char *s)
{
    return clip_n(u, s ? s : "", strlen(s ? s : ""));
}

/* s as the scenario language writes a string ("...", escaped), cut for a
 * message: a failed check restates the check in the language's own form,
 * `expected header "K" == "v"`, so a user can find it in the scenario.
 * (scratch) */
static const char *quoted(sw_user_t *u, const char *s)
{
    return clip(u, sw_json_quote(u, s ? s : ""));
}

static const char *cmp_text(sw_cmp_t cmp)
{
    switch (cmp) {
    case SW_CMP_LT: return "<";
    case SW_CMP_LE: return "<=";
    case SW_CMP_GT: return ">";
    case SW_CMP_GE: return ">=";
    case SW_CMP_EQ: return "==";
    case SW_CMP_NE: return "!=";
    }
    return "?";
}

/* c is the sign of a comparison (actual vs expected). */
static int cmp_holds(sw_cmp_t cmp, int c)
{
    switch (cmp) {
    case SW_CMP_LT: return c < 0;
    case SW_CMP_LE: return c <= 0;
    case SW_CMP_GT: return c > 0;
    case SW_CMP_GE: return c >= 0;
    case SW_CMP_EQ: return c == 0;
    case SW_CMP_NE: return c != 0;
    }
    return 0;
}

/* The variable's name as written in the scenario, for messages. */
static const char *var_name(sw_user_t *u, int var)
{
    const sw_scenario_t *sc = u->data != NULL ? u->data->sc : NULL;
    if (sc != NULL && sc->var_names != NULL && var >= 0 && var < sc->nvars)
        return sc->var_names[var];
    return sw_cat(u, 2, "#", sw_itoa(u, var));
}

/* No response at all (no request) counts as a transport error. */
static int transport_failed(sw_user_t *u)
{
    const struct sw__response *r = sw__resp(u);
    return r == NULL || r->transport_error != NULL;
}

/* An expect runs only on a response that has not failed yet. */
static int expect_skipped(sw_user_t *u)
{
    return transport_failed(u) || sw__resp(u)->fail_msg != NULL;
}

static const char *body(sw_user_t *u, size_t *len)
{
    const struct sw__response *r = sw__resp(u);
    *len = r != NULL && r->body.ptr != NULL ? r->body.len : 0;
    return r != NULL && r->body.ptr != NULL ? r->body.ptr : "";
}

/* ===================================================================== */
/* JSON body                                                              */
/* ===================================================================== */

/* The parsed body, or NULL when it is not JSON.  Parsed once. */
static json_t *body_json(sw_user_t *u)
{
    struct sw__response *r = sw__resp(u);
    if (r == NULL)
        return NULL;
    if (r->json_state != 0)
        return r->json;

    size_t len;
    const char *b = body(u, &len);
    json_error_t e;
    /* DECODE_ANY: a body of just `true` or `42` is JSON too. */
    size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    json_t *root = json_loadb(b, len, flags, &e);
    if (root == NULL && json_error_code(&e) == json_error_numeric_overflow) {
        /* An integer beyond int64: read numbers as doubles instead of
         * refusing the whole body. */
        root = json_loadb(b, len, flags | JSON_DECODE_INT_AS_REAL, &e);
    }
    r->json = root;
    r->json_state = root != NULL ? 1 : -1;
    return root;
}

/* A double as Python's repr writes it: the shortest text that reads back
 * the same, with ".0" on integral values. */
static void format_real(char *buf, size_t size, double d)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (strpbrk(buf, ".eEni") == NULL && strlen(buf) + 2 < size)
        strcat(buf, ".0");
}

/*
 * A JSON value as a capture stores it: a string as is, anything else as
 * its compact JSON text (42, 1.5, true, null, {"a":1}).  quoted != 0
 * quotes strings too, as messages show them. (scratch)
 */
static const char *json_text(sw_user_t *u, const json_t *v, int quoted)
{
    char buf[40];
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (quoted)
            return sw_json_quote(u, json_string_value(v));
        return sw_cat(u, 1, json_string_value(v));
    case JSON_INTEGER:
        return sw_itoa(u, (int64_t)json_integer_value(v));
    case JSON_REAL:
        format_real(buf, sizeof(buf), json_real_value(v));
        return sw_cat(u, 1, buf);
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    default: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s == NULL)
            return "";
        const char *out = sw_cat(u, 1, s);
        free(s);
        return out;
    }
    }
}

/*
 * Looks path up in the body.  On failure returns NULL and, when what is
 * not NULL, fails the request with "<what>: <reason>" or just the reason.
 */
static json_t *json_lookup(sw_user_t *u, const char *path, const char *what)
{
    json_t *root = body_json(u);
    json_t *v = NULL;
    const char *why;

    switch (sw__jsonpath_get(root, path, &v)) {
    case SW_JP_FOUND:
        return v;
    case SW_JP_INVALID:
        why = sw_cat(u, 3, "invalid JSON path '", clip(u, path), "'");
        break;
    case SW_JP_MISSING:
    default:
        why = sw_cat(u, 2, clip(u, path),
                     root == NULL ? " not found (body is not JSON)"
                                  : " not found");
        break;
    }
    if (what != NULL)
        sw__fail(u, "%s: %s", what, why);
    else
        sw__fail(u, "%s", why);
    return NULL;
}

/* ===================================================================== */
/* Headers and cookies                                                    */
/* ===================================================================== */

/*
 * The value of header key in the raw header block (case-insensitive name,
 * surrounding blanks trimmed), or NULL.  Only the last response block is
 * searched, in case the block holds a redirect's headers too.  (scratch)
 */
static const char *find_header(sw_user_t *u, const char *key)
{
    const struct sw__response *r = sw__resp(u);
    const char *p = r != NULL ? r->headers.ptr : NULL;
    const char *end = p != NULL ? p + r->headers.len : NULL;
    size_t klen = strlen(key);
    const char *found = NULL;
    size_t flen = 0;

    while (p != NULL && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol != NULL ? eol + 1 : end;
        if (eol == NULL)
            eol = end;
        if (eol > p && eol[-1] == '\r')
            eol--;
        if (eol - p >= 5 && memcmp(p, "HTTP/", 5) == 0) {
            found = NULL;           /* a new response starts here */
        } else if (found == NULL) {
            const char *colon = memchr(p, ':', (size_t)(eol - p));
            if (colon != NULL) {
                const char *ne = colon;
                while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
                    ne--;
                if ((size_t)(ne - p) == klen &&
                    strncasecmp(p, key, klen) == 0) {
                    const char *v = colon + 1;
                    while (v < eol && (*v == ' ' || *v == '\t'))
                        v++;
                    const char *ve = eol;
                    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                        ve--;
                    found = v;
                    flen = (size_t)(ve - v);
                }
            }
        }
        p = next;
    }
    if (found == NULL)
        return NULL;
    char *out = sw__scratch_alloc(u, flen + 1);
    memcpy(out, found, flen);
    out[flen] = '\0';
    return out;
}

/* The value of cookie `name` in the user's session jar, or NULL.
 * (scratch) */
static const char *find_cookie(sw_user_t *u, const char *name)
{
    struct sw__buf v = { 0 };
    const char *out = NULL;
    if (sw__req_cookie(u, name, &v))
        out = sw_cat(u, 1, v.ptr != NULL ? v.ptr : "");
    free(v.ptr);
    return out;
}

/* ===================================================================== */
/* Checks                                                                 */
/* ===================================================================== */

void sw_expect_status(sw_user_t *u, int64_t status)
{
    if (transport_failed(u))
        return;
    sw__resp(u)->status_checked = 1;
    if (expect_skipped(u))
        return;
    if (sw__resp(u)->status != status)
        sw__fail(u, "expected status %" PRId64 ", got %ld", status,
                 sw__resp(u)->status);
}

void sw_expect_status_in(sw_user_t *u, const int64_t *list, int n)
{
    if (transport_failed(u))
        return;
    sw__resp(u)->status_checked = 1;
    if (expect_skipped(u))
        return;
    for (int i = 0; i < n; i++)
        if (sw__resp(u)->status == list[i])
            return;
    const char *set = "";
    for (int i = 0; i < n; i++)
        set = sw_cat(u, 3, set, i ? ", " : "", sw_itoa(u, list[i]));
    sw__fail(u, "expected status in [%s], got %ld", set, sw__resp(u)->status);
}

void sw_expect_status_range(sw_user_t *u, int64_t lo, int64_t hi)
{
    if (transport_failed(u))
        return;
    sw__resp(u)->status_checked = 1;
    if (expect_skipped(u))
        return;
    if (sw__resp(u)->status < lo || sw__resp(u)->status > hi)
        sw__fail(u, "expected status in %" PRId64 "..%" PRId64 ", got %ld",
                 lo, hi, sw__resp(u)->status);
}

void sw_expect_body_contains(sw_user_t *u, const char *needle)
{
    if (expect_skipped(u))
        return;
    size_t len;
    const char *b = body(u, &len);
    size_t nlen = strlen(needle);
    if (nlen == 0 || memmem(b, len, needle, nlen) != NULL)
        return;
    sw__fail(u, "body does not contain '%s'", clip(u, needle));
}

void sw_expect_body_matches(sw_user_t *u, int regex_index)
{
    if (expect_skipped(u))
        return;
    size_t len;
    const char *b = body(u, &len);
    char why[128];
    int rc = sw__regex_search(&u->data->re, regex_index, b, len, NULL, NULL, why,
                              sizeof(why));
    const char *re = clip(u, sw__regex_pattern(&u->data->re, regex_index));
    if (rc == 0)
        sw__fail(u, "body does not match /%s/", re);
    else if (rc < 0)
        sw__fail(u, "body does not match /%s/ (%s)", re, why);
}

void sw_expect_header(sw_user_t *u, const char *key, const char *value)
{
    if (expect_skipped(u))
        return;
    const char *got = find_header(u, key);
    if (got == NULL)
        sw__fail(u, "header '%s' missing", clip(u, key));
    else if (value != NULL && strcmp(got, value) != 0)
        sw__fail(u, "expected header %s == %s, got %s", quoted(u, key),
                 quoted(u, value), quoted(u, got));
}

void sw_expect_json_int(sw_user_t *u, const char *path, sw_cmp_t cmp,
                        int64_t v)
{
    if (expect_skipped(u))
        return;
    json_t *j = json_lookup(u, path, NULL);
    if (j == NULL)
        return;
    int ok;
    if (json_is_integer(j)) {
        int64_t a = (int64_t)json_integer_value(j);
        ok = cmp_holds(cmp, (a > v) - (a < v));
    } else if (json_is_real(j)) {
        double a = json_real_value(j);
        double b = (double)v;
        ok = cmp_holds(cmp, (a > b) - (a < b));
    } else {
        ok = 0;                 /* not a number: no comparison holds */
    }
    if (!ok)
        sw__fail(u, "expected json %s %s %" PRId64 ", got %s", quoted(u, path),
                 cmp_text(cmp), v, clip(u, json_text(u, j, 1)));
}

void sw_expect_json_str(sw_user_t *u, const char *path, sw_cmp_t cmp,
                        const char *v)
{
    if (expect_skipped(u))
        return;
    json_t *j = json_lookup(u, path, NULL);
    if (j == NULL)
        return;
    /* A number or bool compares by its JSON text, as a capture stores it:
     * `expect json "$.id" == "42"` holds for {"id": 42}. */
    const char *a = json_text(u, j, 0);
    int c = strcmp(a, v);
    if (!cmp_holds(cmp, (c > 0) - (c < 0)))
        sw__fail(u, "expected json %s %s %s, got %s", quoted(u, path),
                 cmp_text(cmp), quoted(u, v),
                 clip(u, json_text(u, j, 1)));
}

void sw_expect_json_bool(sw_user_t *u, const char *path, int v)
{
    if (expect_skipped(u))
        return;
    json_t *j = json_lookup(u, path, NULL);
    if (j == NULL)
        return;
    if (!json_is_boolean(j) || json_is_true(j) != (v != 0))
        sw__fail(u, "expected json %s == %s, got %s", quoted(u, path),
                 v ? "true" : "false", clip(u, json_text(u, j, 1)));
}

void sw_expect_json_exists(sw_user_t *u, const char *path)
{
    if (expect_skipped(u))
        return;
    (void)json_lookup(u, path, NULL);
}

/* ===================================================================== */
/* Captures                                                               */
/* ===================================================================== */

static const char *capture_what(sw_user_t *u, int var)
{
    return sw_cat(u, 3, "capture '", var_name(u, var), "'");
}

void sw_capture_json(sw_user_t *u, int var, const char *path)
{
    if (transport_failed(u)) {
        sw_var_set_str(u, var, "");
        return;
    }
    /* a member of a small flat reply, the usual capture: read in place
     * when json_fast.c can say for sure what jansson would (~20x less) */
    size_t len, vlen;
    const char *b = body(u, &len), *v;
    if (sw__json_fast_get(b, len, path, &v, &vlen)) {
        char *s = sw__scratch_alloc(u, vlen + 1);
        memcpy(s, v, vlen);
        s[vlen] = '\0';
        sw_var_set_str(u, var, s);
        return;
    }
    json_t *j = json_lookup(u, path, capture_what(u, var));
    sw_var_set_str(u, var, j != NULL ? json_text(u, j, 0) : "");
}

void sw_capture_regex(sw_user_t *u, int var, int regex_index)
{
    if (transport_failed(u)) {
        sw_var_set_str(u, var, "");
        return;
    }
    size_t len, start = 0, glen = 0;
    const char *b = body(u, &len);
    char why[128];
    int rc = sw__regex_search(&u->data->re, regex_index, b, len, &start, &glen, why,
                              sizeof(why));
    if (rc == 1) {
        char *s = sw__scratch_alloc(u, glen + 1);
        memcpy(s, b + start, glen);
        s[glen] = '\0';
        sw_var_set_str(u, var, s);
        return;
    }
    sw_var_set_str(u, var, "");
    const char *re = clip(u, sw__regex_pattern(&u->data->re, regex_index));
    if (rc == 0)
        sw__fail(u, "%s: body does not match /%s/", capture_what(u, var),
                 re);
    else
        sw__fail(u, "%s: body does not match /%s/ (%s)",
                 capture_what(u, var), re, why);
}

void sw_capture_header(sw_user_t *u, int var, const char *key)
{
    if (transport_failed(u)) {
        sw_var_set_str(u, var, "");
        return;
    }
    const char *v = find_header(u, key);
    sw_var_set_str(u, var, v != NULL ? v : "");
    if (v == NULL)
        sw__fail(u, "%s: header '%s' missing", capture_what(u, var),
                 clip(u, key));
}

void sw_capture_cookie(sw_user_t *u, int var, const char *name)
{
    if (transport_failed(u)) {
        sw_var_set_str(u, var, "");
        return;
    }
    const char *v = find_cookie(u, name);
    sw_var_set_str(u, var, v != NULL ? v : "");
    if (v == NULL)
        sw__fail(u, "%s: cookie '%s' missing", capture_what(u, var),
                 clip(u, name));
}

void sw_capture_status(sw_user_t *u, int var)
{
    /* 0 after a transport error, as sw_resp_status() reports it. */
    sw_var_set_int(u, var, transport_failed(u) ? 0 : sw__resp(u)->status);
}
