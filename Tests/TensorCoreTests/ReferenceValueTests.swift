// Forward values against numbers computed by hand or by PyTorch, and the fast paths of broadcasting
// against the general strided path.
import TensorCore
import TensorTesting
import XCTest

final class ReferenceValueTests: XCTestCase {
    func testMatmulValues() {
        let a = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], values: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(a.matmul(b).toArray(), [58, 64, 139, 154])
        XCTAssertEqual(a.matmul(a, transposeOther: true).toArray(), [14, 32, 32, 77])
        XCTAssertEqual(a.matmul(a, transposeSelf: true).shape, [3, 3])
        let w = Tensor(shape: [2, 3], values: [1, 0, -1, 0.5, 0.5, 0.5])
        XCTAssertEqual(a.linear(weight: w, bias: Tensor(shape: [2], values: [10, 20])).toArray(), [8, 23, 8, 27.5])
    }

    /// A single row or column goes through sgemv (or our few-row kernel, for a row against Bᵀ) rather
    /// than sgemm: the same values as a plain loop.
    func testMatrixVectorProductsMatchLoops() {
        var rng = RandomGenerator(seed: 5)
        // Single rows and columns (sgemv), and one to a few rows against Bᵀ (our kernel: k past and below
        // its 16 lanes, n split across threads), and one row more than it takes (sgemm).
        for (m, n, k) in [(1, 7, 5), (6, 1, 5), (1, 1, 5), (1, 9, 1), (2, 600, 37), (8, 5, 48), (3, 4, 7), (9, 3, 16)] {
            for tA in [false, true] {
                for tB in [false, true] {
                    let a = Tensor.uniform(tA ? [k, m] : [m, k], low: -1, high: 1, rng: &rng)
                    let b = Tensor.uniform(tB ? [n, k] : [k, n], low: -1, high: 1, rng: &rng)
                    let got = a.matmul(b, transposeSelf: tA, transposeOther: tB).toArray()
                    let av = a.toArray(), bv = b.toArray()
                    for i in 0..<m {
                        for j in 0..<n {
                            let expected = (0..<k).reduce(Float(0)) { sum, p in sum + av[tA ? p * m + i : i * k + p] * bv[tB ? j * k + p : p * n + j] }
                            XCTAssertEqual(got[i * n + j], expected, accuracy: 2e-5, "m \(m) n \(n) k \(k) tA \(tA) tB \(tB) at (\(i), \(j))")
                        }
                    }
                }
            }
        }
    }

    /// Products large enough to be split across the worker pool (sgemm by rows, by columns or along k,
    /// sgemv by outputs, batched products by whole products) on 2 threads: the same values as a plain
    /// loop, and OpenBLAS left on the calling thread.
    func testProductsSplitAcrossThePoolMatchLoops() {
        let saved = Threading.threads
        Threading.threads = 2
        defer { Threading.threads = saved }
        var rng = RandomGenerator(seed: 10)
        // (batch, m, n, k): sgemm split by rows, by columns, along k, sgemv by outputs (both ways), 8 heads.
        for (batch, m, n, k) in [(1, 300, 90, 80), (1, 90, 300, 80), (1, 40, 30, 2400), (1, 1, 5000, 40), (1, 5000, 1, 40), (8, 40, 50, 700)] {
            for tA in [false, true] {
                for tB in [false, true] {
                    let a = Tensor.uniform([batch] + (tA ? [k, m] : [m, k]), low: -1, high: 1, rng: &rng)
                    let b = Tensor.uniform([batch] + (tB ? [n, k] : [k, n]), low: -1, high: 1, rng: &rng)
                    let got = a.matmul(b, transposeSelf: tA, transposeOther: tB).toArray()
                    let av = a.toArray(), bv = b.toArray()
                    for h in 0..<batch {
                        let ah = h * m * k, bh = h * n * k
                        for i in 0..<m {
                            for j in 0..<n {
                                let expected = (0..<k).reduce(Double(0)) { sum, p in
                                    sum + Double(av[ah + (tA ? p * m + i : i * k + p)]) * Double(bv[bh + (tB ? j * k + p : p * n + j)])
                                }
                                XCTAssertEqual(Double(got[(h * m + i) * n + j]), expected, accuracy: 1e-4,
                                               "batch \(batch) m \(m) n \(n) k \(k) tA \(tA) tB \(tB) at (\(h), \(i), \(j))")
                            }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(BLAS.threads, 1, "OpenBLAS runs on the pool's threads, not its own")
    }

    func testFewRowLinearAddsItsBias() {
        var rng = RandomGenerator(seed: 6)
        let x = Tensor.uniform([3, 40], low: -1, high: 1, rng: &rng), w = Tensor.uniform([700, 40], low: -1, high: 1, rng: &rng)
        let b = Tensor.uniform([700], low: -1, high: 1, rng: &rng)
        let got = x.linear(weight: w, bias: b).toArray(), xv = x.toArray(), wv = w.toArray(), bv = b.toArray()
        for i in 0..<3 {
            for j in 0..<700 {
                let expected = (0..<40).reduce(bv[j]) { $0 + xv[i * 40 + $1] * wv[j * 40 + $1] }
                XCTAssertEqual(got[i * 700 + j], expected, accuracy: 2e-5, "(\(i), \(j))")
            }
        }
    }

    func testHalfPrecisionLinearComputesWithItsRoundedWeights() {
        var rng = RandomGenerator(seed: 7)
        for rows in [1, 2, 8] {
            let x = Tensor.uniform([rows, 40], low: -1, high: 1, rng: &rng), w = Tensor.uniform([600, 40], low: -1, high: 1, rng: &rng)
            let b = Tensor.uniform([600], low: -1, high: 1, rng: &rng)
            let original = w.toArray()
            w.makeHalfPrecision()
            let rounded = w.toArray()
            XCTAssertEqual(rounded, original.map { Float(Float16($0)) }, "the values become their nearest fp16")
            let got = x.linear(weight: w, bias: b).toArray(), xv = x.toArray(), bv = b.toArray()
            for i in 0..<rows {
                for j in 0..<600 {
                    let expected = (0..<40).reduce(bv[j]) { $0 + xv[i * 40 + $1] * rounded[j * 40 + $1] }
                    XCTAssertEqual(got[i * 600 + j], expected, accuracy: 2e-5, "\(rows) rows at (\(i), \(j))")
                }
            }
        }
    }

    /// bf16 rounding, written out independently: the top 16 bits of the fp32, rounded half to even.
    private func bf16(_ x: Float) -> Float {
        guard !x.isNaN else { return x }
        let bits = x.bitPattern, low = bits & 0xFFFF, top = bits >> 16
        let up = low > 0x8000 || (low == 0x8000 && top & 1 == 1)
        return Float(bitPattern: (up ? top + 1 : top) << 16)
    }

    func testBFloat16RoundingIsHalfToEven() {
        let step = Float(1) / 128   // bf16's spacing just above 1
        let x = Tensor(shape: [8], values: [1 + step / 2, 1 + 3 * step / 2, 1 + step / 2 + step / 1024, -1 - step / 2 + 1e-7,
                                            .infinity, -.greatestFiniteMagnitude, .nan, Float(bitPattern: 0x0001_9234)])
        x.makeHalfPrecision(.bf16)
        let got = x.toArray()
        XCTAssertEqual(Array(got.prefix(6)), [1, 1 + 2 * step, 1 + step, -1, .infinity, -.infinity])
        XCTAssertTrue(got[6].isNaN, "NaN stays NaN")
        XCTAssertEqual(got[7], bf16(Float(bitPattern: 0x0001_9234)), "a subnormal rounds like any other value")
    }

    /// bf16 weights: a few rows (decoding) multiply fp32 inputs by the rounded weights; many rows, on a
    /// CPU with AVX512-BF16, multiply the inputs rounded to bf16 as well, summed in fp32 (odd k, outputs
    /// not a multiple of the kernel's tile, rows not a multiple of its block, and a bias).
    func testBFloat16LinearComputesWithItsRoundedWeights() {
        var rng = RandomGenerator(seed: 8)
        for (rows, inF, outF) in [(1, 41, 29), (2, 41, 600), (8, 40, 29), (9, 41, 29), (40, 41, 600), (70, 64, 13)] {
            let x = Tensor.uniform([rows, inF], low: -1, high: 1, rng: &rng), w = Tensor.uniform([outF, inF], low: -1, high: 1, rng: &rng)
            let b = Tensor.uniform([outF], low: -1, high: 1, rng: &rng)
            let original = w.toArray()
            w.makeHalfPrecision(.bf16)
            let rounded = w.toArray()
            XCTAssertEqual(rounded, original.map(bf16), "the values become their nearest bf16")
            let inBF16 = rows > 8 && bf16ProductsAvailable
            let xv = x.toArray().map { inBF16 ? bf16($0) : $0 }, bv = b.toArray()
            let got = x.linear(weight: w, bias: b).toArray()
            var worst: Double = 0
            for i in 0..<rows {
                for j in 0..<outF {
                    let expected = (0..<inF).reduce(Double(bv[j])) { $0 + Double(xv[i * inF + $1]) * Double(rounded[j * inF + $1]) }
                    worst = max(worst, abs(Double(got[i * outF + j]) - expected))
                }
            }
            XCTAssertLessThan(worst, 2e-5, "\(rows)×\(inF) · \(outF)ᵀ\(inBF16 ? " in bf16 products" : "")")
        }
    }

    /// The few-row product of decoding sums each output in one documented order, whichever of its
    /// bodies (AVX2, or AVX-512 for 16-bit weights) the CPU runs: 16 lanes, lane l fusing the products
    /// of p ≡ l (mod 16) in order of p, then the lanes added from the first. Written out here with
    /// fused multiply-adds, it must give the same bits for fp32, fp16 and bf16 weights and 1 to 4 rows.
    func testFewRowProductsSumLanesInTheirDocumentedOrder() throws {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n").first { $0.hasPrefix("flags") }
        guard let flags, flags.contains(" avx2"), flags.contains(" fma") else { throw XCTSkip("the fused lanes need AVX2 and FMA") }
        var rng = RandomGenerator(seed: 11)
        let inF = 48, outF = 300
        for format in [nil] + HalfPrecisionFormat.allCases {
            let w = Tensor.uniform([outF, inF], low: -1, high: 1, rng: &rng)
            if let format { w.makeHalfPrecision(format) }
            let wv = w.toArray()
            for rows in 1...4 {
                let x = Tensor.uniform([rows, inF], low: -1, high: 1, rng: &rng), xv = x.toArray()
                let got = x.linear(weight: w, bias: nil).toArray()
                let expected = (0..<rows * outF).map { at in
                    let (i, j) = at.quotientAndRemainder(dividingBy: outF)
                    var lanes = [Float](repeating: 0, count: 16)
                    for p in 0..<inF { lanes[p % 16].addProduct(xv[i * inF + p], wv[j * inF + p]) }
                    return lanes.reduce(0, +)
                }
                let differing = expected.indices.first { got[$0] != expected[$0] }
                XCTAssertNil(differing, "\(format?.rawValue ?? "f32") weights, \(rows) rows: output \(differing ?? 0) is \(got[differing ?? 0]), not \(expected[differing ?? 0])")
            }
        }
    }

    /// 16-bit weights are laid out for the few-row kernel (in blocks of 8 rows on AVX-512, the rest row
    /// by row): a few rows against them give the same bits as against their fp32 values in the plain
    /// layout, with tails along k, rows past the last whole block, 1 to 8 rows, and a bias.
    func testHalfPrecisionWeightsInTheirLayoutGiveThePlainLayoutsBits() {
        var rng = RandomGenerator(seed: 12)
        let shapes = HalfPrecisionFormat.allCases.flatMap { format in [(37, 300), (53, 16), (48, 5), (16, 9)].map { (format, $0.0, $0.1) } }
        for (format, inF, outF) in shapes {
            let w = Tensor.uniform([outF, inF], low: -1, high: 1, rng: &rng), b = Tensor.uniform([outF], low: -1, high: 1, rng: &rng)
            w.makeHalfPrecision(format)
            let plain = Tensor(shape: [outF, inF], values: w.toArray())
            for rows in 1...8 {
                let x = Tensor.uniform([rows, inF], low: -1, high: 1, rng: &rng)
                for bias in [nil, b] {
                    let got = x.linear(weight: w, bias: bias).toArray(), expected = x.linear(weight: plain, bias: bias).toArray()
                    let differing = expected.indices.first { got[$0] != expected[$0] }
                    XCTAssertNil(differing, "\(format.rawValue) \(rows)×\(inF) · \(outF)ᵀ\(bias == nil ? "" : " + bias"): output \(differing ?? 0) is \(got[differing ?? 0]), not \(expected[differing ?? 0])")
                }
            }
        }
    }

    func testSoftmaxAndLogSoftmaxValues() {
        let x = Tensor(shape: [1, 3], values: [1, 2, 3])
        XCTAssertLessThan(difference(x.softmax(), Tensor(shape: [1, 3], values: [0.09003057, 0.24472847, 0.66524096])).maxAbsolute, 1e-7)
        XCTAssertLessThan(difference(x.logSoftmax(), Tensor(shape: [1, 3], values: [-2.40760596, -1.40760596, -0.40760596])).maxAbsolute, 1e-6)
        let masked = x.softmax(mask: Tensor(shape: [3], values: [0, -.infinity, 0]))
        XCTAssertLessThan(difference(masked, Tensor(shape: [1, 3], values: [0.11920292, 0, 0.88079708])).maxAbsolute, 1e-7)
        let fullyMasked = x.softmax(mask: Tensor(shape: [1], values: [-.infinity]))
        XCTAssertEqual(fullyMasked.toArray(), [0, 0, 0], "a fully masked row gives zeros, not NaN")
    }

    func testLayerNormGELUCrossEntropyValues() {
        let x = Tensor(shape: [1, 4], values: [1, 2, 3, 4])
        let y = x.layerNorm(weight: Tensor(shape: [4], repeating: 1), bias: Tensor(zeros: [4]))
        // torch.nn.functional.layer_norm([1,2,3,4], (4,)) = [-1.3416, -0.4472, 0.4472, 1.3416]
        XCTAssertLessThan(difference(y, Tensor(shape: [1, 4], values: [-1.3416355, -0.4472118, 0.4472118, 1.3416355])).maxAbsolute, 1e-6)
        // torch.nn.functional.gelu([-1, 0, 1, 2])
        let g = Tensor(shape: [4], values: [-1, 0, 1, 2]).gelu()
        XCTAssertLessThan(difference(g, Tensor(shape: [4], values: [-0.15865526, 0, 0.84134474, 1.95449972])).maxAbsolute, 1e-6)
        // cross_entropy([[1,2,3],[1,2,3]], [2, -100]) = 0.40760596
        let logits = Tensor(shape: [2, 3], values: [1, 2, 3, 1, 2, 3])
        XCTAssertEqual(logits.crossEntropy(targets: IndexTensor(shape: [2], values: [2, -100])).item, 0.40760596, accuracy: 1e-6)
        // cross_entropy([[1,2,3]], [2], label_smoothing=0.1) = 0.50760596
        XCTAssertEqual(logits.crossEntropy(targets: IndexTensor(shape: [2], values: [2, -100]), labelSmoothing: 0.1).item, 0.50760596, accuracy: 1e-6)
    }

    func testBroadcastFastPathsMatchGeneralPath() {
        var rng = RandomGenerator(seed: 1)
        let a = Tensor.uniform([3, 4, 5], low: -1, high: 1, rng: &rng)
        let b = Tensor.uniform([5], low: -1, high: 1, rng: &rng)
        // [5] takes the suffix path; the same values as [1, 1, 5] with a size-1 middle axis expanded take
        // the strided path through (3, 1, 5).
        let suffix = a * b
        let strided = a * Tensor.concatenate([b.reshaped(1, 1, 5), b.reshaped(1, 1, 5), b.reshaped(1, 1, 5)], axis: 0)
        XCTAssertEqual(suffix.toArray(), strided.toArray())
        let general = a + Tensor.uniform([3, 1, 5], low: -1, high: 1, rng: &rng)
        XCTAssertEqual(general.shape, [3, 4, 5])
    }

    func testShapeOpValues() {
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.transposed().toArray(), [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(x.sum(axes: [0]).toArray(), [5, 7, 9])
        XCTAssertEqual(x.sum(axes: [1], keepDims: true).shape, [2, 1])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).toArray(), [2, 3, 5, 6])
        XCTAssertEqual(Tensor.concatenate([x, x], axis: 1).toArray(), [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
        XCTAssertEqual(x.permuted(1, 0).reshaped(3, 2).toArray(), [1, 4, 2, 5, 3, 6])
    }

    func testDropoutIsSeededAndScales() {
        var g1 = RandomGenerator(seed: 7), g2 = RandomGenerator(seed: 7)
        let x = Tensor(shape: [1000], repeating: 1)
        let a = x.dropout(0.25, rng: &g1), b = x.dropout(0.25, rng: &g2)
        XCTAssertEqual(a.toArray(), b.toArray(), "same seed, same mask")
        let kept = a.toArray().filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { abs($0 - 4.0 / 3.0) < 1e-6 })
        XCTAssertEqual(Double(kept.count) / 1000, 0.75, accuracy: 0.05)
    }

    /// The backward draws the forward's mask again from its seed: the gradient is the output's
    /// gradient times exactly the forward's mask, over an odd count (a last element without its
    /// pair) large enough to be split across threads.
    func testDropoutBackwardUsesTheForwardMask() {
        var g = RandomGenerator(seed: 11)
        let n = 200_001, x = Tensor(shape: [n], repeating: 1, requiresGrad: true)
        let outputGradient = Tensor.uniform([n], low: -1, high: 1, rng: &g)
        let y = x.dropout(0.1, rng: &g)
        (y * outputGradient).sum().backward()
        let mask = y.toArray()
        XCTAssertEqual(x.grad?.toArray(), zip(outputGradient.toArray(), mask).map { $0 * $1 })
        XCTAssertTrue(mask.contains(0) && mask.last.map { $0 == 0 || abs($0 - 1 / 0.9) < 1e-6 } == true)
    }
}
