/*
 * netenv.h - what the machine provides for names and TLS, and errors that
 * say what it lacks.
 *
 * A static binary resolves names itself (through c-ares, see
 * getaddrinfo_ares.c: /etc/hosts and /etc/resolv.conf; localhost and IP
 * literals need neither) and verifies TLS against the CA store of ca.h.
 * On a bare machine "could not resolve" or "certificate not verified"
 * means a missing file, and the error text names it.
 */
#ifndef SW_NETENV_H
#define SW_NETENV_H

#include <curl/curl.h>

/* Looks at the resolver's files once; call before the workers start. */
void sw__netenv_init(void);

/* curl_easy_strerror(rc), or a longer static text naming the missing
 * piece.  Thread-safe after sw__netenv_init. */
const char *sw__netenv_strerror(CURLcode rc);

#endif
