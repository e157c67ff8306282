// ckernels.h — loops in C, where clang vectorizes them (and clones them for AVX-512 and AVX2, picked at
// load time): exp with a shift and sum for softmax and cross-entropy, sums in fixed lanes, layer norm,
// exact-erf GELU (with its bias), dropout, AdamW's update, the few-row and bf16 products, and a
// decoding step's attention.
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
/// Σ x[i] in sixteen lanes (lane l sums elements l, l + 16, …), then the lanes in order, then the tail.
float ck_sum(const float *x, long n);
/// y[j] += Σ_r x[r·ld + j] for j in [j0, j1) and r < rows, the rows added one after another (a
/// bias's gradient: the column sums of the output's).
void ck_add_rows(const float *x, float *y, long rows, long ld, long j0, long j1);
/// Layer normalisation of rows r0..<r1 of x (rows of c): y = (x − mean)·rstd·w + b, with
/// rstd = 1/√(var + eps), mean and variance summed as `ck_sum` does; stats[2r] = mean, stats[2r+1] = rstd.
void ck_layer_norm_rows(const float *x, const float *w, const float *b, float *y, float *stats,
                        long c, long r0, long r1, float eps);
/// The backward of `ck_layer_norm_rows` for rows r0..<r1, from the upstream gradient g and the saved
/// stats: dw += Σ g·n, db += Σ g (over these rows, n = (x − mean)·rstd), and, when dx is not NULL,
/// dx = rstd·(g·w − mean(g·w) − n·mean(g·w·n)).
void ck_layer_norm_backward_rows(const float *x, const float *g, const float *w, const float *stats,
                                 float *dx, float *dw, float *db, long c, long r0, long r1);
/// The gradient of a softmax row y (scaled inputs): dx = scale·y·(g − Σ g·y), the dot summed as
/// `ck_sum` does (dx may be g).
void ck_softmax_backward_row(const float *g, const float *y, float *dx, long n, float scale);
/// One query row's attention scores for each of `heads` heads of d columns: scores[h·s + j] = q_h · k_j,h
/// for the s key rows (ld floats apart), each key row read once for all heads. Each dot product sums
/// 16 lanes, then the lanes pairwise, then the tail.
void ck_head_scores_row(const float *q, const float *keys, long ld, long s, long heads, long d, float *scores);
/// One query row's attention output for each head: out_h = Σ_j weights[h·s + j] · v_j,h over the s
/// value rows (ld floats apart) in order, each value row read once for all heads; out holds heads·d.
void ck_head_mix_row(const float *weights, const float *values, long ld, long s, long heads, long d, float *out);
/// C[i][j] = alpha·(A_i · B_j) + beta·C[i][j] for i < m, j in [j0, j1): A (m×k) rows against B
/// (n×k) rows, each B row read once for all m rows of A (few-row products, e.g. decoding a batch).
void ck_gemm_few_rows_bt(const float *a, const float *b, float *c, long m, long k, long ldc, long j0, long j1, float alpha, float beta);
/// The same with B (n rows) stored as IEEE half precision (fp16 bit patterns) in the layout of
/// `ck_round_to_half_rows`, converted with F16C where the CPU has it (a portable conversion otherwise):
/// decoding reads half the bytes. j0 is a multiple of `ck_half_block_rows()`.
void ck_gemm_few_rows_bt_f16(const float *a, const uint16_t *b, float *c, long m, long k, long n, long ldc,
                             long j0, long j1, float alpha, float beta);
/// How many rows of 16-bit weights `ck_round_to_half_rows` lays out together: 8 where the CPU has
/// AVX-512, 1 (rows as they are) otherwise.
long ck_half_block_rows(void);
/// The rows × k matrix x rounded in place to the nearest fp16, or (bf16 ≠ 0) to bf16 (half to even; a
/// NaN stays a quiet NaN), and its bit patterns written to y in the layout the 16-bit kernels read:
/// blocks of `ck_half_block_rows()` rows (for each 16 values along k, the block's rows' 16 values side
/// by side, then the rows' last k mod 16 values), the rows past the last whole block as they are.
void ck_round_to_half_rows(float *x, uint16_t *y, long rows, long k, int bf16);
/// The same with B stored as bf16 bit patterns (the top half of an fp32) in the layout of
/// `ck_round_to_half_rows`, converted by a shift.
void ck_gemm_few_rows_bt_bf16(const float *a, const uint16_t *b, float *c, long m, long k, long n, long ldc,
                              long j0, long j1, float alpha, float beta);

