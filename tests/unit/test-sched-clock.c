/*
 * test-sched-clock.c - the scheduler on its own, with an injected clock:
 * no sw_main, no threads, no real time.  A virtual clock (struct
 * sw__clock) records the timers and the 0 ms queue the scheduler asks for,
 * and the test fires them in time order, so every time below is exact:
 * no wait before the first task, a constant wait after each task, a
 * sleep's resume, constant pacing's schedule and intended start, and a
 * graceful stop that lets the running task finish.
 */
#include <uv.h>
#include "swarm.h"
#include "request.h"
#include "scheduler.h"
#include "stats.h"
#include "user.h"
#include "worker.h"
#include "test.h"

/* ---- the virtual clock ------------------------------------------------ */

#define MAXU 4

static double vnow;                     /* virtual ms */
static struct {
    sw_user_t *u;
    int armed;
    double due;
} timers[MAXU];
static sw_user_t *queue[64];
static int nqueue;

static int slot_of(sw_user_t *u)
{
    for (int i = 0; i < MAXU; i++)
        if (timers[i].u == u)
            return i;
    return -1;
}

static double v_now(void *ctx)
{
    (void)ctx;
    return vnow;
}

static int v_open(void *ctx, sw_user_t *u)
{
    (void)ctx;
    for (int i = 0; i < MAXU; i++)
        if (!timers[i].u) {
            timers[i].u = u;
            timers[i].armed = 0;
            return 0;
        }
    return -1;
}

static void v_close(void *ctx, sw_user_t *u)
{
    (void)ctx;
    int i = slot_of(u);
    if (i >= 0)
        timers[i].u = NULL;
}

static void v_start(void *ctx, sw_user_t *u, uint64_t ms)
{
    (void)ctx;
    int i = slot_of(u);
    timers[i].armed = 1;
    timers[i].due = vnow + (double)ms;
}

static void v_stop(void *ctx, sw_user_t *u)
{
    (void)ctx;
    int i = slot_of(u);
    if (i >= 0)
        timers[i].armed = 0;
}

static void v_defer(void *ctx, sw_user_t *u)
{
    (void)ctx;
    queue[nqueue++] = u;
}

/* Runs what is due: the 0 ms queue first, then the earliest timer (the
 * clock jumps to it), until nothing is left or the clock passes until_ms.
 * Returns the number of events fired. */
static int run_until(double until_ms)
{
    int fired = 0;
    for (;;) {
        if (nqueue > 0) {
            sw_user_t *u = queue[0];
            memmove(queue, queue + 1, sizeof *queue * (size_t)--nqueue);
            sw__sched_deferred(u);
            fired++;
            continue;
        }
        int best = -1;
        for (int i = 0; i < MAXU; i++)
            if (timers[i].u && timers[i].armed &&
                (best < 0 || timers[i].due < timers[best].due))
                best = i;
        if (best < 0 || timers[best].due > until_ms) {
            if (until_ms > vnow && until_ms < 1e9)
                vnow = until_ms;        /* the clock reaches until_ms */
            return fired;
        }
        vnow = timers[best].due;
        timers[best].armed = 0;
        sw__sched_timer(timers[best].u);
        fired++;
    }
}

/* ---- the events the bodies log ---------------------------------------- */

static struct {
    const char *what;
    double t_ms;
    double intended_ms;
} evs[64];
static int nev;

static void logev(sw_user_t *u, const char *what)
{
    if (nev < 64) {
        evs[nev].what = what;
        evs[nev].t_ms = vnow;
        evs[nev].intended_ms = u->intended_ms;
        nev++;
    }
}

static sw_step_t on_start(sw_user_t *u, sw_frame_t *f)
{
    (void)f;
    logev(u, "start");
    return SW_DONE;
}

static sw_step_t on_stop(sw_user_t *u, sw_frame_t *f)
{
    (void)f;
    logev(u, "stop");
    return SW_DONE;
}

/* A task that takes 250 ms: it sleeps, then ends. */
static sw_step_t task(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        logev(u, "task");
        return sw_sleep_ms(u, f, 250, 1);
    default:
        logev(u, "task-end");
        return SW_DONE;
    }
}

/* ---- a worker without a thread or a network --------------------------- */

static sw_task_t tasks[] = { { .name = "t", .weight = 1, .fn = task } };
static sw_task_t *use_tasks = tasks;    /* the class's one task */
static sw_user_class_t cls;
static sw_scenario_t sc;
static struct sw__options opt;
static struct sw__run run;
static struct sw__worker w;

