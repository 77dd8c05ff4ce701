/*
 * target.c - the demo target server: command line, daemon, request cycle.
 *
 *   build/demo-target [--port N] [--port-file F] [--log F] [--delay-ms N]
 *                     [--threads N]
 *
 * Listens on 127.0.0.1 only (port 0 = the kernel picks one), prints
 * "listening on 127.0.0.1:PORT" on stdout once it accepts connections, and
 * runs until SIGTERM or SIGINT, after which it answers what is pending,
 * closes everything and exits 0.  See demo/README.md for the routes and
 * reqlog.c for the log format.
 *
 * libmicrohttpd runs a small pool of epoll threads with keep-alive on.  Each
 * TCP connection gets an id from a counter when it is accepted (its "socket
 * context"), so the log tells which requests shared a connection: with
 * keep-alive, that is one virtual user.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

/* Per TCP connection: owned by the connection notifications. */
struct conn_ctx {
    uint64_t id;
    char *uri;            /* the current request's target as sent */
};

/* Per request: created on the handler's first call, freed on completion. */
struct req_ctx {
    char *body;
    size_t body_len, body_cap;
    int too_big;          /* the body passed DEMO_MAX_BODY */
    int routed;           /* reply is filled */
    uint64_t arrival_us;
    struct demo_reply reply;
};

struct config {
    int port;
    const char *port_file;
    const char *log_path;
    const char *hlog_path;      /* --header-log */
    int64_t delay_ms;     /* added to every answer */
    unsigned threads;
};

static struct config cfg = { .port = 8089, .threads = 4 };
static atomic_uint_fast64_t next_conn_id = 1;

uint64_t
demo_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static struct conn_ctx *
conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? (struct conn_ctx *)ci->socket_context : NULL;
}

/* ---- libmicrohttpd callbacks ------------------------------------------- */

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
              enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    (void)c;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        /* A failed allocation leaves the context NULL: logged as conn 0. */
        struct conn_ctx *cc = calloc(1, sizeof(*cc));
        if (cc != NULL)
            cc->id = atomic_fetch_add(&next_conn_id, 1);
        *socket_context = cc;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        struct conn_ctx *cc = *socket_context;
        if (cc != NULL)
            free(cc->uri);
        free(cc);
        *socket_context = NULL;
    }
}

/* Called with the raw request target before libmicrohttpd splits off and
 * decodes the query: the only place the target is seen exactly as sent. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    struct conn_ctx *cc = conn_of(c);
    if (cc != NULL) {
        free(cc->uri);
        cc->uri = strdup(uri);
    }
    return NULL;   /* the handler's per-request pointer starts NULL */
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
             enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct req_ctx *r = *req_cls;
    if (r != NULL) {
        demo_reply_free(&r->reply);
        free(r->body);
        free(r);
    }
    *req_cls = NULL;
}

static int
body_append(struct req_ctx *r, const char *data, size_t n)
{
    if (r->too_big || r->body_len + n > DEMO_MAX_BODY) {
        r->too_big = 1;
        return 0;
    }
    if (r->body_len + n + 1 > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 1024;
        while (cap < r->body_len + n + 1)
            cap *= 2;
        char *b = realloc(r->body, cap);
        if (b == NULL)
            return -1;
        r->body = b;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return 0;
}

/* MHD_KeyValueIterator: "Name: value\n" appended to a memstream. */
static enum MHD_Result
add_header_line(void *cls, enum MHD_ValueKind kind, const char *key,
                const char *value)
{
    (void)kind;
    fprintf((FILE *)cls, "%s: %s\n", key, value ? value : "");
    return MHD_YES;
}

static void
log_request(struct MHD_Connection *c, const char *method, const char *url,
            const struct req_ctx *r, unsigned status)
{
    struct conn_ctx *cc = conn_of(c);
    char *headers = NULL;
    size_t headers_len = 0;
    if (demo_hlog_on()) {
        FILE *f = open_memstream(&headers, &headers_len);
        if (f) {
            MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_line, f);
            fclose(f);
        }
    }
    struct demo_log_entry e = {
        .conn_id = cc ? cc->id : 0,
        .method = method,
        .target = cc && cc->uri ? cc->uri : url,
        .cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_COOKIE),
        .authorization = MHD_lookup_connection_value(
            c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .x_user = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-User"),
        .body = r->body,
        .body_len = r->body_len,
        .status = status,
        .arrival_us = r->arrival_us,
        .done_us = demo_now_us(),
        .headers = headers,
    };
    demo_log_write(&e);
    free(headers);
}

