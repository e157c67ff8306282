// ckernels.h — loops in C, where clang vectorizes them (and clones them for AVX2 at load time): exp
// with a shift and sum for softmax and cross-entropy, exact-erf GELU, dropout, and AdamW's update.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdint.h>

/// y[i] = exp(x[i] - shift) for i < n (y may be x; with y NULL nothing is stored); returns the sum.
/// Exactly 0 for x[i] - shift below -87.3 (masked scores of -inf).
float ck_exp_shifted(const float *x, float shift, float *y, long n);

/// The largest of x[0..<n] (-inf for none).
float ck_max(const float *x, long n);

/// Σ x[i]², accumulated in float within blocks of 1024 and in double across them.
double ck_sum_squares(const float *x, long n);
/// C[i][j] = alpha·(A_i · B_j) + beta·C[i][j] for i < m, j in [j0, j1): A (m×k) rows against B
/// (n×k) rows, each B row read once for all m rows of A (few-row products, e.g. decoding a batch).
void ck_gemm_few_rows_bt(const float *a, const float *b, float *c, long m, long k, long ldc, long j0, long j1, float alpha, float beta);
/// The same with B stored as IEEE half precision (fp16 bit patterns), converted with F16C where the
/// CPU has it (a portable conversion otherwise): decoding reads half the bytes.
void ck_gemm_few_rows_bt_f16(const float *a, const uint16_t *b, float *c, long m, long k, long ldc, long j0, long j1, float alpha, float beta);
/// y[i] = x[i] rounded to the nearest fp16 (bit patterns), for i < n.
void ck_f32_to_f16(const float *x, uint16_t *y, long n);

/// y[i] = gelu(u[i]) = u/2 · (1 + erf(u/√2)) (y may be u).
void ck_gelu(const float *u, float *y, long n);

/// d[i] = g[i] · gelu'(u[i]) (d may be u or g).
void ck_gelu_backward(const float *u, const float *g, float *d, long n);

/// Inverted dropout of the element pairs j0..<j1 of x (n elements): pair j draws one SplitMix64 value,
/// mix(seed + (j + 1)·0x9E3779B97F4A7C15), whose top 24 bits decide element 2j and the next 24 bits
/// element 2j + 1 (dropped when u·2⁻²⁴ < p). mask[i] = 0 or keep, y[i] = x[i]·mask[i]. Each element's
/// draw depends on its index alone, so any split of the pairs gives the same mask.
void ck_dropout(const float *x, float *y, float *mask, long n, long j0, long j1, uint64_t seed, float p, float keep);

/// AdamW on n elements, as torch.optim.AdamW's single-tensor path: p *= decay (1 when the parameter
/// has no weight decay), m += w1·(g − m), v = v·b2 + w2·g·g, p += −step · m / (√v / correction2 + eps);
/// then g = 0, which is the next step's zeroing done while g is in cache.
void ck_adamw(float *p, float *g, float *m, float *v, long n,
              float decay, float w1, float b2, float w2, float step, float correction2, float eps);

#endif
