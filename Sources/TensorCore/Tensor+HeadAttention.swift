// Multi-head attention's two products read and write every head in place: queries, keys and values
// stay (B, T, C) as their projections wrote them, head h being columns h·D..<(h+1)·D of C, and each
// (batch entry, head) product addresses its columns through the leading dimension C. This replaces
// splitting into (B, H, T, D) copies and merging back, forward and backward alike; the products and
// their operands are the same, so the results are too. In decoding, each query row can read keys and
// values of another batch entry (`keyRows`, `valueRows`): beams and the rows still decoding share
// their input's cross-attention keys and values without copying them. `headAttention` runs scores,
// softmax and mix as one op, one (batch entry, head) at a time, and keeps no scores (nor, for long
// inputs, weights) for the backward; a decoding step's single query row takes all heads in one pass
// over the keys and one over the values.
//   scores S = Q·Kᵀ:   dQ = dS·K     dK = dSᵀ·Q
//   mix    O = P·V:    dP = dO·Vᵀ    dV = Pᵀ·dO

import CKernels

extension Tensor {
    /// Every head's attention scores: self = queries (B, T, C), `keys` (B, S, C), C split into `heads`
    /// heads of D columns → (B, H, T, S), entry (b, h) = Q_bh·K_bhᵀ. With `keyRows` (B entries), query
    /// entry b reads keys entry keyRows[b] instead, and `keys` takes no gradient.
    public func headScores(keys: Tensor, heads: Int, keyRows: [Int]? = nil) -> Tensor {
        let q = self, (b, t, c) = Self.headShape(q, heads: heads), s = keys.shape[1], d = c / heads
        precondition(keys.rank == 3 && keys.shape[2] == c && Self.fits(keys, batch: b, rows: keyRows), "headScores: keys \(keys.shape) do not fit queries \(q.shape)")
        let out = Tensor(uninitializedShape: [b, heads, t, s])
        let queryHeads = HeadLayout(rows: t, width: c, heads: heads), keyHeads = HeadLayout(rows: s, width: c, heads: heads, batchRows: keyRows)
        let scoreBlocks = HeadLayout(blockRows: t, columns: s, heads: heads)
        headGemm(false, true, batch: b, heads: heads, m: t, n: s, k: d, q.data, queryHeads, keys.data, keyHeads, out.data, scoreBlocks)
        return out.recorded("head_scores", [q, keys]) { g, _ in
            Self.accumulateGradient(q) { headGemm(false, false, batch: b, heads: heads, m: t, n: d, k: s, g.data, scoreBlocks, keys.data, keyHeads, $0, queryHeads) }
            Self.accumulateGradient(keys) { headGemm(true, false, batch: b, heads: heads, m: s, n: d, k: t, g.data, scoreBlocks, q.data, queryHeads, $0, keyHeads) }
        }
    }

    /// Every head's weighted values: self = attention weights (B, H, T, S), `values` (B, S, C) →
    /// (B, T, C), head h's D outputs in its own columns (the heads merged, as the output projection reads them).
    /// With `valueRows` (B entries), weights entry b mixes values entry valueRows[b], and `values` takes no gradient.
    public func headMix(values: Tensor, heads: Int, valueRows: [Int]? = nil) -> Tensor {
        let p = self
        precondition(p.rank == 4 && p.shape[1] == heads, "headMix: weights \(p.shape) are not (B, \(heads), T, S)")
        let (b, t, s) = (p.shape[0], p.shape[2], p.shape[3]), (_, vs, c) = Self.headShape(values, heads: heads), d = c / heads
        precondition(vs == s && Self.fits(values, batch: b, rows: valueRows), "headMix: values \(values.shape) do not fit weights \(p.shape)")
        let out = Tensor(uninitializedShape: [b, t, c])
        let weightBlocks = HeadLayout(blockRows: t, columns: s, heads: heads)
        let valueHeads = HeadLayout(rows: s, width: c, heads: heads, batchRows: valueRows), outHeads = HeadLayout(rows: t, width: c, heads: heads)
        headGemm(false, false, batch: b, heads: heads, m: t, n: d, k: s, p.data, weightBlocks, values.data, valueHeads, out.data, outHeads)
        return out.recorded("head_mix", [p, values]) { g, _ in
            Self.accumulateGradient(p) { headGemm(false, true, batch: b, heads: heads, m: t, n: s, k: d, g.data, outHeads, values.data, valueHeads, $0, weightBlocks) }
            Self.accumulateGradient(values) { headGemm(true, false, batch: b, heads: heads, m: s, n: d, k: t, p.data, weightBlocks, g.data, outHeads, $0, valueHeads) }
        }
    }

