/*
 * config.c - config files and LOCUST_* variables as options of the
 * command line's table (config.h).
 *
 * The files' syntax is configargparse's, which Locust uses: `key = value`
 * (also `key: value`, `key value`), option names without dashes, `key`
 * alone or `key = true` for a switch, `[a, b]` for a list, whole-line
 * comments with # or ;, and ` # ...` after a value.  ./pyproject.toml and
 * a --config FILE ending in .toml are read as TOML, only their
 * [tool.locust] table, as newer Locust versions do.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli.h"
#include "config.h"

/* ---- the option table (cli.c) ----------------------------------------- */

static int option_count(void)
{
    char sh;
    int tv, n = 0;
    while (sw__cli_option(n, &sh, &tv))
        n++;
    return n;
}

/* Index of long option name[0..len), with '_' read as '-' (files and the
 * environment), or -1.  Locust's old --hatch-rate is --spawn-rate. */
static int find_long(const char *name, size_t len)
{
    char buf[64], sh;
    int tv;
    if (len >= sizeof buf)
        return -1;
    for (size_t i = 0; i < len; i++)
        buf[i] = name[i] == '_' ? '-' : name[i];
    buf[len] = '\0';
    if (!strcmp(buf, "hatch-rate"))
        strcpy(buf, "spawn-rate");
    const char *l;
    for (int k = 0; (l = sw__cli_option(k, &sh, &tv)); k++)
        if (!strcmp(l, buf))
            return k;
    return -1;
}

static int find_short(char c)
{
    char sh;
    int tv;
    for (int k = 0; sw__cli_option(k, &sh, &tv); k++)
        if (sh == c)
            return k;
    return -1;
}

static int takes_value(int k)
{
    char sh;
    int tv = 0;
    sw__cli_option(k, &sh, &tv);
    return tv;
}

static const char *long_name(int k)
{
    char sh;
    int tv;
    return sw__cli_option(k, &sh, &tv);
}

/* Not settable from a file or the environment. */
static int command_line_only(int k)
{
    const char *l = long_name(k);
    return !strcmp(l, "help") || !strcmp(l, "version") ||
           !strcmp(l, "config");
}

/* ---- the result being built ------------------------------------------- */

struct entry {
    char *arg;                  /* "--name=value" or "--name" */
    char *origin;
};

struct list {
    struct entry *e;
    int n, cap;
};

struct ctx {
    const char *prog;
    FILE *err;
    unsigned char *given;       /* per option: a later source has it */
    unsigned char *now;         /* per option: the source being read */
    int nopts;
};

static int push(struct list *l, char *arg, char *origin)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        struct entry *e = realloc(l->e, sizeof *e * (size_t)cap);
        if (!e)
            return -1;
        l->e = e;
        l->cap = cap;
    }
    l->e[l->n].arg = arg;
    l->e[l->n].origin = origin;
    l->n++;
    return 0;
}

static void list_free(struct list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->e[i].arg);
        free(l->e[i].origin);
    }
    free(l->e);
    l->e = NULL;
    l->n = l->cap = 0;
}

static void say(struct ctx *c, const char *origin, const char *msg,
                const char *a, const char *b)
{
    fprintf(c->err, "%s: %s: ", c->prog, origin);
    fprintf(c->err, msg, a, b);
    fputc('\n', c->err);
}

/* "[a, 'b', "c"]" -> "a,b,c" (the options with several values take them
 * comma-separated); anything else is copied. */
static char *list_value(const char *v)
{
    size_t n = strlen(v);
    if (n < 2 || v[0] != '[' || v[n - 1] != ']')
        return strdup(v);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    const char *p = v + 1, *end = v + n - 1;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *e = comma ? comma : end;
        const char *s = p;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if (t - s >= 2 && (*s == '"' || *s == '\'') && t[-1] == *s) {
            s++;
            t--;
        }
        if (t > s) {
            if (o)
                out[o++] = ',';
            memcpy(out + o, s, (size_t)(t - s));
            o += (size_t)(t - s);
        }
        p = comma ? comma + 1 : end;
    }
    out[o] = '\0';
    return out;
}

/* One entry of a file or the environment: option k set to value (as
 * written).  Dropped when a later source gave k; a switch takes
 * true/yes/1 (given) or false/no/0 (not given), as configargparse. */
