/*
 * symtab.c - open addressing with linear probing (see symtab.h).
 */
#include "symtab.h"
#include "arena.h"

#include <stdint.h>
#include <string.h>

/* FNV-1a over the scope and the name. */
static uint32_t hash(int scope, const char *name)
{
    uint32_t h = 2166136261u ^ (uint32_t)scope;
    h *= 16777619u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

static struct symtab_slot *find(const struct symtab *t, int scope,
                                const char *name)
{
    uint32_t mask = (uint32_t)t->cap - 1;
    for (uint32_t i = hash(scope, name) & mask;; i = (i + 1) & mask) {
        struct symtab_slot *s = &t->slots[i];
        if (s->name == NULL
            || (s->scope == scope && strcmp(s->name, name) == 0))
            return s;
    }
}

int symtab_get(const struct symtab *t, int scope, const char *name)
{
    if (t->cap == 0)
        return -1;
    const struct symtab_slot *s = find(t, scope, name);
    return s->name != NULL ? s->value : -1;
}

void symtab_put(struct symtab *t, struct arena *a, int scope,
                const char *name, int value)
{
    /* At most half full, so probes stay short and always end. */
    if (2 * (t->n + 1) > t->cap) {
        struct symtab old = *t;
        t->cap = old.cap ? old.cap * 2 : 64;
        t->slots = arena_alloc(a, sizeof(struct symtab_slot)
                               * (size_t)t->cap);
        t->n = 0;
        for (int i = 0; i < old.cap; i++)
            if (old.slots[i].name != NULL)
                *find(t, old.slots[i].scope, old.slots[i].name)
                    = old.slots[i], t->n++;
    }
    struct symtab_slot *s = find(t, scope, name);
    if (s->name == NULL)
        t->n++;
    s->name = name;
    s->scope = scope;
    s->value = value;
}
