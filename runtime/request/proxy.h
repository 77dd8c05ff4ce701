/*
 * proxy.h - which proxy a request goes through, as python-requests
 * decides it: the environment's http_proxy / https_proxy / all_proxy
 * (lower case first, then upper case), no_proxy / NO_PROXY to bypass
 * them; --proxy URL for every request instead; --no-proxy to ignore the
 * environment.
 *
 * Decided once at start-up (sw__proxy_init, before the workers start) and
 * only read afterwards, per request, by request.c: the engines are given
 * the answer (struct sw__http_req's proxy).
 */
#ifndef SW_PROXY_H
#define SW_PROXY_H

#include <stddef.h>

/* Reads the environment (unless no_env) and --proxy (flag_url, or NULL).
 * 0, or -1 with one line in err naming the variable or flag whose value
 * is not a proxy URL. */
int sw__proxy_init(const char *flag_url, int no_env, char *err, size_t n);

/* The proxy for an absolute http(s) URL, or NULL: direct.  Static storage
 * (valid for the run). */
const char *sw__proxy_for(const char *url, size_t len);

/* 1 when some request may go through a proxy. */
int sw__proxy_any(void);

/* Where the proxy for url came from ("--proxy", "http_proxy", ...), for
 * messages; NULL when direct. */
const char *sw__proxy_source(const char *url, size_t len);

void sw__proxy_free(void);

#endif
