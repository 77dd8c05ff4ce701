/*
 * tls_server.c - HTTPS for the web UI's server over memory BIOs (see
 * tls_server.h).
 *
 * OpenSSL rather than another TLS library: libssl and libcrypto are
 * already linked into every binary (libcurl's TLS, --cert), with static
 * archives.  Memory BIOs rather than handing OpenSSL the descriptor: the
 * socket stays libuv's, non-blocking and in its loop, so httpd.c keeps one
 * read path and one write path for both schemes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "tls_server.h"

struct sw__tls_server {
    SSL_CTX *ctx;
};

/* A response is sealed one record's worth at a time and moved out of the
 * output BIO at once: a memory BIO keeps the largest size it ever held,
 * so a multi-megabyte report written whole would stay with a keep-alive
 * connection until it closes. */
#define SEAL_CHUNK (16 * 1024)

struct sw__tls_conn {
    SSL *ssl;
    BIO *in;                    /* what the socket delivered; owned by ssl */
    BIO *out;                   /* what goes on the wire; owned by ssl */
    char *sealed;               /* moved out of `out`, not taken yet */
    size_t sealed_len, sealed_cap;
    int failed;
    char why[128];
};

/* ---- the certificate and key ------------------------------------------ */

static int no_pass(char *buf, int size, int rw, void *u)
{
    (void)buf; (void)size; (void)rw; (void)u;
    return -1;                  /* an encrypted key: no passphrase here */
}

/* path opened for reading, or NULL with the reason in err. */
static FILE *open_pem(const char *flag, const char *path, char *err,
                      size_t n)
{
    FILE *f = fopen(path, "r");
    struct stat st;
    int e = errno;
    if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        f = NULL;
        e = EISDIR;
    }
    if (!f)
        snprintf(err, n, "%s '%s': %s", flag, path, strerror(e));
    return f;
}

/* Only HTTP/1.1 is spoken: a client offering h2 as well gets http/1.1;
 * one offering neither gets no ALPN answer and may go on or give up. */
