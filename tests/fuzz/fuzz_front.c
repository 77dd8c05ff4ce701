/*
 * fuzz_front.c - the compiler's front end in memory: parse, check and,
 * when the checker accepts, generate C.  Diagnostics go to /dev/null.
 * Feeder files are looked up relative to the working directory, so a
 * fuzzing run reads only what it finds there.
 */
#include "fuzz.h"

#include <stdio.h>

#include "arena.h"
#include "util/buf.h"
#include "check.h"
#include "codegen.h"
#include "diag.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
        abort();
    /* Spans are 32-bit offsets; the driver refuses bigger files. */
    if (size > 1 << 20)
        return 0;
    struct arena *a = arena_new();
    char *text = arena_strndup(a, (const char *)data, size);
    struct source src;
    source_init(&src, "fuzz.swarm", text, size, a);
    struct diag d;
    diag_init(&d, &src, devnull);
    struct ast_file file;
    struct program prog;
    if (parse_source(&src, a, &d, &file) == 0
        && check_program(&file, &src, a, &d, &prog) == 0
        && d.errors == 0) {
        struct cg_options opt = { .swarm_path = "fuzz.swarm",
                                  .c_name = "fuzz.c",
                                  .line_directives = 1 };
        struct sw__buf c = { 0 };
        cg_generate(&prog, &opt, a, &c);
        sw__buf_free(&c);
    }
    arena_free(a);
    return 0;
}
