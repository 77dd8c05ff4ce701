/*
 * delayer.c - answers that wait without holding a server thread.
 *
 * A delayed request's connection is suspended (MHD_suspend_connection) and
 * handed here with the monotonic time it is due; one thread sleeps until the
 * earliest one is due and resumes it (MHD_resume_connection is safe from any
 * thread), after which libmicrohttpd calls the handler again and the stored
 * answer is queued.  Sleeping in the handler instead would block every other
 * connection served by that pool thread, and a load test would measure the
 * target's thread count rather than the delay it asked for.
 *
 * The waiting connections are kept in a binary min-heap ordered by due time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "demo.h"

struct waiter {
    uint64_t due_us;
    struct MHD_Connection *conn;
};

static struct waiter *heap;
static size_t nheap, capheap;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static int running;   /* the thread exists */
static int stopping;  /* no new waiters; resume all */

static void
swap(size_t a, size_t b)
{
    struct waiter t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
}

static void
sift_up(size_t i)
{
    while (i > 0 && heap[(i - 1) / 2].due_us > heap[i].due_us) {
        swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void
sift_down(size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < nheap && heap[l].due_us < heap[m].due_us)
            m = l;
        if (r < nheap && heap[r].due_us < heap[m].due_us)
            m = r;
        if (m == i)
            return;
        swap(i, m);
        i = m;
    }
}

static struct MHD_Connection *
pop(void)
{
    struct MHD_Connection *c = heap[0].conn;
    heap[0] = heap[--nheap];
    sift_down(0);
    return c;
}

static void *
run(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        uint64_t now = demo_now_us();
        while (nheap > 0 && (stopping || heap[0].due_us <= now))
            MHD_resume_connection(pop());
        if (stopping)
            break;
        if (nheap == 0) {
            pthread_cond_wait(&wake, &lock);
            continue;
        }
        uint64_t due = heap[0].due_us;
        struct timespec ts = {
            .tv_sec = (time_t)(due / 1000000),
            .tv_nsec = (long)(due % 1000000) * 1000,
        };
        pthread_cond_timedwait(&wake, &lock, &ts);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int
demo_delayer_start(void)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        return -1;
    /* The due times are CLOCK_MONOTONIC: wall-clock steps must not move
     * them. */
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&wake, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        return -1;
    }
    pthread_condattr_destroy(&ca);
    if (pthread_create(&thread, NULL, run, NULL) != 0) {
        pthread_cond_destroy(&wake);
        return -1;
    }
    running = 1;
    return 0;
}

int
demo_delayer_add(struct MHD_Connection *conn, uint64_t due_us)
{
    pthread_mutex_lock(&lock);
    if (stopping || !running) {
        pthread_mutex_unlock(&lock);
        return -1;
    }
    if (nheap == capheap) {
        size_t cap = capheap ? capheap * 2 : 64;
        struct waiter *h = realloc(heap, cap * sizeof(*h));
        if (h == NULL) {
            pthread_mutex_unlock(&lock);
            return -1;
        }
        heap = h;
        capheap = cap;
    }
    heap[nheap].due_us = due_us;
    heap[nheap].conn = conn;
    sift_up(nheap++);
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    return 0;
}

size_t
demo_delayer_stop(void)
{
    pthread_mutex_lock(&lock);
    size_t pending = nheap;
    stopping = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    if (running) {
        pthread_join(thread, NULL);
        pthread_cond_destroy(&wake);
        running = 0;
    }
    free(heap);
    heap = NULL;
    nheap = capheap = 0;
    return pending;
}
