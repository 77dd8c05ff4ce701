/*
 * form.c - form bodies and the start form's values (form.h).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "form.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

long sw__web_urldecode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = 0;
    return (long)o;
}

/* The value as it may appear in a message: at most 40 printable bytes. */
static void shown(char *dst, size_t n, const char *v)
{
    size_t o = 0, i = 0;
    for (; v[i] && o + 4 < n && i < 40; i++)
        dst[o++] = isprint((unsigned char)v[i]) ? v[i] : '?';
    if (v[i] && o + 4 < n) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = 0;
}

static int parse_count(const char *v, int64_t *out)
{
    char *end;
    if (!*v || !isdigit((unsigned char)*v))
        return -1;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || *end)
        return -1;
    *out = x;
    return 0;
}

static int field(struct sw__web_form *f, const char *k, const char *v,
                 int64_t max_users, char *why, size_t nwhy)
{
    char sv[64];
    shown(sv, sizeof sv, v);
    if (!strcmp(k, "user_count")) {
        int64_t n;
        if (!*v)
            return 0;
        if (parse_count(v, &n) || n < 1) {
            snprintf(why, nwhy, "user_count: expected a positive integer, "
                     "got '%s'", sv);
            return -1;
        }
        if (n > max_users) {
            snprintf(why, nwhy, "user_count: at most %lld users in this "
                     "process (--max-users, or the open-file limit), got "
                     "'%s'", (long long)max_users, sv);
            return -1;
        }
        f->has_users = 1;
        f->users = n;
    } else if (!strcmp(k, "spawn_rate")) {
        char *end;
        if (!*v)
            return 0;
        errno = 0;
        double r = strtod(v, &end);
        if (isspace((unsigned char)*v) || errno || *end || !isfinite(r) ||
            !(r > 0) || r > 1e6) {
            snprintf(why, nwhy, "spawn_rate: expected a number > 0 (at most "
                     "1000000), got '%s'", sv);
            return -1;
        }
        f->has_rate = 1;
        f->rate = r;
    } else if (!strcmp(k, "host")) {
        if (!*v)
            return 0;
        int bad = strncmp(v, "http://", 7) && strncmp(v, "https://", 8);
        size_t skip = strncmp(v, "https://", 8) ? 7 : 8;
        bad |= strlen(v) <= skip || strlen(v) > 2048;
        for (const char *p = v; *p && !bad; p++)
            bad |= (unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
                   *p == '"' || *p == 0x7f;
        if (bad) {
            snprintf(why, nwhy, "host: expected an http:// or https:// URL, "
                     "got '%s'", sv);
            return -1;
        }
        char *h = strdup(v);
        if (!h) {
            snprintf(why, nwhy, "out of memory");
            return -1;
        }
        free(f->host);
        f->host = h;
    } else if (!strcmp(k, "run_time")) {
        int64_t ms;
        if (!*v)
            return 0;
        if (sw__parse_duration_ms(v, &ms) || ms <= 0) {
            snprintf(why, nwhy, "run_time: expected a duration like 20, 20s, "
                     "3m or 1h30m, got '%s'", sv);
            return -1;
        }
        f->has_run_time = 1;
        f->run_time_ms = ms;
    }
    return 0;
}

int sw__web_form_parse(const char *body, size_t len, int64_t max_users,
                       struct sw__web_form *f, char *why, size_t nwhy)
{
    memset(f, 0, sizeof *f);
    char *buf = malloc(len + 1);
    if (!buf) {
        snprintf(why, nwhy, "out of memory");
        return -1;
    }
    size_t i = 0;
    int rc = 0;
    while (i < len && rc == 0) {
        size_t j = i;
        while (j < len && body[j] != '&')
            j++;
        size_t eq = i;
        while (eq < j && body[eq] != '=')
            eq++;
        if (j > i) {
            /* key and value decoded into buf, one after the other */
            long kl = sw__web_urldecode(body + i, eq - i, buf);
            char key[32];
            if (kl < 0) {
                snprintf(why, nwhy, "malformed form body: a bad %%-escape "
                         "in a field name");
                rc = -1;
                break;
            }
            snprintf(key, sizeof key, "%s", buf);
            size_t vs = eq < j ? eq + 1 : j;
            if (sw__web_urldecode(body + vs, j - vs, buf) < 0) {
                snprintf(why, nwhy, "%s: a bad %%-escape or NUL byte in the "
                         "value", key);
                rc = -1;
                break;
            }
            if ((size_t)kl < sizeof key)
                rc = field(f, key, buf, max_users, why, nwhy);
        }
        i = j + 1;
    }
    free(buf);
    if (rc != 0)
        sw__web_form_free(f);
    return rc;
}

void sw__web_form_free(struct sw__web_form *f)
{
    free(f->host);
    f->host = NULL;
}
