/*
 * test-check.c - expect checks and captures on hand-made responses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "swarm.h"
#include "request.h"
#include "user.h"
#include "data.h"

/* The run's data (env values, regexes, feeders) every fake user reads. */
static struct sw__data D;

enum { VAR_token, VAR_first, VAR_code, VAR_hdr, VAR_sid, NVARS };
static const char *const var_names[] = {
    "token", "first", "code", "hdr", "sid"
};
enum { RE_ID, RE_NOGROUP, RE_OPTIONAL, NREGEX };
static const char *const regexes[] = {
    "id=\"([0-9]+)\"", "res[a-z]+", "x(y)?z"
};

static void init_data(void)
{
    static sw_scenario_t sc;
    char err[256];
    sc.nvars = NVARS;
    sc.var_names = var_names;
    sc.regexes = regexes;
    sc.nregexes = NREGEX;
    if (sw__data_init(&D, &sc, 0, 1, err, sizeof(err)) != 0) {
        printf("data init: %s\n", err);
        exit(1);
    }
}

static void set_buf(struct sw__buf *b, const char *s)
{
    free(b->ptr);
    b->ptr = s != NULL ? strdup(s) : NULL;
    b->len = s != NULL ? strlen(s) : 0;
    b->cap = b->len;
}

/* The user's current response (the request module's). */
#define RESP(u) sw__resp(u)

/* A new response, as the scheduler would present it after a resume: a
 * request object of the user's own (sw__req_standalone), filled here. */
static void respond(sw_user_t *u, long status, const char *body,
                    const char *headers)
{
    sw__scratch_reset(u);
    struct sw__response *r = sw__req_standalone(u);
    r->status = status;
    r->transport_error = NULL;
    set_buf(&r->body, body);
    set_buf(&r->headers, headers);
}

static sw_user_t *fake_user(void)
{
    sw_user_t *u = calloc(1, sizeof(*u));
    if (u == NULL || sw__values_init(u, NVARS) != 0)
        abort();
    u->id = 1;
    u->data = &D;
    return u;
}

static void free_user(sw_user_t *u)
{
    sw__req_user_free(u);
    sw__values_free(u, NVARS);
    free(u);
}

#define ASSERT_FAIL(u, msg) ASSERT_STR_EQ(RESP(u)->fail_msg, msg)
#define ASSERT_OK(u)                                                     \
    do {                                                                 \
        if (RESP(u)->fail_msg != NULL)                                   \
            FAILF("unexpected failure: %s", RESP(u)->fail_msg);          \
    } while (0)

TEST(status)
{
    sw_user_t *u = fake_user();
    respond(u, 200, "", NULL);
    sw_expect_status(u, 200);
    ASSERT_OK(u);
    ASSERT_EQ(RESP(u)->status_checked, 1);

    respond(u, 302, "", NULL);
    sw_expect_status(u, 200);
    ASSERT_FAIL(u, "expected status 200, got 302");

    respond(u, 404, "", NULL);
    sw_expect_status_range(u, 200, 299);
    ASSERT_FAIL(u, "expected status in 200..299, got 404");
    ASSERT_EQ(RESP(u)->status_checked, 1);

    respond(u, 404, "", NULL);
    sw_expect_status(u, 404);       /* an expected 404 is a success */
    ASSERT_OK(u);
    ASSERT_EQ(RESP(u)->status_checked, 1);

    static const int64_t list[] = { 200, 201, 204 };
    respond(u, 201, "", NULL);
    sw_expect_status_in(u, list, 3);
    ASSERT_OK(u);
    respond(u, 500, "", NULL);
    sw_expect_status_in(u, list, 3);
    ASSERT_FAIL(u, "expected status in [200, 201, 204], got 500");
    free_user(u);
}

TEST(first_failure_wins)
{
    sw_user_t *u = fake_user();
    respond(u, 500, "nothing here", NULL);
    sw_expect_body_contains(u, "results");
    sw_expect_status(u, 200);
    sw_expect_json_exists(u, "$.x");
    ASSERT_FAIL(u, "body does not contain 'results'");
    /* The status expectation still replaces the >= 400 rule. */
    ASSERT_EQ(RESP(u)->status_checked, 1);
    /* Captures still run and store, without replacing the message. */
    sw_capture_status(u, VAR_code);
    ASSERT_EQ(sw_var_int(u, VAR_code), 500);
    sw_capture_json(u, VAR_token, "$.token");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "");
    ASSERT_FAIL(u, "body does not contain 'results'");
    free_user(u);
}