static void setup(sw_wait_t wait)
{
    memset(&cls, 0, sizeof cls);
    cls.name = "U";
    cls.weight = 1;
    cls.root = (sw_set_t){ .name = "U", .kind = SW_SET_RANDOM,
                           .tasks = use_tasks, .ntasks = 1, .wait = wait,
                           .on_start = on_start, .on_stop = on_stop };
    memset(&sc, 0, sizeof sc);
    sc.users = &cls;
    sc.nusers = 1;
    memset(&opt, 0, sizeof opt);
    memset(&run, 0, sizeof run);
    run.sc = &sc;
    run.opt = &opt;
    run.threads = 1;
    run.seed = 1;
    unsigned char skip[1];
    if (sw__sched_prepare(&run, skip) != 0)
        abort();
    memset(&w, 0, sizeof w);
    w.run = &run;
    if (uv_loop_init(&w.uv) != 0 || uv_check_init(&w.uv, &w.reaper) != 0 ||
        uv_idle_init(&w.uv, &w.idler) != 0)
        abort();
    w.clock = (struct sw__clock){ .now_ms = v_now, .timer_open = v_open,
                                  .timer_close = v_close,
                                  .timer_start = v_start,
                                  .timer_stop = v_stop, .defer = v_defer };
    vnow = 0;
    nqueue = 0;
    nev = 0;
    memset(timers, 0, sizeof timers);
}

/* Frees the ended users and closes the loop: nothing may be left open. */
static int teardown(void)
{
    for (int i = 0; i < w.ngrave; i++)
        sw__user_free(w.grave[i]);
    free(w.grave);
    free(w.ready);
    uv_close((uv_handle_t *)&w.reaper, NULL);
    uv_close((uv_handle_t *)&w.idler, NULL);
    sw__sched_release(&run);
    return test_loop_closes(&w.uv);
}

#define ASSERT_EV(i, name, t)                                            \
    do {                                                                 \
        ASSERT((i) < nev);                                               \
        ASSERT_STR_EQ(evs[i].what, name);                                \
        ASSERT_EQ((long long)evs[i].t_ms, (long long)(t));               \
    } while (0)

TEST(first_task_at_once_then_constant_wait)
{
    setup((sw_wait_t){ .kind = SW_WAIT_CONSTANT, .a_ms = 1000 });
    sw_user_t *u = sw__user_spawn(&w, 0, 1, 0);
    ASSERT(u != NULL);
    run_until(3000);
    /* no wait before the first task, 1000 ms after each (250 ms) task */
    ASSERT_EV(0, "start", 0);
    ASSERT_EV(1, "task", 0);
    ASSERT_EV(2, "task-end", 250);
    ASSERT_EV(3, "task", 1250);
    ASSERT_EV(4, "task-end", 1500);
    ASSERT_EV(5, "task", 2500);
    ASSERT_EV(6, "task-end", 2750);
    ASSERT_EQ(nev, 7);
    /* a constant wait is no schedule: latency is the service time */
    ASSERT(evs[3].intended_ms < 0);
    sw__user_stop(u, 0);
    run_until(1e9);
    ASSERT_STR_EQ(evs[nev - 1].what, "stop");
    ASSERT_EQ(w.ngrave, 1);
    ASSERT_EQ(teardown(), 0);
}

TEST(pacing_schedule_and_intended_start)
{
    setup((sw_wait_t){ .kind = SW_WAIT_PACING, .a_ms = 1000 });
    sw_user_t *u = sw__user_spawn(&w, 0, 1, 0);
    ASSERT(u != NULL);
    run_until(3300);
    /* constant_pacing(1s), Locust's formula: the first wait is the whole
     * period, then each wait is the period minus what the task took (the
     * task takes 250 ms), so tasks start 1000 ms apart */
    ASSERT_EV(1, "task", 0);
    ASSERT_EV(2, "task-end", 250);
    ASSERT_EV(3, "task", 1250);
    ASSERT_EV(5, "task", 2250);
    ASSERT_EV(7, "task", 3250);
    /* and each paced task carries its intended start */
    ASSERT_EQ((long long)evs[3].intended_ms, 1250);
    ASSERT_EQ((long long)evs[5].intended_ms, 2250);
    ASSERT_EQ((long long)evs[7].intended_ms, 3250);
    sw__user_stop(u, 0);
    run_until(1e9);
    ASSERT_EQ(teardown(), 0);
}

