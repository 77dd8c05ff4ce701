/*
 * tls_server.h - HTTPS for the web UI's server (internal; --tls-cert and
 * --tls-key, docs/webui.md).
 *
 * OpenSSL never touches the socket: libuv keeps reading and writing it
 * (httpd.c), and each connection's SSL object sits between two memory
 * BIOs.  What the socket delivered is fed in (sw__tls_conn_feed), the
 * plaintext comes out of sw__tls_conn_read, a response goes in through
 * sw__tls_conn_write, and what OpenSSL wants on the wire (handshake
 * messages, records, alerts) is taken out with sw__tls_conn_take and
 * written by httpd.c.  All of a connection's calls come from one thread.
 */
#ifndef SW_TLS_SERVER_H
#define SW_TLS_SERVER_H

#include <stddef.h>
#include <sys/types.h>

/* The certificate and key, loaded and checked: one SSL_CTX. */
struct sw__tls_server;

enum {
    SW__TLSS_OK = 0,
    SW__TLSS_NOFILE = -1,       /* a file could not be read (exit 66) */
    SW__TLSS_BAD = -2           /* not PEM, an encrypted key, a key that
                                   does not match (exit 64) */
};

/* Reads the certificate (PEM; a chain after it is sent too) and the
 * private key (PEM, not encrypted), checks that they match.  SW__TLSS_OK
 * with the server in *out, or an error with one line in err naming the
 * flag and the file.  Owns: *out, until sw__tls_server_free. */
int sw__tls_server_new(struct sw__tls_server **out, const char *cert,
                       const char *key, char *err, size_t n);
void sw__tls_server_free(struct sw__tls_server *s);

/* One connection's TLS state.  Borrows s, which must outlive it. */
struct sw__tls_conn;
struct sw__tls_conn *sw__tls_conn_new(struct sw__tls_server *s);
void sw__tls_conn_free(struct sw__tls_conn *t);

/* What sw__tls_conn_read returns besides a byte count. */
enum {
    SW__TLS_MORE = 0,           /* nothing until more is fed */
    SW__TLS_CLOSED = -1,        /* the client ended the session */
    SW__TLS_FAILED = -2         /* handshake or record error: close; the
                                   reason in sw__tls_conn_why */
};

/* Bytes read from the socket, kept for the next reads.  0, or -1 when out
 * of memory. */
int sw__tls_conn_feed(struct sw__tls_conn *t, const char *in, size_t n);
/* Up to n bytes of plaintext into out (> 0), or SW__TLS_*.  Moves the
 * handshake on as far as what was fed allows. */
ssize_t sw__tls_conn_read(struct sw__tls_conn *t, char *out, size_t n);
/* Encrypts n bytes, whole.  0, or -1 (the connection is unusable). */
int sw__tls_conn_write(struct sw__tls_conn *t, const char *p, size_t n);
/* Queues the close_notify alert (once the handshake is done). */
void sw__tls_conn_shutdown(struct sw__tls_conn *t);
/* What is to be sent now, in *out: malloc()ed, *len bytes, the caller's
 * (NULL and 0 when there is nothing).  0, or -1 when out of memory. */
int sw__tls_conn_take(struct sw__tls_conn *t, char **out, size_t *len);
/* 1 once the handshake is complete. */
int sw__tls_conn_ready(const struct sw__tls_conn *t);
/* Why the connection failed, for a debug line ("" when it did not). */
const char *sw__tls_conn_why(const struct sw__tls_conn *t);

#endif
