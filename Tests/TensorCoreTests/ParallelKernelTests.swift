// Kernels split across cores give the same results as on one core (inputs large enough to split),
// and the same results again on a second run (determinism for a fixed thread count); the worker pool
// under them runs every chunk once, nested and from several threads at a time.
import Foundation
import TensorCore
import TensorTesting
import XCTest

final class ParallelKernelTests: XCTestCase {
    /// Forward output and input gradients of `f` on fresh copies of `inputs`, with `threads` kernel threads.
    private func run(threads: Int, _ inputs: [Tensor], _ f: ([Tensor]) -> Tensor) -> [[Float]] {
        let saved = Threading.threads
        Threading.threads = threads
        defer { Threading.threads = saved }
        let copies = inputs.map { x -> Tensor in let c = x.detached(); c.requiresGrad = true; return c }
        let y = f(copies)
        var rng = RandomGenerator(seed: 4)
        (y * Tensor.uniform(y.shape, low: -1, high: 1, rng: &rng)).sum().backward()
        return [y.toArray()] + copies.map { $0.grad!.toArray() }
    }

    private func assertSameAcrossThreads(_ label: String, _ inputs: [Tensor], _ f: @escaping ([Tensor]) -> Tensor) {
        let one = run(threads: 1, inputs, f), two = run(threads: 2, inputs, f), again = run(threads: 2, inputs, f)
        XCTAssertEqual(two, again, "\(label): not deterministic on 2 threads")
        for (a, b) in zip(one, two) {
            let d = difference(b, a)
            XCTAssertLessThan(d.maxAbsolute, 1e-4 * max(1, a.map(abs).max() ?? 1), "\(label): 1 vs 2 threads \(d)")
        }
    }

    func testLargeKernelsAgreeAcrossThreadCounts() {
        var rng = RandomGenerator(seed: 8)
        let x = Tensor.uniform([4, 160, 512], low: -2, high: 2, rng: &rng)
        let w = Tensor.uniform([512], low: 0.5, high: 1.5, rng: &rng), b = Tensor.uniform([512], low: -1, high: 1, rng: &rng)
        assertSameAcrossThreads("layer norm", [x, w, b]) { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        assertSameAcrossThreads("bias gelu", [x, b]) { $0[0].gelu(bias: $0[1]) }
        assertSameAcrossThreads("add / mul broadcast", [x, w]) { ($0[0] + $0[1]) * $0[0] }
        assertSameAcrossThreads("exp", [x]) { $0[0].exp() }
        let scores = Tensor.uniform([4, 16, 160, 160], low: -3, high: 3, rng: &rng)
        let mask = Tensor(shape: [4, 1, 1, 160], values: (0..<640).map { $0 % 160 > 150 ? -Float.infinity : 0 })
        assertSameAcrossThreads("masked softmax", [scores]) { $0[0].softmax(scale: 0.2, mask: mask) }
        let logits = Tensor.uniform([256, 4096], low: -4, high: 4, rng: &rng)
        let targets = IndexTensor(shape: [256], values: (0..<256).map { $0 % 7 == 0 ? -100 : Int32($0 * 13 % 4096) })
        assertSameAcrossThreads("cross-entropy", [logits]) { $0[0].crossEntropy(targets: targets) }
        assertSameAcrossThreads("sum", [x]) { $0[0].sum() }
    }

    /// Every chunk runs exactly once and covers its range, for chunk counts up to and past the pool's
    /// workers, including loops started back to back (a late worker must not run a finished loop).
    func testPoolRunsEveryChunkOnce() {
        let saved = Threading.threads
        defer { Threading.threads = saved }
        for threads in [2, 3, 7] {
            Threading.threads = threads
            for count in [2, 3, 10, 1000] {
                for _ in 0..<200 {
                    var hits = [Int](repeating: 0, count: count)
                    hits.withUnsafeMutableBufferPointer { hits in
                        parallelChunks(count, grain: 1) { _, range in
                            for i in range { hits[i] += 1 }
                        }
                    }
                    XCTAssertEqual(hits, [Int](repeating: 1, count: count), "\(threads) threads, \(count) items")
                }
            }
        }
    }

    /// A loop inside a loop, and loops from several threads at once, run their chunks on the calling
    /// thread instead of waiting for the pool: no deadlock, and the same sums.
    func testNestedAndConcurrentLoopsComplete() {
        let saved = Threading.threads
        defer { Threading.threads = saved }
        Threading.threads = 2
        let outer = 64, inner = 512
        var nested = [Int](repeating: 0, count: outer)
        nested.withUnsafeMutableBufferPointer { nested in
            parallelChunks(outer, grain: 1) { _, rows in
                for r in rows {
                    var partial = [Int](repeating: 0, count: 2)
                    partial.withUnsafeMutableBufferPointer { partial in
                        parallelChunks(inner, grain: 1) { chunk, columns in partial[chunk] += columns.count }
                    }
                    nested[r] = partial.reduce(0, +)
                }
            }
        }
        XCTAssertEqual(nested, [Int](repeating: inner, count: outer))

        let callers = 4, loops = 300
        var totals = [Int](repeating: 0, count: callers)
        totals.withUnsafeMutableBufferPointer { totals in
            DispatchQueue.concurrentPerform(iterations: callers) { caller in
                for _ in 0..<loops {
                    var partial = [Int](repeating: 0, count: 2)
                    partial.withUnsafeMutableBufferPointer { partial in
                        parallelChunks(100, grain: 1) { chunk, range in partial[chunk] = range.reduce(0, +) }
                    }
                    totals[caller] += partial.reduce(0, +)
                }
            }
        }
        XCTAssertEqual(totals, [Int](repeating: loops * 4950, count: callers))
    }

    /// A row's few-row product (fp32, fp16 and bf16 weights) is the same bits whichever rows share its
    /// pass, so a batch of 2–8 rows decodes each row as it would with any other batch size in that range.
    func testFewRowProductsDoNotDependOnTheBatch() {
        var rng = RandomGenerator(seed: 9)
        let x = Tensor.uniform([8, 37], low: -1, high: 1, rng: &rng)
        for format in [nil] + HalfPrecisionFormat.allCases {
            let w = Tensor.uniform([600, 37], low: -1, high: 1, rng: &rng)
            if let format { w.makeHalfPrecision(format) }
            let all = x.linear(weight: w, bias: nil).toArray()
            for rows in 1...7 {
                let some = x.slice(axis: 0, 0..<rows).linear(weight: w, bias: nil).toArray()
                XCTAssertEqual(some, Array(all.prefix(rows * 600)), "\(format?.rawValue ?? "f32"): \(rows) rows against 8")
            }
        }
    }
}
