/*
 * cookies.c - the scenario's `cookie "name" = V` and `clear cookies`: the
 * user's one cookie jar, whichever engine holds it (request.c moves it
 * between engines with cookies_export/import).
 *
 * A cookie set here is a session cookie for the host of --host (host-only,
 * as a Set-Cookie without Domain from that host would be) and path "/",
 * unless the statement gives `domain` (then subdomains match too, as with
 * a Domain attribute) or `path`.  Not secure, no expiry.  Bytes that
 * cannot be in a cookie line (control characters, ';') are dropped from
 * the name and the value.
 */
#include <string.h>
#include "request.h"
#include "user.h"
#include "util/buf.h"

/* The session that holds u's jar: the engine of its last request, else
 * the one its first request will most likely use (the cookies move at
 * that request if another one serves it). */
static sw__session_t *jar_session(sw_user_t *u, const struct sw__engine_ops
                                  **ops)
{
    struct sw__net *n = u->net.net;
    if (!n)
        return NULL;
    int k = u->net.last_kind;
    if (k < 0) {
        k = n->only >= 0 ? n->only : SW__ENGINE_GENERAL;
        u->net.last_kind = k;
    }
    if (!n->ops[k] || !n->ops[k]->cookie_set)
        return NULL;
    if (!u->net.session[k] &&
        !(u->net.session[k] = n->ops[k]->session_open(n->eng[k])))
        sw__oom();
    *ops = n->ops[k];
    return u->net.session[k];
}

static void add_clean(struct sw__buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != 0x7f && c != ';')
            sw__buf_add(b, s, 1);
    }
}

/* The host part of a base URL: "http://Host:8080/x" -> "host". */
static void add_host(struct sw__buf *b, const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = strpbrk(p, "@/");
    if (at && *at == '@')
        p = at + 1;
    size_t n = p[0] == '[' ? strcspn(p, "]") + 1 : strcspn(p, ":/?#");
    for (size_t i = 0; i < n && p[i]; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        sw__buf_add(b, &c, 1);
    }
}

void sw_cookie_set(sw_user_t *u, const char *name, const char *value,
                   const char *domain, const char *path)
{
    const struct sw__engine_ops *ops = NULL;
    sw__session_t *s = jar_session(u, &ops);
    if (!s || !name || !*name || strpbrk(name, "= \t"))
        return;
    struct sw__buf line = { 0 };
    if (domain && *domain) {
        sw__buf_add(&line, ".", 1);
        add_clean(&line, domain[0] == '.' ? domain + 1 : domain);
        sw__buf_adds(&line, "\tTRUE\t");
    } else {
        add_host(&line, u->net.net->host ? u->net.net->host : "");
        sw__buf_adds(&line, "\tFALSE\t");
    }
    if (path && path[0] == '/')
        add_clean(&line, path);
    else
        sw__buf_add(&line, "/", 1);
    sw__buf_adds(&line, "\tFALSE\t0\t");
    add_clean(&line, name);
    sw__buf_add(&line, "\t", 1);
    add_clean(&line, value);
    sw__buf_add(&line, "", 1);
    /* no domain at all (no --host): nothing a request could match */
    if (line.ptr[0] != '\t' && !(line.ptr[0] == '.' && line.ptr[1] == '\t'))
        ops->cookie_set(s, line.ptr);
    sw__buf_free(&line);
}

void sw_cookies_clear(sw_user_t *u)
{
    const struct sw__engine_ops *ops = NULL;
    sw__session_t *s = jar_session(u, &ops);
    if (s)
        ops->cookies_clear(s);
}
