/*
 * web.c - the web UI's routes, the published snapshot and the commands to
 * the main thread (web.h; docs/webui.md).
 *
 * Safety rules, in the order they are checked for every request:
 *   1. --web-auth: HTTP basic authentication on every path (401 otherwise);
 *   2. bound to a loopback address: the Host header must name loopback or
 *      localhost (403), so a DNS-rebinding page cannot reach the UI;
 *   3. what changes the run (/swarm, /stop, /stats/reset) refuses a
 *      cross-origin request: Sec-Fetch-Site other than same-origin/none,
 *      or an Origin or Referer whose host:port is not the Host header
 *      (403).  Tools without these headers (curl, Locust clients) pass.
 *      /swarm is POST only; /stop and /stats/reset also accept GET as
 *      Locust's do, under the same cross-origin rule.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "util/base64.h"
#include "assets.h"
#include "form.h"
#include "hdr.h"
#include "httpd.h"
#include "render.h"
#include "report_int.h"
#include "tls_server.h"
#include "web.h"

#define CMD_TIMEOUT_S 10
#define WINDOW_S 10             /* Locust's current percentiles: ~10 s */

/* A published body, shared by the responses that send it. */
struct blob {
    atomic_int refs;
    size_t len;
    char data[];
};

enum { B_JSON, B_JSON_X, B_CSV_STATS, B_CSV_FAIL, B_CSV_EXC, B_N };

struct pending {
    struct sw__web_cmd cmd;
    char *host;                 /* owned copy of cmd.host */
    int done, abandoned;
    struct pending *next;
};

struct sw__web {
    const struct sw__options *opt;  /* borrowed */
    struct sw__httpd *httpd;
    struct sw__tls_server *tls;     /* --tls-cert/--tls-key; NULL: HTTP */
    int port;
    int loopback;               /* bound to 127.x or ::1 */
    char *auth;                 /* "Basic base64(user:pass)"; NULL: none */
    uv_async_t async;           /* on the main loop: commands to run */
    sw__web_exec_fn exec;
    void *exec_arg;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct pending *queue;      /* FIFO, under lock */
    int shutting;
    struct blob *pub[B_N];      /* under lock */
    /* main thread only: cumulative Aggregated histograms of the last
     * WINDOW_S publishes, for the current percentiles */
    struct sw__hdr *ring[WINDOW_S];
    int nring, ring_pos;
    struct sw__hdr *window;
};

/* ---- blobs ---------------------------------------------------------------- */

static struct blob *blob_new(const char *data, size_t len)
{
    struct blob *b = malloc(sizeof *b + len + 1);
    if (!b)
        return NULL;
    atomic_init(&b->refs, 1);
    b->len = len;
    memcpy(b->data, data, len);
    b->data[len] = 0;
    return b;
}

