/*
 * group.h - the groups a user is inside (`group "a" { ... }`), for request
 * names and group duration rows (internal; group.c).
 */
#ifndef SW_GROUP_H
#define SW_GROUP_H

/* The compiler allows no deeper nesting (CK_MAX_GROUP_DEPTH). */
#define SW_GROUP_MAX_DEPTH 16

struct sw__group_open {
    const char *path;           /* borrowed: a constant of the scenario */
    double start_ms;            /* monotonic */
};

struct sw__groups {
    struct sw__group_open open[SW_GROUP_MAX_DEPTH];
    int depth;                  /* open groups; may exceed the array only
                                   when generated code is not swarmc's */
};

/* A body starts (or was abandoned): no group is open. */
#define SW__GROUPS_RESET(g) ((g)->depth = 0)

/* The innermost open group's path, or NULL. */
const char *sw__group_path(const struct sw__groups *g);

#endif /* SW_GROUP_H */
