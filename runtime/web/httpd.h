/*
 * httpd.h - a small HTTP/1.1 server on its own thread and its own libuv
 * loop, parsing with libhttp-parser (internal; the web UI's transport).
 *
 * Bounded everywhere so that no client can make it use much memory or
 * disturb the load: request line and headers at most SW_HTTPD_MAX_HEAD
 * bytes (431/414), a body at most SW_HTTPD_MAX_BODY (413), at most
 * SW_HTTPD_MAX_CONNS connections (the next ones get a 429 and are
 * closed), and SW_HTTPD_IDLE_MS for a request to arrive in full (408).
 * Requests are answered in order on the server thread by one handler.
 * Over TLS (tls_server.h) the same, inside the TLS session; a connection
 * that fails its handshake, or speaks plain HTTP to it (answered 400),
 * is closed, counted and said at debug level.
 */
#ifndef SW_HTTPD_H
#define SW_HTTPD_H

#include <stddef.h>
#include "tls_server.h"

#define SW_HTTPD_MAX_HEAD (16 * 1024)
#define SW_HTTPD_MAX_BODY (64 * 1024)
#define SW_HTTPD_MAX_CONNS 256
#define SW_HTTPD_IDLE_MS 30000

/* One request; every string is NUL-terminated, "" when absent, and
 * borrowed for the handler call only. */
struct sw__httpd_req {
    const char *method;         /* "GET", "POST", ... */
    const char *path;           /* without the query, not decoded */
    const char *query;          /* after '?', or "" */
    const char *authorization;
    const char *origin;
    const char *referer;
    const char *sec_fetch_site;
    const char *host;
    const char *content_type;
    const char *body;
    size_t body_len;
};

/* The handler's answer.  body: free()d after sending unless `release` is
 * set, in which case release(release_arg) is called instead. */
struct sw__httpd_resp {
    int status;
    const char *content_type;   /* static string */
    char *body;
    size_t len;
    void (*release)(void *arg);
    void *release_arg;
    char headers[512];          /* extra header lines, each "...\r\n" */
};

typedef void (*sw__httpd_fn)(void *arg, const struct sw__httpd_req *rq,
                             struct sw__httpd_resp *rs);

struct sw__httpd;

/* Binds host:port ("*" = every IPv4 address; port 0 = any free one, the
 * bound port in *port_out) and serves from a new thread: HTTPS with tls
 * (borrowed: it must outlive the server), plain HTTP when NULL.  NULL
 * with the reason in why.  Owns: the server, until sw__httpd_stop. */
struct sw__httpd *sw__httpd_start(const char *host, int port,
                                  struct sw__tls_server *tls,
                                  sw__httpd_fn fn, void *arg, int *port_out,
                                  char *why, size_t nwhy);
/* Closes every connection, joins the thread, frees the server. */
void sw__httpd_stop(struct sw__httpd *h);

#endif /* SW_HTTPD_H */
