/*
 * http_setup.h - the run's HTTP settings that are read or checked once at
 * start-up, before the workers start: proxies (proxy.h), the TLS client
 * certificate (engine/curl/tlsclient.h) and --http-debug (httpdebug.h);
 * and what `--engine native` cannot serve, said before the run.
 */
#ifndef SW_HTTP_SETUP_H
#define SW_HTTP_SETUP_H

#include "options.h"

/* 0, or the exit status after one line on stderr: 64 (a bad flag or
 * environment value, a bad certificate), 66 (a file that cannot be read). */
int sw__http_setup(const struct sw__options *o, const sw_scenario_t *sc);
/* Frees what sw__http_setup kept (after the workers are gone). */
void sw__http_teardown(void);

/* The TLS client certificate of a user of class cls: its `cert` setting,
 * else --cert, else NULL. */
const struct sw__tls_client *sw__http_cert_for(const sw_user_class_t *cls);

#endif
