/*
 * ca.c - the CA store: found once, parsed once, shared by every TLS
 * context (see ca.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <swarm.h>
#include "ca.h"

/* The system bundles, in the order the common distributions put them. */
static const char *const system_bundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",               /* Debian, Ubuntu */
    "/etc/pki/tls/certs/ca-bundle.crt",                 /* RHEL, Fedora */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL 7+ */
    "/etc/ssl/cert.pem",                                /* Alpine */
    "/etc/ssl/ca-bundle.pem",                           /* SUSE */
    "/var/lib/ca-certificates/ca-bundle.pem",           /* SUSE */
};

static X509_STORE *store;           /* owned; NULL: none found */
static char source[PATH_MAX + 32];

static const char searched[] =
    "--cacert, SSL_CERT_FILE, a bundle built in with swarmc build "
    "--embed-ca, /etc/ssl/certs/ca-certificates.crt, "
    "/etc/pki/tls/certs/ca-bundle.crt, "
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem, /etc/ssl/cert.pem, "
    "/etc/ssl/ca-bundle.pem, /var/lib/ca-certificates/ca-bundle.pem";

/* The certificates of pem[0..len) into st (when not NULL).  Returns how
 * many, or 0 with the reason in why. */
static int parse_pem(const char *pem, size_t len, X509_STORE *st, char *why,
                     size_t whylen)
{
    if (len > INT_MAX) {
        snprintf(why, whylen, "too large for a certificate bundle");
        return 0;
    }
    if (memchr(pem, '\0', len) != NULL) {
        snprintf(why, whylen, "not a PEM file (it holds NUL bytes)");
        return 0;
    }
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) {
        snprintf(why, whylen, "out of memory");
        return 0;
    }
    ERR_clear_error();
    STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(bio, NULL, NULL,
                                                        NULL);
    BIO_free(bio);
    if (infos == NULL) {
        unsigned long e = ERR_peek_last_error();
        const char *r = e ? ERR_reason_error_string(e) : NULL;
        snprintf(why, whylen, "not a PEM certificate bundle (%s)",
                 r ? r : "unreadable PEM");
        ERR_clear_error();
        return 0;
    }
    int n = 0, keys = 0;
    for (int i = 0; i < sk_X509_INFO_num(infos); i++) {
        X509_INFO *xi = sk_X509_INFO_value(infos, i);
        if (xi->x_pkey != NULL)
            keys++;
        if (xi->x509 == NULL)
            continue;
        if (st != NULL && X509_STORE_add_cert(st, xi->x509) != 1) {
            /* the same certificate twice is harmless */
            unsigned long e = ERR_peek_last_error();
            if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
                snprintf(why, whylen, "certificate %d cannot be used", n + 1);
                n = -1;
                break;
            }
        }
        n++;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    ERR_clear_error();
    if (n < 0)
        return 0;
    /* a private key has no business in a bundle that ships with binaries */
    if (keys > 0) {
        snprintf(why, whylen, "holds a private key, not only certificates");
        return 0;
    }
    if (n == 0) {
        snprintf(why, whylen, "not a PEM certificate bundle (no "
                 "-----BEGIN CERTIFICATE----- block)");
        return 0;
    }
    return n;
}

int sw_ca_check_pem(const char *pem, size_t len, char *why, size_t whylen)
{
    return parse_pem(pem, len, NULL, why, whylen);
}

/* The whole file, or NULL with errno set. */
static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t cap = 64 << 10, n = 0;
    char *p = malloc(cap);
    while (p != NULL) {
        n += fread(p + n, 1, cap - n, fp);
        if (n < cap)
            break;
        char *q = realloc(p, cap * 2);
        if (q == NULL) {
            free(p);
            p = NULL;
            errno = ENOMEM;
            break;
        }
        p = q;
        cap *= 2;
    }
    if (p != NULL && ferror(fp)) {
        int e = errno ? errno : EIO;
        free(p);
        p = NULL;
        errno = e;
    }
    fclose(fp);
    *len = n;
    return p;
}

/* Parses pem into a new store.  0, or -1 with "WHAT: why" in err. */
static int load(const char *what, const char *pem, size_t len, char *err,
                size_t errlen)
{
    char why[160];
    X509_STORE *st = X509_STORE_new();
    if (st == NULL) {
        snprintf(err, errlen, "%s: out of memory", what);
        return -1;
    }
    int n = parse_pem(pem, len, st, why, sizeof why);
    if (n == 0) {
        X509_STORE_free(st);
        snprintf(err, errlen, "%s: %s", what, why);
        return -1;
    }
    store = st;
    return 0;
}

static int load_file(const char *what, const char *path, char *err,
                     size_t errlen)
{
    size_t len = 0;
    char *pem = read_all(path, &len);
    if (pem == NULL) {
        snprintf(err, errlen, "%s '%s': cannot read: %s", what, path,
                 strerror(errno));
        return -1;
    }
    char label[PATH_MAX + 32];
    snprintf(label, sizeof label, "%s '%s'", what, path);
    int rc = load(label, pem, len, err, errlen);
    free(pem);
    if (rc == 0)
        snprintf(source, sizeof source, "%s", label);
    return rc;
}

int sw__ca_init(const char *cacert, const char *pem, size_t len, char *err,
                size_t errlen)
{
    sw__ca_free();
    if (cacert != NULL)
        return load_file("--cacert", cacert, err, errlen);
    /* OpenSSL's own variable, honoured by curl and most TLS clients */
    const char *env = getenv("SSL_CERT_FILE");
    if (env != NULL && *env != '\0')
        return load_file("SSL_CERT_FILE", env, err, errlen);
    if (pem != NULL) {
        if (load("the CA bundle built in (--embed-ca)", pem, len, err,
                 errlen) != 0)
            return -1;
        snprintf(source, sizeof source, "the bundle built in");
        return 0;
    }
    for (size_t i = 0; i < sizeof system_bundles / sizeof *system_bundles;
         i++) {
        FILE *fp = fopen(system_bundles[i], "rb");
        if (fp == NULL)
            continue;
        fclose(fp);
        /* a broken system bundle is an error too: it would fail quietly */
        return load_file("system CA bundle", system_bundles[i], err,
                         errlen);
    }
    return 0;                   /* none: the TLS error will say so */
}

const char *sw__ca_source(void)
{
    return store != NULL ? source : NULL;
}

const char *sw__ca_searched(void)
{
    return searched;
}

static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *ud)
{
    (void)easy;
    (void)ud;
    SSL_CTX_set1_cert_store(ssl_ctx, store);   /* one more reference */
    return CURLE_OK;
}

CURLcode sw__ca_setup(CURL *easy)
{
    if (store == NULL)
        return CURLE_OK;
    CURLcode rc;
    /* No file or directory for libcurl to load per context: the store
     * replaces whatever it would have loaded. */
    if ((rc = curl_easy_setopt(easy, CURLOPT_CAINFO, (char *)NULL)) ||
        (rc = curl_easy_setopt(easy, CURLOPT_CAPATH, (char *)NULL)))
        return rc;
    return curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
}

void sw__ca_free(void)
{
    X509_STORE_free(store);
    store = NULL;
    source[0] = '\0';
}