static int add(struct ctx *c, struct list *l, int k, const char *value,
               const char *origin)
{
    if (c->given[k])
        return 0;
    char *arg;
    if (!takes_value(k)) {
        if (!strcasecmp(value, "false") || !strcasecmp(value, "no") ||
            !strcmp(value, "0"))
            return 0;
        if (strcasecmp(value, "true") && strcasecmp(value, "yes") &&
            strcmp(value, "1")) {
            say(c, origin, "%s: expected true or false, got '%s'",
                long_name(k), value);
            return -1;
        }
        arg = malloc(strlen(long_name(k)) + 3);
        if (arg)
            sprintf(arg, "--%s", long_name(k));
    } else {
        char *v = list_value(value);
        arg = v ? malloc(strlen(long_name(k)) + strlen(v) + 4) : NULL;
        if (arg)
            sprintf(arg, "--%s=%s", long_name(k), v);
        free(v);
    }
    char *org = strdup(origin);
    if (!arg || !org || push(l, arg, org) != 0) {
        free(arg);
        free(org);
        fprintf(c->err, "%s: out of memory\n", c->prog);
        return -1;
    }
    c->now[k] = 1;
    return 0;
}

/* The entries of one source are in; what it gave now hides the earlier
 * sources' entries. */
static void source_done(struct ctx *c)
{
    for (int k = 0; k < c->nopts; k++) {
        c->given[k] |= c->now[k];
        c->now[k] = 0;
    }
}

/* ---- the environment -------------------------------------------------- */

/* Locust's variables whose names are not LOCUST_ + the option's. */
static const struct {
    const char *var, *option;
} env_alias[] = {
    { "LOCUST_HATCH_RATE", "spawn-rate" },
    { "LOCUST_MODE_MASTER", "master" },
    { "LOCUST_MODE_WORKER", "worker" },
    { "LOCUST_MASTER_NODE_HOST", "master-host" },
    { "LOCUST_MASTER_NODE_PORT", "master-port" },
    { "LOCUST_USERCLASS_PICKER", "class-picker" },
};

static int read_env(struct ctx *c, struct list *l)
{
    char var[80];
    for (int k = 0; k < c->nopts; k++) {
        const char *name = long_name(k);
        if (command_line_only(k) || strlen(name) + 8 > sizeof var)
            continue;
        size_t n = (size_t)sprintf(var, "LOCUST_");
        for (const char *p = name; *p; p++)
            var[n++] = *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z'
                                                ? *p - 'a' + 'A' : *p);
        var[n] = '\0';
        const char *v = getenv(var);
        /* an empty variable is taken as unset (a script's VAR= ) */
        if (v && *v && add(c, l, k, v, var) != 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof env_alias / sizeof env_alias[0]; i++) {
        const char *v = getenv(env_alias[i].var);
        int k = find_long(env_alias[i].option, strlen(env_alias[i].option));
        if (v && *v && k >= 0 && !c->now[k] &&
            add(c, l, k, v, env_alias[i].var) != 0)
            return -1;
    }
    source_done(c);
    return 0;
}

/* ---- files ------------------------------------------------------------ */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
                 s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* A configargparse line: 0 nothing, 1 an entry (key and val set), -1
 * malformed. */
