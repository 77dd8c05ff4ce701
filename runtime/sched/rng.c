/*
 * rng.c - xoshiro256** (Blackman and Vigna), seeded through splitmix64.
 * Fast, small state (32 bytes per user) and good enough statistically for
 * weighted choices and wait times; not for cryptography.
 */
#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void sw__rng_seed(uint64_t s[4], uint64_t seed, int64_t id)
{
    /* Mix the id in before expanding so users 1 and 2 get unrelated
     * streams, not shifted copies of one stream. */
    uint64_t x = seed ^ ((uint64_t)id * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        s[i] = splitmix64(&x);
    if (!(s[0] | s[1] | s[2] | s[3]))
        s[0] = 1;               /* the all-zero state is a fixed point */
}

uint64_t sw__rng_next(uint64_t s[4])
{
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t sw__rng_below(uint64_t s[4], uint64_t n)
{
    if (n == 0)
        return 0;
    /* Lemire's multiply-shift with rejection: exact and usually one step. */
    uint64_t x = sw__rng_next(s);
    __uint128_t m = (__uint128_t)x * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            x = sw__rng_next(s);
            m = (__uint128_t)x * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double sw__rng_double(uint64_t s[4])
{
    return (double)(sw__rng_next(s) >> 11) * 0x1.0p-53;
}
