/*
 * method.h - the HTTP method names of sw_method_t (swarm.h), shared by the
 * request code, the statistics and reports, and `merge` (internal).
 */
#ifndef SW_UTIL_METHOD_H
#define SW_UTIL_METHOD_H

#include "swarm.h"

/* "GET", "POST", ... (static); "?" for a value outside sw_method_t. */
const char *sw__method_name(sw_method_t m);
/* The method named s exactly ("GET", upper case): 0 with *m set, or -1. */
int sw__method_parse(const char *s, sw_method_t *m);

#endif /* SW_UTIL_METHOD_H */
