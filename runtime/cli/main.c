/*
 * main.c - sw_main: the compiled binary's life.
 *
 * Parse the command line, prepare the run (tag-filtered task tables, the
 * load plan, which class each user gets), start one worker thread per
 * --threads, then run the main loop: SIGINT/SIGTERM (first: graceful stop
 * with every output; second: exit 130 at once, or, once the reports are
 * being written, 130 after the last one), a 1 s reporter tick on a
 * merged snapshot, the run-time timer; at the end join the workers, merge
 * their statistics and let the reporter write everything.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <uv.h>
#include "arrival.h"
#include "ca.h"
#include "netenv.h"
#include "cli.h"
#include "control.h"
#include "data.h"
#include "inspect.h"
#include "log.h"
#include "plan.h"
#include "report.h"
#include "scheduler.h"
#include "stats.h"
#include "web.h"
#include "hooks.h"
#include "worker.h"
#include "engine.h"
#include "http_setup.h"

struct main_state {
    uv_loop_t *uv;
    uv_signal_t sigint, sigterm;
    uv_timer_t tick, end;
    uv_timer_t reset;           /* --reset-stats: when spawning completes */
    uv_async_t wake;
    struct sw__run *run;
    struct sw__worker *workers;
    int nworkers;
    struct sw__reporter *reporter;
    struct sw__run_info ri;
    struct sw__stats *snap;
    int signals;
    int stopping;
    int closed;                 /* the run's handles closed: the run is
                                   over, the reports come next */
    int signals_closed;
    int handles_ready;
    atomic_int exhausted;
    /* the web UI (web/web.h): NULL when not asked for */
    struct sw__web *web;
    int phase;                  /* web: 0 waiting for the start form, 1
                                   running, 2 ended (results served) */
    int quit;                   /* web: a signal while waiting / after */
    struct sw__control ctl;     /* valid once ctl_ready */
    int ctl_ready;
    char *form_host;            /* owned: the host the start form gave */
    const struct sw__stats *final;  /* borrowed: the merged total, after
                                       the run */
};

static int64_t unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Raise the soft open-file limit to the hard one: every user keeps a
 * connection open. */
static rlim_t raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur;
}

static int64_t users_alive(struct main_state *m)
{
    int64_t n = 0;
    for (int i = 0; i < m->nworkers; i++)
        n += atomic_load(&m->workers[i].alive);
    return n;
}

static int64_t dropped(struct main_state *m)
{
    int64_t n = 0;
    for (int i = 0; i < m->nworkers; i++)
        n += atomic_load(&m->workers[i].dropped);
    return n;
}

static void fill_info(struct main_state *m)
{
    m->ri.now_unix_ms = unix_ms();
    m->ri.users = users_alive(m);
    m->ri.dropped = dropped(m);
    if (m->run->open) {
        /* the open model has no user target: this process's pool */
        int64_t pool = 0;
        for (int64_t k = 1; k <= m->run->plan.max_users; k++)
            pool += sw__user_home(m->run->opt, m->run->threads, k, NULL) >= 0;
        m->ri.target_users = pool;
        return;
    }
    double t = (double)uv_hrtime() / 1e6 - (double)m->run->t0_ms;
    const struct sw__plan *plan = m->ctl_ready ? sw__control_plan(&m->ctl)
                                               : &m->run->plan;
    int64_t target = sw__plan_target(plan, t, NULL);
    /* this shard's share of the plan's target */
    int64_t mine = 0;
    for (int64_t k = 1; k <= target; k++)
        mine += sw__user_home(m->run->opt, m->run->threads, k, NULL) >= 0 &&
                m->run->class_of[k] >= 0;
    m->ri.target_users = mine;
}

/* drain: the data ran out, the requests in flight finish (worker.h) */
static void stop_workers(struct main_state *m, int drain)
{
    if (m->stopping)
        return;
    m->stopping = 1;
    uv_timer_stop(&m->end);
    for (int i = 0; i < m->nworkers; i++) {
        if (drain)
            sw__worker_drain(&m->workers[i]);
        else
            sw__worker_stop(&m->workers[i]);
    }
}

static void begin_stop(struct main_state *m)
{
    stop_workers(m, 0);
}

/* ---- the web UI's view of the run ------------------------------------------ */

