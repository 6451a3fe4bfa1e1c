/*
 * rng.h: deterministic random streams. One seed and a stream id give an independent
 * sequence (xoshiro256** seeded through splitmix64), so each entity draws from its own
 * stream and adding one entity changes nobody else's draws.
 */
#ifndef VS_RNG_H
#define VS_RNG_H

#include <stdint.h>

typedef struct vs_rng {
    uint64_t s[4];
} vs_rng;

void vs_rng_init(vs_rng *rng, uint64_t seed, uint64_t stream);
uint64_t vs_rng_next(vs_rng *rng);
double vs_rng_uniform01(vs_rng *rng);           /* [0, 1) with 53 bits */
uint64_t vs_rng_below(vs_rng *rng, uint64_t n); /* uniform in [0, n), unbiased; n > 0 */
double vs_rng_exponential(vs_rng *rng, double mean);
double vs_rng_normal(vs_rng *rng); /* standard normal */

/* Stream ids for structured entities: mix a kind tag and up to two indices. */
uint64_t vs_rng_stream_id(uint32_t kind, uint64_t a, uint64_t b);

#endif /* VS_RNG_H */
