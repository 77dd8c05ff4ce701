/*
 * driver.c - the swarmc command line: check, build, emit C.
 *
 *   swarmc check [--diagnostics-format text|json] FILE.swarm
 *   swarmc build [-o OUT] [--emit-c OUT.c] [--no-line] [--dynamic]
 *                [--embed-ca PEM] [--times] FILE.swarm
 *   swarmc fmt [--check] [-w] FILE.swarm...   (fmt_main.c)
 *
 * Exit status (sysexits): 0 ok, 64 usage, 65 scenario errors, 70 internal
 * (including a failing C compiler or a missing runtime), 74 I/O.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <swarm.h>   /* sw_merge_main: `swarmc merge` is the runtime's */

#include "arena.h"
#include "util/buf.h"
#include "check.h"
#include "codegen.h"
#include "diag.h"
#include "fmt.h"
#include "link.h"
#include "parse.h"
#include "run.h"

#ifndef SWARMC_VERSION
#define SWARMC_VERSION "0.1.0"
#endif

enum { EX_OK = 0, EX_USAGE_ = 64, EX_DATAERR_ = 65, EX_SOFTWARE_ = 70,
       EX_IOERR_ = 74 };

struct options {
    const char *command;        /* "check" or "build" */
    const char *input;
    const char *output;         /* -o */
    const char *emit_c;         /* --emit-c */
    int no_line;
    enum diag_format diag_format;   /* --diagnostics-format */
    int dynamic;                /* --dynamic (or SWARMC_LINK=dynamic) */
    const char *embed_ca;       /* --embed-ca */
    int times;                  /* --times */
    int group_bodies;           /* SWARMC_GROUP_BODIES (cg_options) */
};

/* SWARMC_GROUP_BODIES=N, a debugging aid: task bodies N to a C function
 * whatever the scenario's size (1: one each, as a small scenario's). */
static int group_bodies(struct options *o)
{
    const char *v = getenv("SWARMC_GROUP_BODIES");
    if (v == NULL || *v == '\0')
        return EX_OK;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < 1 || n > 100000) {
        fprintf(stderr, "swarmc: SWARMC_GROUP_BODIES: expected a whole "
                "number from 1 to 100000, got '%s'\n", v);
        return EX_USAGE_;
    }
    o->group_bodies = (int)n;
    return EX_OK;
}

static void usage(FILE *fp)
{
    fputs("usage: swarmc check FILE.swarm\n"
          "       swarmc build [-o OUT] [--emit-c OUT.c] [--no-line] "
          "[--dynamic]\n"
          "                    [--embed-ca PEM] [--times] FILE.swarm\n"
          "       swarmc fmt [--check] [-w] FILE.swarm...\n"
          "       swarmc merge RESULT.json... [--csv P] [--json F] "
          "[--html F]\n"
          "                    [--junit F] [--hlog F] [--threshold T]...\n"
          "       swarmc --help | --version\n"
          "\n"
          "  check           parse and check the scenario, report errors\n"
          "  build           compile it to a load-test binary: one static\n"
          "                  executable that needs nothing on the machine\n"
          "  fmt             print the files in the canonical layout;\n"
          "                  -w rewrites them, --check lists those that differ\n"
          "  merge           merge the --json results of sharded runs into\n"
          "                  one report (docs/distributed.md)\n"
          "  -o OUT          the binary (default: FILE without .swarm)\n"
          "  --emit-c OUT.c  write the generated C; with -o, also build\n"
          "  --no-line       no #line directives in the generated C\n"
          "  --diagnostics-format json\n"
          "                  (check, build) errors as one JSON array on\n"
          "                  stderr, in gcc's shape, with fix-its\n"
          "  --dynamic       link against the machine's libcurl (quicker\n"
          "                  to build; runs only where libcurl4 is)\n"
          "  --embed-ca PEM  carry the CA certificates of PEM in the binary\n"
          "                  (used unless --cacert or SSL_CERT_FILE is set)\n"
          "  --times         say on stderr how long each stage took\n"
          "\n"
          "Environment: SWARMC_CFLAGS, extra words for the C compiler;\n"
          "SWARMC_LINK=dynamic, the default link mode (static);\n"
          "SWARMC_JOBS=N, C compilers at once for a big scenario (the CPUs).\n"
          "Exit status: 0 ok, 64 usage, 65 scenario errors, 70 internal "
          "error, 74 I/O error.\n", fp);
}