static void web_publish(struct main_state *m, const struct sw__stats *s)
{
    struct sw__web_view v;
    memset(&v, 0, sizeof v);
    const struct sw__options *o = m->ri.opt;
    v.host = o->host;
    v.run_time_ms = o->run_time_ms;
    v.users = o->users;
    v.spawn_rate = o->spawn_rate;
    v.open_model = m->run && m->run->open;
    v.can_change_users = !v.open_model && o->nstages == 0;
    v.target_users = m->phase == 1 && !m->stopping ? m->ri.target_users : 0;
    if (m->phase == 0) {
        v.state = SW_WEB_READY;
    } else if (m->phase == 2) {
        v.state = SW_WEB_STOPPED;
    } else if (m->stopping) {
        v.state = SW_WEB_STOPPING;
    } else {
        double next = -1;
        if (!v.open_model && m->ctl_ready)
            sw__plan_target(sw__control_plan(&m->ctl),
                            (double)uv_hrtime() / 1e6 -
                                (double)m->run->t0_ms, &next);
        v.state = next >= 0 ? SW_WEB_SPAWNING : SW_WEB_RUNNING;
    }
    sw__web_publish(m->web, s, &m->ri, &v);
}

static void merge_snapshot(struct main_state *m)
{
    sw__stats_reset(m->snap);
    for (int i = 0; i < m->nworkers; i++)
        sw__stats_merge(m->snap, m->workers[i].stats);
    fill_info(m);
}

/* Zeroes the statistics mid-run (the web UI's reset, --reset-stats). */
static void reset_stats(struct main_state *m)
{
    for (int i = 0; i < m->nworkers; i++)
        sw__stats_reset(m->workers[i].stats);
    sw__reporter_stats_reset(m->reporter);
    m->ri.start_unix_ms = unix_ms();
    merge_snapshot(m);
}

/* POST /swarm: the start form, or a new user count mid-run. */
static void web_swarm(struct main_state *m, struct sw__web_cmd *c)
{
    struct sw__options *o = (struct sw__options *)m->ri.opt;
    if (m->phase == 0) {
        if (c->host) {
            char *h = strdup(c->host);
            if (!h) {
                c->status = 503;
                snprintf(c->message, sizeof c->message, "out of memory");
                return;
            }
            free(m->form_host);
            m->form_host = h;
            o->host = h;
        }
        if (!o->host || !*o->host) {
            c->status = 400;
            snprintf(c->message, sizeof c->message, "host: no host: give "
                     "one in the form (or --host on the command line)");
            return;
        }
        if (c->has_users)
            o->users = c->users;
        if (c->has_rate)
            o->spawn_rate = c->rate;
        if (c->has_run_time)
            o->run_time_ms = c->run_time_ms;
        m->phase = 1;
        uv_stop(m->uv);         /* sw_main goes on with the run */
        c->status = 200;
        snprintf(c->message, sizeof c->message, "Swarming started");
        return;
    }
    if (m->phase == 2 || m->stopping) {
        c->status = 409;
        snprintf(c->message, sizeof c->message, "the run has ended: its "
                 "results stay here until the binary exits; start the "
                 "binary again for a new run");
        return;
    }
    if (c->host && strcmp(c->host, o->host)) {
        c->status = 400;
        snprintf(c->message, sizeof c->message, "host: the host cannot "
                 "change while the run is running");
        return;
    }
    if (!c->has_users && !c->has_rate) {
        c->status = 400;
        snprintf(c->message, sizeof c->message, "user_count: missing");
        return;
    }
    double t = (double)uv_hrtime() / 1e6 - (double)m->run->t0_ms;
    int64_t users = c->has_users ? c->users
                  : sw__plan_target(sw__control_plan(&m->ctl), 1e18, NULL);
    double rate = c->has_rate ? c->rate : o->spawn_rate;
    char why[200];
    if (sw__control_users(&m->ctl, users, rate, t, why, sizeof why) != 0) {
        c->status = 400;
        snprintf(c->message, sizeof c->message, "%s", why);
        return;
    }
    o->users = users;
    o->spawn_rate = rate;
    c->status = 200;
    snprintf(c->message, sizeof c->message, "Swarming started");
    fill_info(m);
    web_publish(m, m->snap);
}

