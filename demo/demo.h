/*
 * demo.h - internal declarations of the demo target server (build/demo-target).
 *
 * The demo target is the HTTP server the end-to-end tests and ./run-demo.sh
 * load: a libmicrohttpd daemon on 127.0.0.1 that serves a small fake shop and
 * writes one log line per request (see reqlog.c for the columns).  It is a
 * test fixture, not part of the product: simple, predictable, and careful
 * that every request it saw ends up in the log.
 *
 * Modules:
 *   target.c    command line, daemon set-up, connection/request life cycle
 *   routes.c    what each path answers (pure: request in, reply out)
 *   sessions.c  sessions and bearer tokens issued by /login
 *   reqlog.c    the request log
 *   delayer.c   answers that wait (/delay, ?delay_ms=, --delay-ms)
 */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

/* Upper bound for any delay the target is asked for. */
#define DEMO_MAX_DELAY_MS 10000
/* Larger request bodies are refused with 413. */
#define DEMO_MAX_BODY (1024 * 1024)

/* Microseconds on CLOCK_MONOTONIC. */
uint64_t demo_now_us(void);

/* ---- routes.c ----------------------------------------------------------- */

/* What the router needs to know about a request.  Everything is borrowed. */
struct demo_request {
    struct MHD_Connection *conn;  /* for headers, cookies and arguments */
    const char *method;
    const char *path;             /* without the query */
    const char *body;             /* NUL-terminated, may be "" */
    size_t body_len;
};

/* The answer, filled by demo_route().  Owns body and the header values. */
struct demo_reply {
    unsigned status;
    const char *content_type;     /* static string */
    char *body;                   /* malloc'd, or NULL for an empty body */
    size_t body_len;
    char *set_cookie;             /* malloc'd header value, or NULL */
    char *location;               /* malloc'd header value, or NULL */
    int64_t delay_ms;             /* wait this long before answering */
};

/* Fills *rep for *req.  Returns 0, or -1 when out of memory. */
int demo_route(const struct demo_request *req, struct demo_reply *rep);
void demo_reply_free(struct demo_reply *rep);
/* upload.c: POST /upload, a multipart body parsed and described. */
int demo_route_upload(const struct demo_request *req, struct demo_reply *rep);

/* ---- sessions.c --------------------------------------------------------- */

/* Creates a session for user: writes the 32-hex-digit session id and token
 * (33 bytes each with the NUL).  Returns 0, or -1 when the table is full. */
int demo_session_new(const char *user, char session[33], char token[33]);
/* Copies the user name (NUL-terminated, at most cap bytes) of the session
 * or token.  Returns 0 when found, -1 otherwise. */
int demo_session_user(const char *session, char *user, size_t cap);
int demo_token_user(const char *token, char *user, size_t cap);
void demo_sessions_free(void);

/* ---- reqlog.c ----------------------------------------------------------- */

/* One finished request, as logged.  Everything is borrowed. */
struct demo_log_entry {
    uint64_t conn_id;
    const char *method;
    const char *target;           /* path with query, as sent */
    const char *cookie;           /* header value or NULL */
    const char *authorization;    /* header value or NULL */
    const char *x_user;           /* header value or NULL */
    const char *body;             /* may be NULL */
    size_t body_len;
    unsigned status;
    uint64_t arrival_us;          /* monotonic, headers received */
    uint64_t done_us;             /* monotonic, answer queued */
    const char *headers;          /* every header line, "Name: value\n"
                                     each, in arrival order (header log) */
};

/* Opens (appends to) path; NULL path: no log.  Returns 0 or -1 (errno). */
int demo_log_open(const char *path);
void demo_log_write(const struct demo_log_entry *e);
void demo_log_close(void);
/* The header log (--header-log): opens path; NULL: none.  0 or -1. */
int demo_hlog_open(const char *path);
/* 1 when the header log is open (the caller then collects headers). */
int demo_hlog_on(void);

/* ---- delayer.c ---------------------------------------------------------- */

/* Starts the thread that resumes suspended connections.  0 or -1. */
int demo_delayer_start(void);
/* Resumes conn (suspended by the caller) at monotonic time due_us.
 * Returns 0, or -1 when out of memory (then the caller must not suspend). */
int demo_delayer_add(struct MHD_Connection *conn, uint64_t due_us);
/* Resumes every waiting connection now and stops the thread.  Returns how
 * many were waiting. */
size_t demo_delayer_stop(void);

#endif /* DEMO_H */
