/*
 * symtab.h - name -> index maps for the checker (hash tables).
 *
 * A name is looked up within a scope (an int: 0 for the whole file, or a
 * set's index for its tasks), so one table serves every set.  Keys are
 * borrowed (arena strings that outlive the table); the table itself lives
 * in the arena.  Lookups and inserts are O(1) on average, which keeps the
 * checker linear in the number of names.
 */
#ifndef SWC_SYMTAB_H
#define SWC_SYMTAB_H

struct arena;

struct symtab_slot {
    const char *name;           /* borrowed; NULL: empty */
    int scope;
    int value;
};

struct symtab {
    struct symtab_slot *slots;  /* arena */
    int cap;                    /* a power of two, or 0 */
    int n;
};

/* The value stored for (scope, name), or -1. */
int symtab_get(const struct symtab *t, int scope, const char *name);
/* Stores value for (scope, name), replacing an older one. */
void symtab_put(struct symtab *t, struct arena *a, int scope,
                const char *name, int value);

#endif
