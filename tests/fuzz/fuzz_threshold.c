/*
 * fuzz_threshold.c - the --threshold parser (the same text as a
 * scenario's threshold lines).
 */
#include "fuzz.h"

#include "threshold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    sw_threshold_t t;
    char err[256];
    if (sw__threshold_parse(text, &t, err, sizeof(err)) == 0)
        free((char *)t.name);
    free(text);
    return 0;
}
