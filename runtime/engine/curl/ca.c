/*
 * ca.c - the CA store: found once, parsed once, shared by every TLS
 * context (see ca.h).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <swarm.h>
#include "ca.h"
#include "ca_setup.h"

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

/* The source chosen at start-up; parsed into `store` then or on the first
 * TLS context (under `lock`: workers are threads), whichever comes first,
 * so a plain-HTTP run never pays for parsing a system bundle. */
static const char *what;            /* "--cacert", ...; NULL: none */
static char path[PATH_MAX];         /* the file, or "" for the built-in */
static const char *builtin_pem;     /* borrowed for the run */
static size_t builtin_len;
static int tried;                   /* a load was attempted */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Parses the chosen source into `store`.  0, or -1 with the reason. */
static int load(char *err, size_t errlen)
{
    char why[160];
    size_t len = builtin_len;
    char *file = NULL;
    const char *pem = builtin_pem;
    tried = 1;
    if (path[0] != '\0') {
        file = read_all(path, &len);
        if (file == NULL) {
            snprintf(err, errlen, "%s: cannot read: %s", source,
                     strerror(errno));
            return -1;
        }
        pem = file;
    }
    X509_STORE *st = X509_STORE_new();
    int n = st ? parse_pem(pem, len, st, why, sizeof why) : 0;
    free(file);
    if (n == 0) {
        X509_STORE_free(st);
        snprintf(err, errlen, "%s: %s", source,
                 st ? why : "out of memory");
        return -1;
    }
    store = st;
    return 0;
}

static void choose(const char *w, const char *file)
{
    what = w;
    snprintf(path, sizeof path, "%s", file ? file : "");
    if (file != NULL)
        snprintf(source, sizeof source, "%s '%s'", w, file);
    else
        snprintf(source, sizeof source, "%s", w);
}

int sw__ca_init(const char *cacert, const char *pem, size_t len, int now,
                char *err, size_t errlen)
{
    sw__ca_free();
    builtin_pem = pem;
    builtin_len = len;
    /* OpenSSL's own variable, honoured by curl and most TLS clients */
    const char *env = getenv("SSL_CERT_FILE");
    if (cacert != NULL) {
        choose("--cacert", cacert);
    } else if (env != NULL && *env != '\0') {
        choose("SSL_CERT_FILE", env);
    } else if (pem != NULL) {
        choose("the CA bundle built in (--embed-ca)", NULL);
    } else {
        for (size_t i = 0;
             i < sizeof system_bundles / sizeof *system_bundles; i++) {
            FILE *fp = fopen(system_bundles[i], "rb");
            if (fp != NULL) {
                fclose(fp);
                choose("system CA bundle", system_bundles[i]);
                break;
            }
        }
    }
    if (what == NULL || !now)
        return 0;               /* none: the TLS error will say so */
    return load(err, errlen);
}

const char *sw__ca_source(void)
{
    return what != NULL ? source : NULL;
}

const char *sw__ca_searched(void)
{
    return searched;
}

static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *ud)
{
    (void)easy;
    (void)ud;
    pthread_mutex_lock(&lock);
    if (!tried) {
        char err[PATH_MAX + 256];
        if (load(err, sizeof err) != 0)
            fprintf(stderr, "swarm: %s (HTTPS requests fail)\n", err);
    }
    X509_STORE *st = store;
    pthread_mutex_unlock(&lock);
    if (st == NULL)
        return CURLE_SSL_CACERT_BADFILE;
    SSL_CTX_set1_cert_store(ssl_ctx, st);   /* one more reference */
    return CURLE_OK;
}

CURLcode sw__ca_setup(CURL *easy)
{
    if (what == NULL)
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
    what = NULL;
    tried = 0;
    path[0] = '\0';
    source[0] = '\0';
}
