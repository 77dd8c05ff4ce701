/*
 * fuzz_hdr.c - the HDR histogram decoder (base64 of the compressed V2
 * encoding, as in .hlog files and merged --json results).  A histogram it
 * accepts must answer queries and encode again.
 */
#include "fuzz.h"

#include "hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char err[256];
    struct sw__hdr *h = sw__hdr_decode_base64(text, err, sizeof(err));
    if (h != NULL) {
        (void)sw__hdr_value_at_percentile(h, 99.9);
        (void)sw__hdr_mean(h);
        (void)sw__hdr_max(h);
        char *again = sw__hdr_encode_base64(h);
        free(again);
        sw__hdr_free(h);
    }
    free(text);
    return 0;
}
