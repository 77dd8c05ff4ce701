/*
 * http.h - requests through each user's own session (internal).
 *
 * Every HTTP request of the runtime goes through sw_req_send (swarm.h),
 * which configures one pooled easy handle and hands it to the worker's
 * struct sw__loop.  A user owns a CURLSH (its cookie jar and its own
 * connection cache); easy handles belong to the worker and are lent to a
 * user only while a request is built, in flight or being checked.
 */
#ifndef SW_HTTP_H
#define SW_HTTP_H

#include <curl/curl.h>
#include "user.h"
#include "loop.h"

struct sw__worker;

/* Creates u->share.  0 or -1 (no memory). */
int sw__http_user_init(sw_user_t *u);
/* Drops any unfinished request unrecorded and frees u->share (closing the
 * user's connection). */
void sw__http_user_free(sw_user_t *u);
/* 1 when a request of u is in flight. */
int sw__http_in_flight(const sw_user_t *u);
/* Abandons u's request, in flight or not; nothing is recorded. */
void sw__http_cancel(sw_user_t *u);
/* struct sw__loop's `done` callback for worker loops. */
void sw__http_done(struct sw__loop *l, CURL *easy, CURLcode result);
/* Frees the worker's pooled requests and easy handles. */
void sw__http_pool_free(struct sw__worker *w);

#endif /* SW_HTTP_H */
