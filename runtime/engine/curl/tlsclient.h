/*
 * tlsclient.h - TLS client certificates (--cert/--key, Locust's
 * self.client.cert): read and checked once at start-up, before the
 * workers start, then only read.  No HTTP library header here: the
 * start-up code includes it.
 */
#ifndef SW_TLSCLIENT_H
#define SW_TLSCLIENT_H

#include <stddef.h>

/* A certificate and its key, PEM, as read from their files (owned). */
struct sw__tls_client {
    char *cert_pem;
    size_t cert_len;
    char *key_pem;              /* the key's PEM (the cert file's when no
                                   key file was given) */
    size_t key_len;
};

enum {
    SW__TLSC_OK = 0,
    SW__TLSC_NOFILE = -1,       /* a file could not be read (exit 66) */
    SW__TLSC_BAD = -2           /* not PEM, no key, key does not match
                                   (exit 64) */
};

/* Reads cert (and key, or NULL: the key is in cert's file) into c and
 * checks them with the TLS library: a certificate, a private key that is
 * not encrypted, the two matching.  SW__TLSC_OK, or an error with one
 * line in err naming the file (what: "--cert" or the scenario's place). */
int sw__tls_client_load(struct sw__tls_client *c, const char *cert,
                        const char *key, const char *what, char *err,
                        size_t n);
void sw__tls_client_free(struct sw__tls_client *c);

/* The run's --cert/--key (NULL when none); set once at start-up. */
const struct sw__tls_client *sw__tls_client_run(void);
void sw__tls_client_set_run(const struct sw__tls_client *c);

#endif
