/*
 * httpdebug.c - --http-debug N (see httpdebug.h).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "httpdebug.h"
#include "util/buf.h"
#include "util/method.h"

int sw__http_debug_on;
static atomic_int_fast64_t left;
static atomic_int_fast64_t taken;

void sw__http_debug_init(int64_t n)
{
    atomic_store(&left, n > 0 ? n : 0);
    atomic_store(&taken, 0);
    sw__http_debug_on = n > 0;
}

int64_t sw__http_debug_take(void)
{
    int64_t v = atomic_load(&left);
    while (v > 0)
        if (atomic_compare_exchange_weak(&left, &v, v - 1))
            return atomic_fetch_add(&taken, 1) + 1;
    return 0;
}

/* Each line of p (n bytes) with the prefix, CRLF or LF ended. */
static void lines(struct sw__buf *o, const char *prefix, const char *p,
                  size_t n)
{
    const char *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t l = (size_t)(le - p);
        if (l && p[l - 1] == '\r')
            l--;
        sw__buf_adds(o, prefix);
        sw__buf_add(o, p, l);
        sw__buf_add(o, "\n", 1);
        p = nl ? nl + 1 : end;
    }
}

/* A body: its first SW__HTTP_DEBUG_BODY bytes, with a note when cut. */
static void body(struct sw__buf *o, const char *prefix, const char *p,
                 size_t kept, int64_t total)
{
    char note[96];
    if (total <= 0)
        return;
    size_t show = kept < SW__HTTP_DEBUG_BODY ? kept : SW__HTTP_DEBUG_BODY;
    if (show)
        lines(o, prefix, p, show);
    if ((int64_t)show < total) {
        snprintf(note, sizeof note, "[... cut: %zu of %lld bytes shown]",
                 show, (long long)total);
        sw__buf_adds(o, prefix);
        sw__buf_adds(o, note);
        sw__buf_add(o, "\n", 1);
    }
}

void sw__http_debug_print(int64_t seq, const char *engine,
                          const struct sw__http_req *q,
                          const struct sw__response *resp,
                          const char *error)
{
    struct sw__buf o = { 0 };
    char head[96];
    snprintf(head, sizeof head, "--- http-debug #%lld (engine %s) ",
             (long long)seq, engine ? engine : "none");
    sw__buf_adds(&o, head);
    sw__buf_adds(&o, sw__method_name(q->method));
    sw__buf_add(&o, " ", 1);
    sw__buf_add(&o, q->url, q->url_len);
    if (q->proxy) {
        sw__buf_adds(&o, " via proxy ");
        sw__buf_adds(&o, q->proxy);
    }
    sw__buf_add(&o, "\n", 1);
    if (resp->sent.len) {
        /* the blank line that ends each block is kept: it separates the
         * hops of a redirect */
        lines(&o, "> ", resp->sent.ptr, resp->sent.len);
    } else {
        sw__buf_adds(&o, "> (nothing was sent)\n");
    }
    if (q->has_body && resp->sent.len)
        body(&o, "> ", q->body, q->body_len, (int64_t)q->body_len);
    if (resp->headers.len) {
        lines(&o, "< ", resp->headers.ptr, resp->headers.len);
        body(&o, "< ", resp->body.ptr ? resp->body.ptr : "", resp->body.len,
             resp->body_bytes);
    }
    if (error) {
        sw__buf_adds(&o, "! ");
        sw__buf_adds(&o, error);
        sw__buf_add(&o, "\n", 1);
    }
    /* one write: lines of two workers never interleave */
    fwrite(o.ptr, 1, o.len, stderr);
    fflush(stderr);
    sw__buf_free(&o);
}
