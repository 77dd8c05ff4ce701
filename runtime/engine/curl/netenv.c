/*
 * netenv.c - the resolver's files and the errors naming what the machine
 * lacks (see netenv.h).
 */
#include <unistd.h>
#include <ares.h>
#include "ca.h"
#include "netenv.h"

static int have_hosts, have_resolv;
static int uses_ares;           /* libcurl resolves through c-ares */

void sw__netenv_init(void)
{
    have_hosts = access("/etc/hosts", R_OK) == 0;
    have_resolv = access("/etc/resolv.conf", R_OK) == 0;
    /* the static libcurl; Debian's shared one has a threaded resolver */
    uses_ares = curl_version_info(CURLVERSION_NOW)->ares != NULL;
}

/* Called by libcurl before each name lookup that is not an IP literal,
 * localhost or cached, with the handle's c-ares channel. */
static int on_resolver_start(void *channel, void *reserved, void *ud)
{
    (void)reserved;
    (void)ud;
    /* no server: the lookup ends after /etc/hosts, with an error */
    ares_set_servers(channel, NULL);
    return 0;
}

CURLcode sw__netenv_setup(CURL *easy)
{
    if (!uses_ares || have_resolv)
        return CURLE_OK;
    return curl_easy_setopt(easy, CURLOPT_RESOLVER_START_FUNCTION,
                            on_resolver_start);
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
