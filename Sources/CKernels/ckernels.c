// ckernels.c — exp and erf as straight-line float code that clang vectorizes (and AdamW's update): exp is Cephes' expf
// (round-to-nearest range reduction by ln 2 in two parts, degree-5 polynomial, 2^n from the exponent
// bits; relative error about 1e-7), erf is Abramowitz & Stegun 7.1.26 on it (absolute error below
// 1.5e-7). Also the few-row products of decoding (fp32 and fp16 weights). Each loop is cloned for
// AVX2 and chosen at load time, so the build stays portable.
#include "ckernels.h"
#include <stdint.h>
#include <string.h>
#include <immintrin.h>

#define CLONES __attribute__((target_clones("avx2", "default")))
// The arguments of one pass of the few-row products (below): rows of A, B as T, C, sizes, columns, α, β.
#define FEW_ROWS_ARGS(T) const float *a, const T *b, float *c, long k, long ldc, long j0, long j1, float alpha, float beta
// Every loop is elementwise, so in-place calls (y == x) are safe: tell the vectorizer not to fall
// back to scalar code when the buffers overlap.
#define ELEMENTWISE _Pragma("clang loop vectorize(assume_safety)")

static inline float exp_approx(float v) {
    float x = v < -87.33654f ? -87.33654f : (v > 88.72283f ? 88.72283f : v);
    // Round x/ln2 to the nearest integer with the 1.5·2^23 trick: its low mantissa bits hold n.
    float t = x * 1.44269504088896341f + 12582912.0f;
    float n = t - 12582912.0f;
    int32_t bits;
    memcpy(&bits, &t, sizeof bits);
    int32_t e = (bits - 0x4B400000 + 127) << 23;
    float scale;
    memcpy(&scale, &e, sizeof scale);
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = (p * (r * r) + r + 1.0f) * scale;
    return v < -87.33654f ? 0.0f : y;
}

static inline float erf_approx(float v) {
    float a = v < 0 ? -v : v;
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    float e = 1.0f - p * t * exp_approx(-a * a);
    return v < 0 ? -e : e;
}

CLONES float ck_exp_shifted(const float *x, float shift, float *y, long n) {
    // Only the sum may be reassociated (so it vectorizes); exp_approx's rounding trick must not be.
#pragma clang fp reassociate(on)
    float total = 0;
    if (y) {
        ELEMENTWISE for (long i = 0; i < n; i++) { float e = exp_approx(x[i] - shift); y[i] = e; total += e; }
    } else {
        for (long i = 0; i < n; i++) total += exp_approx(x[i] - shift);
    }
    return total;
}

CLONES float ck_max(const float *x, long n) {
    // Sixteen running maxima (a lane-wise max the vectorizer turns into maxps), then theirs.
    float lanes[16];
    for (int l = 0; l < 16; l++) lanes[l] = -__builtin_inff();
    long i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] = x[i + l] > lanes[l] ? x[i + l] : lanes[l];
    float m = -__builtin_inff();
    for (int l = 0; l < 16; l++) m = lanes[l] > m ? lanes[l] : m;
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

// A few rows of A against the rows j0..<j1 of B (C = α·A·Bᵀ + β·C), for decoding a small batch.
// Every row of A meets one B row in the same pass, so B is read from memory once, and each row's
// 16 float lanes are its own dependency chain (the rows keep the FMA units busy between them).
// Each dot product sums its lanes, then the tail, in a fixed order that does not depend on how
// many rows share the pass, so a row's result is the same bits in a batch of any size.
// At most FEW_ROWS_PASS rows share a pass; more take several.
#define FEW_ROWS_PASS 4

// The lanes of one dot product, then the tail, then α and β, in that fixed order.
#define FEW_ROWS_FINISH(LANES, AI, BJ, P, K, OUT, CONVERT)                                       \
    do {                                                                                          \
        float dot = 0;                                                                            \
        for (int l = 0; l < 16; l++) dot += (LANES)[l];                                           \
        for (long q = (P); q < (K); q++) dot += (AI)[q] * CONVERT((BJ)[q]);                       \
        *(OUT) = beta == 0 ? alpha * dot : alpha * dot + beta * *(OUT);                           \
    } while (0)

#define AS_FLOAT(x) ((float)(x))

