/*
 * response.c - filling and emptying a struct sw__response (response.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "response.h"

/* Buffers grown past this are freed when the response is emptied, so one
 * big response does not pin memory for the whole run. */
#define KEEP_CAP ((size_t)256 << 10)

struct sw__resp_bufs {
    struct sw__buf body, headers;
};

void sw__resp_take_(struct sw__response *r)
{
    struct sw__resp_pool *p = r->pool;
    if (r->body.ptr || r->headers.ptr || !p->n)
        return;
    struct sw__resp_bufs *b = &p->spare[--p->n];
    r->body = b->body;
    r->headers = b->headers;
}

/* Gives r's buffers (emptied) back to its pool. */
static void give_back(struct sw__response *r)
{
    struct sw__resp_pool *p = r->pool;
    if (!r->body.ptr && !r->headers.ptr)
        return;
    p->spare = sw__grow(p->spare, &p->cap, p->n + 1, sizeof *p->spare);
    p->spare[p->n].body = r->body;
    p->spare[p->n].headers = r->headers;
    p->n++;
    memset(&r->body, 0, sizeof r->body);
    memset(&r->headers, 0, sizeof r->headers);
}

void sw__resp_reset(struct sw__response *r)
{
    sw__buf_trim(&r->body, KEEP_CAP);
    sw__buf_trim(&r->headers, KEEP_CAP);
    if (r->pool)
        give_back(r);
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
    r->log_sent = 0;
    r->sent.len = 0;
}

void sw__resp_free(struct sw__response *r)
{
    sw__resp_reset(r);
    sw__buf_free(&r->body);
    sw__buf_free(&r->headers);
    sw__buf_free(&r->sent);
    memset(r, 0, sizeof *r);
}

void sw__resp_pool_free(struct sw__resp_pool *p)
{
    for (size_t i = 0; i < p->n; i++) {
        sw__buf_free(&p->spare[i].body);
        sw__buf_free(&p->spare[i].headers);
    }
    free(p->spare);
    memset(p, 0, sizeof *p);
}
