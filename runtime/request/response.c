/*
 * response.c - filling and emptying a struct sw__response (response.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "response.h"

/* Buffers grown past this are freed when the response is emptied, so one
 * big response does not pin memory for the whole run. */
#define KEEP_CAP ((size_t)256 << 10)

static void add(struct sw__buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->ptr, cap);
        if (!p) {
            fputs("swarm: out of memory\n", stderr);
            abort();
        }
        b->ptr = p;
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, s, n);
    b->len += n;
    b->ptr[b->len] = 0;
}

void sw__resp_add_body(struct sw__response *r, const char *p, size_t n)
{
    r->body_bytes += (int64_t)n;
    if (r->body.len < SW__BODY_CAP)
        add(&r->body, p, n < SW__BODY_CAP - r->body.len
                             ? n : SW__BODY_CAP - r->body.len);
}

void sw__resp_add_header(struct sw__response *r, const char *p, size_t n)
{
    if (n >= 5 && !memcmp(p, "HTTP/", 5))
        r->headers.len = 0;
    if (r->headers.len < SW__HEADERS_CAP)
        add(&r->headers, p, n);
}

static void trim(struct sw__buf *b)
{
    if (b->cap > KEEP_CAP) {
        free(b->ptr);
        b->ptr = NULL;
        b->cap = 0;
    }
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = 0;
}

void sw__resp_reset(struct sw__response *r)
{
    trim(&r->body);
    trim(&r->headers);
    r->status = 0;
    r->body_bytes = 0;
    r->transport_error = NULL;
    if (r->json)
        json_decref((json_t *)r->json);
    r->json = NULL;
    r->json_state = 0;
    free(r->fail_msg);
    r->fail_msg = NULL;
    r->status_checked = 0;
}

void sw__resp_free(struct sw__response *r)
{
    sw__resp_reset(r);
    free(r->body.ptr);
    free(r->headers.ptr);
    memset(r, 0, sizeof *r);
}
