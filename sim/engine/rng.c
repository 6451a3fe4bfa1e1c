/*
 * rng.c: deterministic random streams: xoshiro256** seeded through splitmix64 from a
 * (seed, stream) pair, plus the few derived draws the simulator needs.
 */
#include "rng.h"

#include <math.h>

#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL
#define TWO_PI 6.283185307179586476925286766559 /* M_PI is not in strict C17 */

/* The splitmix64 finaliser: a bijection on 64 bits with full avalanche, so nearby
 * inputs (stream 0, 1, 2...) give unrelated outputs. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t splitmix64_next(uint64_t *x)
{
    *x += GOLDEN_GAMMA;
    return mix64(*x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void vs_rng_init(vs_rng *rng, uint64_t seed, uint64_t stream)
{
    /* Hash the stream before combining: with seed + stream, streams k apart would
     * walk the same splitmix sequence shifted by k and share state words. */
    uint64_t x = seed ^ mix64(stream + 0x3c6ef372fe94f82aULL);

    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64_next(&x);
    /* An all-zero state is xoshiro's one fixed point; splitmix cannot really produce
     * it, but one branch makes that certain. */
    if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
        rng->s[0] = GOLDEN_GAMMA;
}

uint64_t vs_rng_next(vs_rng *rng)
{
    uint64_t *s = rng->s;
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

double vs_rng_uniform01(vs_rng *rng)
{
    /* The top 53 bits are the best ones of xoshiro256** and fill a double's
     * mantissa exactly. */
    return (double)(vs_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint64_t vs_rng_below(vs_rng *rng, uint64_t n)
{
    /* Lemire's multiply-shift: one multiplication in the common case, and the
     * rejection zone (2^64 mod n) removes the bias exactly. */
    __extension__ typedef unsigned __int128 u128;
    u128 m = (u128)vs_rng_next(rng) * n;
    uint64_t low = (uint64_t)m;

    if (low < n) {
        uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = (u128)vs_rng_next(rng) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double vs_rng_exponential(vs_rng *rng, double mean)
{
    /* 1 - u lies in (0, 1], so the log is finite. */
    return -mean * log(1.0 - vs_rng_uniform01(rng));
}

double vs_rng_normal(vs_rng *rng)
{
    /* Box-Muller, keeping one of the pair: the state stays four words and every
     * draw costs the same two numbers, which keeps streams easy to reason about. */
    double u1 = 1.0 - vs_rng_uniform01(rng); /* (0, 1] */
    double u2 = vs_rng_uniform01(rng);

    return sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2);
}

uint64_t vs_rng_stream_id(uint32_t kind, uint64_t a, uint64_t b)
{
    /* Chained mixing rather than xor of the parts, so (kind, a, b) and (kind, b, a)
     * or (kind, a + 1, b - 1) land far apart. */
    uint64_t h = mix64(kind + GOLDEN_GAMMA);

    h = mix64(h ^ (a + 0x6a09e667f3bcc909ULL));
    h = mix64(h ^ (b + 0xbb67ae8584caa73bULL));
    return h;
}
