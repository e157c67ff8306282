// Kernels split across cores give the same results as on one core (inputs large enough to split),
// and the same results again on a second run (determinism for a fixed thread count).
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
}