static int diag_format_option(const char *v, struct options *o)
{
    if (strcmp(v, "json") == 0) {
        o->diag_format = DIAG_JSON;
    } else if (strcmp(v, "text") == 0) {
        o->diag_format = DIAG_TEXT;
    } else {
        fprintf(stderr, "swarmc: --diagnostics-format is 'text' or 'json', "
                "not '%s'\n", v);
        return EX_USAGE_;
    }
    return EX_OK;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    if (argc < 2) {
        usage(stderr);
        return EX_USAGE_;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        exit(EX_OK);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("swarmc %s\n", SWARMC_VERSION);
        exit(EX_OK);
    }
    o->command = argv[1];
    if (strcmp(o->command, "check") != 0 && strcmp(o->command, "build") != 0) {
        fprintf(stderr, "swarmc: unknown command '%s'\n", o->command);
        usage(stderr);
        return EX_USAGE_;
    }
    int build = strcmp(o->command, "build") == 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (build && strcmp(a, "-o") == 0 && i + 1 < argc) {
            o->output = argv[++i];
        } else if (build && strcmp(a, "--emit-c") == 0 && i + 1 < argc) {
            o->emit_c = argv[++i];
        } else if (build && strncmp(a, "--emit-c=", 9) == 0) {
            o->emit_c = a + 9;
        } else if (build && strcmp(a, "--no-line") == 0) {
            o->no_line = 1;
        } else if (strcmp(a, "--diagnostics-format") == 0 && i + 1 < argc) {
            if (diag_format_option(argv[++i], o) != EX_OK)
                return EX_USAGE_;
        } else if (strncmp(a, "--diagnostics-format=", 21) == 0) {
            if (diag_format_option(a + 21, o) != EX_OK)
                return EX_USAGE_;
        } else if (build && strcmp(a, "--times") == 0) {
            o->times = 1;
        } else if (build && strcmp(a, "--dynamic") == 0) {
            o->dynamic = 1;
        } else if (build && strcmp(a, "--embed-ca") == 0 && i + 1 < argc) {
            o->embed_ca = argv[++i];
        } else if (build && strncmp(a, "--embed-ca=", 11) == 0) {
            o->embed_ca = a + 11;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "swarmc: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return EX_USAGE_;
        } else if (o->input == NULL) {
            o->input = a;
        } else {
            fprintf(stderr, "swarmc: one scenario at a time ('%s' and "
                    "'%s')\n", o->input, a);
            return EX_USAGE_;
        }
    }
    const char *mode = getenv("SWARMC_LINK");
    if (mode != NULL && strcmp(mode, "dynamic") == 0)
        o->dynamic = 1;
    else if (mode != NULL && *mode != '\0' && strcmp(mode, "static") != 0) {
        fprintf(stderr, "swarmc: SWARMC_LINK: expected static or dynamic, "
                "got '%s'\n", mode);
        return EX_USAGE_;
    }
    if (build && run_jobs() == 0)
        return EX_USAGE_;       /* SWARMC_JOBS: said */
    if (build && group_bodies(o) != EX_OK)
        return EX_USAGE_;
    if (o->input == NULL) {
        fprintf(stderr, "swarmc: no scenario file given\n");
        usage(stderr);
        return EX_USAGE_;
    }
    return EX_OK;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* FILE.swarm -> FILE (in the current directory, as cc's a.out would be). */
static char *default_output(struct arena *a, const char *input)
{
    const char *b = base_name(input);
    size_t n = strlen(b);
    if (n > 6 && strcmp(b + n - 6, ".swarm") == 0)
        n -= 6;
    else if (n > 0)
        return arena_printf(a, "%s.out", b);
    return arena_strndup(a, b, n);
}

static int write_file(const char *path, const struct sw__buf *b)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL) {
        fprintf(stderr, "swarmc: cannot write '%s': %s\n", path,
                strerror(errno));
        return EX_IOERR_;
    }
    size_t n = b->len ? fwrite(b->ptr, 1, b->len, fp) : 0;
    int bad = n != b->len;
    if (fclose(fp) != 0)
        bad = 1;
    if (bad) {
        fprintf(stderr, "swarmc: cannot write '%s': %s\n", path,
                strerror(errno));
        return EX_IOERR_;
    }
    return EX_OK;
}

/* ---- finding the runtime ---- */

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Build tree: <dir>/libswarm.a and <dir>/include/swarm.h.  Installed:
 * <dir>/../lib/swarmc/libswarm.a and <dir>/../include/swarm.h.  The link
 * record (link.h) is next to libswarm.a, libswarm.link. */