/* Runs on the main thread: what the UI asks of the run. */
static void on_web_cmd(void *arg, struct sw__web_cmd *c)
{
    struct main_state *m = arg;
    c->status = 200;
    switch (c->kind) {
    case SW_WEB_SWARM:
        web_swarm(m, c);
        /* Locust's answer names the host; it lives as long as the run */
        c->host = m->ri.opt->host;
        break;
    case SW_WEB_STOP:
        if (m->phase == 1)
            begin_stop(m);
        snprintf(c->message, sizeof c->message, m->phase == 0
                 ? "nothing to stop: the run has not started"
                 : "Test stopped");
        break;
    case SW_WEB_RESET:
        if (m->phase == 2) {
            c->status = 409;
            snprintf(c->message, sizeof c->message, "the run has ended: "
                     "its results are final");
            break;
        }
        if (m->phase == 1) {
            reset_stats(m);
            web_publish(m, m->snap);
        }
        snprintf(c->message, sizeof c->message, "ok");
        break;
    case SW_WEB_REPORT:
        if (m->phase == 0) {
            c->status = 409;
            snprintf(c->message, sizeof c->message, "no run yet: the "
                     "report exists once the run has started");
            break;
        }
        c->body = sw__reporter_html(m->reporter,
                                    m->final ? m->final : m->snap, &m->ri,
                                    &c->len);
        if (!c->body) {
            c->status = 503;
            snprintf(c->message, sizeof c->message, "out of memory");
        }
        break;
    }
}

static void on_quit_signal(uv_signal_t *s, int signum)
{
    struct main_state *m = s->data;
    (void)signum;
    m->quit = 1;
    uv_stop(m->uv);
}

static void on_autoquit(uv_timer_t *t)
{
    struct main_state *m = t->data;
    m->quit = 1;
    uv_stop(m->uv);
}

/* Runs the main loop for the web UI alone (before the run: until the start
 * form; after it: until a signal or --autoquit N).  0, or 1 after a
 * signal. */
static int web_serve(struct main_state *m, int64_t autoquit_s)
{
    uv_signal_t si, st;
    uv_timer_t aq;
    uv_signal_init(m->uv, &si);
    uv_signal_init(m->uv, &st);
    uv_timer_init(m->uv, &aq);
    si.data = st.data = aq.data = m;
    uv_signal_start(&si, on_quit_signal, SIGINT);
    uv_signal_start(&st, on_quit_signal, SIGTERM);
    if (autoquit_s >= 0)
        uv_timer_start(&aq, on_autoquit, (uint64_t)autoquit_s * 1000, 0);
    m->quit = 0;
    uv_run(m->uv, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&si, NULL);
    uv_close((uv_handle_t *)&st, NULL);
    uv_close((uv_handle_t *)&aq, NULL);
    uv_run(m->uv, UV_RUN_NOWAIT);
    return m->quit;
}

static void on_tick(uv_timer_t *t)
{
    struct main_state *m = t->data;
    merge_snapshot(m);
    sw__reporter_tick(m->reporter, m->snap, &m->ri);
    if (m->web)
        web_publish(m, m->snap);
    if (!m->stopping &&
        sw__reporter_should_abort(m->reporter, m->snap, &m->ri)) {
        sw__log(SW_LOG_ERROR, "a threshold marked `abort` is broken: "
                "stopping the run");
        begin_stop(m);
    }
}

/* --reset-stats: spawning has completed, as Locust's spawning_complete */
static void on_spawned(uv_timer_t *t)
{
    struct main_state *m = t->data;
    const struct sw__options *o = m->run->opt;
    sw__log_event("All users spawned: %lld total users", (long long)
                  (o->nstages > 0 ? o->stages[0].users : o->users));
    if (o->reset_stats && !m->stopping) {
        sw__log_event("Resetting stats");
        reset_stats(m);
        if (m->web)
            web_publish(m, m->snap);
    }
}

/* When the closed model's spawning completes, in ms from the start: the
 * last step of the ramp to -u (sw__ramp_count's steps of max(1, floor(r))
 * users, step / r seconds apart), or the end of the first stage; -1 for
 * the open model. */
static double spawned_ms(const struct sw__run *run)
{
    const struct sw__options *o = run->opt;
    if (run->open)
        return -1;
    if (o->nstages > 0)
        return (double)o->stages[0].duration_ms;
    if (o->users < 1 || !(o->spawn_rate > 0))
        return 0;
    double step = floor(o->spawn_rate) >= 1 ? floor(o->spawn_rate) : 1;
    double nsteps = ceil((double)o->users / step);
    return (nsteps - 1) * step / o->spawn_rate * 1000.0;
}

