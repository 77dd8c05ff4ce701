/*
 * curl_url.c - sw__engine_url_error (engine.h): a base URL checked with
 * the parser the general engine uses for every request.
 */
#include <string.h>
#include <curl/curl.h>
#include "engine.h"

const char *sw__engine_url_error(const char *url)
{
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
        return "expected an http:// or https:// URL";
    CURLU *u = curl_url();
    if (!u)
        return "out of memory";
    const char *why = NULL;
    char *host = NULL;
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (rc != CURLUE_OK)
        why = curl_url_strerror(rc);
    else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
             !host || !*host)
        why = "no host name";
    curl_free(host);
    curl_url_cleanup(u);
    return why;
}
