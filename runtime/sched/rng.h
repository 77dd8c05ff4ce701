/*
 * rng.h - per-user pseudo-random numbers (xoshiro256**), internal.
 *
 * Every user owns its state (struct sw_user.rng); nothing here is shared,
 * so it is safe on any thread.  The same --seed and user id give the same
 * sequence, which makes task choices reproducible.
 */
#ifndef SW_RNG_H
#define SW_RNG_H

#include <stdint.h>

/* Seeds s[4] from a run seed and a user id (splitmix64 expansion). */
void sw__rng_seed(uint64_t s[4], uint64_t seed, int64_t id);
/* The next 64 random bits. */
uint64_t sw__rng_next(uint64_t s[4]);
/* Uniform in [0, n), without modulo bias; n == 0 gives 0. */
uint64_t sw__rng_below(uint64_t s[4], uint64_t n);
/* Uniform double in [0, 1) with 53 random bits. */
double sw__rng_double(uint64_t s[4]);

#endif /* SW_RNG_H */