static void blob_unref(void *arg)
{
    struct blob *b = arg;
    if (b && atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}

/* The published blob i with a reference for the caller; NULL: none. */
static struct blob *blob_get(struct sw__web *w, int i)
{
    pthread_mutex_lock(&w->lock);
    struct blob *b = w->pub[i];
    if (b)
        atomic_fetch_add(&b->refs, 1);
    pthread_mutex_unlock(&w->lock);
    return b;
}

static void blob_set(struct sw__web *w, int i, char *data, size_t len)
{
    struct blob *b = data ? blob_new(data, len) : NULL;
    free(data);
    if (!b)
        return;     /* out of memory: the previous one stays */
    pthread_mutex_lock(&w->lock);
    struct blob *old = w->pub[i];
    w->pub[i] = b;
    pthread_mutex_unlock(&w->lock);
    blob_unref(old);
}

/* ---- responses ------------------------------------------------------------ */

static void text(struct sw__httpd_resp *rs, int status, const char *type,
                 const char *body)
{
    rs->status = status;
    rs->content_type = type;
    rs->len = strlen(body);
    rs->body = strdup(body);
    if (!rs->body)
        rs->len = 0;
}

/* Locust's answer shape: {"success": ..., "message": ..., "host": ...}. */
static void answer(struct sw__httpd_resp *rs, int status, const char *msg,
                   const char *host)
{
    json_t *o = json_pack("{s:b, s:s}", "success", status == 200,
                          "message", msg);
    if (o && host)
        json_object_set_new(o, "host", json_string(host));
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    rs->status = status;
    rs->content_type = "application/json";
    rs->body = s;
    rs->len = s ? strlen(s) : 0;
}

static void send_blob(struct sw__web *w, struct sw__httpd_resp *rs, int i,
                      const char *type, const char *download)
{
    struct blob *b = blob_get(w, i);
    if (!b) {
        text(rs, 503, "text/plain; charset=utf-8", "no statistics yet\n");
        return;
    }
    rs->status = 200;
    rs->content_type = type;
    rs->body = b->data;
    rs->len = b->len;
    rs->release = blob_unref;
    rs->release_arg = b;
    if (download)
        snprintf(rs->headers, sizeof rs->headers,
                 "Content-Disposition: attachment;filename=%s_%lld.csv\r\n",
                 download, (long long)time(NULL));
}

/* ---- commands ------------------------------------------------------------- */

static void free_pending(struct pending *p)
{
    free(p->cmd.body);
    free(p->host);
    free(p);
}

/* Web thread: runs cmd on the main thread and waits for its answer (at
 * most CMD_TIMEOUT_S: the answer is then 503 and the command, if it still
 * runs, is freed by the main thread).  Takes p. */
static void run_cmd(struct sw__web *w, struct pending *p,
                    struct sw__httpd_resp *rs)
{
    pthread_mutex_lock(&w->lock);
    if (w->shutting) {
        pthread_mutex_unlock(&w->lock);
        free_pending(p);
        answer(rs, 503, "the binary is shutting down", NULL);
        return;
    }
    struct pending **tail = &w->queue;
    while (*tail)
        tail = &(*tail)->next;
    *tail = p;
    pthread_mutex_unlock(&w->lock);
    uv_async_send(&w->async);

    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += CMD_TIMEOUT_S;
    pthread_mutex_lock(&w->lock);
    while (!p->done && !w->shutting)
        if (pthread_cond_timedwait(&w->cond, &w->lock, &until) != 0)
            break;
    if (!p->done) {
        /* still queued: ours to drop; being run: the main thread's */
        struct pending **q = &w->queue;
        while (*q && *q != p)
            q = &(*q)->next;
        if (*q) {
            *q = p->next;
            pthread_mutex_unlock(&w->lock);
            free_pending(p);
        } else {
            p->abandoned = 1;
            pthread_mutex_unlock(&w->lock);
        }
        answer(rs, 503, "the run did not answer in time", NULL);
        return;
    }
    pthread_mutex_unlock(&w->lock);
    if (p->cmd.kind == SW_WEB_REPORT && p->cmd.status == 200) {
        rs->status = 200;
        rs->content_type = "text/html; charset=utf-8";
        rs->body = p->cmd.body;
        rs->len = p->cmd.len;
        p->cmd.body = NULL;
    } else {
        answer(rs, p->cmd.status, p->cmd.message,
               p->cmd.kind == SW_WEB_SWARM ? p->cmd.host : NULL);
    }
    free_pending(p);
}

/* Main thread: every queued command, in order. */
static void on_async(uv_async_t *a)
{
    struct sw__web *w = a->data;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        struct pending *p = w->queue;
        if (p)
            w->queue = p->next;
        pthread_mutex_unlock(&w->lock);
        if (!p)
            return;
        p->cmd.status = 500;
        snprintf(p->cmd.message, sizeof p->cmd.message, "not handled");
        w->exec(w->exec_arg, &p->cmd);
        pthread_mutex_lock(&w->lock);
        if (p->abandoned) {
            pthread_mutex_unlock(&w->lock);
            free_pending(p);
            continue;
        }
        p->done = 1;
        pthread_cond_broadcast(&w->cond);
        pthread_mutex_unlock(&w->lock);
    }
}

/* ---- the safety checks ---------------------------------------------------- */

static int authorized(const struct sw__web *w, const char *h)
{
    if (!w->auth)
        return 1;
    size_t n = strlen(w->auth);
    if (strlen(h) != n || strncasecmp(h, "basic ", 6) != 0)
        return 0;
    unsigned char diff = 0;     /* constant time over the secret part */
    for (size_t i = 6; i < n; i++)
        diff |= (unsigned char)(h[i] ^ w->auth[i]);
    return diff == 0;
}

/* "host[:port]" of a URL "scheme://host[:port]/..." into out; 0 or -1. */
static int url_authority(const char *url, char *out, size_t n)
{
    const char *p = strstr(url, "://");
    if (!p)
        return -1;
    p += 3;
    size_t len = strcspn(p, "/?#");
    if (len == 0 || len >= n)
        return -1;
    memcpy(out, p, len);
    out[len] = 0;
    return 0;
}

