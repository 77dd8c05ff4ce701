/*
 * routes.c - what the demo target answers.  See demo/README.md for the table.
 *
 * demo_route() only decides the reply; target.c owns the connection, the
 * timing and the log.  Bodies are built with jansson (JSON) or snprintf
 * (HTML), always malloc'd so demo_reply_free() can free them uniformly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "demo.h"

#define CT_HTML "text/html; charset=utf-8"
#define CT_JSON "application/json"
#define CT_TEXT "text/plain; charset=utf-8"

#define NPRODUCTS 100

/* ---- small helpers ------------------------------------------------------ */

/* Sets the reply to a printf-formatted body.  -1 when out of memory. */
static int
reply_printf(struct demo_reply *rep, unsigned status, const char *ctype,
             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    free(rep->body);
    rep->status = status;
    rep->content_type = ctype;
    rep->body = s;
    rep->body_len = (size_t)n;
    return 0;
}

/* Sets the reply to obj serialised; steals the reference to obj. */
static int
reply_json(struct demo_reply *rep, unsigned status, json_t *obj)
{
    if (obj == NULL)
        return -1;
    char *s = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (s == NULL)
        return -1;
    free(rep->body);
    rep->status = status;
    rep->content_type = CT_JSON;
    rep->body = s;
    rep->body_len = strlen(s);
    return 0;
}

static int
reply_error(struct demo_reply *rep, unsigned status, const char *msg)
{
    return reply_json(rep, status, json_pack("{s:b,s:s}", "ok", 0,
                                             "error", msg));
}

/* Parses a whole decimal number in [lo, hi]; -1 when it is not one. */
static long
parse_num(const char *s, long lo, long hi)
{
    if (s == NULL || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    return v;
}

static int
is_get(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

static int
has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* HTML-escapes s into a malloc'd string. */
static char *
html_escape(const char *s)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += (*p == '&' || *p == '<' || *p == '>' || *p == '"') ? 6 : 1;
    char *out = malloc(n);
    if (out == NULL)
        return NULL;
    char *o = out;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        }
        if (rep) {
            memcpy(o, rep, strlen(rep));
            o += strlen(rep);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes an application/x-www-form-urlencoded piece in place. */
static void
form_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '+') {
            *o++ = ' ';
        } else if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

/* Returns the decoded value of field key in a form body (malloc'd), or NULL
 * when absent. */
static char *
form_field(const char *body, const char *key)
{
    char *copy = strdup(body);
    if (copy == NULL)
        return NULL;
    char *found = NULL, *save = NULL;
    for (char *kv = strtok_r(copy, "&", &save); kv;
         kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        form_decode(kv);
        if (strcmp(kv, key) == 0) {
            form_decode(eq + 1);
            found = strdup(eq + 1);
            break;
        }
    }
    free(copy);
    return found;
}

static const char *
header(const struct demo_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, key);
}

