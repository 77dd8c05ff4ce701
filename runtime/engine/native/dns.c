/*
 * dns.c - host:port -> address, resolved once per engine (worker) and kept
 * for the run (see nv_int.h).  IP literals need no lookup; a name is
 * looked up with uv_getaddrinfo once, every request for it waiting on the
 * same lookup.  A failed lookup is not kept: the next request tries again,
 * as libcurl does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <arpa/inet.h>
#include "nv_int.h"

enum { DNS_NEW, DNS_RESOLVING, DNS_OK };

/* Addresses kept per name, tried in getaddrinfo's order when a connect
 * fails ("localhost" is often ::1 first, with a server on 127.0.0.1 only;
 * libcurl falls back the same way). */
#define MAX_ADDRS 4

struct sw__nv_dns_entry {
    struct sw__nv_dns_entry *next;
    struct sw__nv_dns *dns;
    char *host;                 /* without IPv6 brackets */
    size_t host_len;
    int port;
    int state;
    struct sockaddr_storage addr[MAX_ADDRS];
    int naddr;
    uv_getaddrinfo_t req;       /* while DNS_RESOLVING */
    struct sw__nv_xfer *waiters;
    sw__nv_resolved_fn cb;
    int orphan;                 /* the cache closed during the lookup */
};

struct sw__nv_dns {
    uv_loop_t *uv;
    struct sw__nv_dns_entry *head;
    int pending;
};

struct sw__nv_dns *sw__nv_dns_new(uv_loop_t *uv)
{
    struct sw__nv_dns *d = calloc(1, sizeof *d);
    if (d)
        d->uv = uv;
    return d;
}

static void entry_free(struct sw__nv_dns_entry *e)
{
    free(e->host);
    free(e);
}

int sw__nv_dns_close(struct sw__nv_dns *d)
{
    if (!d)
        return 0;
    int pending = 0;
    struct sw__nv_dns_entry *e = d->head;
    while (e) {
        struct sw__nv_dns_entry *next = e->next;
        if (e->state == DNS_RESOLVING) {
            /* freed by its callback (UV_ECANCELED or a late answer) */
            e->orphan = 1;
            e->waiters = NULL;
            uv_cancel((uv_req_t *)&e->req);
            pending++;
        } else {
            entry_free(e);
        }
        e = next;
    }
    free(d);
    return pending;
}

int sw__nv_dns_pending(const struct sw__nv_dns *d)
{
    return d ? d->pending : 0;
}

struct sw__nv_dns_entry *sw__nv_dns_entry(struct sw__nv_dns *d,
                                          const char *host, size_t host_len,
                                          int port)
{
    if (host_len >= 2 && host[0] == '[') {
        host++;
        host_len -= 2;
    }
    /* memcmp, not strncasecmp: the hosts come from sw__nv_url_parse,
     * which takes lower-case ones only (and this runs every request) */
    for (struct sw__nv_dns_entry *e = d->head; e; e = e->next)
        if (e->port == port && e->host_len == host_len &&
            !memcmp(e->host, host, host_len))
            return e;
    struct sw__nv_dns_entry *e = calloc(1, sizeof *e);
    if (!e || !(e->host = malloc(host_len + 1)))
        sw__oom();
    memcpy(e->host, host, host_len);
    e->host[host_len] = 0;
    e->host_len = host_len;
    e->port = port;
    e->dns = d;
    struct sockaddr_in *a4 = (struct sockaddr_in *)&e->addr[0];
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&e->addr[0];
    if (uv_ip4_addr(e->host, port, a4) == 0 ||
        uv_ip6_addr(e->host, port, a6) == 0) {
        e->state = DNS_OK;
        e->naddr = 1;
    }
    e->next = d->head;
    d->head = e;
    return e;
}

const struct sockaddr *sw__nv_dns_addr(const struct sw__nv_dns_entry *e,
                                       int i)
{
    return e->state == DNS_OK && i < e->naddr
               ? (const struct sockaddr *)&e->addr[i]
               : NULL;
}

static void on_resolved(uv_getaddrinfo_t *req, int status,
                        struct addrinfo *res)
{
    struct sw__nv_dns_entry *e = req->data;
    if (e->orphan) {
        uv_freeaddrinfo(res);
        entry_free(e);
        return;
    }
    e->dns->pending--;
    int err = SW_NV_ERR_RESOLVE;
    e->naddr = 0;
    for (struct addrinfo *ai = status == 0 ? res : NULL;
         ai && e->naddr < MAX_ADDRS; ai = ai->ai_next) {
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            ai->ai_addrlen > sizeof e->addr[0])
            continue;
        struct sockaddr_storage *a = &e->addr[e->naddr++];
        memcpy(a, ai->ai_addr, ai->ai_addrlen);
        if (ai->ai_family == AF_INET)
            ((struct sockaddr_in *)a)->sin_port = htons((uint16_t)e->port);
        else
            ((struct sockaddr_in6 *)a)->sin6_port = htons((uint16_t)e->port);
    }
    if (e->naddr > 0) {
        e->state = DNS_OK;
        err = 0;
    }
    uv_freeaddrinfo(res);
    if (err)
        e->state = DNS_NEW;     /* try again at the next request */
    /* every waiter is told; each may start a new wait, so detach first */
    struct sw__nv_xfer *x = e->waiters;
    e->waiters = NULL;
    sw__nv_resolved_fn cb = e->cb;
    while (x) {
        struct sw__nv_xfer *next = *sw__nv_xfer_dns_next(x);
        *sw__nv_xfer_dns_next(x) = NULL;
        cb(x, err);
        x = next;
    }
}

void sw__nv_dns_wait(struct sw__nv_dns *d, struct sw__nv_dns_entry *e,
                     struct sw__nv_xfer *x, sw__nv_resolved_fn cb)
{
    *sw__nv_xfer_dns_next(x) = e->waiters;
    e->waiters = x;
    e->cb = cb;
    if (e->state == DNS_RESOLVING)
        return;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char port[8];
    snprintf(port, sizeof port, "%d", e->port);
    e->req.data = e;
    e->state = DNS_RESOLVING;
    d->pending++;
    /* libcurl answers "localhost" and "*.localhost" itself (RFC 6761),
     * without the resolver's files; so does this engine, with the IPv4
     * loopback a numeric lookup gives on any machine. */
    const char *node = e->host;
    size_t hl = strlen(node);
    if (strcasecmp(node, "localhost") == 0 ||
        (hl > 10 && strcasecmp(node + hl - 10, ".localhost") == 0)) {
        node = "127.0.0.1";
        hints.ai_flags |= AI_NUMERICHOST;
    }
    int rc = uv_getaddrinfo(d->uv, &e->req, on_resolved, node, port,
                            &hints);
    if (rc != 0) {
        /* cannot even start: report through the same path, from the loop
         * (the caller's contract), by a lookup that fails at once */
        e->state = DNS_NEW;
        d->pending--;
        e->waiters = *sw__nv_xfer_dns_next(x);
        *sw__nv_xfer_dns_next(x) = NULL;
        cb(x, SW_NV_ERR_RESOLVE);
    }
}

void sw__nv_dns_unwait(struct sw__nv_dns_entry *e, struct sw__nv_xfer *x)
{
    struct sw__nv_xfer **pp = &e->waiters;
    while (*pp) {
        if (*pp == x) {
            *pp = *sw__nv_xfer_dns_next(x);
            *sw__nv_xfer_dns_next(x) = NULL;
            return;
        }
        pp = sw__nv_xfer_dns_next(*pp);
    }
}
