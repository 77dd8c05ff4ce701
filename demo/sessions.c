/*
 * sessions.c - sessions (cookie "session") and bearer tokens made by /login.
 *
 * One entry per login holds the user name, its session id and its token, and
 * sits in two hash chains: one keyed by session id, one by token.  Ids are
 * 128 random bits from getrandom(2), in hex.  The table is bounded
 * (MAX_SESSIONS) so a long load test cannot make the target grow without
 * limit: past it /login answers 503.  One mutex guards everything; a login
 * or a lookup holds it for a hash and a short chain walk.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "demo.h"

#define NBUCKETS (1u << 16)
#define MAX_SESSIONS 500000
#define USER_MAX 64

struct entry {
    char session[33];
    char token[33];
    char user[USER_MAX];
    struct entry *next_by_session;
    struct entry *next_by_token;
};

static struct entry *by_session[NBUCKETS];
static struct entry *by_token[NBUCKETS];
static size_t nsessions;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* FNV-1a: the ids are random already, this only spreads them. */
static uint32_t
bucket(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h & (NBUCKETS - 1);
}

static int
random_hex(char out[33])
{
    unsigned char raw[16];
    size_t got = 0;
    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof(raw); i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[32] = '\0';
    return 0;
}

int
demo_session_new(const char *user, char session[33], char token[33])
{
    struct entry *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return -1;
    if (random_hex(e->session) < 0 || random_hex(e->token) < 0) {
        free(e);
        return -1;
    }
    snprintf(e->user, sizeof(e->user), "%s", user);
    pthread_mutex_lock(&lock);
    if (nsessions >= MAX_SESSIONS) {
        pthread_mutex_unlock(&lock);
        free(e);
        return -1;
    }
    uint32_t bs = bucket(e->session), bt = bucket(e->token);
    e->next_by_session = by_session[bs];
    by_session[bs] = e;
    e->next_by_token = by_token[bt];
    by_token[bt] = e;
    nsessions++;
    pthread_mutex_unlock(&lock);
    memcpy(session, e->session, 33);
    memcpy(token, e->token, 33);
    return 0;
}

static int
lookup(const char *key, int want_token, char *user, size_t cap)
{
    if (key == NULL || strlen(key) != 32 || cap == 0)
        return -1;
    int found = -1;
    pthread_mutex_lock(&lock);
    if (want_token) {
        for (struct entry *e = by_token[bucket(key)]; e; e = e->next_by_token)
            if (strcmp(e->token, key) == 0) {
                snprintf(user, cap, "%s", e->user);
                found = 0;
                break;
            }
    } else {
        for (struct entry *e = by_session[bucket(key)]; e;
             e = e->next_by_session)
            if (strcmp(e->session, key) == 0) {
                snprintf(user, cap, "%s", e->user);
                found = 0;
                break;
            }
    }
    pthread_mutex_unlock(&lock);
    return found;
}

int
demo_session_user(const char *session, char *user, size_t cap)
{
    return lookup(session, 0, user, cap);
}

int
demo_token_user(const char *token, char *user, size_t cap)
{
    return lookup(token, 1, user, cap);
}

void
demo_sessions_free(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < NBUCKETS; i++) {
        struct entry *e = by_session[i];
        while (e) {
            struct entry *next = e->next_by_session;
            free(e);
            e = next;
        }
        by_session[i] = NULL;
        by_token[i] = NULL;
    }
    nsessions = 0;
    pthread_mutex_unlock(&lock);
}