static void on_end(uv_timer_t *t)
{
    begin_stop(t->data);
}

static void on_signal(uv_signal_t *s, int signum)
{
    struct main_state *m = s->data;
    if (m->closed) {
        /* The run is over and the reports are (being) written: a signal
         * cannot cut one short any more, it only sets the exit status
         * (a second one: 130, the abort's). */
        m->signals++;
        return;
    }
    if (++m->signals >= 2) {
        fprintf(stderr, "%s: aborted\n", m->run->opt->prog);
        _exit(130);
    }
    sw__log(SW_LOG_INFO, "%s: stopping (again to abort at once)",
            signum == SIGINT ? "SIGINT" : "SIGTERM");
    begin_stop(m);
}

static void close_main(struct main_state *m)
{
    if (m->closed || !m->handles_ready)
        return;
    m->closed = 1;
    /* The signal handles stay open (unreferenced, so they do not keep the
     * loop alive) until every report is written: closed, they would give
     * SIGINT/SIGTERM back their default action, and a second signal
     * would kill the process between two reports (close_signals). */
    uv_close((uv_handle_t *)&m->tick, NULL);
    uv_close((uv_handle_t *)&m->end, NULL);
    uv_close((uv_handle_t *)&m->reset, NULL);
    uv_close((uv_handle_t *)&m->wake, NULL);
}

static void close_signals(struct main_state *m)
{
    if (m->signals_closed || !m->handles_ready)
        return;
    m->signals_closed = 1;
    uv_close((uv_handle_t *)&m->sigint, NULL);
    uv_close((uv_handle_t *)&m->sigterm, NULL);
}

/* A load shape lasts as long as its stages, even with no user left. */
static int stages_pending(struct main_state *m)
{
    double t = (double)uv_hrtime() / 1e6 - (double)m->run->t0_ms;
    return m->run->opt->nstages > 0 && t < m->run->plan.end_ms;
}

static void on_wake(uv_async_t *a)
{
    struct main_state *m = a->data;
    if (atomic_load(&m->exhausted))
        stop_workers(m, 1);
    int finished = 0, idle = 0;
    for (int i = 0; i < m->nworkers; i++) {
        finished += atomic_load(&m->workers[i].finished);
        idle += atomic_load(&m->workers[i].idle);
    }
    if (finished == m->nworkers)
        close_main(m);
    else if (idle == m->nworkers && !stages_pending(m))
        begin_stop(m);      /* every user ended by itself */
}

static void on_exhausted(void *arg)
{
    struct main_state *m = arg;
    atomic_store(&m->exhausted, 1);
    uv_async_send(&m->wake);
}

/* The positional user classes (Locust's `locust WebsiteUser`) */
static int class_chosen(const struct sw__options *o, const char *name)
{
    if (!o->user_classes)
        return 1;
    for (int i = 0; o->user_classes[i]; i++)
        if (!strcmp(o->user_classes[i], name))
            return 1;
    return 0;
}