TEST(transport_error)
{
    sw_user_t *u = fake_user();
    sw_var_set_str(u, VAR_token, "old");
    sw_var_set_int(u, VAR_code, 99);
    respond(u, 0, "", NULL);
    RESP(u)->transport_error = "Connection refused";
    sw_expect_status(u, 200);
    sw_expect_body_contains(u, "x");
    sw_expect_json_bool(u, "$.ok", 1);
    sw_capture_json(u, VAR_token, "$.token");
    sw_capture_regex(u, VAR_first, RE_ID);
    sw_capture_header(u, VAR_hdr, "X-Id");
    sw_capture_cookie(u, VAR_sid, "sid");
    sw_capture_status(u, VAR_code);
    ASSERT(RESP(u)->fail_msg == NULL);
    ASSERT_EQ(RESP(u)->status_checked, 0);
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "");
    ASSERT_STR_EQ(sw_var_str(u, VAR_first), "");
    ASSERT_EQ(sw_var_int(u, VAR_code), 0);
    free_user(u);
}

TEST(body_contains_and_matches)
{
    sw_user_t *u = fake_user();
    respond(u, 200, "<a id=\"42\">results</a>", NULL);
    sw_expect_body_contains(u, "results");
    sw_expect_body_contains(u, "");
    sw_expect_body_matches(u, RE_ID);
    ASSERT_OK(u);
    sw_expect_body_matches(u, RE_OPTIONAL);
    ASSERT_FAIL(u, "body does not match /x(y)?z/");

    /* The needle in the message is cut and kept on one line. */
    respond(u, 200, "", NULL);
    char needle[200];
    memset(needle, 'n', sizeof(needle) - 1);
    needle[sizeof(needle) - 1] = '\0';
    needle[3] = '\n';
    sw_expect_body_contains(u, needle);
    ASSERT(RESP(u)->fail_msg != NULL);
    ASSERT(strchr(RESP(u)->fail_msg, '\n') == NULL);
    ASSERT(strstr(RESP(u)->fail_msg, "...'") != NULL);

    /* A body with a NUL byte is searched in full. */
    respond(u, 200, NULL, NULL);
    RESP(u)->body.ptr = malloc(8);
    memcpy(RESP(u)->body.ptr, "ab\0cdef", 8);
    RESP(u)->body.len = 7;
    RESP(u)->body.cap = 8;
    sw_expect_body_contains(u, "cde");
    ASSERT_OK(u);
    free_user(u);
}

TEST(json_expectations)
{
    sw_user_t *u = fake_user();
    respond(u, 200,
            "{\"ok\": false, \"count\": 3, \"price\": 2.5, \"name\": \"bob\","
            " \"id\": 42, \"items\": [{\"sku\": \"A1\"}]}",
            NULL);
    sw_expect_json_int(u, "$.count", SW_CMP_EQ, 3);
    sw_expect_json_int(u, "$.count", SW_CMP_GT, 2);
    sw_expect_json_int(u, "$.count", SW_CMP_LE, 3);
    sw_expect_json_int(u, "$.price", SW_CMP_LT, 3);
    sw_expect_json_int(u, "$.count", SW_CMP_NE, 4);
    sw_expect_json_str(u, "$.name", SW_CMP_EQ, "bob");
    sw_expect_json_str(u, "$.items[0].sku", SW_CMP_EQ, "A1");
    sw_expect_json_str(u, "$.id", SW_CMP_EQ, "42");
    sw_expect_json_bool(u, "$.ok", 0);
    sw_expect_json_exists(u, "$.items[-1]");
    ASSERT_OK(u);

    /* The body was parsed once and is shared by every check. */
    void *parsed = RESP(u)->json;
    ASSERT(parsed != NULL);
    sw_expect_json_exists(u, "$.name");
    ASSERT(RESP(u)->json == parsed);

    sw_expect_json_bool(u, "$.ok", 1);
    ASSERT_FAIL(u, "expected json \"$.ok\" == true, got false");

    respond(u, 200, "{\"count\": 1, \"name\": \"al\\\"ice\", \"ok\": \"yes\"}",
            NULL);
    ASSERT(RESP(u)->json == NULL);        /* a new response, no cache */
    sw_expect_json_int(u, "$.count", SW_CMP_GT, 3);
    ASSERT_FAIL(u, "expected json \"$.count\" > 3, got 1");

    respond(u, 200, "{\"count\": 1, \"name\": \"al\\\"ice\", \"ok\": \"yes\"}",
            NULL);
    sw_expect_json_str(u, "$.name", SW_CMP_EQ, "bob");
    ASSERT_FAIL(u, "expected json \"$.name\" == \"bob\", got \"al\\\"ice\"");

    respond(u, 200, "{\"ok\": \"yes\"}", NULL);
    sw_expect_json_bool(u, "$.ok", 1);
    ASSERT_FAIL(u, "expected json \"$.ok\" == true, got \"yes\"");

    respond(u, 200, "{\"n\": \"abc\"}", NULL);
    sw_expect_json_int(u, "$.n", SW_CMP_EQ, 1);
    ASSERT_FAIL(u, "expected json \"$.n\" == 1, got \"abc\"");

    respond(u, 200, "{}", NULL);
    sw_expect_json_exists(u, "$.token");
    ASSERT_FAIL(u, "$.token not found");

    respond(u, 200, "<html>", NULL);
    sw_expect_json_exists(u, "$.token");
    ASSERT_FAIL(u, "$.token not found (body is not JSON)");

    respond(u, 200, "{}", NULL);
    sw_expect_json_exists(u, "$..token");
    ASSERT_FAIL(u, "invalid JSON path '$..token'");
    free_user(u);
}