static const char *
arg(const struct demo_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* ---- routes ------------------------------------------------------------- */

static int
route_index(struct demo_reply *rep)
{
    return reply_printf(rep, 200, CT_HTML,
        "<!doctype html>\n<html><head><title>Demo shop</title></head>\n"
        "<body><h1>Welcome to the demo shop</h1>\n"
        "<p><a href=\"/products\">products</a> "
        "<a href=\"/about\">about</a></p></body></html>\n");
}

static int
route_about(struct demo_reply *rep)
{
    return reply_printf(rep, 200, CT_HTML,
        "<!doctype html>\n<html><body><h1>About</h1>\n"
        "<p>The swarmc demo target: a fake shop on 127.0.0.1.</p>"
        "</body></html>\n");
}

/* The first ten products, each as <li><a id="N" ...>. */
static int
route_products(struct demo_reply *rep)
{
    char items[2048];
    size_t off = 0;
    for (int i = 1; i <= 10; i++)
        off += (size_t)snprintf(items + off, sizeof(items) - off,
            "<li><a id=\"%d\" href=\"/products/%d\">Product %d</a></li>\n",
            i, i, i);
    return reply_printf(rep, 200, CT_HTML,
        "<!doctype html>\n<html><body><h1>Products</h1>\n"
        "<ul class=\"products\">\n%s</ul></body></html>\n", items);
}

static int
route_product(struct demo_reply *rep, const char *idstr)
{
    long id = parse_num(idstr, 1, NPRODUCTS);
    if (id < 0)
        return reply_error(rep, 404, "no such product");
    return reply_json(rep, 200, json_pack("{s:i,s:s+,s:i}", "id", (int)id,
                      "name", "Product ", idstr, "price_cents",
                      (int)(100 + id * 7 % 900)));
}

static int
route_cart_add(const struct demo_request *req, struct demo_reply *rep)
{
    json_error_t err;
    json_t *in = json_loadb(req->body, req->body_len, 0, &err);
    if (in == NULL || !json_is_object(in)) {
        json_decref(in);
        return reply_error(rep, 400, "body is not a JSON object");
    }
    json_t *out = json_pack("{s:b,s:O?,s:O?}", "ok", 1,
                            "product_id", json_object_get(in, "product_id"),
                            "quantity", json_object_get(in, "quantity"));
    json_decref(in);
    return reply_json(rep, 200, out);
}

/* Reads username/password from a JSON object or a form body.  *user and
 * *pass are malloc'd (or NULL). */
static void
login_fields(const struct demo_request *req, char **user, char **pass)
{
    *user = *pass = NULL;
    json_error_t err;
    json_t *in = json_loadb(req->body, req->body_len, 0, &err);
    if (in != NULL) {
        if (json_is_object(in)) {
            const char *u = json_string_value(json_object_get(in, "username"));
            const char *p = json_string_value(json_object_get(in, "password"));
            *user = u ? strdup(u) : NULL;
            *pass = p ? strdup(p) : NULL;
        }
        json_decref(in);
        return;
    }
    *user = form_field(req->body, "username");
    *pass = form_field(req->body, "password");
}

/* Any non-empty user name and password log in, except the password "bad"
 * (so a scenario can provoke a 401). */
static int
route_login(const struct demo_request *req, struct demo_reply *rep)
{
    char *user, *pass;
    login_fields(req, &user, &pass);
    int rc;
    if (user == NULL || pass == NULL || *user == '\0' || *pass == '\0' ||
        strcmp(pass, "bad") == 0) {
        rc = reply_error(rep, 401, "bad credentials");
    } else {
        char session[33], token[33];
        if (demo_session_new(user, session, token) < 0) {
            rc = reply_error(rep, 503, "session table full");
        } else if (asprintf(&rep->set_cookie, "session=%s; Path=/; HttpOnly",
                            session) < 0) {
            rep->set_cookie = NULL;
            rc = -1;
        } else {
            rc = reply_json(rep, 200, json_pack("{s:b,s:s,s:s}", "ok", 1,
                                                "token", token, "user", user));
        }
    }
    free(user);
    free(pass);
    return rc;
}

static int
route_account(const struct demo_request *req, struct demo_reply *rep)
{
    const char *session = MHD_lookup_connection_value(req->conn,
                                                      MHD_COOKIE_KIND,
                                                      "session");
    char user[64];
    if (demo_session_user(session, user, sizeof(user)) < 0)
        return reply_error(rep, 401, "no valid session cookie");
    return reply_json(rep, 200, json_pack("{s:s,s:s}", "user", user,
                                          "session", session));
}

static int
route_me(const struct demo_request *req, struct demo_reply *rep)
{
    const char *auth = header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    char user[64];
    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0 ||
        demo_token_user(auth + 7, user, sizeof(user)) < 0)
        return reply_error(rep, 401, "no valid bearer token");
    return reply_json(rep, 200, json_pack("{s:s}", "user", user));
}