#define FEW_ROWS_F32_PASS(M)                                                                      \
    for (long j = j0; j < j1; j++) {                                                              \
        const float *bj = b + j * k;                                                              \
        float lanes[M][16] = {{0}};                                                               \
        long p = 0;                                                                               \
        for (; p + 16 <= k; p += 16)                                                              \
            for (int i = 0; i < M; i++)                                                           \
                for (int l = 0; l < 16; l++) lanes[i][l] += a[i * k + p + l] * bj[p + l];         \
        for (int i = 0; i < M; i++) FEW_ROWS_FINISH(lanes[i], a + i * k, bj, p, k, c + i * ldc + j, AS_FLOAT); \
    }

CLONES static void few_rows_f32_1(FEW_ROWS_ARGS(float)) { FEW_ROWS_F32_PASS(1) }
CLONES static void few_rows_f32_2(FEW_ROWS_ARGS(float)) { FEW_ROWS_F32_PASS(2) }
CLONES static void few_rows_f32_3(FEW_ROWS_ARGS(float)) { FEW_ROWS_F32_PASS(3) }
CLONES static void few_rows_f32_4(FEW_ROWS_ARGS(float)) { FEW_ROWS_F32_PASS(4) }

// The m rows of A in passes of at most FEW_ROWS_PASS, each through PASSES[rows − 1].
#define FEW_ROWS_IN_PASSES(PASSES)                                                                \
    for (long i = 0; i < m; i += FEW_ROWS_PASS) {                                                 \
        long rows = m - i < FEW_ROWS_PASS ? m - i : FEW_ROWS_PASS;                                \
        (PASSES)[rows - 1](a + i * k, b, c + i * ldc, k, ldc, j0, j1, alpha, beta);               \
    }

void ck_gemm_few_rows_bt(const float *a, const float *b, float *c, long m, long k, long ldc, long j0, long j1,
                         float alpha, float beta) {
    static void (*const passes[])(FEW_ROWS_ARGS(float)) = {few_rows_f32_1, few_rows_f32_2, few_rows_f32_3, few_rows_f32_4};
    FEW_ROWS_IN_PASSES(passes)
}

// The fp16 kernel: with F16C, one vcvtph2ps per eight weights, shared by every row of the pass (the
// sum is the same as the portable body's, lane by lane), chosen at run time; and a portable body
// whose conversions the compiler does in software.
#define FEW_ROWS_F16C_PASS(M)                                                                     \
    for (long j = j0; j < j1; j++) {                                                              \
        const _Float16 *bj = (const _Float16 *)b + j * k;                                         \
        __m256 acc[M][2];                                                                         \
        for (int i = 0; i < M; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();                  \
        long p = 0;                                                                               \
        for (; p + 16 <= k; p += 16) {                                                            \
            __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(bj + p)));             \
            __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(bj + p + 8)));         \
            for (int i = 0; i < M; i++) {                                                         \
                acc[i][0] = _mm256_fmadd_ps(_mm256_loadu_ps(a + i * k + p), w0, acc[i][0]);      \
                acc[i][1] = _mm256_fmadd_ps(_mm256_loadu_ps(a + i * k + p + 8), w1, acc[i][1]);  \
            }                                                                                     \
        }                                                                                         \
        for (int i = 0; i < M; i++) {                                                             \
            float lanes[16];                                                                      \
            _mm256_storeu_ps(lanes, acc[i][0]);                                                   \
            _mm256_storeu_ps(lanes + 8, acc[i][1]);                                               \
            FEW_ROWS_FINISH(lanes, a + i * k, bj, p, k, c + i * ldc + j, AS_FLOAT);               \
        }                                                                                         \
    }

#define F16C __attribute__((target("avx2,fma,f16c")))
F16C static void few_rows_f16c_1(FEW_ROWS_ARGS(uint16_t)) { FEW_ROWS_F16C_PASS(1) }
F16C static void few_rows_f16c_2(FEW_ROWS_ARGS(uint16_t)) { FEW_ROWS_F16C_PASS(2) }
F16C static void few_rows_f16c_3(FEW_ROWS_ARGS(uint16_t)) { FEW_ROWS_F16C_PASS(3) }
F16C static void few_rows_f16c_4(FEW_ROWS_ARGS(uint16_t)) { FEW_ROWS_F16C_PASS(4) }

static void few_rows_f16_portable(const float *a, const uint16_t *b, float *c, long m, long k, long ldc, long j0, long j1, float alpha, float beta) {
    const _Float16 *h = (const _Float16 *)b;
    for (long j = j0; j < j1; j++) {
        const _Float16 *bj = h + j * k;
        for (long i = 0; i < m; i++) {
            const float *ai = a + i * k;
            float lanes[16] = {0};
            long p = 0;
            for (; p + 16 <= k; p += 16)
                for (int l = 0; l < 16; l++) lanes[l] += ai[p + l] * (float)bj[p + l];
            FEW_ROWS_FINISH(lanes, ai, bj, p, k, c + i * ldc + j, AS_FLOAT);
        }
    }
}

