// Finite-difference gradient checks for every differentiable op, on several shapes, including
// broadcasting, masks, padding ids and ignore-index targets.
import TensorCore
import TensorTesting
import XCTest

final class GradientCheckTests: XCTestCase {
    private var rng = RandomGenerator(seed: 2024)
    private let tolerance: Float = 1e-2

    private func param(_ shape: [Int], low: Float = -1, high: Float = 1) -> Tensor {
        Tensor.uniform(shape, low: low, high: high, rng: &rng, requiresGrad: true)
    }

    private func check(_ inputs: [Tensor], _ label: String, file: StaticString = #filePath, line: UInt = #line,
                       _ f: @escaping ([Tensor]) -> Tensor) {
        let r = gradientCheck(inputs, f)
        XCTAssertGreaterThan(r.elementsChecked, 0, label, file: file, line: line)
        XCTAssertLessThan(r.maxError, tolerance, "\(label): \(r)", file: file, line: line)
    }

    // MARK: - Elementwise

    func testBinaryOpsWithBroadcasting() {
        let shapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], [4]), ([2, 3, 4], [3, 1]), ([2, 1, 4], [1, 3, 1]),
                                        ([2, 3], [1]), ([1], [2, 3]), ([4], [2, 3, 4])]
        for (sa, sb) in shapes {
            check([param(sa), param(sb)], "add \(sa) \(sb)") { $0[0] + $0[1] }
            check([param(sa), param(sb)], "sub \(sa) \(sb)") { $0[0] - $0[1] }
            check([param(sa), param(sb)], "mul \(sa) \(sb)") { $0[0] * $0[1] }
            check([param(sa), param(sb, low: 0.5, high: 2)], "div \(sa) \(sb)") { $0[0] / $0[1] }
        }
    }

    func testScalarAndUnaryOps() {
        check([param([3, 5])], "affine") { 3 * $0[0] - 1.5 }
        check([param([3, 5])], "negate / divide") { -$0[0] / 4 + 2 }
        check([param([3, 5])], "exp") { $0[0].exp() }
        check([param([3, 5], low: 0.5, high: 3)], "log") { $0[0].log() }
        check([param([3, 5])], "tanh") { $0[0].tanh() }
        check([param([3, 5], low: 0.5, high: 3)], "sqrt") { $0[0].sqrt() }
        check([param([3, 5])], "relu") { $0[0].relu() }
        let x = param([4])
        check([x], "same tensor used twice") { $0[0] * $0[0] + $0[0] }
    }

    // MARK: - Reductions and shapes

    func testReductions() {
        check([param([2, 3, 4])], "sum all") { $0[0].sum() }
        check([param([2, 3, 4])], "mean all") { $0[0].mean() }
        check([param([2, 3, 4])], "sum axis 1") { $0[0].sum(axes: [1]) }
        check([param([2, 3, 4])], "sum axes 0,2 keepDims") { $0[0].sum(axes: [0, -1], keepDims: true) }
        check([param([2, 3, 4])], "mean last axis") { $0[0].mean(axes: [-1]) }
    }

    func testShapeOps() {
        check([param([2, 3, 4])], "reshape") { $0[0].reshaped(6, -1) }
        check([param([2, 3, 4, 5])], "permute (0,2,1,3)") { $0[0].permuted(0, 2, 1, 3) }
        check([param([2, 3, 4])], "permute (2,0,1)") { $0[0].permuted(2, 0, 1) }
        check([param([3, 4])], "transpose") { $0[0].transposed() }
        check([param([2, 3, 4]), param([2, 1, 4]), param([2, 2, 4])], "concat axis 1") {
            Tensor.concatenate($0, axis: 1)
        }
        check([param([2, 3]), param([2, 5])], "concat last axis") { Tensor.concatenate($0, axis: -1) }
        check([param([2, 6, 3])], "slice") { $0[0].slice(axis: 1, 2..<5) }
        check([param([4, 3, 2])], "select rows, one repeated, one left out") { $0[0].selectingRows([2, 0, 2, 3]) }
        check([param([2, 6, 3])], "split") { x in
            let parts = x[0].split(axis: 1, sizes: [1, 2, 3])
            return parts[0] * 2 + parts[1].sum(axes: [1], keepDims: true) - parts[2].mean(axes: [1], keepDims: true)
        }
    }

    // MARK: - Products

    func testMatmulAllTransposeCombinations() {
        for tA in [false, true] {
            for tB in [false, true] {
                let a = param(tA ? [4, 3] : [3, 4]), b = param(tB ? [5, 4] : [4, 5])
                check([a, b], "matmul tA=\(tA) tB=\(tB)") { $0[0].matmul($0[1], transposeSelf: tA, transposeOther: tB) }
                let ba = param(tA ? [2, 3, 4, 3] : [2, 3, 3, 4]), bb = param(tB ? [2, 3, 5, 4] : [2, 3, 4, 5])
                check([ba, bb], "batched matmul tA=\(tA) tB=\(tB)") {
                    $0[0].matmul($0[1], transposeSelf: tA, transposeOther: tB)
                }
                // One row and one column: the matrix-vector path, forward and backward.
                let ra = param(tA ? [4, 1] : [1, 4]), cb = param(tB ? [1, 4] : [4, 1])
                check([ra, b], "row-vector matmul tA=\(tA) tB=\(tB)") { $0[0].matmul($0[1], transposeSelf: tA, transposeOther: tB) }
                check([a, cb], "column-vector matmul tA=\(tA) tB=\(tB)") { $0[0].matmul($0[1], transposeSelf: tA, transposeOther: tB) }
                let sa = param(tA ? [2, 4, 3] : [2, 3, 4]), sb = param(tB ? [5, 4] : [4, 5])
                check([sa, sb], "shared-matrix matmul tA=\(tA) tB=\(tB)") {
                    $0[0].matmul($0[1], transposeSelf: tA, transposeOther: tB)
                }
            }
        }
    }

    func testLinear() {
        check([param([2, 3, 4]), param([5, 4]), param([5])], "linear with bias") {
            $0[0].linear(weight: $0[1], bias: $0[2])
        }
        check([param([3, 4]), param([2, 4])], "linear without bias") { $0[0].linear(weight: $0[1], bias: nil) }
    }

    // MARK: - Normalisation and activations

    func testSoftmaxWithScaleAndMask() {
        // (B, H, T, S) scores with a (B, 1, 1, S) padding mask and a (T, S) causal mask.
        let padding = Tensor(shape: [2, 1, 1, 4], values: [0, 0, 0, -.infinity, 0, 0, -1e9, -1e9])
        let causal = Tensor(shape: [3, 4], values: [0, 0, -.infinity, -.infinity, 0, 0, 0, -.infinity, 0, 0, 0, 0])
        check([param([2, 2, 3, 4])], "softmax") { $0[0].softmax() }
        check([param([2, 2, 3, 4])], "softmax scale+padding mask") { $0[0].softmax(scale: 0.5, mask: padding) }
        check([param([2, 2, 3, 4])], "softmax causal mask") { $0[0].softmax(mask: causal) }
        check([param([3, 4, 2])], "softmax axis 1") { $0[0].softmax(axis: 1) }
        check([param([2, 2, 3, 4])], "log-softmax scale+mask") { $0[0].logSoftmax(scale: 2, mask: padding) * 0.1 }
        check([param([4, 3])], "log-softmax axis 0") { $0[0].logSoftmax(axis: 0) }
    }

    func testLayerNorm() {
        check([param([2, 3, 8]), param([8], low: 0.5, high: 1.5), param([8])], "layer norm") {
            $0[0].layerNorm(weight: $0[1], bias: $0[2])
        }
        check([param([5, 16]), param([16]), param([16])], "layer norm eps 1e-12") {
            $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: 1e-12)
        }
    }

    func testGELU() {
        check([param([3, 7], low: -3, high: 3)], "gelu") { $0[0].gelu() }
        check([param([2, 3, 7], low: -3, high: 3), param([7])], "bias + gelu") { $0[0].gelu(bias: $0[1]) }
    }

    func testDropoutWithFixedSeed() {
        check([param([4, 6])], "dropout p=0.3") { x in
            var g = RandomGenerator(seed: 5)
            return x[0].dropout(0.3, rng: &g)
        }
    }

    func testMaskedFill() {
        let mask = Tensor(shape: [1, 4], values: [0, 1, 0, 1])
        check([param([3, 4])], "masked fill") { $0[0].maskedFill(mask, value: -5) }
    }

    // MARK: - Lookups and losses

    func testEmbeddingScatterAdd() {
        let ids = IndexTensor(shape: [2, 3], values: [1, 0, 1, 3, 3, 2])
        check([param([4, 5])], "embedding with repeats") { Tensor.embedding($0[0], ids: ids) }
        let table = param([4, 5])
        (Tensor.embedding(table, ids: ids, paddingIndex: 0) * 3).sum().backward()
        XCTAssertEqual(Array(table.grad!.toArray()[0..<5]), [0, 0, 0, 0, 0], "padding row gets no gradient")
        XCTAssertEqual(Array(table.grad!.toArray()[5..<10]), [6, 6, 6, 6, 6], "id 1 appears twice")
    }

    func testCrossEntropyWithIgnoreIndex() {
        let targets = IndexTensor(shape: [5], values: [2, -100, 0, 6, -100])
        check([param([5, 7], low: -3, high: 3)], "cross-entropy ignore") { $0[0].crossEntropy(targets: targets) }
        let allIgnored = IndexTensor(shape: [2], values: [-100, -100])
        check([param([2, 7])], "cross-entropy all ignored") { $0[0].crossEntropy(targets: allIgnored) + $0[0].sum() }
    }

    func testWeightedAndSmoothedCrossEntropy() {
        let targets = IndexTensor(shape: [4], values: [2, -100, 0, 6])
        let weights: [Float] = [5, 1, 1, 0.5]
        check([param([4, 7], low: -3, high: 3)], "cross-entropy weighted") { $0[0].crossEntropy(targets: targets, rowWeights: weights) }
        check([param([4, 7], low: -3, high: 3)], "cross-entropy smoothed") { $0[0].crossEntropy(targets: targets, labelSmoothing: 0.1) }
        check([param([4, 7], low: -3, high: 3)], "cross-entropy both") {
            $0[0].crossEntropy(targets: targets, rowWeights: weights, labelSmoothing: 0.2)
        }
    }

    // MARK: - A composed block

    func testAttentionBlockComposition() {
        // softmax(QKᵀ/√d + mask)·V with heads split by reshape/permute, as a transformer layer does.
        let mask = Tensor(shape: [2, 1, 1, 3], values: [0, 0, -.infinity, 0, 0, 0])
        check([param([2, 3, 8]), param([8, 8]), param([8])], "attention") { p in
            let x = p[0], w = p[1], b = p[2]
            let q = x.linear(weight: w, bias: b).reshaped(2, 3, 2, 4).permuted(0, 2, 1, 3)   // (B, H, T, D)
            let k = x.reshaped(2, 3, 2, 4).permuted(0, 2, 1, 3)
            let a = q.matmul(k, transposeOther: true).softmax(scale: 0.5, mask: mask)        // (B, H, T, T)
            return a.matmul(k).permuted(0, 2, 1, 3).reshaped(2, 3, 8).layerNorm(weight: w.slice(axis: 0, 0..<1).reshaped(8), bias: b)
        }
    }

    /// The same block with the heads read in place (`headScores`, `headMix`), on both the sgemm path
    /// (T = 3) and the one-row sgemv path (T = 1, as in decoding): gradients by finite differences,
    /// values those of the permute-and-matmul form above.
    func testHeadAttentionInPlace() {
        for t in [3, 1] {
            let mask = Tensor(shape: [2, 1, 1, 3], values: [0, 0, -.infinity, 0, 0, 0])
            let inputs = [param([2, t, 8]), param([2, 3, 8]), param([2, 3, 8])]
            check(inputs, "head attention, \(t) queries") { p in
                p[0].headScores(keys: p[1], heads: 2).softmax(scale: 0.5, mask: mask).headMix(values: p[2], heads: 2)
            }
            let inPlace = withNoGrad { inputs[0].headScores(keys: inputs[1], heads: 2).softmax(scale: 0.5, mask: mask).headMix(values: inputs[2], heads: 2) }
            let copied = withNoGrad {
                let (q, k, v) = (inputs[0].reshaped(2, t, 2, 4).permuted(0, 2, 1, 3), inputs[1].reshaped(2, 3, 2, 4).permuted(0, 2, 1, 3),
                                 inputs[2].reshaped(2, 3, 2, 4).permuted(0, 2, 1, 3))
                return q.matmul(k, transposeOther: true).softmax(scale: 0.5, mask: mask).matmul(v).permuted(0, 2, 1, 3).reshaped(2, t, 8)
            }
            XCTAssertEqual(inPlace.shape, [2, t, 8])
            // The packed form sends 2–8 query rows to the few-row kernel, the in-place one to sgemm.
            XCTAssertLessThan(difference(inPlace, copied).maxAbsolute, 1e-6, "\(t) queries: the same products")
        }
    }

    /// Query entries that read another entry's keys and values (decoding's shared cross-attention
    /// cache) get exactly what the same products give on copied rows; the queries' gradient checks.
    func testHeadAttentionThroughARowMap() {
        let rows = [1, 1, 0], mask = Tensor(shape: [3, 1, 1, 3], values: [0, 0, -.infinity, 0, 0, -.infinity, 0, 0, 0])
        let keys = param([2, 3, 8]), values = param([2, 3, 8])
        keys.requiresGrad = false
        values.requiresGrad = false
        check([param([3, 2, 8])], "head attention through a row map") { p in
            p[0].headScores(keys: keys, heads: 2, keyRows: rows).softmax(scale: 0.5, mask: mask).headMix(values: values, heads: 2, valueRows: rows)
        }
        let query = param([3, 2, 8])
        let mapped = withNoGrad {
            query.headScores(keys: keys, heads: 2, keyRows: rows).softmax(scale: 0.5, mask: mask).headMix(values: values, heads: 2, valueRows: rows)
        }
        let copied = withNoGrad {
            query.headScores(keys: keys.selectingRows(rows), heads: 2).softmax(scale: 0.5, mask: mask)
                .headMix(values: values.selectingRows(rows), heads: 2)
        }
        XCTAssertEqual(mapped.toArray(), copied.toArray(), "the same products on the same operands")
    }

    /// Attention that keeps no scores (`headAttention`), and its weights only up to a size, gives what
    /// the three ops give, values and gradients, with no mask, a padding mask (one entry masked
    /// everywhere) and a causal one, on the sgemm path (T = 3) and the one-row path (T = 1), with the
    /// weights made again in the backward or kept, with keys and values that take no gradient too;
    /// and its own gradients check by finite differences.
    func testHeadAttentionInOneOp() {
        let limit = Tensor.attentionWeightsKeptUpTo
        defer { Tensor.attentionWeightsKeptUpTo = limit }
        for (t, keptUpTo) in [(3, 0), (1, 0), (3, limit)] {
            Tensor.attentionWeightsKeptUpTo = keptUpTo
            let causal = Tensor(shape: [t, 3], values: (0..<(t * 3)).map { $0 % 3 > $0 / 3 + 3 - t ? -.infinity : 0 })
            let masks: [(String, Tensor?)] = [("no mask", nil), ("padding", Tensor(shape: [2, 1, 1, 3], values: [0, 0, -.infinity, -.infinity, -.infinity, -.infinity])),
                                              ("causal", causal)]
            for (name, mask) in masks {
                let inputs = [param([2, t, 8]), param([2, 3, 8]), param([2, 3, 8])]
                check(inputs, "attention without kept weights, \(t) queries, \(name)") { p in
                    p[0].headAttention(keys: p[1], values: p[2], heads: 2, scale: 0.5, mask: mask)
                }
                for keysLearn in [true, false] {
                    let (q, k, v) = (inputs[0], keysLearn ? inputs[1] : inputs[1].detached(), keysLearn ? inputs[2] : inputs[2].detached())
                    let outputGradient = Tensor.uniform([2, t, 8], low: -1, high: 1, rng: &rng)
                    func gradients(_ attend: () -> Tensor) -> [[Float]] {
                        [q, k, v].forEach { $0.zeroGrad() }
                        let out = attend()
                        (out * outputGradient).sum().backward()
                        return [out.toArray()] + [q, k, v].map { $0.grad?.toArray() ?? [] }
                    }
                    let fused = gradients { q.headAttention(keys: k, values: v, heads: 2, scale: 0.5, mask: mask) }
                    let whole = gradients { q.headScores(keys: k, heads: 2).softmax(scale: 0.5, mask: mask).headMix(values: v, heads: 2) }
                    XCTAssertEqual(fused, whole, "\(t) queries, \(name), keys and values \(keysLearn ? "" : "not ")learning, weights \(keptUpTo == 0 ? "made again" : "kept"): the same products and rows")
                    XCTAssertEqual(fused[2].isEmpty, !keysLearn)
                }
            }
        }
    }

    /// One query row per entry without a gradient (a decoding step) takes every head in one pass over
    /// the keys and one over the values: it gives what the three ops give, up to the order of each dot
    /// product's sums, for heads narrower than, as wide as and wider than the 16 lanes (with tails),
    /// with no mask, a padding mask (an entry masked everywhere: zeros) and entries reading other
    /// entries' keys and values; and an entry gets the same bits alone as in a batch.
    func testHeadAttentionOfOneQueryRowWithoutGradient() {
        for (heads, width) in [(2, 16), (2, 48), (4, 256), (8, 512)] {
            let s = 7, keys = param([2, s, width]).detached(), values = param([2, s, width]).detached(), queries = param([3, 1, width])
            let padding = Tensor(shape: [3, 1, 1, s], values: (0..<(3 * s)).map { $0 / s == 1 || $0 % s == 5 ? -.infinity : 0 })
            for (name, mask, rows) in [("no mask", nil, nil), ("padding", padding, nil), ("row map", padding, [1, 1, 0])] as [(String, Tensor?, [Int]?)] {
                let (k, v) = rows == nil ? (keys.selectingRows([0, 1, 0]), values.selectingRows([0, 1, 0])) : (keys, values)
                let oneRow = withNoGrad { queries.headAttention(keys: k, values: v, heads: heads, scale: 0.3, mask: mask, keyRows: rows) }
                let whole = withNoGrad {
                    queries.headScores(keys: k, heads: heads, keyRows: rows).softmax(scale: 0.3, mask: mask).headMix(values: v, heads: heads, valueRows: rows)
                }
                XCTAssertLessThan(difference(oneRow, whole).maxAbsolute, 1e-6, "\(heads) heads of \(width / heads), \(name)")
                if mask != nil { XCTAssertEqual(Array(oneRow.toArray()[width..<(2 * width)]), [Float](repeating: 0, count: width), "\(name): a row masked everywhere") }
                let alone = withNoGrad {
                    queries.selectingRows([2]).headAttention(keys: k, values: v, heads: heads, scale: 0.3, mask: mask?.selectingRows([2]),
                                                             keyRows: [rows?[2] ?? 2])
                }
                XCTAssertEqual(alone.toArray(), Array(oneRow.toArray()[(2 * width)...]), "\(heads) heads, \(name): the same bits alone")
            }
        }
    }

    override class func tearDown() {
        print("largest gradient-check error in this run: \(GradientCheckLog.largestError)")
        super.tearDown()
    }
}
