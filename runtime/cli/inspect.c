/*
 * inspect.c - --list and --show-task-ratio(-json) (inspect.h).
 *
 * The ratios are computed as Locust's locust/user/inspectuser.py does, in
 * the same order of floating-point operations, so that the printed
 * figures are Locust's to the last digit: a task's ratio is
 * weight * parent / (sum of the set's weights), the parent being 1 per
 * class and the class's share of the users in total; a set run as a task
 * appears under its set's name (Locust: the TaskSet class's name), and
 * entries of one set with the same name are one entry.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "inspect.h"

/* ---- --list ----------------------------------------------------------- */

static void list_set(FILE *out, const sw_set_t *set, int depth)
{
    if (depth > 64)
        return;
    for (int i = 0; i < set->ntasks; i++) {
        const sw_task_t *t = &set->tasks[i];
        fprintf(out, "%*s%s", 4 * (depth + 2), "", t->name);
        if (t->set)
            fprintf(out, ": %s %s", t->set->kind == SW_SET_SEQ ? "seq"
                                                             : "taskset",
                    t->set->name);
        fprintf(out, " (weight %d", t->weight);
        for (int j = 0; t->tags && t->tags[j]; j++)
            fprintf(out, "%s%s", j ? ", " : "; tags ", t->tags[j]);
        fprintf(out, ")\n");
        if (t->set)
            list_set(out, t->set, depth + 1);
    }
}

void sw__inspect_list(FILE *out, const sw_scenario_t *sc)
{
    fprintf(out, "Available Users:\n");
    for (int i = 0; i < sc->nusers; i++) {
        fprintf(out, "    %s\n", sc->users[i].name);
        list_set(out, &sc->users[i].root, 0);
    }
}

/* ---- ratios ----------------------------------------------------------- */

struct node {
    const char *name;
    double ratio;
    const struct sw__rset *child;   /* a set's tasks, or NULL */
};

/* The entries of rs in Locust's order (first occurrence), merged by
 * name.  *n set; NULL when out of memory (or an empty set: *n = 0). */