    /// Every head's attention, softmax(scale·Q·Kᵀ + mask)·V, with the heads in place as for `headScores`
    /// and `headMix`, without the scores before the softmax and, when the weights of the whole call
    /// exceed `attentionWeightsKeptUpTo` elements, without keeping the (B, H, T, S) weights either: each
    /// (batch entry, head) computes its T × S block in a scratch buffer and mixes the values at once, and
    /// the backward computes the block again from Q and K (one more T × S × D product) instead of reading
    /// it back. Each block is made by the same products and row softmax as `headScores`, `softmax` and
    /// `headMix` make it, so the outputs and gradients are theirs, bit for bit; what it saves is memory
    /// (at 512 tokens and 16 heads, 67 MB per layer for the weights and as much again for the scores)
    /// and the traffic to it. self = queries (B, T, C), `keys` and `values` (B, S, C); `mask`
    /// broadcasts to (B, H, T, S). With `keyRows` (B entries), query entry b reads keys and values
    /// entry keyRows[b]; with `keyLength`, keys and values are (B, capacity, C) of which only the first
    /// `keyLength` positions are read (S = keyLength). Either way they take no gradient.
    ///
    /// A single query row per entry without a gradient (a decoding step) takes every head in one pass
    /// over each entry's keys and one over its values (`ck_head_scores_row`, `ck_head_mix_row`), the
    /// softmax between them as everywhere else: the dot products sum in another order than sgemv's, so
    /// its outputs are the three ops' up to rounding, and an entry's are the same bits in any batch.
    public func headAttention(keys: Tensor, values: Tensor, heads: Int, scale: Float, mask: Tensor?, keyRows: [Int]? = nil,
                              keyLength: Int? = nil) -> Tensor {
        let q = self, (b, t, c) = Self.headShape(q, heads: heads), s = keyLength ?? keys.shape[1], d = c / heads
        precondition(keys.rank == 3 && keys.shape[2] == c && values.shape == keys.shape && Self.fits(keys, batch: b, rows: keyRows)
                     && Self.fits(values, batch: b, rows: keyRows) && (keyLength == nil || (s <= keys.shape[1] && ![keys, values].contains { $0.requiresGrad })),
                     "headAttention: keys \(keys.shape) and values \(values.shape) do not fit queries \(q.shape)")
        let weights = HeadWeights(queries: q, keys: keys, heads: heads, scale: scale, mask: mask, keyRows: keyRows, keyLength: s)
        let queryHeads = weights.queryHeads, keyHeads = weights.keyHeads
        let recording = GradMode.isEnabled && [q, keys, values].contains { $0.requiresGrad }
        if t == 1 && !recording { return weights.singleRows(values: values) }
        let kept = recording && b * heads * t * s <= Self.attentionWeightsKeptUpTo ? Tensor(uninitializedShape: [b, heads, t, s]) : nil
        let out = Tensor(uninitializedShape: [b, t, c])
        let grain = gemmGrain(t * s * d)
        parallelChunks(b * heads, grain: grain) { _, entries in
            let scratch = kept == nil ? Storage(uninitializedCount: t * s) : nil
            for entry in entries {
                let block = kept.map { $0.data + entry * t * s } ?? scratch!.base
                weights.compute(entry, into: block)
                gemm(false, false, m: t, n: d, k: s, block, lda: s, values.data + keyHeads.start(entry, heads: heads), ldb: c, beta: 0,
                     out.data + queryHeads.start(entry, heads: heads), ldc: c)
            }
        }
        return out.recorded("head_attention", [q, keys, values]) { g, _ in
            let gradients = [q, keys, values].map { $0.requiresGrad ? Tensor(uninitializedShape: $0.shape) : nil }
            let (dq, dk, dv) = (gradients[0]?.data, gradients[1]?.data, gradients[2]?.data)
            parallelChunks(b * heads, grain: grain) { _, entries in
                let scratch = kept == nil ? Storage(uninitializedCount: t * s) : nil, blockGradient = Storage(uninitializedCount: t * s)
                let dp = blockGradient.base
                for entry in entries {
                    let qAt = queryHeads.start(entry, heads: heads), kAt = keyHeads.start(entry, heads: heads)
                    let p = kept.map { $0.data + entry * t * s } ?? scratch!.base
                    if kept == nil { weights.compute(entry, into: p) }
                    // As headMix's backward: dP = dO·Vᵀ, dV = Pᵀ·dO; then softmax's: dS = scale·P ⊙ (dP − Σ dP⊙P).
                    gemm(false, true, m: t, n: s, k: d, g.data + qAt, lda: c, values.data + kAt, ldb: c, beta: 0, dp, ldc: s)
                    if let dv { gemm(true, false, m: s, n: d, k: t, p, lda: s, g.data + qAt, ldb: c, beta: 0, dv + kAt, ldc: c) }
                    for row in 0..<t { Self.normalizedExpGradientRow(dp + row * s, p + row * s, into: dp + row * s, s, scale: scale, log: false) }
                    // As headScores's backward: dQ = dS·K, dK = dSᵀ·Q.
                    if let dq { gemm(false, false, m: t, n: d, k: s, dp, lda: s, keys.data + kAt, ldb: c, beta: 0, dq + qAt, ldc: c) }
                    if let dk { gemm(true, false, m: s, n: d, k: t, dp, lda: s, q.data + qAt, ldb: c, beta: 0, dk + kAt, ldc: c) }
                }
            }
            for (x, dx) in zip([q, keys, values], gradients) { if let dx { x.accumulateGrad(dx) } }
        }
    }

