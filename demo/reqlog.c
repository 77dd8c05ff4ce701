/*
 * reqlog.c - the demo target's request log.
 *
 * One line per answered request, ten tab-separated columns, always all ten:
 *
 *   1 conn     connection id: 1, 2, ... in accept order, one per TCP
 *              connection (a keep-alive user keeps its id)
 *   2 method   GET, POST, ...
 *   3 target   the request target as sent: path with query
 *   4 cookie   the Cookie header, or -
 *   5 auth     the Authorization header, or -
 *   6 x_user   the X-User header, or -
 *   7 body     the request body, escaped, or - when empty
 *   8 status   the status sent
 *   9 t_us     monotonic time (CLOCK_MONOTONIC, microseconds) at which the
 *              request's headers had arrived
 *  10 dur_us   microseconds from t_us until the answer was queued (includes
 *              any delay asked for)
 *
 * Escaping keeps a field on one line and free of tabs: backslash, tab,
 * newline and carriage return become \\ \t \n \r, other bytes below 0x20
 * and 0x7f become \xHH.  A field that is empty after all is written as "-"
 * only for the optional ones (cookie, auth, x_user, body).
 *
 * Lines are written with one write(2) on an O_APPEND descriptor under a
 * mutex, so they never interleave and are on disk (in the page cache) as
 * soon as the answer is queued: a test can read the log right after it
 * stopped the target with SIGTERM, or even while it runs.
 *
 * The header log (--header-log, for the engines' differential test) has
 * one line per request too, five columns: conn, method, target, every
 * header line ("Name: value" each followed by a newline, escaped as above)
 * and the body.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"

/* Fields longer than this are cut (with "...") so a line stays bounded. */
#define FIELD_MAX 4096

static int log_fd = -1;
static int hlog_fd = -1;        /* --header-log */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int
demo_log_open(const char *path)
{
    if (path == NULL)
        return 0;
    log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return log_fd < 0 ? -1 : 0;
}

int
demo_hlog_open(const char *path)
{
    if (path == NULL)
        return 0;
    hlog_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return hlog_fd < 0 ? -1 : 0;
}

int
demo_hlog_on(void)
{
    return hlog_fd >= 0;
}

void
demo_log_close(void)
{
    pthread_mutex_lock(&log_lock);
    if (log_fd >= 0)
        close(log_fd);
    log_fd = -1;
    if (hlog_fd >= 0)
        close(hlog_fd);
    hlog_fd = -1;
    pthread_mutex_unlock(&log_lock);
}

/* A growable line buffer; on allocation failure it stays marked failed. */
struct line {
    char *p;
    size_t len, cap;
    int failed;
};

static void
put(struct line *l, const char *s, size_t n)
{
    if (l->failed)
        return;
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 512;
        while (cap < l->len + n + 1)
            cap *= 2;
        char *p = realloc(l->p, cap);
        if (p == NULL) {
            l->failed = 1;
            return;
        }
        l->p = p;
        l->cap = cap;
    }
    memcpy(l->p + l->len, s, n);
    l->len += n;
    l->p[l->len] = '\0';
}

static void
put_str(struct line *l, const char *s)
{
    put(l, s, strlen(s));
}

/* Appends s (n bytes) escaped; "-" for an empty or missing optional one. */
static void
put_field(struct line *l, const char *s, size_t n)
{
    if (s == NULL || n == 0) {
        put(l, "-", 1);
        return;
    }
    size_t shown = n > FIELD_MAX ? FIELD_MAX : n;
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        switch (c) {
        case '\\': put(l, "\\\\", 2); break;
        case '\t': put(l, "\\t", 2); break;
        case '\n': put(l, "\\n", 2); break;
        case '\r': put(l, "\\r", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof(esc), "\\x%02x", c);
                put_str(l, esc);
            } else {
                put(l, (const char *)&s[i], 1);
            }
        }
    }
    if (shown < n)
        put(l, "...", 3);
}

static void
put_opt(struct line *l, const char *s)
{
    put_field(l, s, s ? strlen(s) : 0);
}

static void
write_all(int fd, const struct line *l)
{
    size_t off = 0;
    while (fd >= 0 && off < l->len) {
        ssize_t w = write(fd, l->p + off, l->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}

void
demo_log_write(const struct demo_log_entry *e)
{
    if (log_fd < 0)
        return;
    struct line l = {0};
    char num[96];

    snprintf(num, sizeof(num), "%" PRIu64 "\t", e->conn_id);
    put_str(&l, num);
    put_opt(&l, e->method);
    put(&l, "\t", 1);
    put_opt(&l, e->target);
    put(&l, "\t", 1);
    put_opt(&l, e->cookie);
    put(&l, "\t", 1);
    put_opt(&l, e->authorization);
    put(&l, "\t", 1);
    put_opt(&l, e->x_user);
    put(&l, "\t", 1);
    put_field(&l, e->body, e->body_len);
    snprintf(num, sizeof(num), "\t%u\t%" PRIu64 "\t%" PRIu64 "\n", e->status,
             e->arrival_us, e->done_us - e->arrival_us);
    put_str(&l, num);
    if (l.failed) {
        free(l.p);
        return;
    }
    pthread_mutex_lock(&log_lock);
    write_all(log_fd, &l);
    pthread_mutex_unlock(&log_lock);
    free(l.p);
    if (hlog_fd < 0)
        return;
    /* the header log: conn, method, target, headers, body */
    struct line h = {0};
    snprintf(num, sizeof(num), "%" PRIu64 "\t", e->conn_id);
    put_str(&h, num);
    put_opt(&h, e->method);
    put(&h, "\t", 1);
    put_opt(&h, e->target);
    put(&h, "\t", 1);
    put_opt(&h, e->headers);
    put(&h, "\t", 1);
    put_field(&h, e->body, e->body_len);
    put(&h, "\n", 1);
    if (!h.failed) {
        pthread_mutex_lock(&log_lock);
        write_all(hlog_fd, &h);
        pthread_mutex_unlock(&log_lock);
    }
    free(h.p);
}
