/*
 * curl_loop.c - the libuv <-> libcurl glue (see curl_loop.h for the shape and why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include "curl_loop.h"
#include "util/buf.h"

struct sw__sock {
    uv_poll_t poll;
    curl_socket_t fd;
    int cur;                    /* events the poll is started with */
    int want;                   /* events libcurl wants; 0 = none */
    struct sw__loop *loop;
};

/* Takes a transfer out of the multi handle and out of the count. */
static void remove_transfer(struct sw__loop *l, CURL *easy)
{
    CURLMcode mc = curl_multi_remove_handle(l->multi, easy);
    if (mc != CURLM_OK)
        fprintf(stderr, "swarm: curl_multi_remove_handle: %s\n",
                curl_multi_strerror(mc));
    else
        l->transfers--;
}

/* Every finished transfer's message is read before any handle is removed:
 * curl_multi_remove_handle (7.88) looks for the handle's message through
 * the rest of the queue, so removing each handle while the others' messages
 * wait costs n^2/2 steps over cold list nodes for n transfers that end in
 * one call (5,000 users timing out in one timer callback: 12.5 million).
 * A transfer that an earlier `done` cancels is struck from the batch
 * (sw__loop_remove): it is removed once and never reported. */
static void check_done(struct sw__loop *l)
{
    CURLMsg *m;
    int pending;
    l->batch_len = 0;
    while ((m = curl_multi_info_read(l->multi, &pending))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        if (l->batch_len == l->batch_cap) {
            int cap = l->batch_cap ? 2 * l->batch_cap : 16;
            void *p = realloc(l->batch, (size_t)cap * sizeof *l->batch);
            if (!p)
                sw__oom();
            l->batch = p;
            l->batch_cap = cap;
        }
        l->batch[l->batch_len++] = (struct sw__finished){
            m->easy_handle, m->data.result };
    }
    for (l->batch_pos = 0; l->batch_pos < l->batch_len; l->batch_pos++) {
        struct sw__finished f = l->batch[l->batch_pos];
        if (!f.easy)
            continue;
        remove_transfer(l, f.easy);
        l->done(l, f.easy, f.result);
    }
    l->batch_len = l->batch_pos = 0;
}

static void socket_action(struct sw__loop *l, curl_socket_t s, int flags)
{
    int running;
    /* Never re-entered: libcurl callbacks only add or remove handles and
     * start timers, and `done` runs after socket_action has returned. */
    l->in_action = 1;
    CURLMcode mc = curl_multi_socket_action(l->multi, s, flags, &running);
    l->in_action = 0;
    if (mc != CURLM_OK)
        fprintf(stderr, "swarm: curl_multi_socket_action: %s\n",
                curl_multi_strerror(mc));
    check_done(l);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    struct sw__sock *c = p->data;
    if (!c->want) {
        /* libcurl no longer watches this socket (an idle keep-alive
         * connection): stop lazily, here, instead of at every REMOVE. */
        uv_poll_stop(&c->poll);
        c->cur = 0;
        return;
    }
    int flags = 0;
    /* An error on the socket (a reset): libcurl is told it is readable
     * too, so that its read meets the error and names it (ECONNRESET),
     * as it does on a reset it finds by reading. */
    if (status < 0)
        flags = CURL_CSELECT_ERR | CURL_CSELECT_IN;
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    socket_action(c->loop, c->fd, flags);
}

static void on_timeout(uv_timer_t *t)
{
    socket_action(t->data, CURL_SOCKET_TIMEOUT, 0);
}

static int timer_cb(CURLM *m, long ms, void *up)
{
    struct sw__loop *l = up;
    (void)m;
    if (ms < 0)
        uv_timer_stop(&l->timer);
    else if (uv_timer_start(&l->timer, on_timeout, (uint64_t)ms, 0) != 0)
        return -1;
    return 0;
}

