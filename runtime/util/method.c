/*
 * method.c - HTTP method names (see method.h).
 */
#include "method.h"

#include <string.h>

static const char *const method_names[] = {
    [SW_GET] = "GET", [SW_POST] = "POST", [SW_PUT] = "PUT",
    [SW_PATCH] = "PATCH", [SW_DELETE] = "DELETE", [SW_HEAD] = "HEAD",
    [SW_OPTIONS] = "OPTIONS",
    [SW_GROUP] = "GROUP",      /* a group's duration row, not a request */
};
#define NMETHODS (sizeof(method_names) / sizeof(method_names[0]))

const char *sw__method_name(sw_method_t m)
{
    if ((unsigned)m < NMETHODS)
        return method_names[m];
    return "?";
}

int sw__method_parse(const char *s, sw_method_t *m)
{
    for (size_t i = 0; s != NULL && i < NMETHODS; i++) {
        if (strcmp(method_names[i], s) == 0) {
            *m = (sw_method_t)i;
            return 0;
        }
    }
    return -1;
}
