/*
 * tlsclient.c - TLS client certificates read and checked at start-up (see
 * tlsclient.h).  The PEM bytes are handed to libcurl as blobs
 * (CURLOPT_SSLCERT_BLOB / CURLOPT_SSLKEY_BLOB), so a connection never
 * re-reads a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "tlsclient.h"

static const struct sw__tls_client *run_cert;

const struct sw__tls_client *sw__tls_client_run(void)
{
    return run_cert;
}

void sw__tls_client_set_run(const struct sw__tls_client *c)
{
    run_cert = c;
}

/* The whole file, NUL-terminated; NULL with errno. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    while (p) {
        if (n + 1 >= cap) {
            char *q = cap < ((size_t)1 << 24) ? realloc(p, cap * 2) : NULL;
            if (!q) {
                free(p);
                p = NULL;
                errno = EFBIG;
                break;
            }
            p = q;
            cap *= 2;
        }
        size_t got = fread(p + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(p);
                p = NULL;
            }
            break;
        }
    }
    fclose(f);
    if (p) {
        p[n] = 0;
        *len = n;
    }
    return p;
}

static int no_pass(char *buf, int size, int rw, void *u)
{
    (void)buf; (void)size; (void)rw; (void)u;
    return -1;                  /* an encrypted key: no passphrase here */
}

int sw__tls_client_load(struct sw__tls_client *c, const char *cert,
                        const char *key, const char *what, char *err,
                        size_t n)
{
    memset(c, 0, sizeof *c);
    const char *key_what = key ? "--key" : what;
    if (!(c->cert_pem = slurp(cert, &c->cert_len))) {
        snprintf(err, n, "%s '%s': %s", what, cert, strerror(errno));
        return SW__TLSC_NOFILE;
    }
    if (key && !(c->key_pem = slurp(key, &c->key_len))) {
        snprintf(err, n, "%s '%s': %s", key_what, key, strerror(errno));
        sw__tls_client_free(c);
        return SW__TLSC_NOFILE;
    }
    if (!key) {
        c->key_pem = malloc(c->cert_len + 1);
        if (!c->key_pem) {
            snprintf(err, n, "out of memory");
            sw__tls_client_free(c);
            return SW__TLSC_BAD;
        }
        memcpy(c->key_pem, c->cert_pem, c->cert_len + 1);
        c->key_len = c->cert_len;
    }
    int rc = SW__TLSC_OK;
    BIO *b = BIO_new_mem_buf(c->cert_pem, (int)c->cert_len);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    EVP_PKEY *k = NULL;
    if (!x) {
        snprintf(err, n, "%s '%s': no PEM certificate in it", what, cert);
        rc = SW__TLSC_BAD;
    } else {
        b = BIO_new_mem_buf(c->key_pem, (int)c->key_len);
        k = b ? PEM_read_bio_PrivateKey(b, NULL, no_pass, NULL) : NULL;
        BIO_free(b);
        if (!k) {
            snprintf(err, n, "%s '%s': no unencrypted PEM private key in it%s",
                     key_what, key ? key : cert,
                     key ? "" : " (give the key with --key FILE)");
            rc = SW__TLSC_BAD;
        } else if (X509_check_private_key(x, k) != 1) {
            snprintf(err, n, "%s '%s': the private key does not match the "
                     "certificate '%s'", key_what, key ? key : cert, cert);
            rc = SW__TLSC_BAD;
        }
    }
    ERR_clear_error();
    EVP_PKEY_free(k);
    X509_free(x);
    if (rc != SW__TLSC_OK)
        sw__tls_client_free(c);
    return rc;
}

void sw__tls_client_free(struct sw__tls_client *c)
{
    free(c->cert_pem);
    free(c->key_pem);
    memset(c, 0, sizeof *c);
}
