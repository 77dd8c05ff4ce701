/*
 * test-json-fast.c - runtime/request/json_fast.c: the fast JSON capture
 * answers only where jansson (the general lookup) gives the same text, and
 * leaves everything else to it.
 */
#include <jansson.h>
#include "request/json_fast.h"
#include "test.h"

/* What a capture of the top-level member `name` stores, through jansson
 * as check.c reads bodies (NULL: jansson finds no such value, or it is a
 * value whose text the fast path does not give). */
static const char *jansson_text(const char *body, const char *name,
                                char *buf, size_t size)
{
    json_error_t e;
    size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    json_t *root = json_loadb(body, strlen(body), flags, &e);
    if (!root && json_error_code(&e) == json_error_numeric_overflow)
        root = json_loadb(body, strlen(body), flags | JSON_DECODE_INT_AS_REAL,
                          &e);
    json_t *v = root ? json_object_get(root, name) : NULL;
    const char *out = NULL;
    if (json_is_string(v))
        out = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v)),
            out = buf;
    else if (json_is_true(v))
        out = "true";
    else if (json_is_false(v))
        out = "false";
    else if (json_is_null(v))
        out = "null";
    if (out && out != buf) {
        snprintf(buf, size, "%s", out);
        out = buf;
    }
    json_decref(root);
    return out;
}

/* fast's answer for (body, path): its text, or NULL when it leaves it */
static const char *fast(const char *body, const char *path, char *buf,
                        size_t size)
{
    const char *v;
    size_t n;
    if (!sw__json_fast_get(body, strlen(body), path, &v, &n))
        return NULL;
    snprintf(buf, size, "%.*s", (int)n, v);
    return buf;
}

TEST(answers_as_jansson)
{
    static const struct {
        const char *body, *path, *want;     /* want NULL: left to jansson */
    } cases[] = {
        { "{\"id\":42,\"ok\":true}", "$.id", "42" },
        { "{\"id\":42,\"ok\":true}", "$.ok", "true" },
        { "{\"id\":42,\"ok\":true}", "id", "42" },
        { " {\n \"a\" : \"x y\" , \"b\":[1,{\"a\":2}],\"c\":null}\r\n", "$.a",
          "x y" },
        { "{\"a\":1,\"b\":{\"a\":2}}", "$.a", "1" },  /* top level only */
        { "{\"a\":1,\"a\":\"two\"}", "$.a", "two" },  /* the last wins */
        { "{\"c\":null,\"f\":false}", "$.c", "null" },
        { "{\"n\":-17,\"r\":1.5}", "$.n", "-17" },
        { "{\"e\":\"\"}", "$.e", "" },
        /* left to jansson: missing, other paths, values it formats */
        { "{\"id\":42}", "$.nope", NULL },
        { "{\"id\":42}", "$.id.x", NULL },
        { "{\"id\":42}", "$['id']", NULL },
        { "{\"id\":42}", "$", NULL },
        { "{\"r\":1.50}", "$.r", NULL },
        { "{\"z\":-0}", "$.z", NULL },
        { "{\"o\":{\"a\":1}}", "$.o", NULL },
        { "{\"l\":[1,2]}", "$.l", NULL },
        { "{\"a\":1,\"a\":{}}", "$.a", NULL },
        /* bodies outside the subset */
        { "{\"s\":\"caf\xc3\xa9\",\"id\":1}", "$.id", NULL },
        { "{\"s\":\"a\\\"b\",\"id\":1}", "$.id", NULL },
        { "{\"big\":99999999999999999999,\"id\":1}", "$.id", NULL },
        { "{\"x\":1e3,\"id\":1}", "$.id", NULL },
        /* not JSON */
        { "{\"id\":42", "$.id", NULL },
        { "{\"id\":42}}", "$.id", NULL },
        { "{\"id\":42,}", "$.id", NULL },
        { "{\"id\":042}", "$.id", NULL },
        { "{'id':42}", "$.id", NULL },
        { "[{\"id\":42}]", "$.id", NULL },
        { "", "$.id", NULL },
        { "{\"id\":tru}", "$.id", NULL },
        { "{\"id\":1.}", "$.id", NULL },
        { "{\"a\":[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]],\"id\":1}", "$.id",
          NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char fb[64], jb[64];
        const char *f = fast(cases[i].body, cases[i].path, fb, sizeof fb);
        if (!cases[i].want != !f || (f && strcmp(f, cases[i].want)))
            FAILF("case %zu (%s on %s): fast gave %s, expected %s", i,
                  cases[i].path, cases[i].body, f ? f : "(left)",
                  cases[i].want ? cases[i].want : "(left)");
        if (!f)
            continue;
        const char *name = cases[i].path[0] == '$' ? cases[i].path + 2
                                                   : cases[i].path;
        const char *j = jansson_text(cases[i].body, name, jb, sizeof jb);
        if (!j || strcmp(j, f))
            FAILF("case %zu: fast gave %s, jansson %s", i, f, j ? j : "none");
    }
}

int main(int argc, char **argv)
{
    test_suite_ = "json-fast";
    test_only_ = argc > 1 ? argv[1] : NULL;
    RUN(answers_as_jansson);
    TEST_EXIT();
}
