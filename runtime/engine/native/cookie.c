/*
 * cookie.c - a session's cookie jar with the rules libcurl 7.88 applies
 * (RFC 6265 as libcurl reads it), so that a user sends the same Cookie
 * header whichever engine serves its request:
 *
 *   - Domain: a leading dot is dropped; the request host must equal it or
 *     end in "." + it (an IP address must equal it); it then also matches
 *     subdomains.  Without Domain the cookie is host-only.
 *   - Path: quotes stripped, one trailing '/' dropped for matching, a value
 *     not starting with '/' means "/".  Without Path: the request path up
 *     to its last '/'.  "/a" matches "/a", "/a/..." but not "/ab".
 *   - Max-Age wins over Expires; Max-Age <= 0 or a past date deletes.  An
 *     Expires that does not parse leaves a session cookie.
 *   - Secure: kept and sent only in a secure context, which for plain HTTP
 *     is localhost, 127.0.0.1 and [::1] (libcurl's rule).  The __Secure-
 *     and __Host- prefixes are enforced.
 *   - A cookie replaces the one with the same name (case-insensitive),
 *     domain (and host-only flag) and path, keeping its creation order.
 *   - Sent as "Cookie: a=1; b=2": longest path first, then longest domain,
 *     longest name, then the newest (libcurl 7.88's cookie_sort orders
 *     equals by creation time, newest first; checked against the curl
 *     tool); at most 150 cookies and 8190 bytes.
 */
#include <stdlib.h>
#include <strings.h>
#include <curl/curl.h>
#include "nv_int.h"

/* libcurl's limits on what it sends (lib/cookie.h in 7.88) */
#define MAX_SEND 150
#define MAX_HEADER_LEN 8190
/* ... and on what it takes */
#define MAX_NAME_VALUE 4096

struct sw__nv_cookie {
    struct sw__nv_cookie *next;
    char *name, *value;
    char *domain;               /* lower-case as received; no leading dot */
    char *path;                 /* as received or the default (sort key) */
    char *spath;                /* path for matching */
    int64_t expires_s;          /* 0: session cookie */
    uint64_t order;             /* creation order */
    int tailmatch;              /* Domain was given: subdomains match */
    int secure;
};

int sw__nv_cookie_secure_host(const char *host, size_t n)
{
    return (n == 9 && !strncasecmp(host, "localhost", 9)) ||
           (n == 9 && !memcmp(host, "127.0.0.1", 9)) ||
           (n == 5 && !memcmp(host, "[::1]", 5));
}

static int is_ip(const char *h, size_t n)
{
    if (n && h[0] == '[')
        return 1;
    for (size_t i = 0; i < n; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || h[i] == '.'))
            return 0;
    return n > 0;
}

/* host ends with domain, at a label boundary */
static int tailmatch(const char *domain, size_t dl, const char *host,
                     size_t hl)
{
    if (dl > hl || strncasecmp(domain, host + hl - dl, dl))
        return 0;
    return dl == hl || host[hl - dl - 1] == '.';
}

static int path_match(const char *spath, const char *path, size_t pl)
{
    size_t cl = strlen(spath);
    if (cl <= 1)                /* "" (from "/") and "/" match every path */
        return 1;
    if (pl == 0) {
        path = "/";
        pl = 1;
    }
    if (pl < cl || memcmp(spath, path, cl))
        return 0;
    return pl == cl || path[cl] == '/';
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        sw__oom();
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static char *sanitize_path(const char *p, size_t n)
{
    if (n && p[0] == '"') {
        p++;
        n--;
    }
    if (n && p[n - 1] == '"')
        n--;
    if (!n || p[0] != '/')
        return dup_n("/", 1);
    if (p[n - 1] == '/')
        n--;
    return dup_n(p, n);
}

static void cookie_free(struct sw__nv_cookie *c)
{
    free(c->name);
    free(c->value);
    free(c->domain);
    free(c->path);
    free(c->spath);
    free(c);
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return end;
}

/* control characters make libcurl drop the cookie */
static int bad_octets(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 1;
    }
    return 0;
}

