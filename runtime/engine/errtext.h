/*
 * errtext.h - a failed request's message as Locust users read them, the
 * same text from every engine: the cause in Python's words where Python
 * has one (what python-requests and Locust print), and the target.
 *
 *   ConnectionRefusedError: [Errno 111] Connection refused (127.0.0.1:1)
 *   timeout after 5 s waiting for the response from 127.0.0.1:8089
 *   timeout after 5 s connecting to 10.0.0.1:80
 *   cannot resolve host 'x.invalid'
 *   ConnectionResetError: [Errno 104] Connection reset by peer (h:80)
 *   RemoteDisconnected: Remote end closed connection without response (h:80)
 *   SSLError: <the TLS library's reason> (h:443)
 *
 * Other protocol errors keep the engine's text (the libcurl wording both
 * engines share) with the target appended.
 */
#ifndef SW_ERRTEXT_H
#define SW_ERRTEXT_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"

/* What the engine knows of a failure besides its class. */
enum sw__http_cause {
    SW__CAUSE_NONE = 0,
    SW__CAUSE_EMPTY,            /* closed before any response byte */
    SW__CAUSE_PARTIAL,          /* closed before the end of the body */
    SW__CAUSE_DECODE            /* a body its Content-Encoding does not
                                   decode */
};

struct sw__http_errinfo {
    enum sw__http_error kind;
    enum sw__http_cause cause;
    int os_errno;               /* the system's errno, or 0 */
    int connecting;             /* timeout: no connection was up yet */
    const char *url;            /* the URL that failed (after redirects);
                                   NULL: none known */
    int64_t timeout_ms;
    const char *detail;         /* TLS: the library's reason, or NULL */
    const char *fallback;       /* the engine's own text (other cases) */
    const char *headers;        /* the response's raw header block so far
                                   (NUL-terminated), or NULL */
    const char *proxy;          /* the proxy the request went through, or
                                   NULL */
};

/* Writes the message into buf (n bytes, >= 64) and returns buf. */
const char *sw__http_errtext(const struct sw__http_errinfo *e, char *buf,
                             size_t n);

/* "host:port" of an http(s) URL into buf (n bytes); "" when it has none. */
void sw__url_target(const char *url, char *buf, size_t n);

#endif
