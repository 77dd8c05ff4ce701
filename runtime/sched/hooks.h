/*
 * hooks.h - on_test_start / on_test_stop, once per process (hooks.c,
 * internal; called by main.c around the run).
 */
#ifndef SW_HOOKS_H
#define SW_HOOKS_H

#include "swarm.h"
#include "worker.h"

struct sw__hooks {
    struct sw__worker w;        /* owned: a worker without a thread */
    sw_user_t *user;            /* owned: the hooks' user, or NULL */
    int inited;                 /* w was set up (sw__worker_init) */
    int done;                   /* the running hook body ended ... */
    sw_step_t result;           /* ... with this step */
    int signal;                 /* a SIGINT/SIGTERM came while it ran */
};

/* Sets h up when the scenario has a hook, then runs on_test_start, if
 * any, to its end.  0: go on (run->globals then points at the hooks'
 * user); else the exit status, after a message on stderr: 1 (it failed;
 * no user may start), 128 + signal (interrupted). */
int sw__hooks_test_start(struct sw__hooks *h, struct sw__run *run,
                         const char *prog);
/* Runs on_test_stop, if any (every worker has been joined). */
void sw__hooks_test_stop(struct sw__hooks *h, struct sw__run *run,
                         const char *prog);
/* Frees what sw__hooks_test_start set up (h zeroed or set up). */
void sw__hooks_free(struct sw__hooks *h, struct sw__run *run);

#endif /* SW_HOOKS_H */
