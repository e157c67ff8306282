// Multi-head attention's two products read and write every head in place: queries, keys and values
// stay (B, T, C) as their projections wrote them, head h being columns h·D..<(h+1)·D of C, and each
// (batch entry, head) product addresses its columns through the leading dimension C. This replaces
// splitting into (B, H, T, D) copies and merging back, forward and backward alike; the products and
// their operands are the same, so the results are too. In decoding, each query row can read keys and
// values of another batch entry (`keyRows`, `valueRows`): beams and the rows still decoding share
// their input's cross-attention keys and values without copying them.
//   scores S = Q·Kᵀ:   dQ = dS·K     dK = dSᵀ·Q
//   mix    O = P·V:    dP = dO·Vᵀ    dV = Pᵀ·dO

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
