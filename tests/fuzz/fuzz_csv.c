/*
 * fuzz_csv.c - the runtime's CSV reader (feeders), on any bytes.
 */
#include "fuzz.h"

#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char **cells = NULL;
    size_t nrecords = 0, nfields = 0;
    char err[256];
    if (sw__csv_parse((const char *)data, size, &cells, &nrecords, &nfields,
                      err, sizeof(err)) == 0) {
        /* Every cell is a readable string. */
        size_t total = 0;
        for (size_t i = 0; i < nrecords * nfields; i++)
            total += strlen(cells[i]);
        (void)total;
        free(cells);
    }
    return 0;
}
