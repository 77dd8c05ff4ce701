/*
 * fuzz.h - the libFuzzer entry point every target defines.
 *
 * Each fuzz_*.c is linked either with libFuzzer (make fuzz, clang) or with
 * replay.c, a plain main() that feeds it the files of a corpus (make test,
 * any C compiler).  The input is borrowed for the call.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input (the caller frees it). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