    /// The most attention weights (B·H·T·S elements) one `headAttention` call keeps for its backward;
    /// beyond it the backward makes them again. Keeping them is faster (no second Q·Kᵀ and softmax);
    /// 2^21 (8 MB) keeps those of the 90M model on batches of 4 × 160 tokens and makes those of PAL's
    /// 512-token batches again (67 MB per layer).
    nonisolated(unsafe) public static var attentionWeightsKeptUpTo = 1 << 21

    /// When `x` needs a gradient: `write` fills a fresh buffer of its shape, which is accumulated into it.
    private static func accumulateGradient(_ x: Tensor, _ write: (UnsafeMutablePointer<Float>) -> Void) {
        guard x.requiresGrad else { return }
        let dx = Tensor(uninitializedShape: x.shape)
        write(dx.data)
        x.accumulateGrad(dx)
    }

    /// Whether keys or values `x` serve `batch` query entries: one entry each, or through `rows`, which
    /// name entries of `x` and leave it without a gradient (the backward writes one entry per query entry).
    private static func fits(_ x: Tensor, batch: Int, rows: [Int]?) -> Bool {
        guard let rows else { return x.shape[0] == batch }
        return rows.count == batch && !x.requiresGrad && rows.allSatisfy { (0..<x.shape[0]).contains($0) }
    }

    /// (B, T, C) of a tensor whose C splits into `heads` equal heads.
    private static func headShape(_ x: Tensor, heads: Int) -> (Int, Int, Int) {
        precondition(x.rank == 3 && heads > 0 && x.shape[2] % heads == 0, "attention heads: \(x.shape) does not split into \(heads) heads")
        return (x.shape[0], x.shape[1], x.shape[2])
    }
}

/// Attention weights one (batch entry, head) at a time: the T × S block softmax(scale·Q_bh·K_bhᵀ + M).
/// Keeps the queries, keys and mask it reads alive.
private struct HeadWeights {
    let queries: Tensor, keys: Tensor, mask: Tensor?, rowMask: RowMask?
    let queryHeads: HeadLayout, keyHeads: HeadLayout
    let heads: Int, rows: Int, columns: Int, width: Int, scale: Float

    /// Weights over the first `keyLength` positions of `keys` (B or, through `keyRows`, more entries).
    init(queries: Tensor, keys: Tensor, heads: Int, scale: Float, mask: Tensor?, keyRows: [Int]?, keyLength: Int) {
        (self.queries, self.keys, self.mask, self.heads, self.scale) = (queries, keys, mask, heads, scale)
        (rows, columns, width) = (queries.shape[1], keyLength, queries.shape[2])
        rowMask = mask.map { RowMask($0, rowsOf: [queries.shape[0], heads, queries.shape[1], keyLength]) }
        queryHeads = HeadLayout(rows: rows, width: width, heads: heads)
        keyHeads = HeadLayout(rows: keys.shape[1], width: width, heads: heads, batchRows: keyRows)
    }