static int64_t parse_max_age(const char *v, size_t n, int64_t now_s)
{
    if (n && *v == '"') {
        v++;
        n--;
    }
    if (!n || !(*v >= '0' && *v <= '9'))
        return 1;               /* negative or bad: expired at once */
    int64_t age = 0;
    for (size_t i = 0; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
        if (age > (INT64_MAX - 9) / 10)
            return INT64_MAX;
        age = age * 10 + (v[i] - '0');
    }
    if (age == 0)
        return 1;
    return INT64_MAX - now_s < age ? INT64_MAX : now_s + age;
}

static int64_t parse_expires(const char *v, size_t n)
{
    char tmp[128];
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, v, n);
    tmp[n] = 0;
    time_t t = curl_getdate(tmp, NULL);
    if (t == 0)
        return 1;
    if (t < 0)
        return 0;               /* does not parse: a session cookie */
    return (int64_t)t;
}

void sw__nv_jar_set(struct sw__nv_jar *j, const char *v, size_t vlen,
                    const char *host, size_t host_len, const char *path,
                    size_t path_len, int64_t now_s)
{
    const char *end = v + vlen, *p = v;
    struct sw__nv_cookie *c = calloc(1, sizeof *c);
    if (!c)
        sw__oom();
    const char *expires = NULL, *max_age = NULL;
    size_t expires_len = 0, max_age_len = 0;
    int bad = 0, first = 1;
    while (p < end && !bad) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *pair_end = semi ? semi : end;
        const char *name = skip_ws(p, pair_end);
        const char *eq = name;
        while (eq < pair_end && *eq != '=')
            eq++;
        if (eq == pair_end)
            eq = NULL;
        const char *name_end = trim_end(name, eq ? eq : pair_end);
        const char *val = eq ? skip_ws(eq + 1, pair_end) : pair_end;
        const char *val_end = trim_end(val, pair_end);
        size_t nl = (size_t)(name_end - name), vl = (size_t)(val_end - val);
        if (first) {
            first = 0;
            if (!eq || !nl || nl + vl > MAX_NAME_VALUE ||
                bad_octets(name, nl) || bad_octets(val, vl)) {
                bad = 1;
                break;
            }
            c->name = dup_n(name, nl);
            c->value = dup_n(val, vl);
        } else if (nl == 6 && !strncasecmp(name, "secure", 6)) {
            if (!sw__nv_cookie_secure_host(host, host_len))
                bad = 1;
            c->secure = 1;
        } else if (nl == 6 && !strncasecmp(name, "domain", 6) && vl) {
            if (*val == '.') {
                val++;
                vl--;
            }
            int ip = is_ip(host, host_len);
            if ((ip && vl == host_len && !strncmp(val, host, vl)) ||
                (!ip && tailmatch(val, vl, host, host_len))) {
                free(c->domain);
                c->domain = dup_n(val, vl);
                c->tailmatch = 1;
            } else {
                bad = 1;
            }
        } else if (nl == 4 && !strncasecmp(name, "path", 4)) {
            free(c->path);
            free(c->spath);
            c->path = dup_n(val, vl);
            c->spath = sanitize_path(val, vl);
        } else if (nl == 7 && !strncasecmp(name, "max-age", 7) && vl) {
            max_age = val;
            max_age_len = vl;
        } else if (nl == 7 && !strncasecmp(name, "expires", 7) && vl) {
            expires = val;
            expires_len = vl;
        }
        p = semi ? semi + 1 : end;
    }
    if (!bad && !strncmp(c->name, "__Secure-", 9) && !c->secure)
        bad = 1;
    if (!bad && !strncmp(c->name, "__Host-", 7) &&
        (!c->secure || c->tailmatch || !c->path || strcmp(c->path, "/")))
        bad = 1;
    if (bad) {
        cookie_free(c);
        return;
    }
    if (!c->domain)
        c->domain = dup_n(host, host_len);
    if (!c->path) {
        /* the request path up to and with its last '/' */
        size_t d = path_len;
        while (d > 0 && path[d - 1] != '/')
            d--;
        if (d == 0)
            c->path = dup_n("/", 1);
        else
            c->path = dup_n(path, d);
        c->spath = sanitize_path(c->path, strlen(c->path));
    }
    if (max_age)
        c->expires_s = parse_max_age(max_age, max_age_len, now_s);
    else if (expires)
        c->expires_s = parse_expires(expires, expires_len);
    /* replace the same cookie, keeping its place in the creation order */
    struct sw__nv_cookie **pp = &j->head;
    c->order = 0;
    while (*pp) {
        struct sw__nv_cookie *o = *pp;
        if (!strcasecmp(o->name, c->name) &&
            !strcasecmp(o->domain, c->domain) &&
            o->tailmatch == c->tailmatch && !strcasecmp(o->spath, c->spath)) {
            c->order = o->order;
            *pp = o->next;
            cookie_free(o);
            break;
        }
        pp = &o->next;
    }
    if (c->expires_s && c->expires_s <= now_s) {
        cookie_free(c);         /* a deletion */
        return;
    }
    if (!c->order)
        c->order = ++j->next_order;
    c->next = j->head;
    j->head = c;
}