static int conf_line(char *line, char **key, char **val)
{
    char *s = trim(line);
    if (!*s || *s == '#' || *s == ';' || *s == '[' || !strncmp(s, "---", 3))
        return 0;
    size_t kl = strcspn(s, ":=;# \t");
    if (!kl)
        return -1;
    char *p = s + kl;
    char sep = *p;
    *key = s;
    if (sep)
        *p++ = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    if ((sep == ' ' || sep == '\t') && (*p == '=' || *p == ':')) {
        sep = *p++;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    if (!sep) {
        *val = "true";          /* `headless` alone: a switch set */
        return 1;
    }
    if (sep == ';' || sep == '#')
        return -1;
    /* ` # comment` / ` ; comment` after the value */
    for (char *q = p; *q; q++)
        if ((*q == '#' || *q == ';') && q > p &&
            (q[-1] == ' ' || q[-1] == '\t')) {
            *q = '\0';
            break;
        }
    p = trim(p);
    size_t n = strlen(p);
    if (n >= 2 && (p[0] == '"' || p[0] == '\'') && p[n - 1] == p[0]) {
        p[n - 1] = '\0';
        p++;
    }
    if (!*p && (sep == ' ' || sep == '\t'))
        p = "true";
    *val = p;
    return 1;
}

/* A TOML string starting at *p (after the quote q), unescaped in place
 * into out; *p moves past the closing quote.  -1 when unterminated. */
static int toml_string(char **p, char q, char *out)
{
    char *s = *p;
    size_t o = 0;
    while (*s && *s != q) {
        if (q == '"' && *s == '\\' && s[1]) {
            s++;
            out[o++] = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
        } else {
            out[o++] = *s;
        }
        s++;
    }
    if (*s != q)
        return -1;
    out[o] = '\0';
    *p = s + 1;
    return 0;
}

/* Lines inside a multi-line string of another table are neither keys nor
 * headers: *ml is the open delimiter's quote, or 0.  1 when the line is
 * such a line (or opens one). */
static int toml_multiline(const char *s, int *ml)
{
    static const char *const delim[2] = { "\"\"\"", "'''" };
    if (*ml) {
        if (strstr(s, delim[*ml == '\'']))
            *ml = 0;
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        const char *a = strstr(s, delim[i]);
        if (a && !strstr(a + 3, delim[i])) {
            *ml = i ? '\'' : '"';
            return 1;
        }
    }
    return 0;
}

/* A [tool.locust] line of a TOML file: 0 nothing, 1 entry, -1 malformed.
 * *section tracks the table the line is in, *ml multi-line strings. */
static int toml_line(char *line, int *section, int *ml, char **key,
                     char **val, char *buf)
{
    char *s = trim(line);
    if (!*section && toml_multiline(s, ml))
        return 0;
    if (*s == '[' && s[1] != '[') {
        char *e = strchr(s, ']');
        if (e) {
            *e = '\0';
            *section = !strcmp(trim(s + 1), "tool.locust");
        }
        return 0;
    }
    if (*s == '[')
        *section = 0;           /* [[array.of.tables]] */
    if (!*section || !*s || *s == '#')
        return 0;
    char *p = s;
    if (*p == '"' || *p == '\'') {
        char q = *p++;
        if (toml_string(&p, q, buf) != 0)
            return -1;
        *key = buf;
        buf += strlen(buf) + 1;
    } else {
        size_t kl = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                              "QRSTUVWXYZ0123456789_-");
        if (!kl)
            return -1;
        *key = p;
        p += kl;
        char *k_end = p;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '=')
            return -1;
        *k_end = '\0';
        p++;
        goto value;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '=')
        return -1;
    p++;
value:
    while (*p == ' ' || *p == '\t')
        p++;
    *val = buf;
    if (*p == '"' || *p == '\'') {
        char q = *p++;
        if (toml_string(&p, q, buf) != 0)
            return -1;
    } else if (*p == '[') {
        /* an array on one line: its strings, numbers, booleans */
        size_t o = 0;
        buf[o++] = '[';
        p++;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == ',')
                p++;
            if (*p == ']') {
                p++;
                break;
            }
            if (!*p || *p == '#')
                return -1;      /* over several lines: not read */
            if (o > 1)
                buf[o++] = ',';
            if (*p == '"' || *p == '\'') {
                char q = *p++;
                if (toml_string(&p, q, buf + o) != 0)
                    return -1;
                o += strlen(buf + o);
            } else {
                while (*p && *p != ',' && *p != ']' && *p != ' ')
                    buf[o++] = *p++;
            }
        }
        buf[o++] = ']';
        buf[o] = '\0';
    } else {
        size_t n = strcspn(p, " \t#");
        if (!n)
            return -1;
        memcpy(buf, p, n);
        buf[n] = '\0';
        p += n;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    return !*p || *p == '#' ? 1 : -1;
}

/* Reads one file into l.  must: a missing file is an error (--config).
 * 0, or -1 after a message. */
static int read_file(struct ctx *c, struct list *l, const char *path,
                     int toml, int must)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must && errno == ENOENT)
            return 0;
        fprintf(c->err, "%s: %s: cannot read '%s': %s\n", c->prog,
                must ? "--config" : "config file", path, strerror(errno));
        return -1;
    }
    char line[4096], buf[4096 + 8], origin[4200];
    int lineno = 0, section = 0, ml = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        snprintf(origin, sizeof origin, "%s:%d", path, lineno);
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            say(c, origin, "line longer than %s characters%s", "4094", "");
            rc = -1;
            break;
        }
        char *key, *val;
        int r = toml ? toml_line(line, &section, &ml, &key, &val, buf)
                     : conf_line(line, &key, &val);
        if (r == 0)
            continue;
        if (r < 0) {
            say(c, origin, toml ? "expected `key = value` (a string, number, "
                "boolean or one-line array)%s%s" : "expected `key = value`%s%s",
                "", "");
            rc = -1;
            break;
        }
        const char *k0 = key;
        if (k0[0] == '-' && k0[1] == '-')
            k0 += 2;
        int k = find_long(k0, strlen(k0));
        if (k < 0 || command_line_only(k)) {
            say(c, origin, k < 0 ? "unknown option '%s' (Locust's option "
                "names without dashes, as in `users = 10`; see --help)%s"
                : "'%s' cannot be set in a file%s", key, "");
            rc = -1;
            break;
        }
        if (add(c, l, k, val, origin) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(c->err, "%s: %s: cannot read: %s\n", c->prog, path,
                strerror(errno));
        rc = -1;
    }
    fclose(f);
    source_done(c);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* ---- all together ----------------------------------------------------- */

