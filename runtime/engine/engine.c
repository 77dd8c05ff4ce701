/*
 * engine.c - the table of HTTP engines compiled in (see engine.h).
 */
#include <stddef.h>
#include "engine.h"

const struct sw__engine_ops *sw__engine_ops(enum sw__engine_kind k)
{
    switch (k) {
    case SW__ENGINE_GENERAL:
        return &sw__engine_general;
    case SW__ENGINE_NATIVE:
        return &sw__engine_native;
    case SW__ENGINE_KINDS:
        break;
    }
    return NULL;
}

int sw__engines_process_init(void)
{
    for (int k = 0; k < SW__ENGINE_KINDS; k++) {
        const struct sw__engine_ops *ops = sw__engine_ops(k);
        if (ops && ops->process_init && ops->process_init() != 0) {
            while (--k >= 0) {
                ops = sw__engine_ops(k);
                if (ops && ops->process_cleanup)
                    ops->process_cleanup();
            }
            return -1;
        }
    }
    return 0;
}

void sw__engines_process_cleanup(void)
{
    for (int k = SW__ENGINE_KINDS - 1; k >= 0; k--) {
        const struct sw__engine_ops *ops = sw__engine_ops(k);
        if (ops && ops->process_cleanup)
            ops->process_cleanup();
    }
}