static int send_before(const struct sw__nv_cookie *a,
                       const struct sw__nv_cookie *b)
{
    size_t la = strlen(a->path), lb = strlen(b->path);
    if (la != lb)
        return la > lb;
    la = strlen(a->domain);
    lb = strlen(b->domain);
    if (la != lb)
        return la > lb;
    la = strlen(a->name);
    lb = strlen(b->name);
    if (la != lb)
        return la > lb;
    return a->order > b->order;     /* the newer first, as libcurl */
}

void sw__nv_jar_header(struct sw__nv_jar *j, const char *host,
                       size_t host_len, const char *path, size_t path_len,
                       int64_t now_s, struct sw__buf *out)
{
    if (!j->head)
        return;
    int secure = sw__nv_cookie_secure_host(host, host_len);
    int ip = is_ip(host, host_len);
    const struct sw__nv_cookie *pick[MAX_SEND];
    int n = 0;
    struct sw__nv_cookie **pp = &j->head;
    while (*pp) {
        struct sw__nv_cookie *c = *pp;
        if (c->expires_s && c->expires_s <= now_s) {
            *pp = c->next;
            cookie_free(c);
            continue;
        }
        pp = &c->next;
        if (c->secure && !secure)
            continue;
        size_t dl = strlen(c->domain);
        int dom = (c->tailmatch && !ip)
                      ? tailmatch(c->domain, dl, host, host_len)
                      : (dl == host_len && !strncasecmp(c->domain, host, dl));
        if (!dom || !path_match(c->spath, path, path_len))
            continue;
        /* insertion sort: jars are small; like libcurl, the first
         * MAX_SEND matches are the ones sorted and sent */
        int i = n++;
        while (i > 0 && send_before(c, pick[i - 1])) {
            pick[i] = pick[i - 1];
            i--;
        }
        pick[i] = c;
        if (n == MAX_SEND)
            break;
    }
    size_t start = out->len, line = 0;
    for (int i = 0; i < n; i++) {
        size_t add = strlen(pick[i]->name) + strlen(pick[i]->value) + 1;
        if (line + add > MAX_HEADER_LEN)
            break;
        sw__buf_adds(out, i ? "; " : "Cookie: ");
        sw__buf_adds(out, pick[i]->name);
        sw__buf_add(out, "=", 1);
        sw__buf_adds(out, pick[i]->value);
        line += add + (i ? 2 : 0);
    }
    if (out->len > start)
        sw__buf_add(out, "\r\n", 2);
}

size_t sw__nv_jar_count(const struct sw__nv_jar *j)
{
    size_t n = 0;
    for (const struct sw__nv_cookie *c = j->head; c; c = c->next)
        n++;
    return n;
}

