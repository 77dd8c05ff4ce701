/*
 * http_setup.c - the run's HTTP settings at start-up (see http_setup.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "http_setup.h"
#include "httpdebug.h"
#include "proxy.h"
#include "tlsclient.h"

#define EXIT_USAGE 64
#define EXIT_NOINPUT 66

static struct sw__tls_client run_cert;

int sw__http_setup(const struct sw__options *o)
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
    sw__http_debug_init(o->http_debug);
    return 0;
}

void sw__http_teardown(void)
{
    sw__tls_client_set_run(NULL);
    sw__tls_client_free(&run_cert);
    sw__proxy_free();
}