static enum MHD_Result
queue_reply(struct MHD_Connection *c, const struct demo_reply *rep)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        rep->body_len, rep->body ? rep->body : (char *)"",
        MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    if (rep->content_type != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                rep->content_type);
    if (rep->set_cookie != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
                                rep->set_cookie);
    if (rep->location != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
                                rep->location);
    enum MHD_Result ok = MHD_queue_response(c, rep->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/*
 * The access handler.  libmicrohttpd calls it once when the headers are in,
 * once per piece of body, once more when the body is complete, and (after a
 * suspend) once more when the connection is resumed.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **req_cls)
{
    (void)cls;
    (void)version;
    struct req_ctx *r = *req_cls;
    if (r == NULL) {
        r = calloc(1, sizeof(*r));
        if (r == NULL)
            return MHD_NO;
        r->arrival_us = demo_now_us();
        *req_cls = r;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (body_append(r, upload_data, *upload_data_size) < 0)
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!r->routed) {
        r->routed = 1;
        struct demo_request req = {
            .conn = c, .method = method, .path = url,
            .body = r->body ? r->body : "", .body_len = r->body_len,
        };
        if (r->too_big) {
            memset(&r->reply, 0, sizeof(r->reply));
            r->reply.status = 413;
        } else if (demo_route(&req, &r->reply) < 0) {
            memset(&r->reply, 0, sizeof(r->reply));
            r->reply.status = 500;
        }
        int64_t delay_ms = r->reply.delay_ms + cfg.delay_ms;
        if (delay_ms > DEMO_MAX_DELAY_MS)
            delay_ms = DEMO_MAX_DELAY_MS;
        if (delay_ms > 0) {
            /* Suspend first: resuming a connection that is not suspended
             * is undefined, and the delayer may fire at once. */
            MHD_suspend_connection(c);
            if (demo_delayer_add(c, r->arrival_us +
                                 (uint64_t)delay_ms * 1000u) < 0)
                MHD_resume_connection(c);
            return MHD_YES;
        }
    }
    enum MHD_Result ok = queue_reply(c, &r->reply);
    log_request(c, method, url, r, r->reply.status);
    return ok;
}

/* ---- start-up ----------------------------------------------------------- */

static void
usage(FILE *f)
{
    fputs("usage: demo-target [--port N] [--port-file FILE] [--log FILE]\n"
          "                   [--header-log FILE] [--delay-ms N] "
          "[--threads N]\n"
          "  --port N        TCP port on 127.0.0.1 (0: any free one; "
          "default 8089)\n"
          "  --port-file F   write the port number to F once listening\n"
          "  --log F         append one line per request to F "
          "(see demo/README.md)\n"
          "  --header-log F  append every request's headers and body to F\n"
          "  --delay-ms N    delay every answer by N ms (0..10000)\n"
          "  --threads N     server threads (default 4)\n", f);
}

static long
num_arg(const char *opt, const char *v, long lo, long hi)
{
    char *end;
    errno = 0;
    long n = v ? strtol(v, &end, 10) : 0;
    if (v == NULL || errno != 0 || *end != '\0' || end == v || n < lo ||
        n > hi) {
        fprintf(stderr, "demo-target: %s needs a number in %ld..%ld\n", opt,
                lo, hi);
        exit(2);
    }
    return n;
}

static void
parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--port") == 0) {
            cfg.port = (int)num_arg(a, v, 0, 65535);
            i++;
        } else if (strcmp(a, "--port-file") == 0 && v) {
            cfg.port_file = v;
            i++;
        } else if (strcmp(a, "--log") == 0 && v) {
            cfg.log_path = v;
            i++;
        } else if (strcmp(a, "--header-log") == 0 && v) {
            cfg.hlog_path = v;
            i++;
        } else if (strcmp(a, "--delay-ms") == 0) {
            cfg.delay_ms = num_arg(a, v, 0, DEMO_MAX_DELAY_MS);
            i++;
        } else if (strcmp(a, "--threads") == 0) {
            cfg.threads = (unsigned)num_arg(a, v, 1, 64);
            i++;
        } else {
            fprintf(stderr, "demo-target: unknown or incomplete option "
                    "'%s'\n", a);
            usage(stderr);
            exit(2);
        }
    }
}

/* Writes the port to path atomically (a reader never sees a partial one). */
static int
write_port_file(const char *path, unsigned port)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    int bad = fprintf(f, "%u\n", port) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    parse_args(argc, argv);

    /* Load tests hold one connection per user: allow as many descriptors
     * as the hard limit does (the soft default of 1024 is far too few). */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    /* Block the stop signals in every thread (libmicrohttpd's inherit this
     * mask) and take them synchronously below with sigwait(). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (demo_hlog_open(cfg.hlog_path) < 0) {
        fprintf(stderr, "demo-target: cannot open header log %s: %s\n",
                cfg.hlog_path, strerror(errno));
        return 1;
    }
    if (demo_log_open(cfg.log_path) < 0) {
        fprintf(stderr, "demo-target: cannot open log %s: %s\n",
                cfg.log_path, strerror(errno));
        return 1;
    }
    if (demo_delayer_start() < 0) {
        fprintf(stderr, "demo-target: cannot start the delay thread\n");
        return 1;
    }

    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)cfg.port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
        MHD_ALLOW_SUSPEND_RESUME,
        (uint16_t)cfg.port, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg.threads,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        /* Load tests open thousands of keep-alive connections. */
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16000,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)4096,
        MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "demo-target: cannot listen on 127.0.0.1:%d\n",
                cfg.port);
        demo_delayer_stop();
        return 1;
    }
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = di ? di->port : (unsigned)cfg.port;
    if (cfg.port_file != NULL && write_port_file(cfg.port_file, port) < 0) {
        fprintf(stderr, "demo-target: cannot write %s\n", cfg.port_file);
        MHD_stop_daemon(d);
        demo_delayer_stop();
        return 1;
    }
    printf("listening on 127.0.0.1:%u\n", port);
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;

    /* Let the delayed requests be answered (and logged) before the daemon
     * closes their connections: resumed connections are served by the pool
     * threads, so give them a moment. */
    if (demo_delayer_stop() > 0)
        usleep(200 * 1000);
    MHD_stop_daemon(d);
    demo_log_close();
    demo_sessions_free();
    return 0;
}
