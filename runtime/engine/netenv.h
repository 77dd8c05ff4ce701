/*
 * netenv.h - what the machine provides for names and TLS, and errors that
 * say what it lacks (for every engine).
 *
 * A static binary resolves names itself (through c-ares, see
 * engine/curl/getaddrinfo_ares.c: /etc/hosts and /etc/resolv.conf;
 * localhost and IP literals need neither) and verifies TLS against the CA
 * store of ca.h.  On a bare machine "could not resolve" or "certificate
 * not verified" means a missing file, and the error text names it.
 */
#ifndef SW_NETENV_H
#define SW_NETENV_H

/* Looks at the resolver's files once; call before the workers start. */
void sw__netenv_init(void);

/* Why a name did not resolve when the machine lacks the resolver's
 * files, naming them (errtext.c puts it after "cannot resolve host 'x'");
 * NULL when they are there.  Static; thread-safe after sw__netenv_init. */
const char *sw__netenv_resolve_error(void);

/* The text for a certificate that could not be verified because the
 * machine has no CA store at all; NULL when there is one. */
const char *sw__netenv_ca_error(void);

#endif