static int loopback_host(const char *host)
{
    char h[256];
    size_t len = strlen(host);
    if (len >= sizeof h)
        return 0;
    memcpy(h, host, len + 1);
    /* drop the port: "[::1]:8089", "127.0.0.1:8089", "localhost" */
    if (h[0] == '[') {
        char *e = strchr(h, ']');
        if (!e)
            return 0;
        *e = 0;
        return !strcmp(h + 1, "::1");
    }
    char *colon = strrchr(h, ':');
    if (colon)
        *colon = 0;
    return !strcasecmp(h, "localhost") || !strncmp(h, "127.", 4);
}

/* 0 when the request may change the run; else the reason. */
static const char *cross_origin(const struct sw__httpd_req *rq)
{
    const char *sfs = rq->sec_fetch_site;
    if (*sfs && strcmp(sfs, "same-origin") && strcmp(sfs, "none"))
        return "cross-origin request refused (Sec-Fetch-Site)";
    char auth[300];
    if (*rq->origin) {
        if (url_authority(rq->origin, auth, sizeof auth) != 0 ||
            strcasecmp(auth, rq->host) != 0)
            return "cross-origin request refused (Origin)";
    } else if (*rq->referer) {
        if (url_authority(rq->referer, auth, sizeof auth) != 0 ||
            strcasecmp(auth, rq->host) != 0)
            return "cross-origin request refused (Referer)";
    }
    return NULL;
}

/* ---- routes --------------------------------------------------------------- */

static int is(const struct sw__httpd_req *rq, const char *path)
{
    return !strcmp(rq->path, path);
}

static struct pending *new_cmd(enum sw__web_cmd_kind kind)
{
    struct pending *p = calloc(1, sizeof *p);
    if (p)
        p->cmd.kind = kind;
    return p;
}

static void swarm(struct sw__web *w, const struct sw__httpd_req *rq,
                  struct sw__httpd_resp *rs)
{
    char why[256];
    struct sw__web_form f;
    const char *ct = rq->content_type;
    if (*ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
        answer(rs, 415, "POST /swarm takes an "
               "application/x-www-form-urlencoded form", NULL);
        return;
    }
    int64_t max = w->opt->web_max_users > 0 ? w->opt->web_max_users
                                            : INT64_MAX;
    if (sw__web_form_parse(rq->body, rq->body_len, max, &f, why,
                           sizeof why) != 0) {
        answer(rs, 400, why, NULL);
        return;
    }
    struct pending *p = new_cmd(SW_WEB_SWARM);
    if (!p) {
        sw__web_form_free(&f);
        answer(rs, 503, "out of memory", NULL);
        return;
    }
    p->cmd.has_users = f.has_users;
    p->cmd.users = f.users;
    p->cmd.has_rate = f.has_rate;
    p->cmd.rate = f.rate;
    p->cmd.has_run_time = f.has_run_time;
    p->cmd.run_time_ms = f.run_time_ms;
    p->host = f.host;           /* taken */
    p->cmd.host = p->host;
    run_cmd(w, p, rs);
}

static void handle(void *arg, const struct sw__httpd_req *rq,
                   struct sw__httpd_resp *rs)
{
    struct sw__web *w = arg;
    int get = !strcmp(rq->method, "GET");
    int post = !strcmp(rq->method, "POST");

    if (!authorized(w, rq->authorization)) {
        text(rs, 401, "text/plain; charset=utf-8",
             "authentication required (--web-auth)\n");
        snprintf(rs->headers, sizeof rs->headers,
                 "WWW-Authenticate: Basic realm=\"swarmc\", "
                 "charset=\"UTF-8\"\r\n");
        return;
    }
    if (w->loopback && *rq->host && !loopback_host(rq->host)) {
        text(rs, 403, "text/plain; charset=utf-8",
             "the web UI listens on loopback only: Host header refused\n");
        return;
    }

    /* the page */
    for (int i = 0; i < sw__web_nassets; i++) {
        const struct sw__web_asset *a = &sw__web_assets[i];
        if (!is(rq, a->path))
            continue;
        if (!get) {
            text(rs, 405, "text/plain; charset=utf-8", "GET only\n");
            snprintf(rs->headers, sizeof rs->headers, "Allow: GET\r\n");
            return;
        }
        rs->status = 200;
        rs->content_type = a->type;
        rs->body = (char *)a->data;
        rs->len = a->len;
        rs->release = blob_unref;   /* NULL arg: nothing to free */
        rs->release_arg = NULL;
        snprintf(rs->headers, sizeof rs->headers,
                 "Content-Security-Policy: default-src 'self'; "
                 "img-src 'self' data:; frame-ancestors 'none'\r\n");
        return;
    }

