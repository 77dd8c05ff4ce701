/*
 * config.h - Locust's two other sources of options (internal): config
 * files and LOCUST_* environment variables (docs/cli.md, "Config files
 * and environment variables").
 *
 * Both are read as options of the command line's own table (cli.c), so
 * every option has all three spellings: `--spawn-rate 5`, `spawn-rate = 5`
 * in a file, LOCUST_SPAWN_RATE=5.  Precedence as in Locust (configargparse):
 * ~/.locust.conf < ./locust.conf < ./pyproject.toml [tool.locust] <
 * --config FILE < LOCUST_* < the command line, option by option: an
 * option given by a later source drops every earlier source's entry for
 * it (list options included).  The result is one argv for cli.c's loop:
 * the surviving file entries, then the environment's, then the command
 * line, each entry remembering where it came from for error messages.
 */
#ifndef SW_CONFIG_H
#define SW_CONFIG_H

#include <stdio.h>

struct sw__config {
    int argc;
    char **argv;            /* argv[0], the files' and the environment's
                               entries ("--users=10", "--headless"), then
                               the command line's arguments; owned array,
                               the command line's strings borrowed */
    const char **origin;    /* per argv entry: "FILE:LINE" or the
                               variable's name, NULL for the command line */
    char **mem;             /* every string this owns */
    int nmem;
};

/* Reads the files and the environment for the command line argv.  NULL
 * after one line on err naming the file:line or the variable (a bad
 * entry, an unknown option, an unreadable --config FILE), or when out of
 * memory.  Borrows argv for the result's life. */
struct sw__config *sw__config_collect(int argc, char **argv,
                                      const char *prog, FILE *err);
void sw__config_free(struct sw__config *c);

#endif /* SW_CONFIG_H */