static struct node *nodes(const struct sw__rset *rs, int total,
                          double parent, int *n)
{
    struct node *v = calloc((size_t)rs->npick + 1, sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    double p = total ? parent : 1.0;
    for (int j = 0; j < rs->npick; j++) {
        const struct sw__rtask *rt = &rs->all[rs->pick[j]];
        const char *name = rt->def->set ? rt->def->set->name : rt->def->name;
        int k = 0;
        while (k < *n && strcmp(v[k].name, name))
            k++;
        if (k == *n) {
            v[k].name = name;
            v[k].child = rt->child;
            (*n)++;
        }
        /* Locust: count of the task in the list * parent / len(tasks) */
        v[k].ratio += rs->weights[j];
    }
    for (int k = 0; k < *n; k++)
        v[k].ratio = v[k].ratio * p / (double)rs->total_weight;
    return v;
}

static int print_tree(FILE *out, const struct sw__rset *rs, int total,
                      double parent, int level)
{
    int n;
    struct node *v = nodes(rs, total, parent, &n);
    if (!v)
        return -1;
    int rc = 0;
    for (int k = 0; k < n && rc == 0; k++) {
        char pct[64], pad[160], a[240], b[512];
        int w = 2 * level < 150 ? 2 * level : 150;
        memset(pad, ' ', (size_t)w);
        pad[w] = '\0';
        snprintf(pct, sizeof pct, "%-6.1f", v[k].ratio * 100);
        snprintf(a, sizeof a, "%s%s", pad, pct);
        snprintf(b, sizeof b, "%s%s", pad, v[k].name);
        fprintf(out, " %-10s %-50s\n", a, b);
        if (v[k].child)
            rc = print_tree(out, v[k].child, total, v[k].ratio, level + 1);
    }
    free(v);
    return rc;
}

/* Python's repr of a float: the shortest form that reads back the same,
 * with ".0" on integral values. */
static void py_float(FILE *out, double x)
{
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    if (!strpbrk(buf, ".eni"))
        strcat(buf, ".0");
    fputs(buf, out);
}

static int json_tree(FILE *out, const struct sw__rset *rs, int total,
                     double parent, int indent)
{
    int n;
    struct node *v = nodes(rs, total, parent, &n);
    if (!v)
        return -1;
    if (n == 0) {
        fputs("{}", out);
        free(v);
        return 0;
    }
    int rc = 0;
    fputs("{\n", out);
    for (int k = 0; k < n && rc == 0; k++) {
        fprintf(out, "%*s\"%s\": {\n%*s\"ratio\": ", indent + 4, "",
                v[k].name, indent + 8, "");
        py_float(out, v[k].ratio);
        if (v[k].child) {
            fprintf(out, ",\n%*s\"tasks\": ", indent + 8, "");
            rc = json_tree(out, v[k].child, total, v[k].ratio, indent + 8);
        }
        fprintf(out, "\n%*s}%s\n", indent + 4, "", k + 1 < n ? "," : "");
    }
    fprintf(out, "%*s}", indent, "");
    free(v);
    return rc;
}

/* Locust's _calc_distribution: users per class, rounded half to even
 * as Python's round(). */
static void distribution(const sw_scenario_t *sc, const unsigned char *skip,
                         int64_t num_users, double *share)
{
    int64_t fixed = 0, total_weight = 0, sum = 0;
    for (int i = 0; i < sc->nusers; i++) {
        if (skip[i])
            continue;
        if (sc->users[i].fixed_count > 0)
            fixed += sc->users[i].fixed_count;
        else
            total_weight += sc->users[i].weight;
    }
    if (num_users <= 0)
        num_users = fixed ? 1 : total_weight;
    int64_t weighted = num_users - fixed > 0 ? num_users - fixed : 0;
    for (int i = 0; i < sc->nusers; i++) {
        double c;
        if (skip[i])
            continue;
        if (sc->users[i].fixed_count > 0)
            c = sc->users[i].fixed_count;
        else
            c = (double)sc->users[i].weight / (double)total_weight *
                (double)weighted;
        share[i] = nearbyint(c);        /* ties to even */
        sum += (int64_t)share[i];
    }
    if (sum == 0)
        sum = 1;
    for (int i = 0; i < sc->nusers; i++)
        share[i] = skip[i] ? 0 : share[i] / (double)sum;
}

static int print_classes(FILE *out, const sw_scenario_t *sc,
                         struct sw__rset *const *roots,
                         const unsigned char *skip, const double *share,
                         int total, int json)
{
    int first = 1, rc = 0;
    if (json)
        fputs("{\n", out);
    for (int i = 0; i < sc->nusers && rc == 0; i++) {
        if (skip[i])
            continue;
        if (json) {
            fprintf(out, "%s        \"%s\": {\n            \"ratio\": ",
                    first ? "" : ",\n", sc->users[i].name);
            py_float(out, share[i]);
            fputs(",\n            \"tasks\": ", out);
            rc = json_tree(out, roots[i], total, share[i], 12);
            fputs("\n        }", out);
        } else {
            char pct[64];
            snprintf(pct, sizeof pct, "%-6.1f", share[i] * 100);
            fprintf(out, " %-10s %-50s\n", pct, sc->users[i].name);
            rc = print_tree(out, roots[i], total, share[i], 1);
        }
        first = 0;
    }
    if (json)
        fputs(first ? "}" : "\n    }", out);
    return rc;
}

int sw__inspect_ratio(FILE *out, const sw_scenario_t *sc,
                      struct sw__rset *const *roots,
                      const unsigned char *skip, int64_t num_users,
                      int json)
{
    double *share = calloc((size_t)sc->nusers + 1, sizeof *share);
    int rc;
    if (!share)
        return -1;
    distribution(sc, skip, num_users, share);
    if (json) {
        fputs("{\n    \"per_class\": ", out);
        rc = print_classes(out, sc, roots, skip, share, 0, 1);
        fputs(",\n    \"total\": ", out);
        if (rc == 0)
            rc = print_classes(out, sc, roots, skip, share, 1, 1);
        fputs("\n}\n", out);
    } else {
        fprintf(out, "\n Task ratio per User class\n%.80s\n",
                "----------------------------------------"
                "----------------------------------------");
        rc = print_classes(out, sc, roots, skip, share, 0, 0);
        fprintf(out, "\n Total task ratio\n%.80s\n",
                "----------------------------------------"
                "----------------------------------------");
        if (rc == 0)
            rc = print_classes(out, sc, roots, skip, share, 1, 0);
    }
    free(share);
    return rc;
}