static int socket_cb(CURL *e, curl_socket_t s, int action, void *up,
                     void *sockp)
{
    struct sw__loop *l = up;
    (void)e;
    (void)sockp;
    if (s < 0 || s >= l->fdtab_len)
        return -1;
    struct sw__sock *c = l->fdtab[s];
    if (action == CURL_POLL_REMOVE) {
        if (c)
            c->want = 0;
        return 0;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            return -1;
        c->fd = s;
        c->loop = l;
        if (uv_poll_init_socket(l->uv, &c->poll, s) != 0) {
            free(c);
            return -1;
        }
        c->poll.data = c;
        l->fdtab[s] = c;
    }
    int ev = 0;
    if (action != CURL_POLL_IN)
        ev |= UV_WRITABLE;
    if (action != CURL_POLL_OUT)
        ev |= UV_READABLE;
    c->want = ev;
    if (ev != c->cur) {
        if (uv_poll_start(&c->poll, ev, on_poll) != 0)
            return -1;
        c->cur = ev;
    }
    return 0;
}

static void free_sock(uv_handle_t *h)
{
    free(h->data);
}

int sw__loop_closesocket(void *clientp, curl_socket_t s)
{
    struct sw__loop *l = clientp;
    if (l && s >= 0 && s < l->fdtab_len && l->fdtab[s]) {
        struct sw__sock *c = l->fdtab[s];
        l->fdtab[s] = NULL;
        uv_poll_stop(&c->poll);
        uv_close((uv_handle_t *)&c->poll, free_sock);
    }
    return close(s);
}

int sw__loop_init(struct sw__loop *l, uv_loop_t *uv,
                  void (*done)(struct sw__loop *, CURL *, CURLcode))
{
    struct rlimit rl;
    l->uv = uv;
    l->done = done;
    l->in_action = 0;
    l->transfers = 0;
    l->batch = NULL;
    l->batch_len = l->batch_cap = l->batch_pos = 0;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY
        || rl.rlim_cur > (1u << 24))
        rl.rlim_cur = 1u << 16;
    l->fdtab_len = (long)rl.rlim_cur;
    l->fdtab = calloc((size_t)l->fdtab_len, sizeof *l->fdtab);
    l->multi = curl_multi_init();
    if (!l->fdtab || !l->multi) {
        fprintf(stderr, "swarm: out of memory for the event loop\n");
        free(l->fdtab);
        if (l->multi)
            curl_multi_cleanup(l->multi);
        return -1;
    }
    if (uv_timer_init(uv, &l->timer) != 0) {
        free(l->fdtab);
        curl_multi_cleanup(l->multi);
        return -1;
    }
    l->timer.data = l;
    if (curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, socket_cb) ||
        curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l) ||
        curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, timer_cb) ||
        curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l)) {
        fprintf(stderr, "swarm: curl_multi_setopt failed\n");
        return -1;
    }
    return 0;
}

int sw__loop_add(struct sw__loop *l, CURL *easy)
{
    CURLMcode mc = curl_multi_add_handle(l->multi, easy);
    if (mc != CURLM_OK) {
        fprintf(stderr, "swarm: curl_multi_add_handle: %s\n",
                curl_multi_strerror(mc));
        return -1;
    }
    l->transfers++;
    return 0;
}

void sw__loop_remove(struct sw__loop *l, CURL *easy)
{
    for (int i = l->batch_pos + 1; i < l->batch_len; i++)
        if (l->batch[i].easy == easy)
            l->batch[i].easy = NULL;
    remove_transfer(l, easy);
}

void sw__loop_close(struct sw__loop *l)
{
    l->batch_len = 0;           /* nothing left to report */
    if (l->multi)
        curl_multi_cleanup(l->multi);
    l->multi = NULL;
    uv_timer_stop(&l->timer);
    uv_close((uv_handle_t *)&l->timer, NULL);
    /* polls of sockets still open (none once every share is cleaned up)
     * are closed here so the loop can end */
    for (long i = 0; i < l->fdtab_len; i++)
        if (l->fdtab[i]) {
            uv_poll_stop(&l->fdtab[i]->poll);
            uv_close((uv_handle_t *)&l->fdtab[i]->poll, free_sock);
            l->fdtab[i] = NULL;
        }
}

void sw__loop_free_table(struct sw__loop *l)
{
    free(l->fdtab);
    l->fdtab = NULL;
    free(l->batch);
    l->batch = NULL;
}
