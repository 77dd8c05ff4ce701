/*
 * test-check.c - expect checks and captures on hand-made responses.
 */
#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "swarm.h"
#include "user.h"
#include "data.h"

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
    if (sw__data_init(&sc, 0, 1, err, sizeof(err)) != 0) {
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

/* A new response, as the scheduler would present it after a resume. */
static void respond(sw_user_t *u, long status, const char *body,
                    const char *headers)
{
    sw__scratch_reset(u);
    free(u->fail_msg);
    u->fail_msg = NULL;
    u->status_checked = 0;
    u->resp.status = status;
    u->resp.transport_error = NULL;
    set_buf(&u->resp.body, body);
    set_buf(&u->resp.headers, headers);
}

static sw_user_t *fake_user(void)
{
    sw_user_t *u = calloc(1, sizeof(*u));
    if (u == NULL || sw__values_init(u, NVARS) != 0)
        abort();
    u->id = 1;
    return u;
}

static void free_user(sw_user_t *u)
{
    sw__values_free(u, NVARS);
    free(u->resp.body.ptr);
    free(u->resp.headers.ptr);
    free(u);
}

#define ASSERT_FAIL(u, msg) ASSERT_STR_EQ((u)->fail_msg, msg)
#define ASSERT_OK(u)                                                     \
    do {                                                                 \
        if ((u)->fail_msg != NULL)                                       \
            FAILF("unexpected failure: %s", (u)->fail_msg);              \
    } while (0)

TEST(status)
{
    sw_user_t *u = fake_user();
    respond(u, 200, "", NULL);
    sw_expect_status(u, 200);
    ASSERT_OK(u);
    ASSERT_EQ(u->status_checked, 1);

    respond(u, 302, "", NULL);
    sw_expect_status(u, 200);
    ASSERT_FAIL(u, "expected status 200, got 302");

    respond(u, 404, "", NULL);
    sw_expect_status_range(u, 200, 299);
    ASSERT_FAIL(u, "expected status in 200..299, got 404");
    ASSERT_EQ(u->status_checked, 1);

    respond(u, 404, "", NULL);
    sw_expect_status(u, 404);       /* an expected 404 is a success */
    ASSERT_OK(u);
    ASSERT_EQ(u->status_checked, 1);

    static const int64_t list[] = { 200, 201, 204 };
    respond(u, 201, "", NULL);
    sw_expect_status_in(u, list, 3);
    ASSERT_OK(u);
    respond(u, 500, "", NULL);
    sw_expect_status_in(u, list, 3);
    ASSERT_FAIL(u, "expected status in (200, 201, 204), got 500");
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
    ASSERT_EQ(u->status_checked, 1);
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
    u->resp.transport_error = "Connection refused";
    sw_expect_status(u, 200);
    sw_expect_body_contains(u, "x");
    sw_expect_json_bool(u, "$.ok", 1);
    sw_capture_json(u, VAR_token, "$.token");
    sw_capture_regex(u, VAR_first, RE_ID);
    sw_capture_header(u, VAR_hdr, "X-Id");
    sw_capture_cookie(u, VAR_sid, "sid");
    sw_capture_status(u, VAR_code);
    ASSERT(u->fail_msg == NULL);
    ASSERT_EQ(u->status_checked, 0);
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
    ASSERT(u->fail_msg != NULL);
    ASSERT(strchr(u->fail_msg, '\n') == NULL);
    ASSERT(strstr(u->fail_msg, "...'") != NULL);

    /* A body with a NUL byte is searched in full. */
    respond(u, 200, NULL, NULL);
    u->resp.body.ptr = malloc(8);
    memcpy(u->resp.body.ptr, "ab\0cdef", 8);
    u->resp.body.len = 7;
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
    void *parsed = u->json;
    ASSERT(parsed != NULL);
    sw_expect_json_exists(u, "$.name");
    ASSERT(u->json == parsed);

    sw_expect_json_bool(u, "$.ok", 1);
    ASSERT_FAIL(u, "expected $.ok == true, got false");

    respond(u, 200, "{\"count\": 1, \"name\": \"al\\\"ice\", \"ok\": \"yes\"}",
            NULL);
    ASSERT(u->json == NULL);        /* released at the reset */
    sw_expect_json_int(u, "$.count", SW_CMP_GT, 3);
    ASSERT_FAIL(u, "expected $.count > 3, got 1");

    respond(u, 200, "{\"count\": 1, \"name\": \"al\\\"ice\", \"ok\": \"yes\"}",
            NULL);
    sw_expect_json_str(u, "$.name", SW_CMP_EQ, "bob");
    ASSERT_FAIL(u, "expected $.name == \"bob\", got \"al\\\"ice\"");

    respond(u, 200, "{\"ok\": \"yes\"}", NULL);
    sw_expect_json_bool(u, "$.ok", 1);
    ASSERT_FAIL(u, "expected $.ok == true, got \"yes\"");

    respond(u, 200, "{\"n\": \"abc\"}", NULL);
    sw_expect_json_int(u, "$.n", SW_CMP_EQ, 1);
    ASSERT_FAIL(u, "expected $.n == 1, got \"abc\"");

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
    ASSERT_FAIL(u, "expected header 'Content-Type' == 'text/html', got "
                   "'application/json'");

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

TEST(cookies)
{
    sw_user_t *u = fake_user();
    CURL *easy = curl_easy_init();
    ASSERT(easy != NULL);
    /* Fill the jar the way responses would (no network involved). */
    ASSERT_EQ(curl_easy_setopt(easy, CURLOPT_COOKIELIST,
                               "Set-Cookie: sid=s3cr3t; Domain=127.0.0.1; "
                               "Path=/"), CURLE_OK);
    ASSERT_EQ(curl_easy_setopt(easy, CURLOPT_COOKIELIST,
                               "127.0.0.1\tFALSE\t/\tFALSE\t0\tempty\t"),
              CURLE_OK);
    ASSERT_EQ(curl_easy_setopt(easy, CURLOPT_COOKIELIST,
                               "#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\t"
                               "ho\tv=1"), CURLE_OK);
    respond(u, 200, "", NULL);
    u->resp.easy = easy;
    sw_capture_cookie(u, VAR_sid, "sid");
    ASSERT_STR_EQ(sw_var_str(u, VAR_sid), "s3cr3t");
    sw_capture_cookie(u, VAR_sid, "ho");
    ASSERT_STR_EQ(sw_var_str(u, VAR_sid), "v=1");
    sw_capture_cookie(u, VAR_sid, "empty");
    ASSERT_STR_EQ(sw_var_str(u, VAR_sid), "");
    ASSERT_OK(u);
    sw_capture_cookie(u, VAR_sid, "si");
    ASSERT_FAIL(u, "capture 'sid': cookie 'si' missing");
    curl_easy_cleanup(easy);
    u->resp.easy = NULL;

    respond(u, 200, "", NULL);
    sw_capture_cookie(u, VAR_sid, "sid");   /* no handle: not found */
    ASSERT_FAIL(u, "capture 'sid': cookie 'sid' missing");
    free_user(u);
}

TEST(capture_status)
{
    sw_user_t *u = fake_user();
    respond(u, 418, "", NULL);
    sw_capture_status(u, VAR_code);
    ASSERT_EQ(sw_var_int(u, VAR_code), 418);
    ASSERT_OK(u);
    ASSERT_EQ(u->status_checked, 0);
    free_user(u);
}

TEST(fail_message_first_wins)
{
    sw_user_t *u = fake_user();
    sw__fail(u, "one %d", 1);
    sw__fail(u, "two %d", 2);
    ASSERT_FAIL(u, "one 1");
    free_user(u);
}

int main(void)
{
    test_suite_ = "check";
    curl_global_init(CURL_GLOBAL_DEFAULT);
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
    sw__data_free();
    curl_global_cleanup();
    TEST_EXIT();
}
