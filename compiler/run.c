/*
 * run.c - the C compiler's processes, temporary files and signals (see
 * run.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "run.h"

static volatile sig_atomic_t got_signal;
/* The process groups running, 0 in a free slot: the handler reads them. */
static volatile pid_t groups[RUN_MAX_JOBS];
static const char *temp_dir;
static const char **temp_files;         /* ntemp_files paths; xmalloc'd */
static int ntemp_files;

static void on_signal(int sig)
{
    if (got_signal == 0)
        got_signal = sig;
    for (int i = 0; i < RUN_MAX_JOBS; i++)
        if (groups[i] > 0)
            kill(-groups[i], sig);
}

void run_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: poll returns and the loop goes on. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

void run_add_temp(const char *path)
{
    temp_files = xrealloc(temp_files, sizeof(char *)
                          * (size_t)(ntemp_files + 1));
    temp_files[ntemp_files++] = path;
}

void run_set_temp_dir(const char *dir)
{
    temp_dir = dir;
}

void run_remove_temp(void)
{
    for (int i = 0; i < ntemp_files; i++)
        unlink(temp_files[i]);
    free(temp_files);
    temp_files = NULL;
    ntemp_files = 0;
    if (temp_dir != NULL)
        rmdir(temp_dir);
    temp_dir = NULL;
}

void run_die_if_signalled(void)
{
    int sig = got_signal;
    if (sig == 0)
        return;
    run_remove_temp();
    signal(sig, SIG_DFL);
    raise(sig);
    _exit(128 + sig);
}

int run_jobs(void)
{
    const char *v = getenv("SWARMC_JOBS");
    if (v != NULL && *v != '\0') {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno != 0 || *end != '\0' || n < 1 || n > RUN_MAX_JOBS) {
            fprintf(stderr, "swarmc: SWARMC_JOBS: expected a whole number "
                    "from 1 to %d, got '%s'\n", RUN_MAX_JOBS, v);
            return 0;
        }
        return (int)n;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        return 1;
    return cpus > RUN_MAX_JOBS ? RUN_MAX_JOBS : (int)cpus;
}

/* One command in flight. */
struct job {
    int index;                  /* in the caller's arrays, -1: free */
    pid_t pid;
    int fd;                     /* its output; -1 after end of file */
    int killed;                 /* terminated after another's failure */
};

/* Starts argv in its own process group with its output on a pipe.
 * 0, or -1 when it could not be started. */
static int start(struct job *j, int slot, char **argv)
{
    int fds[2];
    /* Close-on-exec: a command started later must not hold this pipe
     * open, or its end of file would wait for that one too. */
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        /* Its own process group, so a signal can reach every process cc
         * starts; the parent sets it too, whichever runs first. */
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    groups[slot] = pid;
    /* A signal that came before the slot was set is forwarded now. */
    if (got_signal != 0)
        kill(-pid, got_signal);
    close(fds[1]);
    j->pid = pid;
    j->fd = fds[0];
    j->killed = 0;
    return 0;
}

/* The exit status of a reaped job, as run.h says. */
static int reap(struct job *j, int slot)
{
    int st;
    pid_t got;
    while ((got = waitpid(j->pid, &st, 0)) < 0 && errno == EINTR)
        ;
    groups[slot] = 0;
    if (got < 0 || j->killed)
        return -1;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int run_commands(char **const *argv, int n, int jobs, struct sw__buf *out,
                 int *status)
{
    struct job job[RUN_MAX_JOBS];
    if (jobs < 1)
        jobs = 1;
    if (jobs > RUN_MAX_JOBS)
        jobs = RUN_MAX_JOBS;
    for (int s = 0; s < jobs; s++)
        job[s].index = -1;
    for (int i = 0; i < n; i++)
        status[i] = -1;
    int next = 0, running = 0, failed = -1;
    for (;;) {
        for (int s = 0; s < jobs && next < n && failed < 0 &&
                        got_signal == 0; s++) {
            if (job[s].index >= 0)
                continue;
            int i = next++;
            if (start(&job[s], s, argv[i]) != 0) {
                status[i] = -1;
                failed = i;
                break;
            }
            job[s].index = i;
            running++;
        }
        if (running == 0)
            break;
        struct pollfd pfd[RUN_MAX_JOBS];
        int slot_of[RUN_MAX_JOBS];
        int np = 0;
        for (int s = 0; s < jobs; s++)
            if (job[s].index >= 0) {
                pfd[np].fd = job[s].fd;
                pfd[np].events = POLLIN;
                slot_of[np++] = s;
            }
        if (poll(pfd, (nfds_t)np, -1) < 0) {
            if (errno == EINTR)
                continue;       /* a signal: the handler forwarded it */
            /* poll itself failed: blocking reads, one job at a time */
            for (int k = 0; k < np; k++)
                pfd[k].revents = POLLIN;
        }
        for (int k = 0; k < np; k++) {
            if (pfd[k].revents == 0)
                continue;
            int s = slot_of[k];
            struct job *j = &job[s];
            char chunk[4096];
            ssize_t got = read(j->fd, chunk, sizeof chunk);
            if (got > 0) {
                sw__buf_add(&out[j->index], chunk, (size_t)got);
                continue;
            }
            if (got < 0 && errno == EINTR)
                continue;
            close(j->fd);       /* end of file (or an error): done */
            int i = j->index;
            status[i] = reap(j, s);
            j->index = -1;
            running--;
            if (status[i] != 0 && failed < 0 && !j->killed) {
                failed = i;
                /* The build has failed: the others are not waited for. */
                for (int o = 0; o < jobs; o++)
                    if (job[o].index >= 0 && !job[o].killed) {
                        job[o].killed = 1;
                        kill(-job[o].pid, SIGTERM);
                    }
            }
        }
    }
    run_die_if_signalled();
    return failed;
}