static int find_runtime(struct arena *a, char **lib, char **inc)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        fprintf(stderr, "swarmc: internal error: cannot find my own "
                "executable: %s\n", strerror(errno));
        return EX_SOFTWARE_;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash != NULL)
        *slash = '\0';
    *lib = arena_printf(a, "%s/libswarm.a", self);
    *inc = arena_printf(a, "%s/include", self);
    char *hdr = arena_printf(a, "%s/swarm.h", *inc);
    if (exists(*lib) && exists(hdr))
        return EX_OK;
    *lib = arena_printf(a, "%s/../lib/swarmc/libswarm.a", self);
    *inc = arena_printf(a, "%s/../include", self);
    hdr = arena_printf(a, "%s/swarm.h", *inc);
    if (exists(*lib) && exists(hdr))
        return EX_OK;
    fprintf(stderr, "swarmc: internal error: the runtime (libswarm.a and "
            "swarm.h) is neither next to %s nor in %s/../lib/swarmc\n",
            self, self);
    return EX_SOFTWARE_;
}

/* ---- running cc ---- */

struct argv_list {
    char **v;
    int n, cap;
};

static void push(struct argv_list *l, char *s)
{
    if (l->n + 2 > l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, sizeof(char *) * (size_t)l->cap);
    }
    l->v[l->n++] = s;
    l->v[l->n] = NULL;
}

/* Splits words on blanks (no quoting: these are flag lists). */
static void push_words(struct argv_list *l, struct arena *a, const char *s)
{
    while (s != NULL && *s != '\0') {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        const char *w = s;
        while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n')
            s++;
        if (s > w)
            push(l, arena_strndup(a, w, (size_t)(s - w)));
    }
}

/* A file name as an argument: never taken for an option ("-v.c"). */
static char *file_arg(struct arena *a, const char *path)
{
    return path[0] == '-' ? arena_printf(a, "./%s", path) : (char *)path;
}

/* The optimisation of a scenario's C, and of its bodies when it comes in
 * parts (CG_PART_MARK): the bodies of a big scenario are glue around the
 * runtime's calls (which stay -O2, in libswarm.a), and gcc takes about
 * five times longer on them at -O2 than at -O0 (docs/compiler.md,
 * "Compiling the generated C in parts"). */
#define CC_OPT "-O2"
#define CC_PART_OPT "-O0"

/* cc -std=c11 OPT $SWARMC_CFLAGS -I<runtime include> */
static void cc_words(struct argv_list *l, struct arena *a, const char *inc,
                     const char *opt)
{
    push(l, "cc");
    push(l, "-std=c11");
    push(l, (char *)opt);
    push_words(l, a, getenv("SWARMC_CFLAGS"));
    push(l, arena_printf(a, "-I%s", inc));
}

/* How long each stage of a build took (--times). */
static struct {
    int on;
    double t0;                  /* the start of the current stage */
    struct sw__buf text;
} times;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Ends the current stage, named what (printf-style), and starts the next. */
static void stage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void stage(const char *fmt, ...)
{
    if (!times.on)
        return;
    double t = now_s();
    char what[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    sw__buf_printf(&times.text, "%s%s %.2f s", times.text.len ? ", " : "",
                   what, t - times.t0);
    times.t0 = t;
}

/* Runs the n cc commands, at most jobs at once; their output goes to
 * stderr (all of a failing one's, with an internal-error line; a static
 * link's known warnings dropped). */
static int run_cc(struct argv_list *l, int n, int jobs, enum link_mode mode)
{
    char ***argv = xmalloc(sizeof(char **) * (size_t)n);
    struct sw__buf *out = xmalloc(sizeof(struct sw__buf) * (size_t)n);
    int *status = xmalloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        argv[i] = l[i].v;
        memset(&out[i], 0, sizeof out[i]);
    }
    int bad = run_commands(argv, n, jobs, out, status);
    int rc = EX_OK;
    if (bad >= 0) {
        fprintf(stderr, "swarmc: internal error: the C compiler failed "
                "(status %d) on the generated code:\n%s", status[bad],
                out[bad].ptr ? out[bad].ptr : "");
        rc = EX_SOFTWARE_;
    }
    for (int i = 0; i < n; i++) {
        if (bad < 0) {
            if (mode == LINK_STATIC)
                link_drop_static_warnings(&out[i]);
            if (out[i].len > 0)
                fputs(out[i].ptr, stderr);
        }
        sw__buf_free(&out[i]);
        free(l[i].v);
        l[i].v = NULL;
        l[i].n = l[i].cap = 0;
    }
    free(argv);
    free(out);
    free(status);
    return rc;
}