TEST(graceful_stop_finishes_the_task)
{
    setup((sw_wait_t){ .kind = SW_WAIT_CONSTANT, .a_ms = 1000 });
    sw_user_t *u = sw__user_spawn(&w, 0, 1, 0);
    ASSERT(u != NULL);
    run_until(100);                 /* in the task's sleep */
    sw__user_stop(u, 1);
    ASSERT_EQ(w.ngrave, 0);
    run_until(1e9);
    ASSERT_EV(2, "task-end", 250);  /* finished, then on_stop at once */
    ASSERT_EV(3, "stop", 250);
    ASSERT_EQ(nev, 4);
    ASSERT_EQ(w.ngrave, 1);
    ASSERT_EQ(teardown(), 0);
}

TEST(kill_abandons_the_task)
{
    setup((sw_wait_t){ .kind = SW_WAIT_CONSTANT, .a_ms = 1000 });
    sw_user_t *u = sw__user_spawn(&w, 0, 1, 0);
    ASSERT(u != NULL);
    run_until(100);
    sw__user_stop(u, 0);
    run_until(1e9);
    ASSERT_EV(2, "stop", 100);      /* no task-end: abandoned */
    ASSERT_EQ(nev, 3);
    ASSERT_EQ(teardown(), 0);
}

TEST(spawn_delay)
{
    setup((sw_wait_t){ .kind = SW_WAIT_CONSTANT, .a_ms = 1000 });
    sw_user_t *u = sw__user_spawn(&w, 0, 1, 400);
    ASSERT(u != NULL);
    run_until(500);
    ASSERT_EV(0, "start", 400);
    ASSERT_EV(1, "task", 400);
    sw__user_stop(u, 0);
    run_until(1e9);
    ASSERT_EQ(teardown(), 0);
}

/* A task of one request to a port where nothing listens (a quick
 * "Couldn't connect" from the loop). */
static int nsent;

static sw_step_t req_task(sw_user_t *u, sw_frame_t *f)
{
    switch (f->pc) {
    case 0:
        nsent++;
        sw_req_begin(u, SW_GET, "http://127.0.0.1:1/");
        return sw_req_send(u, f, 1);
    default:
        sw_req_end(u);
        return SW_DONE;
    }
}

TEST(zero_wait_after_a_response_picks_at_once)
{
    /* A task resumed by its response that ends with a wait of 0 starts the
     * next task inside the response's callback, not through the 0 ms
     * queue (where, with thousands of users, its state would be out of
     * the cache again by its turn); once per response. */
    static sw_task_t req_tasks[] = {
        { .name = "r", .weight = 1, .fn = req_task }
    };
    use_tasks = req_tasks;
    setup((sw_wait_t){ .kind = SW_WAIT_CONSTANT, .a_ms = 0 });
    use_tasks = tasks;
    struct sw__engine_config cfg = { .engine = "native" };
    static atomic_int_fast64_t failures;
    struct sw__stats *st = sw__stats_new();
    ASSERT(st != NULL);
    ASSERT_EQ(sw__net_init(&w.net, &w.uv, &cfg, NULL, 5000, st, &failures,
                           sw__sched_complete), 0);
    nsent = 0;
    sw_user_t *u = sw__user_spawn(&w, 0, 1, 0);
    ASSERT(u != NULL);
    run_until(0);                   /* on_start, then the first request */
    ASSERT_EQ(nsent, 1);
    ASSERT_EQ(nqueue, 0);
    for (int i = 0; i < 100 && nsent < 2 && nqueue == 0; i++)
        uv_run(&w.uv, UV_RUN_ONCE);
    ASSERT_EQ(nsent, 2);            /* sent from the first one's callback */
    ASSERT_EQ(nqueue, 0);
    ASSERT_EQ((long long)atomic_load(&failures), 1);
    sw__user_stop(u, 0);
    run_until(1e9);
    for (int i = 0; i < w.ngrave; i++)
        sw__user_free(w.grave[i]);
    w.ngrave = 0;
    sw__net_close(&w.net);
    ASSERT_EQ(teardown(), 0);
    sw__net_free(&w.net);
    sw__stats_free(st);
}

int main(int argc, char **argv)
{
    test_only_ = argc > 1 ? argv[1] : NULL;
    test_suite_ = "sched-clock";
    RUN(first_task_at_once_then_constant_wait);
    RUN(pacing_schedule_and_intended_start);
    RUN(graceful_stop_finishes_the_task);
    RUN(kill_abandons_the_task);
    RUN(spawn_delay);
    RUN(zero_wait_after_a_response_picks_at_once);
    TEST_EXIT();
}
