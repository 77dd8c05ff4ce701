/*
 * headers.c - default headers (`header "K" V` at user, taskset or seq
 * level), as Locust's self.client.headers: merged into every request sent
 * below them, the request's own headers winning.
 *
 * The scheduler knows which sets are running, so it calls their header
 * functions (generated) between sw__req_defaults_begin and _end, at send
 * time: the values are evaluated per request, and a header that names a
 * variable set later (a token captured at login) sends its value of the
 * moment.  The functions append to the request's header lines, after its
 * own; _end then rewrites the lines as python-requests merges session and
 * request headers (merge_setting): one line per name, case-insensitive,
 * the request's own first in precedence, then the deepest set's.
 */
#include <string.h>
#include <strings.h>
#include "request.h"
#include "user.h"
#include "util/buf.h"

/* The length of the name of header line p ("Key: v" or "Key:"). */
static size_t name_len(const char *p)
{
    const char *c = strchr(p, ':');
    return c ? (size_t)(c - p) : strlen(p);
}

static int same_name(const char *a, size_t an, const char *b)
{
    return name_len(b) == an && !strncasecmp(a, b, an);
}

int sw__req_defaults_begin(sw_user_t *u, struct sw__req_mark *m)
{
    int *n;
    struct sw__buf *h = sw__req_header_lines(u, &n);
    if (!h)
        return -1;
    m->len = h->len;
    m->n = *n;
    return 0;
}

/* "Key:" with nothing after it: the request's "no such header" line that
 * a body without a type adds (struct sw__http_req); a default header of
 * that name is then sent rather than nothing. */
static int bare(const char *p)
{
    const char *c = strchr(p, ':');
    return c && c[1] == 0;
}

void sw__req_defaults_end(sw_user_t *u, const struct sw__req_mark *m)
{
    int *n;
    struct sw__buf *h = sw__req_header_lines(u, &n);
    if (!h || *n == m->n)
        return;
    /* lines [0, m->n) are the request's own, [m->n, *n) the defaults */
    size_t total = h->len;
    char *copy = sw__scratch_alloc(u, total);
    memcpy(copy, h->ptr, total);
    const char *own_end = copy + m->len, *end = copy + total;
    h->len = 0;
    int kept = 0;
    for (const char *p = own_end; p < end; p += strlen(p) + 1) {
        size_t nl = name_len(p);
        int shadowed = 0;
        for (const char *q = p + strlen(p) + 1; !shadowed && q < end;
             q += strlen(q) + 1)
            shadowed = same_name(p, nl, q);
        for (const char *q = copy; !shadowed && q < own_end;
             q += strlen(q) + 1)
            shadowed = !bare(q) && same_name(p, nl, q);
        if (shadowed)
            continue;
        sw__buf_add(h, p, strlen(p) + 1);
        kept++;
    }
    size_t defaults_len = h->len;
    for (const char *q = copy; q < own_end; q += strlen(q) + 1) {
        int replaced = 0;
        if (bare(q))
            for (const char *p = h->ptr; !replaced && p < h->ptr + defaults_len;
                 p += strlen(p) + 1)
                replaced = same_name(q, name_len(q), p);
        if (replaced)
            continue;
        sw__buf_add(h, q, strlen(q) + 1);
        kept++;
    }
    *n = kept;
}
