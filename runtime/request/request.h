/*
 * request.h - the request module (internal): sw_req_* and the response,
 * between the scheduler above and an HTTP engine (engine.h) below.
 *
 * The worker owns one struct sw__net (its engines and its pool of request
 * objects); each user owns one struct sw__user_net (its engine sessions,
 * opened lazily, and the request it is building, waiting for or checking).
 * A request object is lent to a user from sw_req_begin to sw_req_end and
 * owns its response (request/response.h) for that time: engines fill it,
 * checks and captures read it through sw__resp(u).
 *
 * The scheduler sends (sw__req_send, an explicit outcome back) and is told
 * of a finished request through the `complete` callback it installed, with
 * the request's completion record; the request module never calls the
 * scheduler otherwise.
 */
#ifndef SW_REQUEST_H
#define SW_REQUEST_H

#include <stdatomic.h>
#include <stdint.h>
#include <uv.h>
#include "swarm.h"
#include "engine.h"
#include "response.h"

struct sw__stats;
struct sw__req;

/* A finished request's record for the scheduler. */
typedef void (*sw__req_complete_fn)(sw_user_t *u,
                                    const struct sw__http_result *res);

/* Per worker. */
struct sw__net {
    const struct sw__engine_ops *ops[SW__ENGINE_KINDS]; /* NULL: absent */
    sw__engine_t *eng[SW__ENGINE_KINDS];   /* owned; opened lazily */
    uv_loop_t *uv;                          /* borrowed: the worker's */
    struct sw__engine_config cfg;
    const char *host;                       /* borrowed: --host */
    int64_t timeout_ms;                     /* --timeout */
    struct sw__stats *stats;                /* borrowed: where samples go */
    atomic_int_fast64_t *failures;          /* borrowed: failures counter */
    sw__req_complete_fn complete;           /* the scheduler's */
    int only;                               /* --engine: the one engine
                                               used, or -1: auto */
    atomic_int_fast64_t served[SW__ENGINE_KINDS]; /* requests recorded, by
                                               the engine that sent them */
    struct sw__req *free_reqs;              /* pooled request objects */
    int nfree_reqs;
    struct sw__resp_pool resp_pool;         /* their responses' buffers
                                               (response.h) */
};

/* Per user. */
struct sw__user_net {
    struct sw__net *net;                    /* borrowed: its worker's */
    struct sw__req *req;                    /* lent; NULL between requests */
    sw__session_t *session[SW__ENGINE_KINDS]; /* owned; opened lazily */
    long last_status;                       /* sw_resp_status after the
                                               request ended */
    int last_failed;                        /* sw_req_failed */
    char *last_error;                       /* keep_error: the last
                                               failure's message; owned */
    int keep_error;                         /* (the test hooks' user) */
    int last_kind;                          /* the engine of its last
                                               request (it has the user's
                                               cookies), or -1 */
};

/* The kind of the engine called name ("curl", "native"), or -1. */
int sw__engine_by_name(const char *name);

/* The worker's request context on loop uv.  0, or -1 with a message. */
int sw__net_init(struct sw__net *n, uv_loop_t *uv,
                 const struct sw__engine_config *cfg, const char *host,
                 int64_t timeout_ms, struct sw__stats *stats,
                 atomic_int_fast64_t *failures, sw__req_complete_fn complete);
/* Every user is freed: closes the engines' handles (the caller then runs
 * the loop until they are closed). */
void sw__net_close(struct sw__net *n);
/* After the loop has closed them: frees the engines and the pool. */
void sw__net_free(struct sw__net *n);

void sw__req_user_init(sw_user_t *u, struct sw__net *n);
/* Drops any unfinished request unrecorded and closes u's sessions (its
 * connections, its cookies). */
void sw__req_user_free(sw_user_t *u);

/* Sends u's request (begun with sw_req_begin).  intended_ms: when the
 * iteration this request measures from was due (uv_hrtime ms), or -1: its
 * latency is then its own.  SW__SENT: `complete` follows from the loop;
 * SW__SEND_FAILED: it failed before anything left, the request is finished
 * already (resume the body, sw_req_end records the failure). */
enum sw__send_outcome sw__req_send(sw_user_t *u, double intended_ms);
/* Abandons u's request, in flight or not; nothing is recorded. */
void sw__req_cancel(sw_user_t *u);
/* 1 when u has a request begun and not ended. */
int sw__req_open(const sw_user_t *u);

/* The response of u's current request (for checks and captures), or NULL
 * when there is none. */
struct sw__response *sw__resp(sw_user_t *u);
/* The value of cookie `name` in u's session jar, appended to out: 1, or 0
 * when there is none (or no session yet). */
int sw__req_cookie(sw_user_t *u, const char *name, struct sw__buf *out);

/* Tests of checks and captures: gives u a request object of its own (no
 * worker, no engine) whose response the test fills; sw_req_end or
 * sw__req_user_free gives it back. */
struct sw__response *sw__req_standalone(sw_user_t *u);

/* The pieces of u's request that multipart.c, headers.c and cookies.c
 * build (NULL when no request is begun).  sw__req_body_buf marks the
 * request as having a body. */
struct sw__buf *sw__req_body_buf(sw_user_t *u);
/* value NULL: "key:" (no such header at all, see struct sw__http_req) */
void sw__req_add_header(sw_user_t *u, const char *key, const char *value);
/* The header lines (NUL-terminated, back to back) and their count. */
struct sw__buf *sw__req_header_lines(sw_user_t *u, int **nheaders);

/* headers.c: the default headers of u's user and running sets.  The
 * scheduler calls begin, then each set's sw_set_t.headers (outermost
 * first: they add lines with sw_req_header), then end, which keeps one
 * line per name (case-insensitive): the request's own, else the deepest
 * default's; the defaults go first. */
struct sw__req_mark {
    size_t len;
    int n;
};
int sw__req_defaults_begin(sw_user_t *u, struct sw__req_mark *m);
void sw__req_defaults_end(sw_user_t *u, const struct sw__req_mark *m);

/* multipart.c: the files of multipart parts, read once at start-up (or
 * embedded); read-only afterwards, shared by every worker.  0, or -1 with
 * a one-line message naming the file in err. */
int sw__files_load(const sw_scenario_t *sc, char *err, size_t errlen);
void sw__files_free(void);

/* check.c: sets the response's failure message once (the first wins). */
void sw__fail(sw_user_t *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* SW_REQUEST_H */
