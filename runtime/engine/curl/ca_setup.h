/*
 * ca_setup.h - the general engine's side of ca.h: a transfer handle
 * pointed at the store chosen at start-up.  Kept apart so that ca.h,
 * which the start-up code includes, needs no HTTP library's header.
 */
#ifndef SW_CA_SETUP_H
#define SW_CA_SETUP_H

#include <curl/curl.h>

/* Points a new easy handle at the chosen store (nothing when none). */
CURLcode sw__ca_setup(CURL *easy);

#endif
