/*
 * ca.h - the CA certificates HTTPS is verified against.
 *
 * Chosen once at start-up, before the workers start, and read-only after:
 * the first of --cacert FILE, SSL_CERT_FILE, the bundle built into the
 * binary (swarmc build --embed-ca), and the system bundles of
 * Debian/Ubuntu, RHEL/Fedora, Alpine and SUSE, in that order.  The bundle
 * is parsed once into one X509_STORE that every TLS context of every
 * worker shares (libcurl's SSL_CTX callback hands it over), so a static
 * binary, which has no compiled-in CA path, verifies the same way as the
 * dynamic one, and a connection never re-reads the file.
 */
#ifndef SW_CA_H
#define SW_CA_H

#include <stddef.h>

/* cacert (--cacert, borrowed, or NULL) and the embedded bundle (pem, len;
 * borrowed for the run, pem NULL when none); now: parse it at once.  0: a
 * source was chosen, or none exists (sw__ca_source() is NULL then:
 * verification will fail); -1 (only with now): the file is missing,
 * unreadable or not PEM, said in err. */
int sw__ca_init(const char *cacert, const char *pem, size_t len, int now,
                char *err, size_t errlen);

/* Where the certificates come from ("--cacert 'FILE'", ...), or NULL when
 * there is none.  Static storage. */
const char *sw__ca_source(void);

/* What was searched, for the "no CA store" error: a static string. */
const char *sw__ca_searched(void);

void sw__ca_free(void);

#endif
