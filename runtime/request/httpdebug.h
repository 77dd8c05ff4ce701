/*
 * httpdebug.h - --http-debug N: the first N requests of the run (all
 * workers together) and their responses, printed to stderr as they were
 * sent and received, whichever engine sent them:
 *
 *   > request line and header lines as sent (every hop of a redirect)
 *   > the request body (capped)
 *   < the final response's status line and header lines
 *   < its body as checks see it (decoded; capped), "[... cut]" noted
 *
 * The engines record what they sent into the response's `sent` buffer
 * when its log_sent is set (response.h).
 */
#ifndef SW_HTTPDEBUG_H
#define SW_HTTPDEBUG_H

#include <stdint.h>
#include "engine.h"
#include "response.h"

/* Bodies printed up to this many bytes. */
#define SW__HTTP_DEBUG_BODY 4096

/* n requests to print (0: off); before the workers start. */
void sw__http_debug_init(int64_t n);

/* Set by sw__http_debug_init, then only read: the request path checks it
 * before anything else (no atomic when debugging is off). */
extern int sw__http_debug_on;

/* The next request's number (1-based) when it is to be printed, else 0. */
int64_t sw__http_debug_take(void);

/* Prints request number seq: what q asked for, what was sent
 * (resp->sent), the response and the verdict (error: NULL when it
 * passed). */
void sw__http_debug_print(int64_t seq, const char *engine,
                          const struct sw__http_req *q,
                          const struct sw__response *resp,
                          const char *error);

#endif