int sw__nv_jar_get(const struct sw__nv_jar *j, const char *name,
                   const char **value)
{
    const struct sw__nv_cookie *best = NULL;
    for (const struct sw__nv_cookie *c = j->head; c; c = c->next)
        if (!strcmp(c->name, name) && (!best || c->order < best->order))
            best = c;
    if (best)
        *value = best->value;
    return best != NULL;
}

void sw__nv_jar_export(const struct sw__nv_jar *j, struct sw__buf *out)
{
    /* creation order: the jar is newest first */
    size_t n = sw__nv_jar_count(j), i = n;
    const struct sw__nv_cookie **v = malloc(sizeof *v * (n ? n : 1));
    if (!v)
        sw__oom();
    for (const struct sw__nv_cookie *c = j->head; c; c = c->next)
        v[--i] = c;
    /* replacements keep their place: order by the creation counter */
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && v[b]->order < v[b - 1]->order; b--) {
            const struct sw__nv_cookie *t = v[b];
            v[b] = v[b - 1];
            v[b - 1] = t;
        }
    for (i = 0; i < n; i++) {
        const struct sw__nv_cookie *c = v[i];
        if (c->tailmatch)
            sw__buf_add(out, ".", 1);
        sw__buf_adds(out, c->domain);
        sw__buf_adds(out, c->tailmatch ? "\tTRUE\t" : "\tFALSE\t");
        sw__buf_adds(out, c->path);
        sw__buf_adds(out, c->secure ? "\tTRUE\t" : "\tFALSE\t");
        sw__buf_add_u64(out, (uint64_t)(c->expires_s > 0 ? c->expires_s
                                                            : 0));
        sw__buf_add(out, "\t", 1);
        sw__buf_adds(out, c->name);
        sw__buf_add(out, "\t", 1);
        sw__buf_adds(out, c->value);
        sw__buf_add(out, "\n", 1);
    }
    free(v);
}

void sw__nv_jar_import(struct sw__nv_jar *j, const char *p, size_t len)
{
    sw__nv_jar_free(j);
    const char *end = p + len;
    struct sw__nv_cookie *last = NULL;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        const char *line = p;
        p = eol ? eol + 1 : end;
        if (le > line && le[-1] == '\r')
            le--;
        if ((size_t)(le - line) > 10 && !memcmp(line, "#HttpOnly_", 10))
            line += 10;
        else if (line < le && *line == '#')
            continue;
        const char *f[7];
        size_t fl[7];
        int nf = 0;
        const char *q = line;
        while (nf < 7 && q <= le) {
            const char *tab = memchr(q, '\t', (size_t)(le - q));
            const char *fe = nf < 6 && tab ? tab : le;
            f[nf] = q;
            fl[nf++] = (size_t)(fe - q);
            q = fe + 1;
        }
        if (nf < 7 || !fl[0] || !fl[5])
            continue;
        struct sw__nv_cookie *c = calloc(1, sizeof *c);
        if (!c)
            sw__oom();
        if (f[0][0] == '.') {
            f[0]++;
            fl[0]--;
        }
        c->domain = dup_n(f[0], fl[0]);
        c->tailmatch = fl[1] == 4 && !strncasecmp(f[1], "TRUE", 4);
        c->path = dup_n(f[2], fl[2]);
        c->spath = sanitize_path(f[2], fl[2]);
        c->secure = fl[3] == 4 && !strncasecmp(f[3], "TRUE", 4);
        int64_t exp = 0;
        for (size_t i = 0; i < fl[4] && f[4][i] >= '0' && f[4][i] <= '9'; i++)
            exp = exp * 10 + (f[4][i] - '0');
        c->expires_s = exp;
        c->name = dup_n(f[5], fl[5]);
        c->value = dup_n(f[6], fl[6]);
        c->order = ++j->next_order;
        /* keep the file's order: append */
        if (last)
            last->next = c;
        else
            j->head = c;
        last = c;
    }
}

void sw__nv_jar_free(struct sw__nv_jar *j)
{
    struct sw__nv_cookie *c = j->head;
    while (c) {
        struct sw__nv_cookie *next = c->next;
        cookie_free(c);
        c = next;
    }
    j->head = NULL;
}
