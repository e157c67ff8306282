// ckernels.c — exp and erf as straight-line float code that clang vectorizes: exp is Cephes' expf
// (round-to-nearest range reduction by ln 2 in two parts, degree-5 polynomial, 2^n from the exponent
// bits; relative error about 1e-7), erf is Abramowitz & Stegun 7.1.26 on it (absolute error below
// 1.5e-7). The row loops built on them and on sums in fixed lanes (softmax, layer norm, bias+GELU,
// a bias's gradient), dropout and AdamW's update; the few-row products of decoding (fp32, fp16 and
// bf16 weights), a decoding step's attention, and the bf16 products of many rows on AVX512-BF16.
// Each loop is cloned for AVX-512 and AVX2 (or has a body for one) and is chosen at load time, so
// the build stays portable.
#include "ckernels.h"
#include <stdint.h>
#include <string.h>
#include <immintrin.h>

// Each loop is compiled three times, for AVX-512 (x86-64-v4, with FMA), AVX2 and the baseline, and the
// loader picks the best the CPU runs. Contraction into FMA can change the last bit of a result, so
// the AVX-512 clone's bits differ from the others'; kernels that must round as PyTorch does turn it off.
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
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

// Sums in sixteen lanes (one vector register with AVX-512, two with AVX2), lane l taking elements
// l, l + 16, …, then the lanes in order and the tail: a fixed order, whatever the clone.
static inline float lanes_total(const float lanes[16]) {
    float t = 0;
    for (int l = 0; l < 16; l++) t += lanes[l];
    return t;
}

CLONES float ck_sum(const float *x, long n) {
    float lanes[16] = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += x[i + l];
    float t = lanes_total(lanes);
    for (; i < n; i++) t += x[i];
    return t;
}

CLONES void ck_layer_norm_rows(const float *x, const float *w, const float *b, float *y, float *stats,
                               long c, long r0, long r1, float eps) {
    for (long r = r0; r < r1; r++) {
        const float *xr = x + r * c;
        float *yr = y + r * c;
        float mean = ck_sum(xr, c) / (float)c;
        float lanes[16] = {0};
        long j = 0;
        for (; j + 16 <= c; j += 16)
            for (int l = 0; l < 16; l++) { float d = xr[j + l] - mean; lanes[l] += d * d; }
        float sq = lanes_total(lanes);
        for (; j < c; j++) { float d = xr[j] - mean; sq += d * d; }
        float rstd = 1.0f / __builtin_sqrtf(sq / (float)c + eps);
        ELEMENTWISE for (long k = 0; k < c; k++) yr[k] = (xr[k] - mean) * rstd * w[k] + b[k];
        stats[2 * r] = mean;
        stats[2 * r + 1] = rstd;
    }
}

CLONES void ck_layer_norm_backward_rows(const float *x, const float *g, const float *w, const float *stats,
                                        float *dx, float *dw, float *db, long c, long r0, long r1) {
    for (long r = r0; r < r1; r++) {
        const float *xr = x + r * c, *gr = g + r * c;
        float mean = stats[2 * r], rstd = stats[2 * r + 1];
        float dnLanes[16] = {0}, dnnLanes[16] = {0};
        long j = 0;
        for (; j + 16 <= c; j += 16)
            for (int l = 0; l < 16; l++) {
                float nv = (xr[j + l] - mean) * rstd, dn = gr[j + l] * w[j + l];
                dnLanes[l] += dn;
                dnnLanes[l] += dn * nv;
                dw[j + l] += gr[j + l] * nv;
                db[j + l] += gr[j + l];
            }
        float meanDn = lanes_total(dnLanes), meanDnN = lanes_total(dnnLanes);
        for (; j < c; j++) {
            float nv = (xr[j] - mean) * rstd, dn = gr[j] * w[j];
            meanDn += dn;
            meanDnN += dn * nv;
            dw[j] += gr[j] * nv;
            db[j] += gr[j];
        }
        if (!dx) continue;
        meanDn /= (float)c;
        meanDnN /= (float)c;
        float *dr = dx + r * c;
        ELEMENTWISE for (long k = 0; k < c; k++) {
            float nv = (xr[k] - mean) * rstd;
            dr[k] = rstd * (gr[k] * w[k] - meanDn - nv * meanDnN);
        }
    }
}

