/*
 * errtext.c - failure messages as Locust users read them (see errtext.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "errtext.h"
#include "netenv.h"

void sw__url_target(const char *url, char *buf, size_t n)
{
    buf[0] = 0;
    if (!url)
        return;
    int port = 80;
    const char *p = strstr(url, "://");
    if (p) {
        if ((size_t)(p - url) == 5 && !strncasecmp(url, "https", 5))
            port = 443;
        p += 3;
    } else {
        p = url;                /* a proxy given as host:port */
    }
    size_t hl = strcspn(p, "/?#");
    const char *at = memchr(p, '@', hl);    /* user info: not shown */
    if (at) {
        hl -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    const char *colon = NULL;
    if (hl && p[0] == '[') {
        const char *rb = memchr(p, ']', hl);
        if (rb && rb + 1 < p + hl && rb[1] == ':')
            colon = rb + 1;
    } else {
        colon = memchr(p, ':', hl);
    }
    if (colon)
        snprintf(buf, n, "%.*s", (int)hl, p);
    else
        snprintf(buf, n, "%.*s:%d", (int)hl, p, port);
}

/* Python's exception name for an errno (OSError's subclasses). */
static const char *py_name(int e)
{
    switch (e) {
    case ECONNREFUSED:
        return "ConnectionRefusedError";
    case ECONNRESET:
        return "ConnectionResetError";
    case ECONNABORTED:
        return "ConnectionAbortedError";
    case EPIPE:
        return "BrokenPipeError";
    case ETIMEDOUT:
        return "TimeoutError";
    default:
        return "OSError";
    }
}

/* The header's value in a raw header block (the last one), or NULL. */
static const char *header_value(const char *h, const char *name, size_t *len)
{
    const char *found = NULL;
    size_t nl = strlen(name);
    for (const char *p = h; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1, *ve = p + ll;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
                ve--;
            found = v;
            *len = (size_t)(ve - v);
        }
        p = eol ? eol + 1 : NULL;
    }
    return found;
}

/* 5, 0.5, 2.25: the timeout in seconds as a person writes it */
static void seconds(int64_t ms, char *buf, size_t n)
{
    if (ms % 1000 == 0)
        snprintf(buf, n, "%lld", (long long)(ms / 1000));
    else
        snprintf(buf, n, "%g", (double)ms / 1000.0);
}

const char *sw__http_errtext(const struct sw__http_errinfo *e, char *buf,
                             size_t n)
{
    char target[160], t[32];
    const char *via = "";
    int proxy_side = e->proxy &&
                     (e->kind == SW__HTTP_E_CONNECT ||
                      e->kind == SW__HTTP_E_RESOLVE);
    if (proxy_side) {
        sw__url_target(e->proxy, target, sizeof target);
        via = "ProxyError: Unable to connect to proxy: ";
    } else {
        sw__url_target(e->url, target, sizeof target);
    }
    int err = e->os_errno;
    switch (e->kind) {
    case SW__HTTP_E_RESOLVE: {
        const char *why = sw__netenv_resolve_error();
        char host[160];
        snprintf(host, sizeof host, "%s", target);
        char *colon = strrchr(host, ':');
        if (colon && (host[0] != '[' || colon[-1] == ']'))
            *colon = 0;
        snprintf(buf, n, "%scannot resolve host '%s'%s%s", via, host,
                 why ? ": " : "", why ? why : "");
        return buf;
    }
    case SW__HTTP_E_CONNECT:
        if (err > 0)
            snprintf(buf, n, "%s%s: [Errno %d] %s (%s)", via, py_name(err),
                     err, strerror(err), target);
        else
            snprintf(buf, n, "%sConnectionError: cannot connect to %s", via,
                     target);
        return buf;
    case SW__HTTP_E_TIMEOUT:
        seconds(e->timeout_ms, t, sizeof t);
        snprintf(buf, n, e->connecting ? "timeout after %s s connecting to %s"
                 : "timeout after %s s waiting for the response from %s",
                 t, target);
        return buf;
    case SW__HTTP_E_SEND:
    case SW__HTTP_E_RECV:
        if (err == ECONNRESET || err == EPIPE || err == ECONNABORTED) {
            snprintf(buf, n, "%s: [Errno %d] %s (%s)", py_name(err), err,
                     strerror(err), target);
            return buf;
        }
        if (e->cause == SW__CAUSE_EMPTY) {
            snprintf(buf, n, "RemoteDisconnected: Remote end closed "
                     "connection without response (%s)", target);
            return buf;
        }
        if (e->cause == SW__CAUSE_PARTIAL) {
            snprintf(buf, n, "IncompleteRead: the connection closed before "
                     "the end of the body (%s)", target);
            return buf;
        }
        break;
    case SW__HTTP_E_TLS:
        snprintf(buf, n, "SSLError: %s (%s)",
                 e->detail && *e->detail ? e->detail : e->fallback, target);
        return buf;
    default:
        if (e->cause == SW__CAUSE_DECODE) {
            size_t vl = 0;
            const char *v = e->headers ? header_value(e->headers,
                                                      "Content-Encoding", &vl)
                                       : NULL;
            snprintf(buf, n, "ContentDecodingError: Received response with "
                     "content-encoding: %.*s, but failed to decode it (%s)",
                     v ? (int)vl : 1, v ? v : "?", target);
            return buf;
        }
        break;
    }
    if (target[0])
        snprintf(buf, n, "%s (%s)", e->fallback ? e->fallback : "error",
                 target);
    else
        snprintf(buf, n, "%s", e->fallback ? e->fallback : "error");
    return buf;
}