    /* reading */
    if (is(rq, "/stats/requests") || is(rq, "/stats/requests/csv") ||
        is(rq, "/stats/failures/csv") || is(rq, "/exceptions/csv") ||
        is(rq, "/exceptions") || is(rq, "/stats/report")) {
        if (!get) {
            text(rs, 405, "text/plain; charset=utf-8", "GET only\n");
            snprintf(rs->headers, sizeof rs->headers, "Allow: GET\r\n");
            return;
        }
        if (is(rq, "/stats/requests")) {
            int extra = strstr(rq->query, "swarmc=1") != NULL;
            send_blob(w, rs, extra ? B_JSON_X : B_JSON, "application/json",
                      NULL);
        } else if (is(rq, "/stats/requests/csv")) {
            send_blob(w, rs, B_CSV_STATS, "text/csv", "requests");
        } else if (is(rq, "/stats/failures/csv")) {
            send_blob(w, rs, B_CSV_FAIL, "text/csv", "failures");
        } else if (is(rq, "/exceptions/csv")) {
            send_blob(w, rs, B_CSV_EXC, "text/csv", "exceptions");
        } else if (is(rq, "/exceptions")) {
            /* a scenario has no user-code exceptions */
            text(rs, 200, "application/json", "{\"exceptions\":[]}");
        } else {
            struct pending *p = new_cmd(SW_WEB_REPORT);
            if (!p) {
                answer(rs, 503, "out of memory", NULL);
                return;
            }
            run_cmd(w, p, rs);
            if (rs->status == 200 && strstr(rq->query, "download=1"))
                snprintf(rs->headers, sizeof rs->headers,
                         "Content-Disposition: attachment;filename="
                         "report_%lld.html\r\n", (long long)time(NULL));
        }
        return;
    }

    /* changing the run */
    int swarm_path = is(rq, "/swarm");
    if (swarm_path || is(rq, "/stop") || is(rq, "/stats/reset")) {
        if (!(post || (get && !swarm_path))) {
            text(rs, 405, "text/plain; charset=utf-8",
                 swarm_path ? "POST only\n" : "GET or POST only\n");
            snprintf(rs->headers, sizeof rs->headers, "Allow: %s\r\n",
                     swarm_path ? "POST" : "GET, POST");
            return;
        }
        const char *why = cross_origin(rq);
        if (why) {
            answer(rs, 403, why, NULL);
            return;
        }
        if (swarm_path) {
            swarm(w, rq, rs);
            return;
        }
        struct pending *p = new_cmd(is(rq, "/stop") ? SW_WEB_STOP
                                                    : SW_WEB_RESET);
        if (!p) {
            answer(rs, 503, "out of memory", NULL);
            return;
        }
        run_cmd(w, p, rs);
        return;
    }
    text(rs, 404, "text/plain; charset=utf-8", "not found\n");
}

/* ---- life ----------------------------------------------------------------- */

static char *basic_auth(const char *userpass)
{
    size_t n = strlen(userpass);
    char *out = malloc(6 + SW__BASE64_LEN(n) + 1);
    if (!out)
        return NULL;
    memcpy(out, "Basic ", 6);
    sw__base64_encode_into(out + 6, (const unsigned char *)userpass, n);
    return out;
}

struct sw__web *sw__web_start(const struct sw__options *opt,
                              uv_loop_t *main_loop, sw__web_exec_fn exec,
                              void *arg, int *exit_code)
{
    struct sw__web *w = calloc(1, sizeof *w);
    char why[512];
    *exit_code = 1;
    if (!w || !(w->window = sw__hdr_new_default())) {
        fprintf(stderr, "%s: out of memory\n", opt->prog);
        free(w);
        return NULL;
    }
    w->opt = opt;
    w->exec = exec;
    w->exec_arg = arg;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (opt->web_auth && !(w->auth = basic_auth(opt->web_auth))) {
        fprintf(stderr, "%s: out of memory\n", opt->prog);
        goto fail;
    }
    /* the certificate and key are read and checked before anything
     * listens: a bad one is a usage error, as --cert's is */
    if (opt->tls_cert) {
        int trc = sw__tls_server_new(&w->tls, opt->tls_cert, opt->tls_key,
                                     why, sizeof why);
        if (trc != SW__TLSS_OK) {
            fprintf(stderr, "%s: %s\n", opt->prog, why);
            *exit_code = trc == SW__TLSS_NOFILE ? 66 : 64;
            goto fail;
        }
    }
    const char *h = opt->web_host;
    w->loopback = !strncmp(h, "127.", 4) || !strcmp(h, "::1") ||
                  !strcasecmp(h, "localhost");
    if (!strcasecmp(h, "localhost"))
        h = "127.0.0.1";
    uv_async_init(main_loop, &w->async, on_async);
    w->async.data = w;
    /* the run's loop ends when the run does, whatever the UI */
    uv_unref((uv_handle_t *)&w->async);
    w->httpd = sw__httpd_start(h, opt->web_port, w->tls, handle, w, &w->port,
                               why, sizeof why);
    if (!w->httpd) {
        fprintf(stderr, "%s: --web-port: %s\n", opt->prog, why);
        uv_close((uv_handle_t *)&w->async, NULL);
        uv_run(main_loop, UV_RUN_NOWAIT);
        goto fail;
    }
    int v6 = strchr(h, ':') != NULL;
    fprintf(stderr, "%s: web UI on %s://%s%s%s:%d/%s\n", opt->prog,
            w->tls ? "https" : "http", v6 ? "[" : "", h, v6 ? "]" : "",
            w->port,
            opt->autostart ? "" : " (waiting for its start form)");
    if (!w->loopback && !opt->web_auth)
        fprintf(stderr, "%s: warning: the web UI listens on %s without "
                "--web-auth: anyone who can reach this address can start "
                "and stop the run\n", opt->prog, opt->web_host);
    return w;
fail:
    sw__tls_server_free(w->tls);
    free(w->auth);
    sw__hdr_free(w->window);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
    return NULL;
}

