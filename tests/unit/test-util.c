/*
 * test-util.c - the code the runtime and the compiler share (runtime/util):
 * buffers and arrays, percent-encoding, method names, the CSV record
 * reader and the JSON path parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/jsonpath.h"
#include "util/method.h"
#include "util/pct.h"

TEST(buf_grows_and_stays_terminated)
{
    struct sw__buf b = { 0 };
    sw__buf_printf(&b, "%d-%s", 42, "x");
    ASSERT_STR_EQ(b.ptr, "42-x");
    for (int i = 0; i < 1000; i++)
        sw__buf_addc(&b, 'a' + i % 26);
    ASSERT_EQ(b.len, 1004);
    ASSERT_EQ(b.ptr[b.len], '\0');
    ASSERT(b.cap > b.len);
    sw__buf_add(&b, "z\0y", 3);         /* NUL bytes are data */
    ASSERT_EQ(b.len, 1007);
    ASSERT_EQ(b.ptr[1005], '\0');
    sw__buf_set(&b, "short");
    ASSERT_STR_EQ(b.ptr, "short");
    ASSERT_EQ(b.len, 5);
    sw__buf_free(&b);
    ASSERT(b.ptr == NULL);
    ASSERT_EQ(b.len + b.cap, 0);
}

TEST(buf_trim_keeps_small_frees_large)
{
    struct sw__buf b = { 0 };
    sw__buf_adds(&b, "hello");
    char *kept = b.ptr;
    sw__buf_trim(&b, 1024);
    ASSERT(b.ptr == kept);              /* small: memory kept, emptied */
    ASSERT_EQ(b.len, 0);
    ASSERT_STR_EQ(b.ptr, "");
    sw__buf_reserve(&b, 4096);
    sw__buf_trim(&b, 1024);
    ASSERT(b.ptr == NULL);              /* grown past keep_cap: freed */
    ASSERT_EQ(b.cap, 0);
    sw__buf_free(&b);
}

TEST(grow_array)
{
    int *v = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 300; n++) {
        v = sw__grow(v, &cap, n + 1, sizeof *v);
        ASSERT(cap >= n + 1);
        v[n] = (int)n;
    }
    ASSERT_EQ(v[299], 299);
    size_t before = cap;
    int *same = sw__grow(v, &cap, 10, sizeof *v);
    ASSERT(same == v);                  /* enough room: untouched */
    ASSERT_EQ(cap, before);
    free(v);
}

TEST(percent_encoding)
{
    char out[64];
    ASSERT_EQ(sw__pct_encode(out, "a b&c=d/é~", 11, 0), 23);
    ASSERT_STR_EQ(out, "a%20b%26c%3Dd%2F%C3%A9~");
    sw__pct_encode(out, "a b+c", 5, SW__PCT_SPACE_PLUS);
    ASSERT_STR_EQ(out, "a+b%2Bc");
    sw__pct_encode(out, "AZaz09-._~", 10, 0);
    ASSERT_STR_EQ(out, "AZaz09-._~");

    struct sw__buf b = { 0 };
    sw__buf_adds(&b, "/q?k=");
    sw__buf_add_pct(&b, "x y", 0);
    ASSERT_STR_EQ(b.ptr, "/q?k=x%20y");
    ASSERT_EQ(b.len, strlen(b.ptr));
    sw__buf_free(&b);
}

TEST(method_names)
{
    ASSERT_STR_EQ(sw__method_name(SW_GET), "GET");
    ASSERT_STR_EQ(sw__method_name(SW_OPTIONS), "OPTIONS");
    ASSERT_STR_EQ(sw__method_name((sw_method_t)99), "?");
    for (int i = SW_GET; i <= SW_OPTIONS; i++) {
        sw_method_t m = SW_GET;
        ASSERT_EQ(sw__method_parse(sw__method_name((sw_method_t)i), &m), 0);
        ASSERT_EQ(m, i);
    }
    sw_method_t m;
    ASSERT_EQ(sw__method_parse("get", &m), -1);
    ASSERT_EQ(sw__method_parse(NULL, &m), -1);
}