TEST(json_edge_bodies)
{
    sw_user_t *u = fake_user();
    /* A scalar body is JSON too. */
    respond(u, 200, "true", NULL);
    sw_expect_json_bool(u, "$", 1);
    ASSERT_OK(u);
    /* An integer beyond int64 does not make the body unreadable. */
    respond(u, 200, "{\"big\": 123456789012345678901234567890, \"t\": \"x\"}",
            NULL);
    sw_capture_json(u, VAR_token, "$.t");
    ASSERT_OK(u);
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "x");
    /* An empty body is not JSON. */
    respond(u, 204, "", NULL);
    sw_capture_json(u, VAR_token, "$.t");
    ASSERT_FAIL(u, "capture 'token': $.t not found (body is not JSON)");
    free_user(u);
}

TEST(capture_json_values)
{
    sw_user_t *u = fake_user();
    respond(u, 200,
            "{\"token\": \"t-1\", \"n\": 42, \"r\": 0.1, \"f\": 2.0,"
            " \"b\": true, \"z\": null, \"o\": {\"a\": [1, 2]}}",
            NULL);
    sw_capture_json(u, VAR_token, "$.token");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "t-1");
    sw_capture_json(u, VAR_token, "$.n");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "42");
    sw_capture_json(u, VAR_token, "$.r");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "0.1");
    sw_capture_json(u, VAR_token, "$.f");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "2.0");
    sw_capture_json(u, VAR_token, "$.b");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "true");
    sw_capture_json(u, VAR_token, "$.z");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "null");
    sw_capture_json(u, VAR_token, "$.o");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "{\"a\":[1,2]}");
    ASSERT_OK(u);
    sw_capture_json(u, VAR_token, "$.missing");
    ASSERT_STR_EQ(sw_var_str(u, VAR_token), "");
    ASSERT_FAIL(u, "capture 'token': $.missing not found");
    free_user(u);
}

TEST(capture_regex)
{
    sw_user_t *u = fake_user();
    respond(u, 200, "<a id=\"17\"> <a id=\"18\"> results", NULL);
    sw_capture_regex(u, VAR_first, RE_ID);
    ASSERT_STR_EQ(sw_var_str(u, VAR_first), "17");
    sw_capture_regex(u, VAR_first, RE_NOGROUP);     /* whole match */
    ASSERT_STR_EQ(sw_var_str(u, VAR_first), "results");
    ASSERT_OK(u);

    respond(u, 200, "xz", NULL);                   /* unset group */
    sw_capture_regex(u, VAR_first, RE_OPTIONAL);
    ASSERT_STR_EQ(sw_var_str(u, VAR_first), "");
    ASSERT_OK(u);

    respond(u, 200, "no ids \xff\xfe invalid utf-8", NULL);
    sw_var_set_str(u, VAR_first, "stale");
    sw_capture_regex(u, VAR_first, RE_ID);
    ASSERT_STR_EQ(sw_var_str(u, VAR_first), "");
    ASSERT_FAIL(u, "capture 'first': body does not match /id=\"([0-9]+)\"/");
    free_user(u);
}