static int prepare(struct sw__run *run, const sw_scenario_t *sc,
                   const struct sw__options *o)
{
    unsigned char *skip = calloc((size_t)sc->nusers + 1, 1);
    sw_user_class_t *equal = NULL;
    struct sw__spread sp;
    int ok = 0, oom = 1;
    if (!skip)
        goto out;
    if (sw__sched_prepare(run, skip) != 0)
        goto out;
    int any = 0;
    for (int i = 0; i < sc->nusers; i++) {
        if (!class_chosen(o, sc->users[i].name))
            skip[i] = 1;        /* not among the positional classes */
        else if (skip[i] && (o->tags || o->exclude_tags))
            sw__log(SW_LOG_WARNING, "user %s has no tasks left after "
                    "--tags/--exclude-tags: none of it is spawned",
                    sc->users[i].name);
        any |= !skip[i];
    }

    if (!any) {
        fprintf(stderr, "%s: %s: no task left to run\n", o->prog,
                o->tags || o->exclude_tags ? "--tags/--exclude-tags"
                                           : "scenario");
        oom = 0;
        goto out;
    }
    run->open = sw__open_model(o);
    if (run->open) {
        /* the arrivals, and a plan that only gives the pool's size (the
         * users that may exist: class_of, slots, open files) and the end */
        if (sw__arrivals_init(&run->arrivals, o->rate_per_s, o->stages,
                              o->nstages, o->run_time_ms,
                              o->iterations) != 0)
            goto out;
        double end = run->arrivals.end_ms;
        if (sw__plan_init(&run->plan, o->max_users, 1, NULL, 0,
                          end >= 0 ? (int64_t)ceil(end) : -1) != 0)
            goto out;
    } else if (sw__plan_init(&run->plan, o->users, o->spawn_rate, o->stages,
                             o->nstages, o->run_time_ms) != 0) {
        goto out;
    }
    /* the web UI may ask for more users later: room for them now (the
     * slots and class_of are sized by the plan's largest target) */
    if (o->web && !run->open && o->web_max_users > run->plan.max_users)
        run->plan.max_users = o->web_max_users;
    run->class_of = calloc((size_t)run->plan.max_users + 1,
                           sizeof *run->class_of);
    /* --equal-weights: every class weighs 1 too (fixed counts stay) */
    const sw_user_class_t *classes = sc->users;
    if (o->equal_weights) {
        equal = malloc(sizeof *equal * (size_t)(sc->nusers + 1));
        if (!equal)
            goto out;
        for (int i = 0; i < sc->nusers; i++) {
            equal[i] = sc->users[i];
            equal[i].weight = 1;
        }
        classes = equal;
    }
    if (!run->class_of || sw__spread_init(&sp, classes, sc->nusers,
                                          skip) != 0)
        goto out;
    run->class_of[0] = -1;
    for (int64_t k = 1; k <= run->plan.max_users; k++)
        run->class_of[k] = sw__spread_next(&sp);
    sw__spread_free(&sp);
    ok = 1;
out:
    free(equal);
    free(skip);
    if (!ok && oom)
        fprintf(stderr, "%s: out of memory preparing the run\n", o->prog);
    return ok ? 0 : -1;
}

/* --show-task-ratio(-json): the classes that would run (the positional
 * ones) with Locust's figures for -u N (else for Locust's default).  As
 * in Locust, whose tag filter runs only when the test starts, the ratios
 * are the scenario's weights: --tags/--exclude-tags are not applied.  The
 * exit status. */
static int show_task_ratio(const sw_scenario_t *sc,
                           const struct sw__options *o)
{
    struct sw__run run;
    struct sw__options untagged = *o;
    unsigned char *skip = calloc((size_t)sc->nusers + 1, 1);
    int rc = 1;
    memset(&run, 0, sizeof run);
    untagged.tags = untagged.exclude_tags = NULL;
    run.sc = sc;
    run.opt = &untagged;
    if (skip && sw__sched_prepare(&run, skip) == 0) {
        for (int i = 0; i < sc->nusers; i++)
            skip[i] |= !class_chosen(o, sc->users[i].name);
        rc = sw__inspect_ratio(stdout, sc, run.roots, skip,
                               o->users_given || sc->load.users >= 0
                                   ? o->users : -1,
                               o->show_task_ratio == 2) != 0;
    }
    if (rc)
        fprintf(stderr, "%s: out of memory\n", o->prog);
    fflush(stdout);
    sw__sched_release(&run);
    free(skip);
    return rc;
}

