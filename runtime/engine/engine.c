/*
 * engine.c - the table of HTTP engines compiled in (see engine.h).
 */
#include <stddef.h>
#include "engine.h"

const struct sw__engine_ops *sw__engine_ops(enum sw__engine_kind k)
{
    switch (k) {
    case SW__ENGINE_CURL:
        return &sw__engine_curl;
    case SW__ENGINE_NATIVE:
        return &sw__engine_native;
    case SW__ENGINE_KINDS:
        break;
    }
    return NULL;
}