TEST(headers)
{
    sw_user_t *u = fake_user();
    respond(u, 200, "",
            "HTTP/1.1 302 Found\r\nX-Id: from-redirect\r\n\r\n"
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            "x-id:   abc 1  \r\nX-Id: second\r\nX-Empty:\r\n\r\n");
    sw_capture_header(u, VAR_hdr, "X-ID");
    ASSERT_STR_EQ(sw_var_str(u, VAR_hdr), "abc 1");
    sw_capture_header(u, VAR_hdr, "content-type");
    ASSERT_STR_EQ(sw_var_str(u, VAR_hdr), "application/json");
    sw_expect_header(u, "X-Empty", NULL);
    sw_expect_header(u, "Content-Type", "application/json");
    ASSERT_OK(u);
    sw_expect_header(u, "Content-Type", "text/html");
    ASSERT_FAIL(u, "expected header \"Content-Type\" == \"text/html\", "
                   "got \"application/json\"");

    respond(u, 200, "", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
    sw_expect_header(u, "X-Id", NULL);
    ASSERT_FAIL(u, "header 'X-Id' missing");

    respond(u, 200, "", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
    sw_capture_header(u, VAR_hdr, "X-Id");
    ASSERT_STR_EQ(sw_var_str(u, VAR_hdr), "");
    ASSERT_FAIL(u, "capture 'hdr': header 'X-Id' missing");

    respond(u, 200, "", NULL);                    /* no headers at all */
    sw_capture_header(u, VAR_hdr, "X-Id");
    ASSERT_FAIL(u, "capture 'hdr': header 'X-Id' missing");
    free_user(u);
}

/* A stand-in engine that only has a cookie jar: the capture reads the
 * jar of the user's session through the engine interface. */
static int fake_cookie(sw__session_t *s, const char *name,
                       struct sw__buf *out)
{
    (void)s;
    const char *v = !strcmp(name, "sid") ? "s3cr3t"
                  : !strcmp(name, "ho") ? "v=1"
                  : !strcmp(name, "empty") ? "" : NULL;
    if (v == NULL)
        return 0;
    size_t n = strlen(v);
    out->ptr = realloc(out->ptr, out->len + n + 1);
    memcpy(out->ptr + out->len, v, n + 1);
    out->len += n;
    out->cap = out->len + 1;
    return 1;
}

TEST(cookies)
{
    static const struct sw__engine_ops fake = { .name = "fake",
                                                .cookie = fake_cookie };
    static struct sw__net net;
    static int session_token;
    sw_user_t *u = fake_user();
    net.ops[SW__ENGINE_GENERAL] = &fake;
    respond(u, 200, "", NULL);
    u->net.net = &net;
    u->net.session[SW__ENGINE_GENERAL] = (sw__session_t *)&session_token;
    sw_capture_cookie(u, VAR_sid, "sid");
    ASSERT_STR_EQ(sw_var_str(u, VAR_sid), "s3cr3t");
    sw_capture_cookie(u, VAR_sid, "ho");
    ASSERT_STR_EQ(sw_var_str(u, VAR_sid), "v=1");
    sw_capture_cookie(u, VAR_sid, "empty");
    ASSERT_STR_EQ(sw_var_str(u, VAR_sid), "");
    ASSERT_OK(u);
    sw_capture_cookie(u, VAR_sid, "si");
    ASSERT_FAIL(u, "capture 'sid': cookie 'si' missing");
    u->net.session[SW__ENGINE_GENERAL] = NULL;

    respond(u, 200, "", NULL);
    sw_capture_cookie(u, VAR_sid, "sid");   /* no session: not found */
    ASSERT_FAIL(u, "capture 'sid': cookie 'sid' missing");
    u->net.net = NULL;
    free_user(u);
}

TEST(capture_status)
{
    sw_user_t *u = fake_user();
    respond(u, 418, "", NULL);
    sw_capture_status(u, VAR_code);
    ASSERT_EQ(sw_var_int(u, VAR_code), 418);
    ASSERT_OK(u);
    ASSERT_EQ(RESP(u)->status_checked, 0);
    free_user(u);
}

TEST(fail_message_first_wins)
{
    sw_user_t *u = fake_user();
    respond(u, 200, "", NULL);
    sw__fail(u, "one %d", 1);
    sw__fail(u, "two %d", 2);
    ASSERT_FAIL(u, "one 1");
    free_user(u);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "check";
    init_data();
    RUN(status);
    RUN(first_failure_wins);
    RUN(transport_error);
    RUN(body_contains_and_matches);
    RUN(json_expectations);
    RUN(json_edge_bodies);
    RUN(capture_json_values);
    RUN(capture_regex);
    RUN(headers);
    RUN(cookies);
    RUN(capture_status);
    RUN(fail_message_first_wins);
    sw__data_free(&D);
    TEST_EXIT();
}
