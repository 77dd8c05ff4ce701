/*
 * proxy.c - proxies from the environment and the command line (see
 * proxy.h).
 *
 * The rules are python-requests' (requests.utils.get_environ_proxies and
 * should_bypass_proxies over urllib's getproxies_environment):
 *   - a variable NAME_proxy is read in lower case, then in upper case; the
 *     lower-case one wins when both are set; an empty value is unset;
 *   - http:// URLs use http_proxy, https:// URLs https_proxy, either falls
 *     back to all_proxy;
 *   - a proxy given without a scheme is http:// (requests prepends it);
 *   - no_proxy is a comma-separated list: "*" bypasses every host; an
 *     entry matches the host itself or any name under it (a leading "."
 *     or "*." is ignored), or host:port exactly; an IPv4 entry with a
 *     /bits suffix matches the addresses of that network.
 * --proxy URL sends every request through URL (no_proxy does not apply);
 * --no-proxy ignores the environment.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "proxy.h"

enum { P_HTTP, P_HTTPS, P_KINDS };

/* Written once by sw__proxy_init before any worker starts, then read. */
static struct {
    char *url[P_KINDS];         /* owned; NULL: direct */
    const char *source[P_KINDS];
    char *no_proxy;             /* owned copy, or NULL */
    int all;                    /* --proxy: no bypass */
} g;

static const char *env2(const char *lower, const char *upper)
{
    const char *v = getenv(lower);
    if (v && *v)
        return v;
    v = getenv(upper);
    return v && *v ? v : NULL;
}

/* A proxy URL with its scheme (http:// added when it has none), or NULL
 * with err said when it is not one. */
static char *proxy_url(const char *v, const char *from, char *err, size_t n)
{
    static const char *const schemes[] = {
        "http://", "https://", "socks4://", "socks4a://", "socks5://",
        "socks5h://", NULL
    };
    const char *sep = strstr(v, "://");
    int ok = sep == NULL;
    for (int i = 0; schemes[i] && !ok; i++)
        ok = !strncasecmp(v, schemes[i], strlen(schemes[i]));
    const char *host = sep ? sep + 3 : v;
    if (!ok || !*host || *host == '/' || strpbrk(v, " \t\r\n")) {
        snprintf(err, n, "%s: expected a proxy URL like "
                 "http://127.0.0.1:3128, got '%s'", from, v);
        return NULL;
    }
    size_t len = strlen(v) + 8;
    char *u = malloc(len);
    if (!u) {
        snprintf(err, n, "out of memory");
        return NULL;
    }
    snprintf(u, len, "%s%s", sep ? "" : "http://", v);
    return u;
}

int sw__proxy_init(const char *flag_url, int no_env, char *err, size_t n)
{
    sw__proxy_free();
    if (flag_url) {
        if (!(g.url[P_HTTP] = proxy_url(flag_url, "--proxy", err, n)) ||
            !(g.url[P_HTTPS] = strdup(g.url[P_HTTP])))
            return -1;
        g.source[P_HTTP] = g.source[P_HTTPS] = "--proxy";
        g.all = 1;
        return 0;
    }
    if (no_env)
        return 0;
    static const char *const names[P_KINDS][2] = {
        { "http_proxy", "HTTP_PROXY" }, { "https_proxy", "HTTPS_PROXY" }
    };
    const char *all = env2("all_proxy", "ALL_PROXY");
    const char *all_name = getenv("all_proxy") && *getenv("all_proxy")
                               ? "all_proxy" : "ALL_PROXY";
    for (int k = 0; k < P_KINDS; k++) {
        const char *v = env2(names[k][0], names[k][1]);
        const char *from = getenv(names[k][0]) && *getenv(names[k][0])
                               ? names[k][0] : names[k][1];
        if (!v) {
            v = all;
            from = all_name;
        }
        if (v && !(g.url[k] = proxy_url(v, from, err, n)))
            return -1;
        g.source[k] = v ? from : NULL;
    }
    const char *np = env2("no_proxy", "NO_PROXY");
    if (np && !(g.no_proxy = strdup(np))) {
        snprintf(err, n, "out of memory");
        return -1;
    }
    return 0;
}