CLONES void ck_softmax_backward_row(const float *g, const float *y, float *dx, long n, float scale) {
    float lanes[16] = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += g[i + l] * y[i + l];
    float dot = lanes_total(lanes);
    for (; i < n; i++) dot += g[i] * y[i];
    ELEMENTWISE for (long k = 0; k < n; k++) dx[k] = scale * y[k] * (g[k] - dot);
}

CLONES void ck_add_rows(const float *x, float *y, long rows, long ld, long j0, long j1) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * ld;
        ELEMENTWISE for (long j = j0; j < j1; j++) y[j] += xr[j];
    }
}

// Attention for one query row, every head in one pass over the keys and one over the values: each
// key (value) row is read once, front to back, for all heads, where a product per head reads its
// columns 2 KB apart at the 90M width, a pattern that runs far below the memory's speed when the
// keys come from memory, as they do in decoding (docs/performance.md, thirteenth round).
// Each score sums 16 lanes along the head's columns, then the lanes pairwise (8 + 8, 4 + 4, …), then
// the tail; each output sums the rows in order.
CLONES void ck_head_scores_row(const float *q, const float *keys, long ld, long s, long heads, long d, float *scores) {
    for (long j = 0; j < s; j++) {
        const float *kj = keys + j * ld;
        for (long h = 0; h < heads; h++) {
            const float *qh = q + h * d, *kh = kj + h * d;
            float lanes[16] = {0};
            long p = 0;
            for (; p + 16 <= d; p += 16)
                for (int l = 0; l < 16; l++) lanes[l] += qh[p + l] * kh[p + l];
            for (int width = 8; width >= 1; width /= 2)
                for (int l = 0; l < width; l++) lanes[l] += lanes[l + width];
            float dot = lanes[0];
            for (; p < d; p++) dot += qh[p] * kh[p];
            scores[h * s + j] = dot;
        }
    }
}

