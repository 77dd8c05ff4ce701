/*
 * log.c - the compiled binary's own log lines: level filter, stderr or a
 * --logfile (log.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "log.h"

static struct {
    const char *prog;
    int level;
    FILE *file;                 /* owned; NULL: stderr */
    char host[64];
} g = { "swarm", SW_LOG_INFO, NULL, "" };

static const struct {
    const char *name;
    int level;
} levels[] = {
    { "DEBUG", SW_LOG_DEBUG }, { "INFO", SW_LOG_INFO },
    { "WARNING", SW_LOG_WARNING }, { "ERROR", SW_LOG_ERROR },
    { "CRITICAL", SW_LOG_CRITICAL },
};

int sw__log_level_parse(const char *s)
{
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (!strcasecmp(s, levels[i].name))
            return levels[i].level;
    return -1;
}

static const char *level_name(int level)
{
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (levels[i].level == level)
            return levels[i].name;
    return "INFO";
}

int sw__log_open(const char *prog, int level, const char *path, char *why,
                 size_t nwhy)
{
    g.prog = prog ? prog : "swarm";
    g.level = level > 0 ? level : SW_LOG_INFO;
    if (!path)
        return 0;
    /* appended to, as Python's FileHandler does */
    FILE *f = fopen(path, "a");
    if (!f) {
        snprintf(why, nwhy, "--logfile: cannot write '%s': %s", path,
                 strerror(errno));
        return -1;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    g.file = f;
    if (gethostname(g.host, sizeof g.host) != 0)
        strcpy(g.host, "localhost");
    g.host[sizeof g.host - 1] = '\0';
    return 0;
}

void sw__log_close(void)
{
    if (g.file)
        fclose(g.file);
    g.file = NULL;
}

static void emit(int level, int file_only, const char *fmt, va_list ap)
{
    char msg[2048];
    char line[2304];
    if (level < g.level || (file_only && !g.file))
        return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (g.file) {
        struct timespec ts;
        struct tm tm;
        char when[32];
        clock_gettime(CLOCK_REALTIME, &ts);
        localtime_r(&ts.tv_sec, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(line, sizeof line, "[%s,%03ld] %s/%s/%s: %s\n", when,
                 ts.tv_nsec / 1000000, g.host, level_name(level), g.prog,
                 msg);
        fputs(line, g.file);
        return;
    }
    snprintf(line, sizeof line, "%s: %s%s\n", g.prog,
             level == SW_LOG_WARNING ? "warning: "
             : level == SW_LOG_DEBUG ? "debug: " : "", msg);
    fputs(line, stderr);
}

void sw__log(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(level, 0, fmt, ap);
    va_end(ap);
}

void sw__log_event(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(SW_LOG_INFO, 1, fmt, ap);
    va_end(ap);
}