static int alpn_select(SSL *ssl, const unsigned char **out,
                       unsigned char *outlen, const unsigned char *in,
                       unsigned int inlen, void *arg)
{
    static const unsigned char h11[] = "\x08http/1.1";
    unsigned char *sel;
    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto(&sel, outlen, h11, sizeof h11 - 1, in,
                              inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

int sw__tls_server_new(struct sw__tls_server **out, const char *cert,
                       const char *key, char *err, size_t n)
{
    struct sw__tls_server *s = calloc(1, sizeof *s);
    EVP_PKEY *pk = NULL;
    FILE *f = NULL;
    int rc = SW__TLSS_BAD;
    *out = NULL;
    ERR_clear_error();
    if (!s || !(s->ctx = SSL_CTX_new(TLS_server_method()))) {
        snprintf(err, n, "--tls-cert: cannot set up TLS (out of memory)");
        goto done;
    }
    /* Both files readable first: a missing one is named as such, not as
     * a parse error. */
    if (!(f = open_pem("--tls-cert", cert, err, n)))
        goto nofile;
    fclose(f);
    if (!(f = open_pem("--tls-key", key, err, n)))
        goto nofile;
    if (SSL_CTX_use_certificate_chain_file(s->ctx, cert) != 1) {
        snprintf(err, n, "--tls-cert '%s': no PEM certificate in it", cert);
        goto done;
    }
    if (!(pk = PEM_read_PrivateKey(f, NULL, no_pass, NULL))) {
        snprintf(err, n, "--tls-key '%s': no unencrypted PEM private key "
                 "in it", key);
        goto done;
    }
    if (X509_check_private_key(SSL_CTX_get0_certificate(s->ctx), pk) != 1) {
        snprintf(err, n, "--tls-key '%s': the private key does not match "
                 "the certificate '%s'", key, cert);
        goto done;
    }
    if (SSL_CTX_use_PrivateKey(s->ctx, pk) != 1) {
        snprintf(err, n, "--tls-key '%s': %s", key,
                 ERR_reason_error_string(ERR_peek_last_error())
                     ? ERR_reason_error_string(ERR_peek_last_error())
                     : "cannot use this private key");
        goto done;
    }
    SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION);
    /* a client asking for renegotiations only costs us CPU */
    SSL_CTX_set_options(s->ctx, SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_CIPHER_SERVER_PREFERENCE);
    /* idle keep-alive connections give their buffers back */
    SSL_CTX_set_mode(s->ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_alpn_select_cb(s->ctx, alpn_select, NULL);
    rc = SW__TLSS_OK;
    goto done;
nofile:
    rc = SW__TLSS_NOFILE;
done:
    if (f)
        fclose(f);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    if (rc != SW__TLSS_OK) {
        sw__tls_server_free(s);
        return rc;
    }
    *out = s;
    return rc;
}

void sw__tls_server_free(struct sw__tls_server *s)
{
    if (!s)
        return;
    SSL_CTX_free(s->ctx);
    free(s);
}

/* ---- connections ------------------------------------------------------ */

struct sw__tls_conn *sw__tls_conn_new(struct sw__tls_server *s)
{
    struct sw__tls_conn *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ssl = SSL_new(s->ctx);
    t->in = BIO_new(BIO_s_mem());
    t->out = BIO_new(BIO_s_mem());
    if (!t->ssl || !t->in || !t->out) {
        BIO_free(t->in);
        BIO_free(t->out);
        SSL_free(t->ssl);
        free(t);
        ERR_clear_error();
        return NULL;
    }
    /* an empty input BIO means "more later", not end of stream: the
     * stream's end is libuv's to report */
    BIO_set_mem_eof_return(t->in, -1);
    BIO_set_mem_eof_return(t->out, -1);
    SSL_set_bio(t->ssl, t->in, t->out);
    SSL_set_accept_state(t->ssl);
    return t;
}

void sw__tls_conn_free(struct sw__tls_conn *t)
{
    if (!t)
        return;
    SSL_free(t->ssl);           /* and both BIOs */
    free(t->sealed);
    free(t);
}

int sw__tls_conn_feed(struct sw__tls_conn *t, const char *in, size_t n)
{
    while (n > 0) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        int w = BIO_write(t->in, in, chunk);
        if (w <= 0) {
            ERR_clear_error();
            return -1;
        }
        in += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The connection failed: keep the first reason OpenSSL gives. */
static void failed(struct sw__tls_conn *t, int ssl_error)
{
    unsigned long e = ERR_peek_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    t->failed = 1;
    if (r)
        snprintf(t->why, sizeof t->why, "%s", r);
    else
        snprintf(t->why, sizeof t->why, "TLS error %d", ssl_error);
    ERR_clear_error();
}

ssize_t sw__tls_conn_read(struct sw__tls_conn *t, char *out, size_t n)
{
    if (t->failed)
        return SW__TLS_FAILED;
    ERR_clear_error();
    int r = SSL_read(t->ssl, out, n > INT_MAX ? INT_MAX : (int)n);
    if (r > 0)
        return r;
    int e = SSL_get_error(t->ssl, r);
    switch (e) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:  /* not with a memory BIO, which grows */
        return SW__TLS_MORE;
    case SSL_ERROR_ZERO_RETURN:
        return SW__TLS_CLOSED;
    default:
        failed(t, e);
        return SW__TLS_FAILED;
    }
}

/* What the output BIO holds, appended to t->sealed.  0 or -1. */
static int drain(struct sw__tls_conn *t)
{
    size_t pending = BIO_ctrl_pending(t->out);
    if (pending == 0)
        return 0;
    if (t->sealed_len + pending > t->sealed_cap) {
        size_t cap = t->sealed_cap ? t->sealed_cap : SEAL_CHUNK * 2;
        while (cap < t->sealed_len + pending)
            cap *= 2;
        char *b = realloc(t->sealed, cap);
        if (!b)
            return -1;
        t->sealed = b;
        t->sealed_cap = cap;
    }
    while (pending > 0) {
        int r = BIO_read(t->out, t->sealed + t->sealed_len,
                         pending > INT_MAX ? INT_MAX : (int)pending);
        if (r <= 0)
            return -1;
        t->sealed_len += (size_t)r;
        pending -= (size_t)r;
    }
    return 0;
}

int sw__tls_conn_write(struct sw__tls_conn *t, const char *p, size_t n)
{
    if (t->failed || !SSL_is_init_finished(t->ssl))
        return -1;
    while (n > 0) {
        size_t w = 0, chunk = n < SEAL_CHUNK ? n : SEAL_CHUNK;
        ERR_clear_error();
        if (SSL_write_ex(t->ssl, p, chunk, &w) != 1) {
            failed(t, SSL_get_error(t->ssl, 0));
            return -1;
        }
        if (drain(t) != 0)
            return -1;
        p += w;
        n -= w;
    }
    return 0;
}

void sw__tls_conn_shutdown(struct sw__tls_conn *t)
{
    /* never after a fatal error (OpenSSL forbids it), nor mid-handshake */
    if (t->failed || !SSL_is_init_finished(t->ssl))
        return;
    ERR_clear_error();
    SSL_shutdown(t->ssl);
    ERR_clear_error();
}

int sw__tls_conn_take(struct sw__tls_conn *t, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (drain(t) != 0)
        return -1;
    if (t->sealed_len == 0)
        return 0;
    *out = t->sealed;
    *len = t->sealed_len;
    t->sealed = NULL;
    t->sealed_len = t->sealed_cap = 0;
    return 0;
}

int sw__tls_conn_ready(const struct sw__tls_conn *t)
{
    return SSL_is_init_finished(t->ssl);
}

const char *sw__tls_conn_why(const struct sw__tls_conn *t)
{
    return t->why;
}