CLONES void ck_head_mix_row(const float *weights, const float *values, long ld, long s, long heads, long d, float *out) {
    long width = heads * d;
    for (long c = 0; c < width; c++) out[c] = 0;
    for (long j = 0; j < s; j++) {
        const float *vj = values + j * ld;
        for (long h = 0; h < heads; h++) {
            float w = weights[h * s + j];
            float *oh = out + h * d;
            const float *vh = vj + h * d;
            for (long c = 0; c < d; c++) oh[c] += w * vh[c];
        }
    }
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

// Eight weights at a time as fp32 in registers: fp32 loaded as they are, fp16 converted with F16C's
// vcvtph2ps, bf16 by a 16-bit shift; each conversion is shared by every row of the pass. One weight
// at a time as fp32, for the tails and the portable bodies.
static inline float bf16_to_float(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}
static inline float f16_to_float(uint16_t h) {
    _Float16 f;
    memcpy(&f, &h, sizeof f);
    return (float)f;
}
#define AS_FLOAT(x) ((float)(x))
#define F16_TO_FLOAT(h) f16_to_float(h)
#define BF16_TO_FLOAT(h) bf16_to_float(h)
#define LOAD8_F32(p) _mm256_loadu_ps(p)
#define LOAD8_F16(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))
#define LOAD8_BF16(p) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))), 16))

// One pass of M rows with AVX2 and FMA: each row's 16 lanes in two registers, chosen at run time.
#define FEW_ROWS_AVX2_PASS(M, LOAD8, CONVERT)                                                     \
    for (long j = j0; j < j1; j++) {                                                              \
        __typeof__(b) bj = b + j * k;                                                             \
        __m256 acc[M][2];                                                                         \
        for (int i = 0; i < M; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();                  \
        long p = 0;                                                                               \
        for (; p + 16 <= k; p += 16) {                                                            \
            __m256 w0 = LOAD8(bj + p);                                                            \
            __m256 w1 = LOAD8(bj + p + 8);                                                        \
            for (int i = 0; i < M; i++) {                                                         \
                acc[i][0] = _mm256_fmadd_ps(_mm256_loadu_ps(a + i * k + p), w0, acc[i][0]);      \
                acc[i][1] = _mm256_fmadd_ps(_mm256_loadu_ps(a + i * k + p + 8), w1, acc[i][1]);  \
            }                                                                                     \
        }                                                                                         \
        for (int i = 0; i < M; i++) {                                                             \
            float lanes[16];                                                                      \
            _mm256_storeu_ps(lanes, acc[i][0]);                                                   \
            _mm256_storeu_ps(lanes + 8, acc[i][1]);                                               \
            FEW_ROWS_FINISH(lanes, a + i * k, bj, p, k, c + i * ldc + j, CONVERT);                \
        }                                                                                         \
    }

// The same order of sums, lane by lane, without AVX2 (the products and sums rounded separately).
#define FEW_ROWS_PORTABLE(CONVERT)                                                                \
    for (long j = j0; j < j1; j++) {                                                              \
        __typeof__(b) bj = b + j * k;                                                             \
        for (long i = 0; i < m; i++) {                                                            \
            const float *ai = a + i * k;                                                          \
            float lanes[16] = {0};                                                                \
            long p = 0;                                                                           \
            for (; p + 16 <= k; p += 16)                                                          \
                for (int l = 0; l < 16; l++) lanes[l] += ai[p + l] * CONVERT(bj[p + l]);          \
            FEW_ROWS_FINISH(lanes, ai, bj, p, k, c + i * ldc + j, CONVERT);                       \
        }                                                                                         \
    }

// The same pass with AVX-512, for 16-bit weights: each row's 16 lanes in one register (the AVX2
// pass's two halves, so the same bits), sixteen weights converted at a time. On the AVX-512 EPYC of
// the twelfth round it streamed fp16 weights from memory at 46 GB/s on two threads against 41, and
// decoded 1–4% faster; fp32 weights streamed no faster with it and decoded 2–7% slower, so they keep
// the AVX2 pass.
#define LOAD16_F16(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p)))
#define LOAD16_BF16(p) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p))), 16))
#define FEW_ROWS_AVX512_PASS(M, LOAD16, CONVERT)                                                  \
    for (long j = j0; j < j1; j++) {                                                              \
        __typeof__(b) bj = b + j * k;                                                             \
        __m512 acc[M];                                                                            \
        for (int i = 0; i < M; i++) acc[i] = _mm512_setzero_ps();                                 \
        long p = 0;                                                                               \
        for (; p + 16 <= k; p += 16) {                                                            \
            __m512 w = LOAD16(bj + p);                                                            \
            for (int i = 0; i < M; i++) acc[i] = _mm512_fmadd_ps(_mm512_loadu_ps(a + i * k + p), w, acc[i]); \
        }                                                                                         \
        for (int i = 0; i < M; i++) {                                                             \
            float lanes[16];                                                                      \
            _mm512_storeu_ps(lanes, acc[i]);                                                      \
            FEW_ROWS_FINISH(lanes, a + i * k, bj, p, k, c + i * ldc + j, CONVERT);                \
        }                                                                                         \
    }

#define AVX2_FMA __attribute__((target("avx2,fma")))
#define F16C __attribute__((target("avx2,fma,f16c")))
#define AVX512_FMA __attribute__((target("avx512f,fma")))
// NAME_1 … NAME_4: the passes of 1 to 4 rows with weights of type T, each a PASS (AVX2 or AVX512).
#define FEW_ROWS_PASSES(ATTRIBUTES, PASS, NAME, T, LOAD, CONVERT)                                 \
    ATTRIBUTES static void NAME##_1(FEW_ROWS_ARGS(T)) { PASS(1, LOAD, CONVERT) }                  \
    ATTRIBUTES static void NAME##_2(FEW_ROWS_ARGS(T)) { PASS(2, LOAD, CONVERT) }                  \
    ATTRIBUTES static void NAME##_3(FEW_ROWS_ARGS(T)) { PASS(3, LOAD, CONVERT) }                  \
    ATTRIBUTES static void NAME##_4(FEW_ROWS_ARGS(T)) { PASS(4, LOAD, CONVERT) }                  \
    static void (*const NAME[])(FEW_ROWS_ARGS(T)) = {NAME##_1, NAME##_2, NAME##_3, NAME##_4};
FEW_ROWS_PASSES(AVX2_FMA, FEW_ROWS_AVX2_PASS, few_rows_f32, float, LOAD8_F32, AS_FLOAT)
FEW_ROWS_PASSES(F16C, FEW_ROWS_AVX2_PASS, few_rows_f16c, uint16_t, LOAD8_F16, F16_TO_FLOAT)
FEW_ROWS_PASSES(AVX2_FMA, FEW_ROWS_AVX2_PASS, few_rows_bf16, uint16_t, LOAD8_BF16, BF16_TO_FLOAT)
FEW_ROWS_PASSES(AVX512_FMA, FEW_ROWS_AVX512_PASS, few_rows_f16_avx512, uint16_t, LOAD16_F16, F16_TO_FLOAT)
FEW_ROWS_PASSES(AVX512_FMA, FEW_ROWS_AVX512_PASS, few_rows_bf16_avx512, uint16_t, LOAD16_BF16, BF16_TO_FLOAT)

static int has_avx2_fma(void) {
    static int known = -1;
    if (known < 0) known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return known;
}
static int has_avx512f(void) {
    static int known = -1;
    if (known < 0) known = __builtin_cpu_supports("avx512f") && has_avx2_fma();
    return known;
}

// The m rows of A in passes of at most FEW_ROWS_PASS, each through the AVX-512 pass of its row count
// where the CPU has AVX-512, the AVX2 one where it has AVX2 (and what `AVX2_ALSO` requires), or else
// the portable body.
#define FEW_ROWS_DISPATCH(AVX512_PASSES, AVX2_PASSES, AVX2_ALSO, CONVERT)                          \
    if (!(has_avx2_fma() && (AVX2_ALSO))) {                                                       \
        FEW_ROWS_PORTABLE(CONVERT)                                                                \
        return;                                                                                   \
    }                                                                                             \
    __typeof__(&AVX2_PASSES[0]) passes = has_avx512f() ? AVX512_PASSES : AVX2_PASSES;       \
    for (long i = 0; i < m; i += FEW_ROWS_PASS) {                                                 \
        long rows = m - i < FEW_ROWS_PASS ? m - i : FEW_ROWS_PASS;                                \
        passes[rows - 1](a + i * k, b, c + i * ldc, k, ldc, j0, j1, alpha, beta);                 \
    }

void ck_gemm_few_rows_bt(const float *a, const float *b, float *c, long m, long k, long ldc, long j0, long j1,
                         float alpha, float beta) {
    FEW_ROWS_DISPATCH(few_rows_f32, few_rows_f32, 1, AS_FLOAT)   // fp32: the AVX2 passes with AVX-512 too (above)
}

// 16-bit weights in blocks of HALF_BLOCK rows, where the CPU has AVX-512 (`ck_half_block_rows`): for
// each chunk of 16 values along k, the block's rows' 16 values side by side (32 bytes each), then the
// block's tails (the last k mod 16 values of each row); rows past the last whole block stay as they
// are. A pass reads a block's weights in the order they are stored and keeps HALF_BLOCK independent
// sums per row of A: one stream that the prefetchers follow, where reading HALF_BLOCK rows side by
// side in the plain layout streamed at half the speed (twelfth round). Each product sums the same
// lanes in the same order as the plain passes, so the bits are theirs.
#define HALF_BLOCK 8
#define HALF_CHUNK (HALF_BLOCK * 16)

long ck_half_block_rows(void) { return has_avx512f() ? HALF_BLOCK : 1; }

// The columns col0..<col0 + COLS of the block at `block` (B rows j..<j + HALF_BLOCK) for M rows of A.
#define HALF_BLOCK_PASS(M, COLS, LOAD16, CONVERT)                                                 \
    do {                                                                                          \
        __m512 acc[M][COLS];                                                                      \
        for (int i = 0; i < M; i++)                                                               \
            for (int col = 0; col < (COLS); col++) acc[i][col] = _mm512_setzero_ps();             \
        long p = 0;                                                                               \
        for (; p + 16 <= k; p += 16) {                                                            \
            const uint16_t *chunk = block + p / 16 * HALF_CHUNK + col0 * 16;                      \
            __m512 x[M];                                                                          \
            for (int i = 0; i < M; i++) x[i] = _mm512_loadu_ps(a + i * k + p);                   \
            for (int col = 0; col < (COLS); col++) {                                              \
                __m512 w = LOAD16(chunk + col * 16);                                              \
                for (int i = 0; i < M; i++) acc[i][col] = _mm512_fmadd_ps(x[i], w, acc[i][col]);  \
            }                                                                                     \
        }                                                                                         \
        /* Column col's tail value q (p ≤ q < k) is tails[col·(k − p) + q]. */                    \
        const uint16_t *tails = block + p / 16 * HALF_CHUNK - p;                                  \
        for (int i = 0; i < M; i++)                                                               \
            for (int col = 0; col < (COLS); col++) {                                              \
                float lanes[16];                                                                  \
                _mm512_storeu_ps(lanes, acc[i][col]);                                             \
                FEW_ROWS_FINISH(lanes, a + i * k, tails + (col0 + col) * (k - p), p, k,           \
                                c + i * ldc + j + col0 + col, CONVERT);                           \
            }                                                                                     \
    } while (0)
// NAME_M: M rows of A against the blocks of B rows j0..<j1 (multiples of HALF_BLOCK), COLS columns
// at a time (all 8 for one or two rows; 4 for three or four, to stay within 32 registers).
#define HALF_BLOCKS(NAME, M, COLS, LOAD16, CONVERT)                                               \
    AVX512_FMA static void NAME##_##M(FEW_ROWS_ARGS(uint16_t)) {                                  \
        for (long j = j0; j < j1; j += HALF_BLOCK) {                                              \
            const uint16_t *block = b + j * k;                                                    \
            for (long col0 = 0; col0 < HALF_BLOCK; col0 += (COLS)) HALF_BLOCK_PASS(M, COLS, LOAD16, CONVERT); \
        }                                                                                         \
    }
#define HALF_BLOCK_PASSES(NAME, LOAD16, CONVERT)                                                  \
    HALF_BLOCKS(NAME, 1, 8, LOAD16, CONVERT)                                                      \
    HALF_BLOCKS(NAME, 2, 8, LOAD16, CONVERT)                                                      \
    HALF_BLOCKS(NAME, 3, 4, LOAD16, CONVERT)                                                      \
    HALF_BLOCKS(NAME, 4, 4, LOAD16, CONVERT)                                                      \
    static void (*const NAME[])(FEW_ROWS_ARGS(uint16_t)) = {NAME##_1, NAME##_2, NAME##_3, NAME##_4};
HALF_BLOCK_PASSES(f16_blocks, LOAD16_F16, F16_TO_FLOAT)
HALF_BLOCK_PASSES(bf16_blocks, LOAD16_BF16, BF16_TO_FLOAT)

// The blocks among B's rows j0..<j1 through BLOCKS, the rest through the plain passes.
#define HALF_FEW_ROWS(BLOCKS, AVX512_PASSES, AVX2_PASSES, AVX2_ALSO, CONVERT)                       \
    long blocked = n / ck_half_block_rows() * ck_half_block_rows();                               \
    if (ck_half_block_rows() > 1 && j0 < blocked) {                                               \
        long end = j1 < blocked ? j1 : blocked;                                                   \
        for (long i = 0; i < m; i += FEW_ROWS_PASS) {                                             \
            long rows = m - i < FEW_ROWS_PASS ? m - i : FEW_ROWS_PASS;                            \
            BLOCKS[rows - 1](a + i * k, b, c + i * ldc, k, ldc, j0, end, alpha, beta);            \
        }                                                                                         \
        j0 = end;                                                                                 \
    }                                                                                             \
    FEW_ROWS_DISPATCH(AVX512_PASSES, AVX2_PASSES, AVX2_ALSO, CONVERT)

void ck_gemm_few_rows_bt_f16(const float *a, const uint16_t *b, float *c, long m, long k, long n, long ldc,
                             long j0, long j1, float alpha, float beta) {
    HALF_FEW_ROWS(f16_blocks, few_rows_f16_avx512, few_rows_f16c, __builtin_cpu_supports("f16c"), F16_TO_FLOAT)
}

void ck_gemm_few_rows_bt_bf16(const float *a, const uint16_t *b, float *c, long m, long k, long n, long ldc,
                              long j0, long j1, float alpha, float beta) {
    HALF_FEW_ROWS(bf16_blocks, few_rows_bf16_avx512, few_rows_bf16, 1, BF16_TO_FLOAT)
}

// fp32 → bf16, rounding half to even; a NaN stays a (quiet) NaN.
static inline uint16_t float_to_bf16(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 0x40);
    return (uint16_t)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
}

void ck_round_to_half_rows(float *x, uint16_t *y, long rows, long k, int bf16) {
    // Rows before `blocked` go in blocks (ck_half_block_rows() > 1), the rest as they are.
    long blocked = ck_half_block_rows() > 1 ? rows / HALF_BLOCK * HALF_BLOCK : 0, whole = k / 16 * 16;
    for (long j = 0; j < rows; j++) {
        long block = j / HALF_BLOCK * HALF_BLOCK * k, col = j % HALF_BLOCK;
        for (long p = 0; p < k; p++) {
            float *value = x + j * k + p;
            uint16_t bits;
            if (bf16) {
                bits = float_to_bf16(*value);
                *value = bf16_to_float(bits);
            } else {
                _Float16 h = (_Float16)*value;
                memcpy(&bits, &h, sizeof bits);
                *value = (float)h;
            }
            long at = j >= blocked ? j * k + p
                    : p < whole ? block + p / 16 * HALF_CHUNK + col * 16 + p % 16
                                : block + whole / 16 * HALF_CHUNK + col * (k - whole) + p - whole;
            y[at] = bits;
        }
    }
}

// Products of many rows with bf16 weights on AVX512-BF16: vdpbf16ps multiplies 32 bf16 pairs and adds
// them into 16 fp32 lanes, twice the multiply-adds of an fp32 FMA per instruction. A is rounded to
// bf16 and laid out in blocks of BF16_ROWS rows, pair q of the block's rows side by side (32-bit each),
// so two loads give the block's pairs at q; each weight row's pair q (its own two bf16 values, read
// where the weights are stored) is broadcast to every lane. A tile is BF16_ROWS rows × one block of
// HALF_BLOCK weight rows (in the layout of `ck_round_to_half_rows`), or × 1 weight row past the last
// block, in 2 accumulators per weight row, summed over all of k, then written out with α and β.
#define BF16_ROWS 32

int ck_has_bf16_products(void) {
    static int known = -1;
    if (known < 0)
        known = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
    return known;
}

long ck_bf16_packed_rows_count(long m, long k) {
    return (m + BF16_ROWS - 1) / BF16_ROWS * BF16_ROWS * ((k + 1) / 2);
}

long ck_bf16_tile_weights(void) { return HALF_BLOCK; }

long ck_bf16_block_rows(void) { return BF16_ROWS; }

#define AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

// r[i] lane j ↔ r[j] lane i: a 16×16 transpose of 32-bit words in four rounds of shuffles.
AVX512_BF16 static inline void transpose16(__m512i r[16]) {
    __m512i t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        r[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        r[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        r[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    for (int i = 0; i < 16; i += 8)
        for (int j = 0; j < 4; j++) {
            t[i + j] = _mm512_shuffle_i32x4(r[i + j], r[i + j + 4], 0x88);
            t[i + j + 4] = _mm512_shuffle_i32x4(r[i + j], r[i + j + 4], 0xdd);
        }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
    }
}

// By chunks of 16 pairs and 16 rows: each row's 32 values rounded by two masked loads and one
// vcvtne2ps2bf16 (half to even, as `float_to_bf16`, but subnormals become 0), the 16 rows' pairs
// transposed in registers, and pair q of the 16 rows stored side by side.
AVX512_BF16 void ck_bf16_pack_rows(const float *a, uint32_t *packed, long m, long k, long b0, long b1) {
    long pairs = (k + 1) / 2;
    for (long blk = b0; blk < b1; blk++) {
        uint32_t *block = packed + blk * pairs * BF16_ROWS;
        for (long q0 = 0; q0 < pairs; q0 += 16) {
            long values = k - 2 * q0 < 32 ? k - 2 * q0 : 32, chunk = (values + 1) / 2;
            __mmask16 low = values >= 16 ? 0xFFFF : (__mmask16)((1u << values) - 1);
            __mmask16 high = values <= 16 ? 0 : values >= 32 ? 0xFFFF : (__mmask16)((1u << (values - 16)) - 1);
            for (long half = 0; half < BF16_ROWS; half += 16) {
                __m512i r[16];
                for (long i = 0; i < 16; i++) {
                    long row = blk * BF16_ROWS + half + i;
                    const float *values_at = a + row * k + 2 * q0;
                    r[i] = row < m ? (__m512i)_mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(high, values_at + 16), _mm512_maskz_loadu_ps(low, values_at))
                                   : _mm512_setzero_si512();
                }
                transpose16(r);
                for (long q = 0; q < chunk; q++) _mm512_storeu_si512(block + (q0 + q) * BF16_ROWS + half, r[q]);
            }
        }
    }
}

// One tile: the block's rows (pairs at `block`) against NR weight rows from `w`; tile[j][r] gets row
// r's product with weight row j, summed pair by pair in order of k. An odd k's last pair holds one value.
#define BF16_TILE_STEP(NR, Q, PAIR_OF_ROW)                                                        \
    do {                                                                                          \
        __m512bh a0 = (__m512bh)_mm512_loadu_si512(block + (Q) * BF16_ROWS);                      \
        __m512bh a1 = (__m512bh)_mm512_loadu_si512(block + (Q) * BF16_ROWS + 16);                 \
        for (int j = 0; j < NR; j++) {                                                            \
            __m512bh wj = (__m512bh)_mm512_set1_epi32((int)(PAIR_OF_ROW(j)));                     \
            acc[j][0] = _mm512_dpbf16_ps(acc[j][0], a0, wj);                                      \
            acc[j][1] = _mm512_dpbf16_ps(acc[j][1], a1, wj);                                      \
        }                                                                                         \
    } while (0)
static inline uint32_t load_pair(const uint16_t *p) {
    uint32_t pair;
    memcpy(&pair, p, sizeof pair);
    return pair;
}
#define BF16_TILE_OUT(NR)                                                                         \
    for (int j = 0; j < NR; j++) {                                                                \
        _mm512_storeu_ps(tile + j * BF16_ROWS, acc[j][0]);                                        \
        _mm512_storeu_ps(tile + j * BF16_ROWS + 16, acc[j][1]);                                   \
    }
// A block of HALF_BLOCK weight rows: pair q < 8·(k / 16) of row j in chunk q / 8, the tails after.
#define CHUNK_PAIR(j) load_pair(chunk + (j) * 16)
#define TAIL_PAIR(j) load_pair(tails + (j) * (k - whole) + 2 * q)
#define TAIL_LAST(j) (uint32_t)tails[(j) * (k - whole) + k - 1]
AVX512_BF16 static void bf16_tile_block(const uint32_t *block, const uint16_t *w, long k, float *tile) {
    __m512 acc[HALF_BLOCK][2];
    for (int j = 0; j < HALF_BLOCK; j++) acc[j][0] = acc[j][1] = _mm512_setzero_ps();
    long whole = k / 16 * 16, q = 0;
    for (; q < whole / 2; q++) {
        const uint16_t *chunk = w + q / 8 * HALF_CHUNK + q % 8 * 2;
        BF16_TILE_STEP(HALF_BLOCK, q, CHUNK_PAIR);
    }
    const uint16_t *tails = w + whole / 16 * HALF_CHUNK - whole;   // row j's value p ≥ whole: tails[j·(k − whole) + p]
    for (; q < k / 2; q++) BF16_TILE_STEP(HALF_BLOCK, q, TAIL_PAIR);
    if (k & 1) BF16_TILE_STEP(HALF_BLOCK, k / 2, TAIL_LAST);
    BF16_TILE_OUT(HALF_BLOCK)
}
// One weight row as stored.
#define ROW_PAIR(j) load_pair(w + 2 * q)
#define ROW_LAST(j) (uint32_t)w[k - 1]
AVX512_BF16 static void bf16_tile_row(const uint32_t *block, const uint16_t *w, long k, float *tile) {
    __m512 acc[1][2] = {{_mm512_setzero_ps(), _mm512_setzero_ps()}};
    for (long q = 0; q < k / 2; q++) BF16_TILE_STEP(1, q, ROW_PAIR);
    if (k & 1) BF16_TILE_STEP(1, k / 2, ROW_LAST);
    BF16_TILE_OUT(1)
}

void ck_gemm_bf16_bt(const uint32_t *packed, const uint16_t *b, float *c, long m, long k, long n, long ldc,
                     long j0, long j1, float alpha, float beta) {
    long pairs = (k + 1) / 2, blocks = (m + BF16_ROWS - 1) / BF16_ROWS, blocked = n / HALF_BLOCK * HALF_BLOCK;
    float tile[HALF_BLOCK * BF16_ROWS];
    for (long j = j0; j < j1;) {
        long width = j + HALF_BLOCK <= blocked ? HALF_BLOCK : 1;
        for (long blk = 0; blk < blocks; blk++) {
            const uint32_t *block = packed + blk * pairs * BF16_ROWS;
            if (width == HALF_BLOCK) bf16_tile_block(block, b + j * k, k, tile);
            else bf16_tile_row(block, b + j * k, k, tile);
            long rows = m - blk * BF16_ROWS < BF16_ROWS ? m - blk * BF16_ROWS : BF16_ROWS;
            for (long r = 0; r < rows; r++) {
                float *out = c + (blk * BF16_ROWS + r) * ldc + j;
                for (long t = 0; t < width; t++)
                    out[t] = beta == 0 ? alpha * tile[t * BF16_ROWS + r] : alpha * tile[t * BF16_ROWS + r] + beta * out[t];
            }
        }
        j += width;
    }
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

// gelu(u) = ½u(1 + erf(u/√2)) and its derivative ½(1 + erf(u/√2)) + u·e^(−u²/2)/√(2π).
static inline float gelu_value(float u) { return 0.5f * u * (1.0f + erf_approx(u * 0.70710678118654752f)); }
static inline float gelu_slope(float u) {
    return 0.5f * (1.0f + erf_approx(u * 0.70710678118654752f)) + u * 0.39894228040143268f * exp_approx(-0.5f * u * u);
}

CLONES void ck_gelu(const float *u, float *y, long n) {
    ELEMENTWISE for (long i = 0; i < n; i++) y[i] = gelu_value(u[i]);
}

CLONES void ck_gelu_backward(const float *u, const float *g, float *d, long n) {
    ELEMENTWISE for (long i = 0; i < n; i++) d[i] = g[i] * gelu_slope(u[i]);
}

CLONES void ck_bias_gelu_rows(const float *x, const float *b, float *y, long c, long r0, long r1) {
    for (long r = r0; r < r1; r++) {
        const float *xr = x + r * c;
        float *yr = y + r * c;
        ELEMENTWISE for (long j = 0; j < c; j++) yr[j] = gelu_value(xr[j] + b[j]);
    }
}

CLONES void ck_bias_gelu_backward_rows(const float *x, const float *b, const float *g, float *d, float *db,
                                       long c, long r0, long r1) {
    for (long r = r0; r < r1; r++) {
        const float *xr = x + r * c, *gr = g + r * c;
        float *dr = d + r * c;
        ELEMENTWISE for (long j = 0; j < c; j++) {
            float dj = gr[j] * gelu_slope(xr[j] + b[j]);
            dr[j] = dj;
            if (db) db[j] += dj;
        }
    }
}

/// SplitMix64's output for state `z` (its mixing function).
static inline uint64_t splitmix64_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

CLONES void ck_dropout(const float *x, float *y, long n, long j0, long j1, uint64_t seed, float p, float keep) {
    long pairs = n / 2 < j1 ? n / 2 : j1;   // whole pairs; an odd last element is done after the loop
    ELEMENTWISE for (long j = j0; j < pairs; j++) {
        uint64_t z = splitmix64_mix(seed + (uint64_t)(j + 1) * 0x9E3779B97F4A7C15ull);
        float m0 = (float)(z >> 40) * 0x1p-24f < p ? 0.0f : keep;
        float m1 = (float)((z >> 16) & 0xFFFFFF) * 0x1p-24f < p ? 0.0f : keep;
        y[2 * j] = x[2 * j] * m0;
        y[2 * j + 1] = x[2 * j + 1] * m1;
    }
    if (pairs < j1) {   // pair n/2 holds only element n − 1
        uint64_t z = splitmix64_mix(seed + (uint64_t)(pairs + 1) * 0x9E3779B97F4A7C15ull);
        y[n - 1] = x[n - 1] * ((float)(z >> 40) * 0x1p-24f < p ? 0.0f : keep);
    }
}

CLONES void ck_adamw(float *p, float *g, float *m, float *v, long n, float scale,
                     float decay, float w1, float b2, float w2, float step, float correction2, float eps) {
    // The operations in PyTorch's order (nothing is reassociated or fused), so a trajectory matches
    // torch's; g·scale is the product clip_grad_norm_ stores before the step reads it.
#pragma clang fp contract(off)
    ELEMENTWISE for (long i = 0; i < n; i++) {
        float gi = g[i] * scale;
        float pi = decay == 1.0f ? p[i] : p[i] * decay;
        float mi = m[i] + w1 * (gi - m[i]);
        float vi = v[i] * b2 + w2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = pi + -step * mi / (__builtin_sqrtf(vi) / correction2 + eps);
        g[i] = 0;
    }
}