TEST(csv_one_record_at_a_time)
{
    const char *text = "\xEF\xBB\xBF\r\n a ,\"b\nc\"\n\n1,2\n";
    size_t len = strlen(text);
    struct sw__csv c;
    char out[64], err[128];
    size_t *offs = NULL, noffs = 0, cap = 0, o = 0, nf = 0;
    sw__csv_init(&c, text, len);
    ASSERT_EQ(sw__csv_record(&c, out, &o, &offs, &noffs, &cap, &nf, err,
                             sizeof(err)), 1);
    ASSERT_EQ(nf, 2);
    ASSERT_EQ(c.record_line, 2);        /* after the BOM's blank line */
    ASSERT_STR_EQ(out + offs[0], " a ");
    ASSERT_STR_EQ(out + offs[1], "b\nc");
    size_t n;
    const char *name = sw__csv_trim(" \tid\t ", &n);
    ASSERT_EQ(n, 2);
    ASSERT(strncmp(name, "id", 2) == 0);
    ASSERT_EQ(sw__csv_record(&c, out, &o, &offs, &noffs, &cap, &nf, err,
                             sizeof(err)), 1);
    ASSERT_EQ(c.record_line, 5);
    ASSERT_STR_EQ(out + offs[3], "2");
    ASSERT_EQ(sw__csv_record(&c, out, &o, &offs, &noffs, &cap, &nf, err,
                             sizeof(err)), 0);
    free(offs);

    offs = NULL, noffs = 0, cap = 0, o = 0;
    sw__csv_init(&c, "x,\"y", 4);
    ASSERT_EQ(sw__csv_record(&c, out, &o, &offs, &noffs, &cap, &nf, err,
                             sizeof(err)), -1);
    ASSERT_STR_EQ(err, "line 1: unterminated quoted field");
    free(offs);
}

/* The steps of path as text: "m:name i:N ...", or "error at N: why". */
static const char *steps(const char *path)
{
    static char out[256];
    struct sw__jp_cursor c;
    struct sw__jp_step st;
    size_t n = 0;
    out[0] = '\0';
    sw__jp_start(&c, path);
    while (sw__jp_next(&c, &st) != SW__JP_END) {
        if (st.kind == SW__JP_ERROR) {
            snprintf(out, sizeof(out), "error at %zu: %s", st.at, st.why);
            return out;
        }
        if (st.kind == SW__JP_INDEX) {
            n += (size_t)snprintf(out + n, sizeof(out) - n, "i:%lld ",
                                  st.index);
        } else {
            char name[64];
            size_t k = sw__jp_unescape(&st, name);
            n += (size_t)snprintf(out + n, sizeof(out) - n, "m:%.*s ",
                                  (int)k, name);
        }
    }
    return out;
}

TEST(json_path_steps)
{
    ASSERT_STR_EQ(steps("$"), "");
    ASSERT_STR_EQ(steps("token"), "m:token ");
    ASSERT_STR_EQ(steps("$.a.b[1].c"), "m:a m:b i:1 m:c ");
    ASSERT_STR_EQ(steps("$['a \\'b\\'']['x.y'][-1]"), "m:a 'b' m:x.y i:-1 ");
    ASSERT_STR_EQ(steps("a[\"q\\\\\"]"), "m:a m:q\\ ");
    ASSERT_STR_EQ(steps(""), "error at 0: the path is empty");
    ASSERT_STR_EQ(steps("$..a"),
                  "error at 1: '..' (recursive descent) is not supported");
    ASSERT_STR_EQ(steps("$.a[*]"), "error at 3: '[' takes an index or a "
                  "quoted name (wildcards, slices and filters are not "
                  "supported)");
    ASSERT_STR_EQ(steps("$.a["), "error at 3: '[' takes an index or a "
                  "quoted name (wildcards, slices and filters are not "
                  "supported)");
    size_t at = 99;
    ASSERT(sw__jp_error("$.a[0]", &at) == NULL);
    ASSERT_STR_EQ(sw__jp_error("$.a]", &at), "expected '.' or '['");
    ASSERT_EQ(at, 3);
}

int main(void)
{
    test_suite_ = "util";
    RUN(buf_grows_and_stays_terminated);
    RUN(buf_trim_keeps_small_frees_large);
    RUN(grow_array);
    RUN(percent_encoding);
    RUN(method_names);
    RUN(csv_one_record_at_a_time);
    RUN(json_path_steps);
    TEST_EXIT();
}