/* Compiles the C files and links them with the runtime into output: in
 * one cc command for one file, else each file to an object (a .o next to
 * it, removed afterwards), as many at once as there are CPUs, and then
 * one link.  The last file (the tables and main) is started first: at
 * 100,000 tasks it is the longest job. */
static int compile_files(struct arena *a, char **c_files, int n,
                         const char *output, enum link_mode mode)
{
    char *lib, *inc;
    int rc = find_runtime(a, &lib, &inc);
    if (rc != EX_OK)
        return rc;
    size_t lib_len = strlen(lib);   /* libswarm.a -> libswarm.link */
    char *record = arena_printf(a, "%.*slink", (int)(lib_len - 1), lib);
    char *libs = link_words(a, record, mode);
    if (libs == NULL)
        return EX_SOFTWARE_;
    char **objs = arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
    if (n > 1) {
        int jobs = run_jobs();
        if (jobs == 0)
            return EX_USAGE_;
        struct argv_list *parts = arena_alloc(a, sizeof(struct argv_list)
                                              * (size_t)n);
        for (int k = 0; k < n; k++) {
            int i = k == 0 ? n - 1 : k - 1;
            objs[i] = arena_printf(a, "%.*s.o", (int)strlen(c_files[i]) - 2,
                                   c_files[i]);
            run_add_temp(objs[i]);
            cc_words(&parts[k], a, inc, i == n - 1 ? CC_OPT : CC_PART_OPT);
            push(&parts[k], "-c");
            push(&parts[k], file_arg(a, c_files[i]));
            push(&parts[k], "-o");
            push(&parts[k], file_arg(a, objs[i]));
        }
        if ((rc = run_cc(parts, n, jobs, LINK_DYNAMIC)) != EX_OK)
            return rc;
        stage("cc %d parts (%d at once)", n, jobs);
    }
    struct argv_list l = { 0 };
    cc_words(&l, a, inc, CC_OPT);
    for (int i = 0; i < n; i++)
        push(&l, file_arg(a, n > 1 ? objs[i] : c_files[i]));
    push(&l, file_arg(a, lib));
    push_words(&l, a, libs);
    push(&l, "-o");
    push(&l, file_arg(a, output));
    rc = run_cc(&l, 1, 1, mode);
    stage(n > 1 ? "link" : "cc and link");
    return rc;
}

static int compile(struct arena *a, const char *c_file, const char *output,
                   enum link_mode mode)
{
    char *files[] = { (char *)c_file };
    return compile_files(a, files, 1, output, mode);
}

static enum link_mode link_mode(const struct options *o)
{
    return o->dynamic ? LINK_DYNAMIC : LINK_STATIC;
}

/* A private temporary directory, removed by run_remove_temp(); NULL after an
 * error (said). */
static char *make_temp_dir(struct arena *a)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = arena_printf(a, "%s/swarmc-XXXXXX", tmp && *tmp ? tmp
                                                                : "/tmp");
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "swarmc: cannot create a temporary directory in "
                "%s: %s\n", tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return NULL;
    }
    run_set_temp_dir(dir);
    return dir;
}

/* A big program's C comes in parts (CG_PART_MARK, codegen.h): each part
 * after the prelude becomes a file of its own, prelude first, compiled
 * separately.  Returns the number of files, 0 when c has no parts. */
static int split_parts(struct arena *a, const struct sw__buf *c, const char *dir,
                       const char *stem, char ***files_out)
{
    const char *mark = CG_PART_MARK;
    size_t mlen = strlen(mark);
    const char *text = c->ptr ? c->ptr : "";
    const char *first = strstr(text, mark);
    if (first == NULL)
        return 0;
    int n = 0;
    for (const char *m = first; m != NULL; m = strstr(m + mlen, mark))
        n++;
    char **files = arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
    const char *prelude_end = first;
    const char *beg = first + mlen;
    for (int k = 0; k < n; k++) {
        const char *next = strstr(beg, mark);
        const char *end = next != NULL ? next : text + c->len;
        files[k] = arena_printf(a, "%s/%s-part%d.c", dir, stem, k + 1);
        run_add_temp(files[k]);
        struct sw__buf part = { 0 };
        sw__buf_add(&part, text, (size_t)(prelude_end - text));
        sw__buf_add(&part, beg, (size_t)(end - beg));
        int rc = write_file(files[k], &part);
        sw__buf_free(&part);
        if (rc != EX_OK)
            return -1;
        beg = end + mlen;
    }
    *files_out = files;
    return n;
}

