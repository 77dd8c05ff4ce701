/*
 * http_setup.c - the run's HTTP settings at start-up (see http_setup.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http_setup.h"
#include "httpdebug.h"
#include "proxy.h"
#include "tlsclient.h"

#define EXIT_USAGE 64
#define EXIT_NOINPUT 66

static struct sw__tls_client run_cert;
/* The user classes' own certificates (their `cert` setting), by class
 * index; set before the workers start, then only read. */
static struct sw__tls_client *class_certs;
static const sw_user_class_t *classes;
static int nclasses;

const struct sw__tls_client *sw__http_cert_for(const sw_user_class_t *cls)
{
    const struct sw__tls_client *run = sw__tls_client_run();
    if (!class_certs || !cls)
        return run;
    ptrdiff_t i = cls - classes;
    if (i >= 0 && i < nclasses && class_certs[i].cert_pem)
        return &class_certs[i];
    return run;
}

/* The classes' `cert` files, read and checked as --cert's. */
static int class_setup(const sw_scenario_t *sc, int native, const char *prog)
{
    char err[1200], what[300];
    if (sc->nuser_certs <= 0 || !sc->user_certs)
        return 0;
    if (native) {
        fprintf(stderr, "%s: --engine native: a user's `cert` needs TLS, "
                "which the native engine does not send; use --engine auto "
                "or curl\n", prog);
        return EXIT_USAGE;
    }
    class_certs = calloc((size_t)sc->nusers, sizeof *class_certs);
    if (!class_certs) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return EXIT_USAGE;
    }
    classes = sc->users;
    nclasses = sc->nusers;
    for (int k = 0; k < sc->nuser_certs; k++) {
        const sw_user_cert_t *uc = &sc->user_certs[k];
        int i = uc->user;
        if (i < 0 || i >= sc->nusers)
            continue;
        snprintf(what, sizeof what, "user %s: cert", sc->users[i].name);
        int rc = sw__tls_client_load(&class_certs[i], uc->cert_file,
                                     uc->key_file, what, err, sizeof err);
        if (rc != SW__TLSC_OK) {
            fprintf(stderr, "%s: %s\n", prog, err);
            return rc == SW__TLSC_NOFILE ? EXIT_NOINPUT : EXIT_USAGE;
        }
    }
    return 0;
}

int sw__http_setup(const struct sw__options *o, const sw_scenario_t *sc)
{
    char err[1200];
    const char *prog = o->prog ? o->prog : "swarm";
    int native = o->engine && !strcmp(o->engine, "native");
    if (sw__proxy_init(o->proxy, o->no_proxy, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return EXIT_USAGE;
    }
    if (native && o->proxy) {
        fprintf(stderr, "%s: --proxy: the native engine does not send "
                "through a proxy; use --engine auto or curl\n", prog);
        return EXIT_USAGE;
    }
    if (native && o->host && *o->host &&
        sw__proxy_for(o->host, strlen(o->host))) {
        fprintf(stderr, "%s: --engine native: the environment's %s sends "
                "requests to %s through a proxy, which the native engine "
                "does not do; give --no-proxy, set no_proxy, or use "
                "--engine auto\n", prog,
                sw__proxy_source(o->host, strlen(o->host)), o->host);
        return EXIT_USAGE;
    }
    if (o->key && !o->cert) {
        fprintf(stderr, "%s: --key: needs --cert FILE\n", prog);
        return EXIT_USAGE;
    }
    if (o->cert) {
        if (native) {
            fprintf(stderr, "%s: --cert: the native engine sends plain "
                    "http:// only; use --engine auto or curl\n", prog);
            return EXIT_USAGE;
        }
        int rc = sw__tls_client_load(&run_cert, o->cert, o->key, "--cert",
                                     err, sizeof err);
        if (rc != SW__TLSC_OK) {
            fprintf(stderr, "%s: %s\n", prog, err);
            return rc == SW__TLSC_NOFILE ? EXIT_NOINPUT : EXIT_USAGE;
        }
        sw__tls_client_set_run(&run_cert);
    }
    int crc = sc ? class_setup(sc, native, prog) : 0;
    if (crc != 0)
        return crc;
    sw__http_debug_init(o->http_debug);
    return 0;
}

void sw__http_teardown(void)
{
    sw__tls_client_set_run(NULL);
    sw__tls_client_free(&run_cert);
    for (int i = 0; i < nclasses && class_certs; i++)
        sw__tls_client_free(&class_certs[i]);
    free(class_certs);
    class_certs = NULL;
    classes = NULL;
    nclasses = 0;
    sw__proxy_free();
}