struct sw__config *sw__config_collect(int argc, char **argv,
                                      const char *prog, FILE *err)
{
    struct ctx c = { prog, err, NULL, NULL, option_count() };
    struct list files[4] = { { 0 } }, env = { 0 };
    struct sw__config *cfg = calloc(1, sizeof *cfg);
    const char *config_path = NULL;
    char *home_conf = NULL;
    int ok = 0;

    c.given = calloc((size_t)c.nopts + 1, 1);
    c.now = calloc((size_t)c.nopts + 1, 1);
    if (!cfg || !c.given || !c.now) {
        fprintf(err, "%s: out of memory\n", prog);
        goto out;
    }
    /* what the command line gives (cli.c reports what is wrong with it) */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        int k = -1;
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            const char *eq = strchr(a + 2, '=');
            k = find_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
            if (k >= 0 && takes_value(k))
                val = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        } else if (a[0] == '-' && a[1] && a[1] != '-') {
            k = find_short(a[1]);
            if (k >= 0 && takes_value(k))
                val = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
        }
        if (k >= 0) {
            c.given[k] = 1;
            if (!strcmp(long_name(k), "config"))
                config_path = val;
        }
    }
    /* the later a source, the more it counts: read from the last */
    if (read_env(&c, &env) != 0)
        goto out;
    if (config_path && *config_path &&
        read_file(&c, &files[3], config_path, ends_with(config_path, ".toml"),
                  1) != 0)
        goto out;
    if (read_file(&c, &files[2], "pyproject.toml", 1, 0) != 0 ||
        read_file(&c, &files[1], "locust.conf", 0, 0) != 0)
        goto out;
    const char *home = getenv("HOME");
    if (home && *home) {
        home_conf = malloc(strlen(home) + 16);
        if (!home_conf) {
            fprintf(err, "%s: out of memory\n", prog);
            goto out;
        }
        sprintf(home_conf, "%s/.locust.conf", home);
        if (read_file(&c, &files[0], home_conf, 0, 0) != 0)
            goto out;
    }

    int total = 1 + env.n + (argc > 1 ? argc - 1 : 0);
    for (int f = 0; f < 4; f++)
        total += files[f].n;
    cfg->argv = calloc((size_t)total + 1, sizeof *cfg->argv);
    cfg->origin = calloc((size_t)total + 1, sizeof *cfg->origin);
    cfg->mem = calloc((size_t)total * 2 + 1, sizeof *cfg->mem);
    if (!cfg->argv || !cfg->origin || !cfg->mem) {
        fprintf(err, "%s: out of memory\n", prog);
        goto out;
    }
    int n = 0;
    cfg->argv[n++] = argc > 0 ? argv[0] : (char *)"swarm";
    struct list *order[5] = { &files[0], &files[1], &files[2], &files[3],
                              &env };
    for (int s = 0; s < 5; s++) {
        for (int i = 0; i < order[s]->n; i++) {
            cfg->argv[n] = order[s]->e[i].arg;
            cfg->origin[n++] = order[s]->e[i].origin;
            cfg->mem[cfg->nmem++] = order[s]->e[i].arg;
            cfg->mem[cfg->nmem++] = order[s]->e[i].origin;
        }
        free(order[s]->e);      /* the strings are cfg's now */
        order[s]->e = NULL;
        order[s]->n = 0;
    }
    for (int i = 1; i < argc; i++)
        cfg->argv[n++] = argv[i];
    cfg->argc = n;
    ok = 1;
out:
    for (int f = 0; f < 4; f++)
        list_free(&files[f]);
    list_free(&env);
    free(home_conf);
    free(c.given);
    free(c.now);
    if (!ok) {
        sw__config_free(cfg);
        return NULL;
    }
    return cfg;
}

void sw__config_free(struct sw__config *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nmem; i++)
        free(c->mem[i]);
    free(c->mem);
    free(c->argv);
    free((void *)c->origin);
    free(c);
}