static char *memfile(void (*fn)(FILE *, const struct sw__stats *,
                                const struct sw__run_info *),
                     const struct sw__stats *s, const struct sw__run_info *ri,
                     size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    fn(f, s, ri);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void csv_failures(FILE *f, const struct sw__stats *s,
                         const struct sw__run_info *ri)
{
    (void)ri;
    sw__csv_failures(f, s);
}

static void csv_exceptions(FILE *f, const struct sw__stats *s,
                           const struct sw__run_info *ri)
{
    (void)s;
    (void)ri;
    sw__csv_exceptions(f);
}

/* The Aggregated histogram of about the last WINDOW_S seconds. */
static void advance_window(struct sw__web *w, const struct sw__hdr *cur)
{
    const struct sw__hdr *oldest = NULL;
    if (w->nring > 0) {
        int first = w->nring < WINDOW_S ? 0 : w->ring_pos;
        oldest = w->ring[first];
        if (oldest->total_count > cur->total_count) {
            w->nring = w->ring_pos = 0;     /* the statistics were reset */
            oldest = NULL;
        }
    }
    if (oldest)
        sw__hdr_diff(w->window, cur, oldest);
    else
        sw__hdr_copy(w->window, cur);
    if (!w->ring[w->ring_pos] &&
        !(w->ring[w->ring_pos] = sw__hdr_new_default()))
        return;
    sw__hdr_copy(w->ring[w->ring_pos], cur);
    w->ring_pos = (w->ring_pos + 1) % WINDOW_S;
    if (w->nring < WINDOW_S)
        w->nring++;
}

void sw__web_publish(struct sw__web *w, const struct sw__stats *snap,
                     const struct sw__run_info *ri,
                     const struct sw__web_view *view)
{
    size_t len = 0;
    char *s;
    advance_window(w, snap->total.service);
    s = sw__web_render_stats(snap, ri, view, w->window, 0, &len);
    blob_set(w, B_JSON, s, len);
    s = sw__web_render_stats(snap, ri, view, w->window, 1, &len);
    blob_set(w, B_JSON_X, s, len);
    s = memfile(sw__csv_stats, snap, ri, &len);
    blob_set(w, B_CSV_STATS, s, len);
    s = memfile(csv_failures, snap, ri, &len);
    blob_set(w, B_CSV_FAIL, s, len);
    s = memfile(csv_exceptions, snap, ri, &len);
    blob_set(w, B_CSV_EXC, s, len);
}

static void on_async_closed(uv_handle_t *h)
{
    struct sw__web *w = h->data;
    for (int i = 0; i < B_N; i++)
        blob_unref(w->pub[i]);
    for (int i = 0; i < WINDOW_S; i++)
        sw__hdr_free(w->ring[i]);
    sw__hdr_free(w->window);
    free(w->auth);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}

void sw__web_stop(struct sw__web *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->shutting = 1;
    /* commands not run yet: answered 503 by their waiters */
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    sw__httpd_stop(w->httpd);
    sw__tls_server_free(w->tls);
    w->tls = NULL;
    /* the server thread is gone: whatever is still queued is ours */
    while (w->queue) {
        struct pending *p = w->queue;
        w->queue = p->next;
        free_pending(p);
    }
    uv_close((uv_handle_t *)&w->async, on_async_closed);
}