/* Builds output from c in parts, in a temporary directory: 0 when c has
 * none (the caller builds it as one file), else the exit status. */
static int build_parts(struct arena *a, const struct sw__buf *c,
                       const char *output, enum link_mode mode, int *done)
{
    *done = 0;
    if (c->ptr == NULL || strstr(c->ptr, CG_PART_MARK) == NULL)
        return EX_OK;
    *done = 1;
    char *dir = make_temp_dir(a);
    if (dir == NULL)
        return EX_IOERR_;
    char **files = NULL;
    int n = split_parts(a, c, dir, base_name(output), &files);
    run_die_if_signalled();
    int rc = n < 0 ? EX_IOERR_ : compile_files(a, files, n, output, mode);
    run_remove_temp();
    return rc;
}

/* Builds from a temporary copy of the C in a private directory. */
static int build_temp(struct arena *a, const struct options *o,
                      const struct sw__buf *c, const char *output)
{
    int done;
    int rc = build_parts(a, c, output, link_mode(o), &done);
    if (done)
        return rc;
    char *dir = make_temp_dir(a);
    if (dir == NULL)
        return EX_IOERR_;
    char *cfile = arena_printf(a, "%s/%s.c", dir, base_name(output));
    run_add_temp(cfile);
    rc = write_file(cfile, c);
    run_die_if_signalled();
    if (rc == EX_OK)
        rc = compile(a, cfile, output, link_mode(o));
    run_remove_temp();
    return rc;
}

static int compile_scenario(struct arena *a, const struct options *o)
{
    times.on = o->times;
    times.t0 = now_s();
    struct source src;
    int err = source_load(&src, o->input, a);
    if (err != 0) {
        fprintf(stderr, "swarmc: cannot read '%s': %s\n", o->input,
                strerror(err));
        return EX_IOERR_;
    }
    struct diag d;
    diag_init(&d, &src, stderr);
    diag_set_format(&d, o->diag_format);
    struct ast_file file;
    struct program prog;
    /* The checker never runs on a tree that failed to parse. */
    int parse_errors = parse_source(&src, a, &d, &file);
    if (parse_errors == 0)
        check_program(&file, &src, a, &d, &prog);
    if (diag_finish(&d) > 0)
        return EX_DATAERR_;
    if (parse_errors > 0)
        return EX_SOFTWARE_;    /* the scanner could not start: said so */
    if (strcmp(o->command, "check") == 0)
        return EX_OK;
    stage("check");

    const char *output = o->output;
    if (output == NULL && o->emit_c == NULL)
        output = default_output(a, o->input);
    struct cg_options cgo;
    memset(&cgo, 0, sizeof cgo);
    if (o->embed_ca != NULL) {
        char *pem;
        int rc = link_embed_ca(a, o->embed_ca, &pem, &cgo.ca_pem_len);
        if (rc != EX_OK)
            return rc;
        cgo.ca_pem = pem;
    }
    cgo.swarm_path = o->input;
    cgo.line_directives = !o->no_line;
    cgo.group_bodies = o->group_bodies;
    cgo.c_name = base_name(o->emit_c ? o->emit_c
                                     : arena_printf(a, "%s.c", output));
    struct sw__buf c = { 0 };
    cg_generate(&prog, &cgo, a, &c);
    stage("generate");
    run_catch_signals();
    int rc = EX_OK;
    if (o->emit_c != NULL) {
        rc = write_file(o->emit_c, &c);
        int done = 0;
        if (rc == EX_OK && output != NULL)
            rc = build_parts(a, &c, output, link_mode(o), &done);
        if (rc == EX_OK && output != NULL && !done)
            rc = compile(a, o->emit_c, output, link_mode(o));
    } else {
        rc = build_temp(a, o, &c, output);
    }
    sw__buf_free(&c);
    return rc;
}

int main(int argc, char **argv)
{
    /* Merging results is the runtime's job: the same code serves the
     * compiled binaries' own `merge` mode, so both write identical reports. */
    if (argc > 1 && strcmp(argv[1], "merge") == 0)
        return sw_merge_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "fmt") == 0)
        return fmt_main(argc - 1, argv + 1);
    struct options o;
    int rc = parse_args(argc, argv, &o);
    if (rc != EX_OK)
        return rc;
    struct arena *a = arena_new();
    rc = compile_scenario(a, &o);
    if (times.on && rc == EX_OK && times.text.len > 0)
        fprintf(stderr, "swarmc: times: %s\n", times.text.ptr);
    sw__buf_free(&times.text);
    arena_free(a);
    return rc;
}
