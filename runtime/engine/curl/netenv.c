/*
 * netenv.c - the resolver's files and the errors naming what the machine
 * lacks (see netenv.h).
 */
#include <unistd.h>
#include "ca.h"
#include "netenv.h"

static int have_hosts, have_resolv;

void sw__netenv_init(void)
{
    have_hosts = access("/etc/hosts", R_OK) == 0;
    have_resolv = access("/etc/resolv.conf", R_OK) == 0;
}

const char *sw__netenv_strerror(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
        if (!have_hosts && !have_resolv)
            return "Couldn't resolve host name: this machine has neither "
                   "/etc/hosts nor /etc/resolv.conf";
        if (!have_resolv)
            return "Couldn't resolve host name: not in /etc/hosts, and no "
                   "/etc/resolv.conf names a DNS server";
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        if (sw__ca_source() == NULL)
            return "SSL certificate not verified: no CA certificates on "
                   "this machine (give --cacert FILE or SSL_CERT_FILE, or "
                   "build with swarmc build --embed-ca FILE)";
        break;
    default:
        break;
    }
    return curl_easy_strerror(rc);
}