/* Three product ids that depend on q and page; none when q is empty. */
static int
route_search(const struct demo_request *req, struct demo_reply *rep)
{
    const char *q = arg(req, "q");
    const char *page = arg(req, "page");
    if (q == NULL)
        q = "";
    long pg = parse_num(page, 1, 1000000);
    if (pg < 0)
        pg = 1;
    unsigned h = 2166136261u;
    for (const char *p = q; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    char items[1024] = "";
    size_t off = 0;
    for (int i = 0; *q && i < 3; i++) {
        unsigned id = (h + (unsigned)pg * 31u + (unsigned)i * 17u) %
                      NPRODUCTS + 1;
        off += (size_t)snprintf(items + off, sizeof(items) - off,
            "<li><a id=\"%u\" href=\"/products/%u\">Product %u</a></li>\n",
            id, id, id);
    }
    char *qe = html_escape(q);
    if (qe == NULL)
        return -1;
    int rc = reply_printf(rep, 200, CT_HTML,
        "<!doctype html>\n<html><body><h1>Search: %s (page %ld)</h1>\n"
        "<ul class=\"results\">\n%s</ul></body></html>\n", qe, pg, items);
    free(qe);
    return rc;
}

static enum MHD_Result
add_header(void *cls, enum MHD_ValueKind kind, const char *key,
           const char *value)
{
    (void)kind;
    json_object_set_new((json_t *)cls, key, json_string(value ? value : ""));
    return MHD_YES;
}

/* The request's headers (or cookies, or query) as a JSON object. */
static json_t *
values_json(const struct demo_request *req, enum MHD_ValueKind kind)
{
    json_t *o = json_object();
    if (o != NULL)
        MHD_get_connection_values(req->conn, kind, add_header, o);
    return o;
}

static int
route_echo(const struct demo_request *req, struct demo_reply *rep)
{
    const char *ct = header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    return reply_json(rep, 200, json_pack("{s:s,s:s,s:s,s:s#,s:o,s:o}",
        "method", req->method, "path", req->path, "content_type",
        ct ? ct : "", "body", req->body, (int)req->body_len,
        "query", values_json(req, MHD_GET_ARGUMENT_KIND),
        "headers", values_json(req, MHD_HEADER_KIND)));
}

/* /set-cookie?k=v sets cookie k=v (one per call). */
static int
route_set_cookie(const struct demo_request *req, struct demo_reply *rep)
{
    const char *k = arg(req, "name");
    const char *v = arg(req, "value");
    if (k == NULL || *k == '\0')
        return reply_error(rep, 400, "name= missing");
    if (asprintf(&rep->set_cookie, "%s=%s; Path=/", k, v ? v : "") < 0) {
        rep->set_cookie = NULL;
        return -1;
    }
    return reply_json(rep, 200, json_pack("{s:b}", "ok", 1));
}

static int
route_status(struct demo_reply *rep, const char *code)
{
    long st = parse_num(code, 200, 599);
    if (st < 0)
        return reply_error(rep, 400, "status must be 200..599");
    if (st == 204 || st == 304) {
        rep->status = (unsigned)st;
        rep->content_type = CT_TEXT;
        return 0;
    }
    return reply_printf(rep, (unsigned)st, CT_TEXT, "status %ld\n", st);
}

/* ---- dispatch ----------------------------------------------------------- */

static int
dispatch(const struct demo_request *req, struct demo_reply *rep)
{
    const char *p = req->path, *m = req->method;
    int get = is_get(m), post = strcmp(m, "POST") == 0;

    /* Any method. */
    if (has_prefix(p, "/status/"))
        return route_status(rep, p + 8);
    if (has_prefix(p, "/delay/")) {
        long ms = parse_num(p + 7, 0, DEMO_MAX_DELAY_MS);
        if (ms < 0)
            return reply_error(rep, 400, "delay must be 0..10000 ms");
        rep->delay_ms += ms;
        return reply_printf(rep, 200, CT_TEXT, "delayed %ld ms\n", ms);
    }
    if (strcmp(p, "/delay") == 0)
        return reply_printf(rep, 200, CT_TEXT, "delayed\n");
    if (strcmp(p, "/headers") == 0)
        return reply_json(rep, 200, values_json(req, MHD_HEADER_KIND));
    if (strcmp(p, "/echo") == 0)
        return route_echo(req, rep);

    /* Method-specific. */
    int known = 1;
    if (strcmp(p, "/login") == 0) {
        if (post)
            return route_login(req, rep);
    } else if (strcmp(p, "/upload") == 0) {
        if (post)
            return demo_route_upload(req, rep);
    } else if (strcmp(p, "/cart/add") == 0) {
        if (post)
            return route_cart_add(req, rep);
    } else if (strcmp(p, "/") == 0) {
        if (get)
            return route_index(rep);
    } else if (strcmp(p, "/about") == 0) {
        if (get)
            return route_about(rep);
    } else if (strcmp(p, "/products") == 0) {
        if (get)
            return route_products(rep);
    } else if (has_prefix(p, "/products/")) {
        if (get)
            return route_product(rep, p + 10);
    } else if (strcmp(p, "/search") == 0) {
        if (get)
            return route_search(req, rep);
    } else if (strcmp(p, "/account") == 0) {
        if (get)
            return route_account(req, rep);
    } else if (strcmp(p, "/me") == 0) {
        if (get)
            return route_me(req, rep);
    } else if (strcmp(p, "/redirect") == 0) {
        if (get) {
            rep->location = strdup("/about");
            if (rep->location == NULL)
                return -1;
            return reply_printf(rep, 302, CT_TEXT, "see /about\n");
        }
    } else if (strcmp(p, "/cookies") == 0) {
        if (get)
            return reply_json(rep, 200, values_json(req, MHD_COOKIE_KIND));
    } else if (strcmp(p, "/set-cookie") == 0) {
        if (get)
            return route_set_cookie(req, rep);
    } else if (strcmp(p, "/json") == 0) {
        if (get)
            return reply_json(rep, 200, json_pack(
                "{s:b,s:i,s:s,s:[i,i,i],s:{s:s}}", "ok", 1, "n", 42,
                "name", "swarm", "items", 1, 2, 3, "nested", "k", "v"));
    } else {
        known = 0;
    }
    if (known)
        return reply_error(rep, 405, "method not allowed");
    return reply_error(rep, 404, "not found");
}

int
demo_route(const struct demo_request *req, struct demo_reply *rep)
{
    memset(rep, 0, sizeof(*rep));
    /* ?delay_ms= works on every route. */
    const char *d = arg(req, "delay_ms");
    if (d != NULL) {
        long ms = parse_num(d, 0, DEMO_MAX_DELAY_MS);
        rep->delay_ms = ms < 0 ? DEMO_MAX_DELAY_MS : ms;
        if (ms < 0 && parse_num(d, 0, 1000000000) < 0)
            rep->delay_ms = 0;   /* not a number at all: ignore it */
    }
    if (dispatch(req, rep) < 0) {
        demo_reply_free(rep);
        return -1;
    }
    if (rep->delay_ms > DEMO_MAX_DELAY_MS)
        rep->delay_ms = DEMO_MAX_DELAY_MS;
    return 0;
}

void
demo_reply_free(struct demo_reply *rep)
{
    free(rep->body);
    free(rep->set_cookie);
    free(rep->location);
    rep->body = rep->set_cookie = rep->location = NULL;
}