void ck_gemm_few_rows_bt_f16(const float *a, const uint16_t *b, float *c, long m, long k, long ldc, long j0, long j1, float alpha, float beta) {
    static int f16c = -1;
    if (f16c < 0) f16c = __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (!f16c) {
        few_rows_f16_portable(a, b, c, m, k, ldc, j0, j1, alpha, beta);
        return;
    }
    static void (*const passes[])(FEW_ROWS_ARGS(uint16_t)) = {few_rows_f16c_1, few_rows_f16c_2, few_rows_f16c_3, few_rows_f16c_4};
    FEW_ROWS_IN_PASSES(passes)
}

void ck_f32_to_f16(const float *x, uint16_t *y, long n) {
    _Float16 *h = (_Float16 *)y;
    for (long i = 0; i < n; i++) h[i] = (_Float16)x[i];
}

CLONES double ck_sum_squares(const float *x, long n) {
    // Float sums over blocks of 1024 in sixteen lanes (vectorized), blocks added in double.
    double total = 0;
    long i = 0;
    for (; i + 1024 <= n; i += 1024) {
        float lanes[16] = {0};
        for (long j = 0; j < 1024; j += 16)
            for (int l = 0; l < 16; l++) lanes[l] += x[i + j + l] * x[i + j + l];
        for (int l = 0; l < 16; l++) total += lanes[l];
    }
    for (; i < n; i++) total += (double)x[i] * x[i];
    return total;
}

CLONES void ck_gelu(const float *u, float *y, long n) {
    ELEMENTWISE for (long i = 0; i < n; i++) y[i] = 0.5f * u[i] * (1.0f + erf_approx(u[i] * 0.70710678118654752f));
}

CLONES void ck_gelu_backward(const float *u, const float *g, float *d, long n) {
    ELEMENTWISE for (long i = 0; i < n; i++) {
        float x = u[i];
        d[i] = g[i] * (0.5f * (1.0f + erf_approx(x * 0.70710678118654752f)) + x * 0.39894228040143268f * exp_approx(-0.5f * x * x));
    }
}

/// SplitMix64's output for state `z` (its mixing function).
static inline uint64_t splitmix64_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

CLONES void ck_dropout(const float *x, float *y, float *mask, long n, long j0, long j1, uint64_t seed, float p, float keep) {
    long pairs = n / 2 < j1 ? n / 2 : j1;   // whole pairs; an odd last element is done after the loop
    ELEMENTWISE for (long j = j0; j < pairs; j++) {
        uint64_t z = splitmix64_mix(seed + (uint64_t)(j + 1) * 0x9E3779B97F4A7C15ull);
        float m0 = (float)(z >> 40) * 0x1p-24f < p ? 0.0f : keep;
        float m1 = (float)((z >> 16) & 0xFFFFFF) * 0x1p-24f < p ? 0.0f : keep;
        mask[2 * j] = m0;
        mask[2 * j + 1] = m1;
        y[2 * j] = x[2 * j] * m0;
        y[2 * j + 1] = x[2 * j + 1] * m1;
    }
    if (pairs < j1) {   // pair n/2 holds only element n − 1
        uint64_t z = splitmix64_mix(seed + (uint64_t)(pairs + 1) * 0x9E3779B97F4A7C15ull);
        mask[n - 1] = (float)(z >> 40) * 0x1p-24f < p ? 0.0f : keep;
        y[n - 1] = x[n - 1] * mask[n - 1];
    }
}

CLONES void ck_adamw(float *p, float *g, float *m, float *v, long n,
                     float decay, float w1, float b2, float w2, float step, float correction2, float eps) {
    // The operations in PyTorch's order (nothing is reassociated), so a trajectory matches torch's.
    ELEMENTWISE for (long i = 0; i < n; i++) {
        float pi = decay == 1.0f ? p[i] : p[i] * decay;
        float mi = m[i] + w1 * (g[i] - m[i]);
        float vi = v[i] * b2 + w2 * g[i] * g[i];
        m[i] = mi;
        v[i] = vi;
        p[i] = pi + -step * mi / (__builtin_sqrtf(vi) / correction2 + eps);
        g[i] = 0;
    }
}
