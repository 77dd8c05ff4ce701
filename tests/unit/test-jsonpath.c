/*
 * test-jsonpath.c - the JSONPath subset over jansson values.
 */
#include <jansson.h>

#include "test.h"
#include "json_lookup.h"

static const char *doc_text =
    "{\"a\": {\"b\": [10, {\"c\": \"deep\"}, 30]},"
    " \"token\": \"abc\", \"n\": 42, \"ok\": true, \"none\": null,"
    " \"with space\": 1, \"dot.key\": 2, \"q'uote\": 3, \"\": 4,"
    " \"items\": [], \"list\": [\"x\", \"y\", \"z\"]}";

static json_t *load(void)
{
    json_error_t e;
    json_t *doc = json_loads(doc_text, 0, &e);
    if (doc == NULL) {
        printf("bad test document: %s\n", e.text);
        abort();
    }
    return doc;
}

/* The string value found at path, or NULL. */
static const char *str_at(json_t *doc, const char *path)
{
    json_t *v = NULL;
    if (sw__jsonpath_get(doc, path, &v) != SW_JP_FOUND)
        return NULL;
    return json_string_value(v);
}

static long long int_at(json_t *doc, const char *path)
{
    json_t *v = NULL;
    if (sw__jsonpath_get(doc, path, &v) != SW_JP_FOUND)
        return -1;
    return json_integer_value(v);
}

TEST(members_and_elements)
{
    json_t *doc = load();
    ASSERT_STR_EQ(str_at(doc, "$.token"), "abc");
    ASSERT_STR_EQ(str_at(doc, "token"), "abc");         /* no '$' */
    ASSERT_STR_EQ(str_at(doc, "$.a.b[1].c"), "deep");
    ASSERT_EQ(int_at(doc, "$.a.b[0]"), 10);
    ASSERT_EQ(int_at(doc, "$.a.b[2]"), 30);
    ASSERT_EQ(int_at(doc, "$.n"), 42);
    ASSERT_STR_EQ(str_at(doc, "$.list[-1]"), "z");
    ASSERT_STR_EQ(str_at(doc, "$.list[-3]"), "x");
    ASSERT_STR_EQ(str_at(doc, "$['token']"), "abc");
    ASSERT_STR_EQ(str_at(doc, "$[\"a\"][\"b\"][1]['c']"), "deep");
    ASSERT_EQ(int_at(doc, "$['with space']"), 1);
    ASSERT_EQ(int_at(doc, "$['dot.key']"), 2);
    ASSERT_EQ(int_at(doc, "$['q\\'uote']"), 3);
    ASSERT_EQ(int_at(doc, "$['']"), 4);
    json_t *v = NULL;
    ASSERT_EQ(sw__jsonpath_get(doc, "$", &v), SW_JP_FOUND);
    ASSERT(v == doc);
    ASSERT_EQ(sw__jsonpath_get(doc, "$.none", &v), SW_JP_FOUND);
    ASSERT(json_is_null(v));
    ASSERT_EQ(sw__jsonpath_get(doc, "$.ok", &v), SW_JP_FOUND);
    ASSERT(json_is_true(v));
    json_decref(doc);
}

TEST(missing)
{
    json_t *doc = load();
    json_t *v = NULL;
    ASSERT_EQ(sw__jsonpath_get(doc, "$.nope", &v), SW_JP_MISSING);
    ASSERT_EQ(sw__jsonpath_get(doc, "$.a.x.y", &v), SW_JP_MISSING);
    ASSERT_EQ(sw__jsonpath_get(doc, "$.list[3]", &v), SW_JP_MISSING);
    ASSERT_EQ(sw__jsonpath_get(doc, "$.list[-4]", &v), SW_JP_MISSING);
    ASSERT_EQ(sw__jsonpath_get(doc, "$.items[0]", &v), SW_JP_MISSING);
    ASSERT_EQ(sw__jsonpath_get(doc, "$.token[0]", &v), SW_JP_MISSING);
    ASSERT_EQ(sw__jsonpath_get(doc, "$.list.x", &v), SW_JP_MISSING);
    ASSERT_EQ(sw__jsonpath_get(doc, "$[0]", &v), SW_JP_MISSING);
    ASSERT_EQ(sw__jsonpath_get(NULL, "$.token", &v), SW_JP_MISSING);
    json_decref(doc);
}

TEST(invalid)
{
    json_t *doc = load();
    json_t *v = NULL;
    static const char *bad[] = {
        "", "$.", "$..a", "$.a.", "$[", "$[0", "$[x]", "$['a]", "$['a'",
        "$[-]", "$[1.5]", "$abc", "$.a[0]x", "$.a]", NULL
    };
    for (int i = 0; bad[i] != NULL; i++)
        if (sw__jsonpath_get(doc, bad[i], &v) != SW_JP_INVALID)
            FAILF("path '%s' accepted", bad[i]);
    /* Invalid even when the walk already left the document. */
    ASSERT_EQ(sw__jsonpath_get(doc, "$.nope.[", &v), SW_JP_INVALID);
    ASSERT_EQ(sw__jsonpath_get(NULL, "$..x", &v), SW_JP_INVALID);
    ASSERT_EQ(sw__jsonpath_get(doc, NULL, &v), SW_JP_INVALID);
    json_decref(doc);
}

TEST(long_quoted_key)
{
    char key[300];
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    json_t *doc = json_object();
    json_object_set_new(doc, key, json_integer(9));
    char path[320];
    snprintf(path, sizeof(path), "$['%s']", key);
    ASSERT_EQ(int_at(doc, path), 9);
    json_decref(doc);
}

TEST(scalar_root)
{
    json_error_t e;
    json_t *doc = json_loads("[1, 2]", 0, &e);
    ASSERT_EQ(int_at(doc, "$[1]"), 2);
    ASSERT_EQ(int_at(doc, "$[-2]"), 1);
    json_decref(doc);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "jsonpath";
    RUN(members_and_elements);
    RUN(missing);
    RUN(invalid);
    RUN(long_quoted_key);
    RUN(scalar_root);
    TEST_EXIT();
}