void sw__proxy_free(void)
{
    for (int k = 0; k < P_KINDS; k++) {
        free(g.url[k]);
        g.url[k] = NULL;
        g.source[k] = NULL;
    }
    free(g.no_proxy);
    g.no_proxy = NULL;
    g.all = 0;
}

int sw__proxy_any(void)
{
    return g.url[P_HTTP] != NULL || g.url[P_HTTPS] != NULL;
}

/* Does the no_proxy entry e (len el) match host (hl) / host:port (hpl)? */
static int entry_matches(const char *e, size_t el, const char *host,
                         size_t hl, const char *hostport, size_t hpl)
{
    if (el == 1 && e[0] == '*')
        return 1;
    if (el >= 2 && e[0] == '*' && e[1] == '.') {
        e += 2;
        el -= 2;
    } else if (el >= 1 && e[0] == '.') {
        e++;
        el--;
    }
    if (!el)
        return 0;
    if (el == hpl && !strncasecmp(e, hostport, el))
        return 1;
    const char *slash = memchr(e, '/', el);
    if (slash) {
        /* an IPv4 network, a.b.c.d/bits */
        char net[64], addr[64];
        if ((size_t)(slash - e) >= sizeof net || hl >= sizeof addr)
            return 0;
        memcpy(net, e, (size_t)(slash - e));
        net[slash - e] = 0;
        memcpy(addr, host, hl);
        addr[hl] = 0;
        int bits = atoi(slash + 1);
        struct in_addr a, b;
        if (bits < 0 || bits > 32 || inet_pton(AF_INET, net, &a) != 1 ||
            inet_pton(AF_INET, addr, &b) != 1)
            return 0;
        uint32_t mask = bits ? htonl(~0u << (32 - bits)) : 0;
        return (a.s_addr & mask) == (b.s_addr & mask);
    }
    if (el == hl && !strncasecmp(e, host, el))
        return 1;
    return hl > el && host[hl - el - 1] == '.' &&
           !strncasecmp(host + hl - el, e, el);
}

static int bypass(const char *host, size_t hl, const char *hostport,
                  size_t hpl)
{
    const char *p = g.no_proxy;
    while (p && *p) {
        size_t el = strcspn(p, ",");
        const char *e = p, *end = p + el;
        while (e < end && (*e == ' ' || *e == '\t'))
            e++;
        while (end > e && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (entry_matches(e, (size_t)(end - e), host, hl, hostport, hpl))
            return 1;
        p += el;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int kind_for(const char *url, size_t len, const char **rest)
{
    if (len >= 7 && !strncasecmp(url, "http://", 7)) {
        *rest = url + 7;
        return P_HTTP;
    }
    if (len >= 8 && !strncasecmp(url, "https://", 8)) {
        *rest = url + 8;
        return P_HTTPS;
    }
    return -1;
}

static int pick(const char *url, size_t len)
{
    const char *hp;
    int k = kind_for(url, len, &hp);
    if (k < 0 || !g.url[k])
        return -1;
    if (g.all || !g.no_proxy)
        return k;
    size_t hpl = strcspn(hp, "/?#");
    if (hpl > (size_t)(url + len - hp))
        hpl = (size_t)(url + len - hp);
    const char *at = memchr(hp, '@', hpl);
    if (at) {
        hpl -= (size_t)(at + 1 - hp);
        hp = at + 1;
    }
    size_t hl = hpl;
    if (hp[0] == '[') {
        const char *rb = memchr(hp, ']', hpl);
        hl = rb ? (size_t)(rb + 1 - hp) : hpl;
    } else {
        const char *colon = memchr(hp, ':', hpl);
        if (colon)
            hl = (size_t)(colon - hp);
    }
    return bypass(hp, hl, hp, hpl) ? -1 : k;
}

const char *sw__proxy_for(const char *url, size_t len)
{
    if (!g.url[P_HTTP] && !g.url[P_HTTPS])
        return NULL;
    int k = pick(url, len);
    return k < 0 ? NULL : g.url[k];
}

const char *sw__proxy_source(const char *url, size_t len)
{
    int k = pick(url, len);
    return k < 0 ? NULL : g.source[k];
}
