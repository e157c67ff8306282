// Matrix products on cblas_sgemm (our own kernel for one to a few rows against a transposed matrix,
// cblas_sgemv for other single rows or columns), each split across the worker pool with OpenBLAS
// running on every pool thread: (batched) matmul with transpose flags, and the fused linear layer
// y = x·Wᵀ + b (with half-precision weights: `Tensor+HalfPrecision.swift`).
// With C = op(A)·op(B) and upstream gradient dC:
//   d op(A) = dC·op(B)ᵀ      d op(B) = op(A)ᵀ·dC
// which, written for the stored A and B, gives the four gemm calls in `matmul`'s backward.
import COpenBLAS
import CKernels

/// C (m×n) = α·op(A)·op(B) + β·C for row-major A, B, C, where op transposes when its flag is set.
/// `lda`, `ldb`, `ldc` are the elements between consecutive stored rows (0: the matrix is packed),
/// so a product can read and write one head's columns of a wider matrix in place.
@inline(__always)
func gemm(_ tA: Bool, _ tB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
          _ a: UnsafePointer<Float>, lda: Int = 0, _ b: UnsafePointer<Float>, ldb: Int = 0, beta: Float,
          _ c: UnsafeMutablePointer<Float>, ldc: Int = 0) {
    guard m > 0, n > 0 else { return }
    let packed = lda == 0 && ldb == 0 && ldc == 0
    let lda = lda > 0 ? lda : (tA ? m : k), ldb = ldb > 0 ? ldb : (tB ? k : n), ldc = ldc > 0 ? ldc : n
    guard k > 0 else {
        if beta == 0 { for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) } }
        return
    }
    _ = BLAS.runsOnCallingThread
    // One to a few rows against Bᵀ (decoding a small batch) stream B once with our kernel, which
    // reads a single row faster than sgemv does (docs/performance.md, seventh round). Other single
    // rows or columns are matrix-vector products: sgemv streams the matrix once, where sgemm would
    // first pack a copy of it. C is cleared first when β = 0, since sgemv scales it by β (and 0·NaN
    // from a reused buffer is NaN).
    if packed && m <= fewRows && tB && !tA {
        parallelChunks(n, grain: fewRowsGrain) { _, columns in
            ck_gemm_few_rows_bt(a, b, c, m, k, n, columns.lowerBound, columns.upperBound, alpha, beta)
        }
    } else if m == 1 {          // c (1×n) = op(A) (1×k) · op(B)
        if beta == 0 { c.update(repeating: 0, count: n) }
        parallelChunks(n, grain: sgemvGrain(k)) { _, columns in
            cblas_sgemv(CblasRowMajor, tB ? CblasNoTrans : CblasTrans, Int32(tB ? columns.count : k), Int32(tB ? k : columns.count), alpha,
                        b + (tB ? columns.lowerBound * ldb : columns.lowerBound), Int32(ldb), a, Int32(tA ? lda : 1), beta, c + columns.lowerBound, 1)
        }
    } else if n == 1 {   // c (m×1) = op(A) · op(B) (k×1)
        if beta == 0 { for row in 0..<m { c[row * ldc] = 0 } }
        parallelChunks(m, grain: sgemvGrain(k)) { _, rows in
            cblas_sgemv(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, Int32(tA ? k : rows.count), Int32(tA ? rows.count : k), alpha,
                        a + (tA ? rows.lowerBound : rows.lowerBound * lda), Int32(lda), b, Int32(tB ? 1 : ldb), beta,
                        c + rows.lowerBound * ldc, Int32(ldc))
        }
    } else {
        // The block rows × columns of C as one single-threaded sgemm; the longer side of C is split.
        func block(_ rows: Range<Int>, _ columns: Range<Int>) {
            sgemmPart(tA, tB, rows: rows, columns: columns, depth: 0..<k, alpha: alpha, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
        }
        if k >= deepProductRatio * max(m, n), chunkCount(k, grain: gemmGrain(m * n)) > 1 {
            depthSplitGemm(tA, tB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
        } else if m >= n {
            parallelChunks(m, grain: gemmGrain(n * k)) { _, rows in block(rows, 0..<n) }
        } else {
            parallelChunks(n, grain: gemmGrain(m * k)) { _, columns in block(0..<m, columns) }
        }
    }
}

/// C[rows, columns] = α·op(A)[rows, depth]·op(B)[depth, columns] + β·C[rows, columns] as one
/// single-threaded sgemm.
@inline(__always)
private func sgemmPart(_ tA: Bool, _ tB: Bool, rows: Range<Int>, columns: Range<Int>, depth: Range<Int>, alpha: Float,
                       _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
                       _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans,
                Int32(rows.count), Int32(columns.count), Int32(depth.count), alpha,
                a + (tA ? depth.lowerBound * lda + rows.lowerBound : rows.lowerBound * lda + depth.lowerBound), Int32(lda),
                b + (tB ? columns.lowerBound * ldb + depth.lowerBound : depth.lowerBound * ldb + columns.lowerBound), Int32(ldb),
                beta, c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
}

/// A product whose depth k is at least this many times its longer side is split along k instead
/// (`depthSplitGemm`).
let deepProductRatio = 8

/// C = α·op(A)·op(B) + β·C with k split into one contiguous range per thread: each thread multiplies
/// its columns of op(A) by its rows of op(B), the first into C, the others into partial products that
/// are then added to C in chunk order. A product split by rows or columns has every thread pack the
/// whole of the operand they share; split along k, each packs its own part of both. That is the case
/// of the vocabulary projection's input gradient (160 × 54,944 · 54,944 × 512 at 90M), whose
/// shared operand would be the 35 MB output gradient. Deterministic for a given thread count.
private func depthSplitGemm(_ tA: Bool, _ tB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    let grain = gemmGrain(m * n), partials = Storage(uninitializedCount: (chunkCount(k, grain: grain) - 1) * m * n)
    parallelChunks(k, grain: grain) { chunk, depth in
        sgemmPart(tA, tB, rows: 0..<m, columns: 0..<n, depth: depth, alpha: alpha, a, lda: lda, b, ldb: ldb,
                  beta: chunk == 0 ? beta : 0, chunk == 0 ? c : partials.base + (chunk - 1) * m * n, ldc: chunk == 0 ? ldc : n)
    }
    parallelChunks(m, grain: max(1, elementwiseGrain / n)) { _, rows in
        for row in rows { ck_add_rows(partials.base + row * n, c + row * ldc, partials.count / (m * n), m * n, 0, n) }
    }
}

/// Items per chunk, each `work` multiply-adds, so that a chunk holds at least about 2^20 of them:
/// below that, handing part of a product to another thread costs more than it saves.
@inline(__always)
func gemmGrain(_ work: Int) -> Int { max(1, (1 << 20) / max(1, work)) }

/// Outputs per chunk of a matrix-vector product: at least 2^16 matrix elements each (a product that
/// streams its matrix from memory is worth splitting at a much smaller size than one that computes).
@inline(__always)
func sgemvGrain(_ k: Int) -> Int { max(1, (1 << 16) / max(1, k)) }

/// Up to this many rows, A·Bᵀ reads B once with `ck_gemm_few_rows_bt` instead of sgemm, which
/// would pack a copy of B first (the cost that dominates decoding a batch of 1–8 rows).
let fewRows = 8
/// Columns (rows of B) per chunk below which the few-row product stays on one thread.
let fewRowsGrain = 256

/// `batch` independent gemms; a stride of 0 reuses the same matrix (and accumulates into it for C).
func batchedGemm(_ tA: Bool, _ tB: Bool, batch: Int, m: Int, n: Int, k: Int,
                 _ a: UnsafePointer<Float>, strideA: Int, _ b: UnsafePointer<Float>, strideB: Int,
                 beta: Float, _ c: UnsafeMutablePointer<Float>, strideC: Int) {
    if strideC == 0 || batch < 2 {   // one C accumulates every product: in order
        for i in 0..<batch {
            gemm(tA, tB, m: m, n: n, k: k, a + i * strideA, b + i * strideB,
                 beta: strideC == 0 && i > 0 ? 1 : beta, c + i * strideC)
        }
        return
    }
    // Independent products (attention's heads): whole products to each thread of the pool; a product
    // run inside a chunk stays on its thread.
    parallelChunks(batch, grain: gemmGrain(m * n * k)) { _, entries in
        for i in entries {
            gemm(tA, tB, m: m, n: n, k: k, a + i * strideA, b + i * strideB, beta: beta, c + i * strideC)
        }
    }
}

extension Tensor {
    /// op(self)·op(other) over the last two axes. Leading (batch) axes must be equal, or `other` is a
    /// plain matrix shared by every batch entry.
    public func matmul(_ other: Tensor, transposeSelf tA: Bool = false, transposeOther tB: Bool = false) -> Tensor {
        let a = self, b = other
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs matrices, got \(a.shape) and \(b.shape)")
        let m = tA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let k = tA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let kb = tB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
        let n = tB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        let batchShape = Array(a.shape.dropLast(2))
        let sharedB = b.rank == 2
        precondition(k == kb, "matmul inner dimensions differ: \(a.shape)\(tA ? "ᵀ" : "") · \(b.shape)\(tB ? "ᵀ" : "")")
        precondition(sharedB || Array(b.shape.dropLast(2)) == batchShape,
                     "matmul batch dimensions differ: \(a.shape) and \(b.shape)")
        let batch = batchShape.reduce(1, *)
        // A shared right operand with an untransposed left one folds the batch into the rows: one gemm.
        let fold = sharedB && !tA
        let (gb, gm) = fold ? (1, batch * m) : (batch, m)
        let sA = fold ? 0 : m * k, sB = sharedB ? 0 : k * n, sC = gm * n

        let out = Tensor(uninitializedShape: batchShape + [m, n])
        batchedGemm(tA, tB, batch: gb, m: gm, n: n, k: k, a.data, strideA: sA, b.data, strideB: sB,
                    beta: 0, out.data, strideC: sC)
        return out.recorded("matmul", [a, b]) { g, _ in
            if a.requiresGrad {
                let (da, beta) = a.gradientTarget()
                if tA {   // dA (k×m) += op(B)·dCᵀ
                    batchedGemm(tB, true, batch: gb, m: k, n: gm, k: n, b.data, strideA: sB, g.data, strideB: sC,
                                beta: beta, da.data, strideC: sA)
                } else {  // dA (m×k) += dC·op(B)ᵀ
                    batchedGemm(false, !tB, batch: gb, m: gm, n: k, k: n, g.data, strideA: sC, b.data, strideB: sB,
                                beta: beta, da.data, strideC: gm * k)
                }
            }
            if b.requiresGrad {
                let (db, beta) = b.gradientTarget()
                if tB {   // dB (n×k) += dCᵀ·op(A)
                    batchedGemm(true, tA, batch: gb, m: n, n: k, k: gm, g.data, strideA: sC, a.data, strideB: m * k,
                                beta: beta, db.data, strideC: sB)
                } else {  // dB (k×n) += op(A)ᵀ·dC
                    batchedGemm(!tA, false, batch: gb, m: k, n: n, k: gm, a.data, strideA: m * k, g.data, strideB: sC,
                                beta: beta, db.data, strideC: sB)
                }
            }
        }
    }

    /// x·Wᵀ + b over the last axis: x (…, I), weight (O, I), bias (O) → (…, O).
    public func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        let x = self
        let inF = weight.shape[1], outF = weight.shape[0]
        precondition(weight.rank == 2 && x.shape.last == inF,
                     "linear: input \(x.shape) does not match weight \(weight.shape)")
        precondition(bias == nil || bias!.count == outF, "linear: bias \(bias!.shape) does not match weight \(weight.shape)")
        let rows = x.count / inF
        let out = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outF])   // (N, O)
        if let bias {
            parallelChunks(rows, grain: max(1, elementwiseGrain / outF)) { _, rowRange in
                for r in rowRange { (out.data + r * outF).update(from: bias.data, count: outF) }
            }
        }
        let beta: Float = bias == nil ? 0 : 1
        if let half = weight.halfPrecision, rows <= fewRows {   // decoding with half-precision weights
            // Whole blocks of the copy's layout to each thread (`ck_half_block_rows`).
            let block = ck_half_block_rows(), kernel = half.format == .f16 ? ck_gemm_few_rows_bt_f16 : ck_gemm_few_rows_bt_bf16
            parallelChunks((outF + block - 1) / block, grain: max(1, fewRowsGrain / block)) { _, blocks in
                kernel(x.data, half.bits, out.data, rows, inF, outF, outF, blocks.lowerBound * block, min(outF, blocks.upperBound * block), 1, beta)
            }
        } else if let half = weight.halfPrecision, half.format == .bf16, bf16ProductsAvailable {
            bf16ProductBT(x.data, half, out.data, rows: rows, inF: inF, outF: outF, beta: beta)
        } else {
            gemm(false, true, m: rows, n: outF, k: inF, x.data, weight.data, beta: beta, out.data)
        }
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return out.recorded("linear", inputs) { g, _ in
            if x.requiresGrad {   // dx (N, I) += g · W
                let (dx, beta) = x.gradientTarget()
                gemm(false, false, m: rows, n: inF, k: outF, g.data, weight.data, beta: beta, dx.data)
            }
            if weight.requiresGrad {   // dW (O, I) += gᵀ · x
                let (dw, beta) = weight.gradientTarget()
                gemm(true, false, m: outF, n: inF, k: rows, g.data, x.data, beta: beta, dw.data)
            }
            if let bias, bias.requiresGrad {   // db (O) += Σ_rows g, row by row for each block of outputs
                let db = bias.ownedGrad().data
                parallelChunks(outF, grain: max(1, elementwiseGrain / rows)) { _, columns in
                    ck_add_rows(g.data, db, rows, outF, columns.lowerBound, columns.upperBound)
                }
            }
        }
    }
}
