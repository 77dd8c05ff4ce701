/*
 * test-curl-loop.c - the libcurl engine's loop glue (curl_loop.c) when many
 * transfers finish in one call of libcurl: forty requests to a server that
 * never answers time out together, and are reported one by one, each once;
 * a transfer cancelled by an earlier report of the same batch is never
 * reported, and the loop counts no transfer twice.  Run under ASan by
 * SAN=address.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>
#include "engine/curl/curl_loop.h"
#include "test.h"

#define N 40

static CURL *easies[N];
static int reported[N];         /* times `done` saw each easy */
static CURLcode results[N];
static int cancelled = -1;      /* the easy the first report cancels */
static int cancelled_in_batch;  /* it was waiting in that report's batch */

static int index_of(CURL *e)
{
    for (int i = 0; i < N; i++)
        if (easies[i] == e)
            return i;
    return -1;
}

static void on_done(struct sw__loop *l, CURL *easy, CURLcode result)
{
    int i = index_of(easy);
    if (i < 0)
        return;
    reported[i]++;
    results[i] = result;
    if (cancelled >= 0)
        return;
    /* the first report cancels the batch's last transfer, as a user
     * stopped from another user's completion would */
    if (l->batch_len > 1) {
        CURL *last = l->batch[l->batch_len - 1].easy;
        cancelled = index_of(last);
        cancelled_in_batch = 1;
        sw__loop_remove(l, last);
    }
}

/* A listening socket that never accepts: connections complete in the
 * kernel's backlog and never get an answer. */
static int silent_server(int *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

TEST(batch_of_timeouts_reported_once_each)
{
    uv_loop_t loop;
    struct sw__loop l;
    char url[64];
    int port, fd = silent_server(&port);
    ASSERT(fd >= 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    ASSERT_EQ(uv_loop_init(&loop), 0);
    ASSERT_EQ(sw__loop_init(&l, &loop, on_done), 0);
    for (int i = 0; i < N; i++) {
        easies[i] = curl_easy_init();
        ASSERT(easies[i] != NULL);
        curl_easy_setopt(easies[i], CURLOPT_URL, url);
        curl_easy_setopt(easies[i], CURLOPT_TIMEOUT_MS, 300L);
        curl_easy_setopt(easies[i], CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easies[i], CURLOPT_CLOSESOCKETFUNCTION,
                         sw__loop_closesocket);
        curl_easy_setopt(easies[i], CURLOPT_CLOSESOCKETDATA, &l);
    }
    /* added within the same millisecond: the same deadline */
    for (int i = 0; i < N; i++)
        ASSERT_EQ(sw__loop_add(&l, easies[i]), 0);
    ASSERT_EQ(l.transfers, N);
    while (l.transfers > 0 && uv_run(&loop, UV_RUN_ONCE))
        ;
    ASSERT_EQ(l.transfers, 0);
    /* the timeouts came in one call (else this test proves nothing) */
    ASSERT(cancelled_in_batch);
    ASSERT(cancelled >= 0);
    for (int i = 0; i < N; i++) {
        if (i == cancelled) {
            ASSERT_EQ(reported[i], 0);
        } else {
            ASSERT_EQ(reported[i], 1);
            ASSERT_EQ(results[i], CURLE_OPERATION_TIMEDOUT);
        }
    }
    sw__loop_close(&l);
    for (int i = 0; i < N; i++)
        curl_easy_cleanup(easies[i]);
    ASSERT_EQ(test_loop_closes(&loop), 0);
    sw__loop_free_table(&l);
    close(fd);
    curl_global_cleanup();
}

int main(int argc, char **argv)
{
    test_suite_ = "curl-loop";
    test_only_ = argc > 1 ? argv[1] : NULL;
    RUN(batch_of_timeouts_reported_once_each);
    return test_any_failed_;
}
