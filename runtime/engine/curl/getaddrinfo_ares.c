/*
 * getaddrinfo_ares.c - getaddrinfo and freeaddrinfo through c-ares, linked
 * into the static executable only (the Makefile's STATIC_LIBS names the
 * object; it is not part of libswarm.a).
 *
 * Why: glibc's getaddrinfo in a static binary would go through NSS, which
 * may load the machine's NSS modules (shared objects of another glibc);
 * libcurl's c-ares resolver, on the other hand, gives every easy handle
 * its own c-ares channel, and in c-ares 1.18 (Debian 12) a channel is a
 * fixed 73 KB: with one internal handle in every user's share, that was
 * about 6x the dynamic build's memory per idle user (docs/performance.md).
 * So the static libcurl keeps its threaded resolver, as Debian's shared
 * one has, and the lookup it runs on its resolver thread lands here: one
 * short-lived channel per lookup, /etc/hosts then the servers of
 * /etc/resolv.conf, no NSS.  Without /etc/resolv.conf the channel gets no
 * server, so a name that is not in /etc/hosts fails at once instead of
 * waiting for c-ares's default server (127.0.0.1) to time out.
 *
 * libcurl never calls this for an IP literal or localhost (it answers
 * those itself); OpenSSL's BIO_lookup, never used by the runtime, would.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <ares.h>

struct lookup {
    int done;
    int status;                 /* ARES_* */
    struct ares_addrinfo *ai;   /* owned, or NULL */
};

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_init(void)
{
    ares_library_init(ARES_LIB_INIT_ALL);
}

static void on_result(void *arg, int status, int timeouts,
                      struct ares_addrinfo *ai)
{
    struct lookup *l = arg;
    (void)timeouts;
    l->done = 1;
    l->status = status;
    l->ai = ai;
}

/* Drives the channel until the lookup's callback has run. */
static void run(ares_channel ch, struct lookup *l)
{
    while (!l->done) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        int bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
        struct pollfd pfd[ARES_GETSOCK_MAXNUM];
        nfds_t n = 0;
        for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            short ev = 0;
            if (ARES_GETSOCK_READABLE(bits, i))
                ev |= POLLIN;
            if (ARES_GETSOCK_WRITABLE(bits, i))
                ev |= POLLOUT;
            if (ev) {
                pfd[n].fd = socks[i];
                pfd[n].events = ev;
                pfd[n].revents = 0;
                n++;
            }
        }
        struct timeval tv, *tvp = ares_timeout(ch, NULL, &tv);
        int ms = tvp ? (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000) : 1000;
        if (n == 0 && tvp == NULL)
            break;              /* nothing pending: c-ares is done */
        if (poll(pfd, n, ms) < 0 && errno != EINTR)
            break;
        if (n == 0) {
            ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            continue;
        }
        for (nfds_t i = 0; i < n; i++)
            ares_process_fd(ch,
                            pfd[i].revents & (POLLIN | POLLERR | POLLHUP)
                                ? pfd[i].fd : ARES_SOCKET_BAD,
                            pfd[i].revents & POLLOUT ? pfd[i].fd
                                                     : ARES_SOCKET_BAD);
        if (!l->done) /* timeouts */
            ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }
}

/* c-ares's answer as glibc's: one allocation per entry, address inline. */
static int convert(const struct ares_addrinfo *in, int want_canon,
                   struct addrinfo **res)
{
    struct addrinfo *head = NULL, **tail = &head;
    const char *canon = want_canon && in->cnames ? in->cnames->name
                                                 : in->name;
    for (const struct ares_addrinfo_node *n = in->nodes; n; n = n->ai_next) {
        struct addrinfo *a = calloc(1, sizeof *a + (size_t)n->ai_addrlen);
        if (a == NULL)
            goto oom;
        a->ai_flags = n->ai_flags;
        a->ai_family = n->ai_family;
        a->ai_socktype = n->ai_socktype;
        a->ai_protocol = n->ai_protocol;
        a->ai_addrlen = n->ai_addrlen;
        a->ai_addr = (struct sockaddr *)(a + 1);
        memcpy(a->ai_addr, n->ai_addr, n->ai_addrlen);
        if (head == NULL && want_canon && canon != NULL &&
            (a->ai_canonname = strdup(canon)) == NULL) {
            free(a);
            goto oom;
        }
        *tail = a;
        tail = &a->ai_next;
    }
    if (head == NULL)
        return EAI_NONAME;
    *res = head;
    return 0;
oom:
    freeaddrinfo(head);
    return EAI_MEMORY;
}

int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res)
{
    if (node == NULL)
        return EAI_NONAME;      /* no passive lookups here */
    pthread_once(&lib_once, lib_init);
    ares_channel ch;
    if (ares_init(&ch) != ARES_SUCCESS)
        return EAI_MEMORY;
    /* no resolv.conf: no DNS server to ask, /etc/hosts only */
    if (access("/etc/resolv.conf", R_OK) != 0)
        ares_set_servers(ch, NULL);
    struct ares_addrinfo_hints h;
    memset(&h, 0, sizeof h);
    if (hints != NULL) {
        h.ai_flags = hints->ai_flags & (AI_CANONNAME | AI_NUMERICSERV |
                                        AI_NUMERICHOST);
        h.ai_family = hints->ai_family;
        h.ai_socktype = hints->ai_socktype;
        h.ai_protocol = hints->ai_protocol;
    }
    struct lookup l = { 0, ARES_ECANCELLED, NULL };
    ares_getaddrinfo(ch, node, service, &h, on_result, &l);
    run(ch, &l);
    ares_destroy(ch);           /* runs the callback if it has not run */
    int rc;
    switch (l.status) {
    case ARES_SUCCESS:
        rc = convert(l.ai, hints && (hints->ai_flags & AI_CANONNAME), res);
        break;
    case ARES_ENOMEM:
        rc = EAI_MEMORY;
        break;
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
    case ARES_ENONAME:
        rc = EAI_NONAME;
        break;
    case ARES_ESERVICE:
        rc = EAI_SERVICE;
        break;
    case ARES_EBADFAMILY:
        rc = EAI_FAMILY;
        break;
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED:
    case ARES_ESERVFAIL:
        rc = EAI_AGAIN;
        break;
    default:
        rc = EAI_FAIL;
        break;
    }
    if (l.ai != NULL)
        ares_freeaddrinfo(l.ai);
    return rc;
}

void freeaddrinfo(struct addrinfo *ai)
{
    while (ai != NULL) {
        struct addrinfo *next = ai->ai_next;
        free(ai->ai_canonname);
        free(ai);
        ai = next;
    }
}
