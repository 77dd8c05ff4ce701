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

void sw__resp_reset(struct sw__response *r)
{
    sw__buf_trim(&r->body, KEEP_CAP);
    sw__buf_trim(&r->headers, KEEP_CAP);
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