/// Whether this CPU has AVX512-BF16 (with AVX512F, BW, VL), which `ck_gemm_bf16_bt` needs.
int ck_has_bf16_products(void);
/// Rows per block of `ck_bf16_pack_rows`.
long ck_bf16_block_rows(void);
/// The 32-bit words `ck_bf16_pack_rows` writes for an m×k A.
long ck_bf16_packed_rows_count(long m, long k);
/// Blocks b0..<b1 of A (m×k fp32) rounded to bf16 (half to even, subnormals to 0) and packed for
/// `ck_gemm_bf16_bt`: blocks of 32 rows (the last padded with zeros), each block's pair q (values 2q
/// and 2q+1 of a row, the second 0 past an odd k) for its 32 rows side by side. Only where
/// `ck_has_bf16_products()`.
void ck_bf16_pack_rows(const float *a, uint32_t *packed, long m, long k, long b0, long b1);
/// Weight rows per tile of `ck_gemm_bf16_bt` (a block of `ck_round_to_half_rows`): split j0..<j1 at multiples of it.
long ck_bf16_tile_weights(void);
/// C[i][j] = α·(A_i · B_j) + β·C[i][j] for i < m, j in [j0, j1), with A packed by `ck_bf16_pack_rows`
/// and B (n×k) bf16 bit patterns in the layout of `ck_round_to_half_rows`: bf16 products summed in fp32
/// by AVX512-BF16's vdpbf16ps. Only where `ck_has_bf16_products()`.
void ck_gemm_bf16_bt(const uint32_t *packed, const uint16_t *b, float *c, long m, long k, long n, long ldc,
                     long j0, long j1, float alpha, float beta);

/// y[i] = gelu(u[i]) = u/2 · (1 + erf(u/√2)) (y may be u).
void ck_gelu(const float *u, float *y, long n);

/// d[i] = g[i] · gelu'(u[i]) (d may be u or g).
void ck_gelu_backward(const float *u, const float *g, float *d, long n);

/// Rows r0..<r1 (of c) of y = gelu(x + b), b over each row (y may be x).
void ck_bias_gelu_rows(const float *x, const float *b, float *y, long c, long r0, long r1);
/// Rows r0..<r1 of d = g · gelu'(x + b) (d may be g), and db += Σ_rows d when db is not NULL.
void ck_bias_gelu_backward_rows(const float *x, const float *b, const float *g, float *d, float *db,
                                long c, long r0, long r1);

/// Inverted dropout of the element pairs j0..<j1 of x (n elements): pair j draws one SplitMix64 value,
/// mix(seed + (j + 1)·0x9E3779B97F4A7C15), whose top 24 bits decide element 2j and the next 24 bits
/// element 2j + 1 (dropped when u·2⁻²⁴ < p): y[i] = x[i]·m[i], m[i] = 0 or keep. Each element's draw
/// depends on its index alone, so any split of the pairs gives the same mask, and the backward draws
/// it again from the seed (x = the output's gradient) instead of storing it.
void ck_dropout(const float *x, float *y, long n, long j0, long j1, uint64_t seed, float p, float keep);

/// AdamW on n elements, as torch.optim.AdamW's single-tensor path, reading the gradient as g·scale
/// (clip_grad_norm_'s coefficient, 1 when there is none): p *= decay (1 when the parameter
/// has no weight decay), m += w1·(g − m), v = v·b2 + w2·g·g (g scaled), p += −step · m / (√v / correction2 + eps);
/// then g = 0, which is the next step's zeroing done while g is in cache.
void ck_adamw(float *p, float *g, float *m, float *v, long n, float scale,
              float decay, float w1, float b2, float w2, float step, float correction2, float eps);

#endif
