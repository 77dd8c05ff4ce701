/*
 * netenv.c - the resolver's files and the CA store as error texts (see
 * netenv.h).
 */
#include <stddef.h>
#include <unistd.h>
#include "ca.h"
#include "netenv.h"

/* Written once by sw__netenv_init before any worker starts, then only
 * read. */
static int have_hosts, have_resolv;

void sw__netenv_init(void)
{
    have_hosts = access("/etc/hosts", R_OK) == 0;
    have_resolv = access("/etc/resolv.conf", R_OK) == 0;
}

const char *sw__netenv_resolve_error(void)
{
    if (!have_hosts && !have_resolv)
        return "this machine has neither /etc/hosts nor /etc/resolv.conf";
    if (!have_resolv)
        return "not in /etc/hosts, and no /etc/resolv.conf names a DNS "
               "server";
    return NULL;
}

const char *sw__netenv_ca_error(void)
{
    if (sw__ca_source() == NULL)
        return "SSL certificate not verified: no CA certificates on this "
               "machine (give --cacert FILE or SSL_CERT_FILE, or build with "
               "swarmc build --embed-ca FILE)";
    return NULL;
}
