/*
 * test-resp-pool.c - a response's body and header buffers lent from its
 * worker's pool (request/response.h): taken at the first byte an engine
 * appends, given back emptied when the response is reset, the last given
 * back taken first, and a response without a pool keeping its own.
 */
#include "response.h"
#include "test.h"

TEST(buffers_come_from_the_pool_and_go_back)
{
    struct sw__resp_pool pool = { 0 };
    struct sw__response a = { .pool = &pool }, b = { .pool = &pool };
    sw__resp_add_header(&a, "HTTP/1.1 200 OK\r\n", 17);
    sw__resp_add_body(&a, "hello", 5);
    ASSERT_STR_EQ(a.headers.ptr, "HTTP/1.1 200 OK\r\n");
    ASSERT_STR_EQ(a.body.ptr, "hello");
    ASSERT_EQ(a.body_bytes, 5);
    const char *hp = a.headers.ptr, *bp = a.body.ptr;
    sw__resp_reset(&a);             /* back to the pool, emptied */
    ASSERT(a.headers.ptr == NULL && a.body.ptr == NULL);
    ASSERT_EQ(pool.n, 1);
    /* the next response to get bytes takes them, empty */
    sw__resp_add_body(&b, "", 0);
    ASSERT(b.body.ptr == bp && b.headers.ptr == hp);
    ASSERT_EQ(pool.n, 0);
    ASSERT_STR_EQ(b.body.ptr, "");
    ASSERT_EQ(b.headers.len, 0);
    sw__resp_add_header(&b, "HTTP/1.1 204 No Content\r\n", 25);
    ASSERT_STR_EQ(b.headers.ptr, "HTTP/1.1 204 No Content\r\n");
    /* one pair serves both: the body after the headers takes nothing */
    sw__resp_reset(&b);
    sw__resp_add_header(&a, "HTTP/1.1 200 OK\r\n", 17);
    ASSERT_EQ(pool.n, 0);
    sw__resp_add_body(&a, "x", 1);
    ASSERT_EQ(pool.n, 0);
    sw__resp_free(&a);
    sw__resp_free(&b);
    sw__resp_pool_free(&pool);
    ASSERT_EQ(pool.n, 0);
}

TEST(without_a_pool_a_response_keeps_its_own)
{
    struct sw__response r = { 0 };
    sw__resp_add_body(&r, "abc", 3);
    const char *p = r.body.ptr;
    sw__resp_reset(&r);
    ASSERT(r.body.ptr == p);        /* kept, emptied */
    ASSERT_STR_EQ(r.body.ptr, "");
    sw__resp_free(&r);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "resp-pool";
    RUN(buffers_come_from_the_pool_and_go_back);
    RUN(without_a_pool_a_response_keeps_its_own);
    TEST_EXIT();
}