    /// The attention of one query row per batch entry (rows = 1), without a gradient: each entry's
    /// scores for every head, their softmax rows, and the mix, an entry to each thread of the pool.
    func singleRows(values: Tensor) -> Tensor {
        let entries = queries.shape[0], d = width / heads
        let out = Tensor(uninitializedShape: [entries, 1, width])
        parallelChunks(entries, grain: 1) { _, range in
            let scores = Storage(uninitializedCount: heads * columns)
            for b in range {
                let at = keyHeads.start(b * heads, heads: heads)
                ck_head_scores_row(queries.data + b * width, keys.data + at, width, columns, heads, d, scores.base)
                for h in 0..<heads {
                    let row = scores.base + h * columns
                    Tensor.normalizedExpRow(row, into: row, columns, scale: scale, mask: rowMask?.row(b * heads + h), log: false)
                }
                ck_head_mix_row(scores.base, values.data + at, width, columns, heads, d, out.data + b * width)
            }
        }
        if OpProfiler.isEnabled { OpProfiler.mark("head_attention") }
        return out
    }

    /// Entry `entry` (= b·H + h)'s block into `block` (rows × columns, packed): `headScores`'s product,
    /// then `softmax`'s rows.
    func compute(_ entry: Int, into block: UnsafeMutablePointer<Float>) {
        gemm(false, true, m: rows, n: columns, k: width / heads, queries.data + queryHeads.start(entry, heads: heads), lda: width,
             keys.data + keyHeads.start(entry, heads: heads), ldb: width, beta: 0, block, ldc: columns)
        for row in 0..<rows {
            let r = block + row * columns
            Tensor.normalizedExpRow(r, into: r, columns, scale: scale, mask: rowMask?.row(entry * rows + row), log: false)
        }
    }
}

/// Where the matrix of entry (b, h) of a head-batched product starts and how far apart its rows are.
struct HeadLayout {
    let perBatch: Int, perHead: Int, leadingDimension: Int
    /// The stored batch entry that each batch entry reads (nil: its own).
    let batchRows: [Int]?

    /// Head h's D = width/heads columns of a (B, rows, width) tensor, batch entry b stored at `batchRows[b]`.
    init(rows: Int, width: Int, heads: Int, batchRows: [Int]? = nil) {
        (perBatch, perHead, leadingDimension) = (rows * width, width / heads, width)
        self.batchRows = batchRows
    }

    /// Packed (rows × columns) blocks, one per (b, h), of a (B, H, rows, columns) tensor.
    init(blockRows: Int, columns: Int, heads: Int) {
        (perBatch, perHead, leadingDimension) = (heads * blockRows * columns, blockRows * columns, columns)
        batchRows = nil
    }

    /// The offset of entry b·heads + h.
    func start(_ entry: Int, heads: Int) -> Int { (batchRows?[entry / heads] ?? entry / heads) * perBatch + entry % heads * perHead }
}

/// One product per (batch entry, head), each written over its own part of C (β = 0), whole products
/// to each thread of the pool; a product run inside a chunk stays on its thread.
private func headGemm(_ tA: Bool, _ tB: Bool, batch: Int, heads: Int, m: Int, n: Int, k: Int,
                      _ a: UnsafePointer<Float>, _ layoutA: HeadLayout, _ b: UnsafePointer<Float>, _ layoutB: HeadLayout,
                      _ c: UnsafeMutablePointer<Float>, _ layoutC: HeadLayout) {
    parallelChunks(batch * heads, grain: gemmGrain(m * n * k)) { _, entries in
        for entry in entries {
            gemm(tA, tB, m: m, n: n, k: k, a + layoutA.start(entry, heads: heads), lda: layoutA.leadingDimension,
                 b + layoutB.start(entry, heads: heads), ldb: layoutB.leadingDimension, beta: 0,
                 c + layoutC.start(entry, heads: heads), ldc: layoutC.leadingDimension)
        }
    }
}