int sw_main(int argc, char **argv, const sw_scenario_t *sc)
{
    struct sw__options opt;
    struct sw__run run;
    struct sw__data data = { 0 };
    struct main_state m;
    struct sw__hooks hooks;
    int rc = 1;
    char err[1024];             /* room for a path in a CA file's error */

    /* `./shop merge RESULT.json...`: the shards' results into one
     * (swarm.h, runtime/merge.c), not a run */
    if (argc > 1 && argv[1] && !strcmp(argv[1], "merge"))
        return sw_merge_main(argc - 1, argv + 1);

    rlim_t nofile = raise_nofile();
    int pr = sw__cli_parse(&opt, argc, argv, sc, stdout, stderr);
    if (pr == SW_CLI_EXIT)
        return 0;
    if (pr == SW_CLI_ERROR)
        return SW_EXIT_USAGE;
    if (sw__log_open(opt.prog, opt.log_level, opt.log_file, err,
                     sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", opt.prog, err);
        sw__cli_free(&opt, sc);
        return SW_EXIT_USAGE;
    }
    for (int i = 0; opt.notes && opt.notes[i]; i++)
        sw__log(SW_LOG_INFO, "%s", opt.notes[i]);
    if (opt.list_classes || opt.show_task_ratio) {
        if (opt.list_classes)
            sw__inspect_list(stdout, sc);
        else
            rc = show_task_ratio(sc, &opt);
        sw__cli_free(&opt, sc);
        sw__log_close();
        return opt.list_classes ? 0 : rc;
    }

    memset(&run, 0, sizeof run);
    run.data = &data;
    memset(&m, 0, sizeof m);
    memset(&hooks, 0, sizeof hooks);
    run.sc = sc;
    run.opt = &opt;
    if (opt.seed_given)
        run.seed = opt.seed;
    else
        run.seed = (uint64_t)unix_ms() * 6364136223846793005ULL ^
                   (uint64_t)getpid();
    atomic_init(&run.iter_tickets, 0);
    atomic_init(&run.loops_left_open, 0);
    atomic_init(&m.exhausted, 0);

    if (sw__engines_process_init() != 0)
        goto out_cli;
    /* What a static binary needs from the machine: a CA store (unless
     * --insecure) and the resolver's files, said up front or per error.
     * The store is read now when the run needs it (an https:// host,
     * --cacert), else on the first TLS connection (ca.h). */
    sw__netenv_init();
    int https = opt.host != NULL && strncasecmp(opt.host, "https://", 8) == 0;
    if (!opt.insecure &&
        sw__ca_init(opt.cacert, sc->ca_pem, sc->ca_pem_len,
                    opt.cacert != NULL || https, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", opt.prog, err);
        rc = SW_EXIT_USAGE;
        goto out_engines;
    }
    if (!opt.insecure && https && sw__ca_source() == NULL) {
        fprintf(stderr, "%s: no CA certificates to verify %s: none of %s "
                "exists; give --cacert FILE, build with swarmc build "
                "--embed-ca FILE, or skip verification with --insecure\n",
                opt.prog, opt.host, sw__ca_searched());
        rc = SW_EXIT_USAGE;
        goto out_engines;
    }
    /* proxies, client certificates, --http-debug (request/http_setup.h) */
    int hrc = sw__http_setup(&opt, sc);
    if (hrc != 0) {
        rc = hrc;
        goto out_engines;
    }
    if (sw__data_init(&data, sc, opt.shard_index, opt.shard_count, err,
                      sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", opt.prog, err);
        goto out_engines;
    }
    if (sw__files_load(sc, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", opt.prog, err);
        sw__data_free(&data);
        rc = 66;                /* EX_NOINPUT: a file the scenario sends */
        goto out_engines;
    }
    m.uv = uv_default_loop();
    if (opt.web) {
        /* The UI's capacity: what the open-file limit allows (one
         * connection per user), at most 100000 users per process. */
        if (opt.web_max_users <= 0) {
            int64_t per = (int64_t)nofile > 64 + 1 ? (int64_t)nofile - 64 : 1;
            if (per > 100000)
                per = 100000;
            opt.web_max_users = per * opt.shard_count;
        }
        if (opt.web_max_users < opt.users)
            opt.web_max_users = opt.users;
        m.run = &run;
        m.ri.scenario = sc;
        m.ri.opt = &opt;
        m.ri.start_unix_ms = m.ri.now_unix_ms = unix_ms();
        m.ri.threads = opt.threads;
        m.web = sw__web_start(&opt, m.uv, on_web_cmd, &m, &rc);
        if (!m.web)
            goto out_run;
        struct sw__stats *none = sw__stats_new();
        if (none) {
            web_publish(&m, none);
            sw__stats_free(none);
        }
        if (opt.autostart)
            m.phase = 1;
        else if (web_serve(&m, -1) != 0) {
            rc = 0;             /* stopped before the start form */
            goto out_run;
        }
    }
    if (prepare(&run, sc, &opt) != 0)
        goto out_run;

    /* users of this process, and the files they need */
    int64_t local = 0;
    for (int64_t k = 1; k <= run.plan.max_users; k++)
        local += (k - 1) % opt.shard_count == opt.shard_index;
    if ((rlim_t)local + 64 > nofile) {
        fprintf(stderr, "%s: %lld users need about %lld open files, the "
                "limit is %llu (ulimit -n); run fewer users per process "
                "(--shard) or raise the hard limit\n", opt.prog,
                (long long)local, (long long)local + 64,
                (unsigned long long)nofile);
        goto out_run;
    }
    run.threads = opt.threads;
    if (local > 0 && run.threads > local)
        run.threads = (int)local;      /* a thread without users is waste */
    if (run.threads < 1)
        run.threads = 1;

    m.run = &run;
    m.nworkers = run.threads;
    m.workers = calloc((size_t)m.nworkers, sizeof *m.workers);
    m.snap = sw__stats_new();
    if (!m.workers || !m.snap || !m.uv) {
        fprintf(stderr, "%s: out of memory\n", opt.prog);
        goto out_run;
    }
    for (int i = 0; i < m.nworkers; i++) {
        m.workers[i].index = i;
        m.workers[i].run = &run;
        m.workers[i].stats = sw__stats_new();
        if (!m.workers[i].stats) {
            fprintf(stderr, "%s: out of memory\n", opt.prog);
            goto out_run;
        }
        /* every metric is listed in the reports, even one never used */
        sw__stats_declare_metrics(m.workers[i].stats, sc->metrics,
                                  sc->nmetrics);
    }
    if (uv_signal_init(m.uv, &m.sigint) || uv_signal_init(m.uv, &m.sigterm)
        || uv_timer_init(m.uv, &m.tick) || uv_timer_init(m.uv, &m.end) ||
        uv_timer_init(m.uv, &m.reset) ||
        uv_async_init(m.uv, &m.wake, on_wake)) {
        fprintf(stderr, "%s: cannot set up the main loop\n", opt.prog);
        goto out_run;
    }
    m.handles_ready = 1;
    m.sigint.data = m.sigterm.data = m.tick.data = m.end.data = &m;
    m.reset.data = &m;
    m.wake.data = &m;
    run.main_wake = &m.wake;
    sw__data_on_exhausted(&data, on_exhausted, &m);

    /* on_test_start: before any user, before --start-at's wait (so the
     * shards' users still start together) */
    int trc = sw__hooks_test_start(&hooks, &run, opt.prog);
    if (trc != 0) {
        rc = trc;
        goto out_run;
    }

    /* --start-at: every shard starts at the same wall-clock instant */
    if (opt.start_at_ms >= 0) {
        int64_t d = opt.start_at_ms - unix_ms();
        if (d > 0) {
            struct timespec ts = { d / 1000, (d % 1000) * 1000000 };
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
                ;
        } else if (-d > 50) {
            /* The stages of this shard will not line up with the others';
             * the result's run.shard.late_ms says by how much. */
            sw__log(SW_LOG_WARNING, "started %lld ms after --start-at",
                    (long long)-d);
        }
    }
    m.ri.scenario = sc;
    m.ri.opt = &opt;
    m.ri.start_unix_ms = unix_ms();
    m.ri.threads = run.threads;
    m.reporter = sw__reporter_new(&m.ri);
    if (!m.reporter) {
        fprintf(stderr, "%s: out of memory\n", opt.prog);
        goto out_run;
    }

    run.t0_ms = uv_hrtime() / 1000000;
    int started = 0;
    for (; started < m.nworkers; started++)
        if (sw__worker_start(&m.workers[started]) != 0)
            break;
    if (started < m.nworkers) {
        fprintf(stderr, "%s: cannot start worker threads\n", opt.prog);
        /* the ones that run are stopped and joined like after a run */
        m.nworkers = started;
        begin_stop(&m);
    }
    if (m.web) {
        sw__control_init(&m.ctl, &run, m.workers, m.nworkers,
                         opt.web_max_users);
        m.ctl_ready = 1;
        fill_info(&m);
        web_publish(&m, m.snap);
    }
    uv_signal_start(&m.sigint, on_signal, SIGINT);
    uv_signal_start(&m.sigterm, on_signal, SIGTERM);
    uv_unref((uv_handle_t *)&m.sigint);
    uv_unref((uv_handle_t *)&m.sigterm);
    /* The loop's clock was last read before the set-up and --start-at's
     * wait: without this, the ticks and the end of the run would come
     * early by that long (a 2 s run with a 150 ms wait lasted 1.85 s). */
    uv_update_time(m.uv);
    uv_timer_start(&m.tick, on_tick, 1000, 1000);
    if (run.plan.end_ms >= 0)
        uv_timer_start(&m.end, on_end, (uint64_t)run.plan.end_ms, 0);
    if (run.open)
        sw__log_event("Starting the open model: %g iterations per second, "
                      "at most %lld users", opt.rate_per_s,
                      (long long)opt.max_users);
    else if (opt.nstages == 0)
        sw__log_event("Ramping to %lld users at a rate of %.2f per second",
                      (long long)opt.users, opt.spawn_rate);
    else
        sw__log_event("Running a load shape of %d stages", opt.nstages);
    double spawned = spawned_ms(&run);
    if (spawned >= 0 && (run.plan.end_ms < 0 || spawned < run.plan.end_ms))
        uv_timer_start(&m.reset, on_spawned, (uint64_t)ceil(spawned), 0);
    if (m.nworkers == 0)
        close_main(&m);
    uv_run(m.uv, UV_RUN_DEFAULT);

    for (int i = 0; i < m.nworkers; i++)
        pthread_join(m.workers[i].thread, NULL);
    sw__hooks_test_stop(&hooks, &run, opt.prog);
    struct sw__stats *total = sw__stats_new();
    int64_t failures = 0;
    if (!total) {
        fprintf(stderr, "%s: out of memory\n", opt.prog);
        goto out_run;
    }
    for (int i = 0; i < m.nworkers; i++) {
        sw__stats_merge(total, m.workers[i].stats);
        failures += atomic_load(&m.workers[i].failures);
        m.ri.engine_curl +=
            atomic_load(&m.workers[i].net.served[SW__ENGINE_GENERAL]);
        m.ri.engine_native +=
            atomic_load(&m.workers[i].net.served[SW__ENGINE_NATIVE]);
    }
    m.ri.now_unix_ms = unix_ms();
    m.ri.users = 0;
    m.ri.target_users = 0;
    m.ri.dropped = dropped(&m);
    rc = sw__reporter_finish(m.reporter, total, &m.ri);
    if (rc == 0 && failures > 0 && opt.exit_code_on_error > 0)
        rc = opt.exit_code_on_error;
    if (started < run.threads && rc == 0)
        rc = 1;
    /* a signal that came while the reports were written waits in libuv's
     * pipe: count it (referenced again, so that uv_run polls at all),
     * then give the signals back their default action */
    uv_ref((uv_handle_t *)&m.sigint);
    uv_ref((uv_handle_t *)&m.sigterm);
    uv_run(m.uv, UV_RUN_NOWAIT);
    close_signals(&m);
    if (m.signals >= 2) {
        fprintf(stderr, "%s: aborted (every report was written)\n",
                opt.prog);
        rc = 130;
    }
    if (m.web && m.signals == 0) {
        /* the results stay on the page (and its downloads equal the
         * files just written) until a signal or --autoquit */
        m.phase = 2;
        m.final = total;
        web_publish(&m, total);
        web_serve(&m, opt.autoquit_s);
    }
    m.final = NULL;
    sw__stats_free(total);

out_run:
    if (m.web)
        sw__web_stop(m.web);
    m.web = NULL;
    if (m.ctl_ready)
        sw__control_free(&m.ctl);
    if (m.reporter)
        sw__reporter_free(m.reporter);
    if (m.uv) {
        close_main(&m);
        close_signals(&m);
        uv_run(m.uv, UV_RUN_DEFAULT);
        if (uv_loop_close(m.uv) != 0) {
            fprintf(stderr, "swarm: main loop: uv_loop_close: busy\n");
            atomic_fetch_add(&run.loops_left_open, 1);
        }
    }
    /* Every loop must close with nothing left open: anything else is a
     * leak in the runtime, reported as an internal error (the unit tests
     * see it in the exit status). */
    if (atomic_load(&run.loops_left_open) > 0)
        rc = 70;
    sw__hooks_free(&hooks, &run);
    for (int i = 0; m.workers && i < run.threads; i++)
        if (m.workers[i].stats)
            sw__stats_free(m.workers[i].stats);
    free(m.workers);
    if (m.snap)
        sw__stats_free(m.snap);
    free(run.class_of);
    sw__plan_free(&run.plan);
    sw__arrivals_free(&run.arrivals);
    sw__sched_release(&run);
    sw__data_free(&data);
    sw__files_free();
    free(m.form_host);
out_engines:
    sw__http_teardown();
    sw__ca_free();
    sw__engines_process_cleanup();
out_cli:
    sw__log_event("Shutting down (exit code %d)", rc);
    sw__log_close();
    sw__cli_free(&opt, sc);
    return rc;
}
