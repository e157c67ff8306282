// ParameterBuffer: every trainable tensor of a model moved into one flat value buffer, with its
// gradient bound into one flat gradient buffer, so zeroing, norm, clipping and AdamW are single
// loops over contiguous memory (llm.c's layout). The tensors stay usable as before: they are views.
import CKernels
import Foundation
import TensorCore

public final class ParameterBuffer {
    public let names: [String]
    public let tensors: [Tensor]
    /// Each parameter's element range in the flat buffers.
    public let ranges: [Range<Int>]
    public let values: Storage
    public let gradients: Storage
    public var count: Int { values.count }

    /// Gathers `named` (distinct tensors, e.g. `module.namedParameters()`) into flat buffers.
    public init(_ named: [(name: String, tensor: Tensor)]) {
        precondition(Set(named.map { ObjectIdentifier($0.tensor) }).count == named.count,
                     "a tensor is registered under two names; tie weights by sharing one registration")
        names = named.map(\.name)
        tensors = named.map(\.tensor)
        var start = 0
        ranges = tensors.map { t in
            defer { start += t.count }
            return start..<(start + t.count)
        }
        values = Storage(uninitializedCount: start)
        gradients = Storage(zeroedCount: start)
        for (t, r) in zip(tensors, ranges) {
            (values.base + r.lowerBound).update(from: t.data, count: t.count)
            t.rebind(to: values, offset: r.lowerBound)
            t.bindGrad(to: gradients, offset: r.lowerBound)
        }
    }

    /// Whether the optimizer has zeroed the gradients since they were last zeroed here (AdamW clears
    /// each gradient as it consumes it, so the next `zeroGradients` has nothing to do).
    public var gradientsClearedByOptimizer = false

    /// Sets every gradient to zero (once at the top of a step).
    public func zeroGradients() {
        defer { gradientsClearedByOptimizer = false }
        guard !gradientsClearedByOptimizer else { return }
        let g = gradients.base
        parallelChunks(count, grain: elementwiseGrain) { _, range in (g + range.lowerBound).update(repeating: 0, count: range.count) }
    }

    /// The global L2 norm of all gradients, accumulated in Double.
    /// Per-core partial sums, so the result depends only on the thread count.
    public func gradientNorm() -> Double { sumOfSquares(0..<count).squareRoot() }

    /// Runs `loss.backward()` and returns the global L2 norm of the gradients it leaves, as
    /// `gradientNorm()` afterwards would (to rounding: the sums are grouped by parameter). Each
    /// parameter's sum of squares is taken as soon as the backward has finished with it, while its
    /// gradient is still in cache, instead of in one more pass over every gradient (at 90M, 350 MB read
    /// back from memory). Deterministic for a given thread count. With several ranks, whose
    /// gradients are summed after the backward, use `backward()` and `gradientNorm()` instead.
    public func backwardWithGradientNorm(_ loss: Tensor) -> Double {
        let index = Dictionary(uniqueKeysWithValues: tensors.indices.map { (ObjectIdentifier(tensors[$0]), $0) })
        var squares = [Double?](repeating: nil, count: tensors.count)
        loss.backward { leaf in
            if let i = index[ObjectIdentifier(leaf)] { squares[i] = self.sumOfSquares(self.ranges[i]) }
        }
        // Parameters the loss does not read keep the gradients they had.
        return squares.indices.reduce(0) { $0 + (squares[$1] ?? sumOfSquares(ranges[$1])) }.squareRoot()
    }

    /// Σ g² over `range` of the gradient buffer, in per-core partial sums added in order.
    private func sumOfSquares(_ range: Range<Int>) -> Double {
        let g = gradients.base + range.lowerBound
        var partial = [Double](repeating: 0, count: chunkCount(range.count, grain: elementwiseGrain))
        partial.withUnsafeMutableBufferPointer { sums in
            parallelChunks(range.count, grain: elementwiseGrain) { chunk, part in sums[chunk] = ck_sum_squares(g + part.lowerBound, part.count) }
        }
        return partial.reduce(0, +)
    }

    /// Scales all gradients so their global norm is at most `maxNorm`, as
    /// `torch.nn.utils.clip_grad_norm_` does (coefficient maxNorm / (norm + 1e-6), capped at 1).
    /// Returns the norm before clipping.
    @discardableResult
    public func clipGradientNorm(_ maxNorm: Double) -> Double {
        let norm = gradientNorm()
        let coefficient = Self.clipCoefficient(norm: norm, maxNorm: maxNorm)
        if coefficient < 1 {
            let g = gradients.base
            parallelChunks(count, grain: elementwiseGrain) { _, range in
                for i in range { g[i] *= coefficient }
            }
        }
        return norm
    }

    /// What `clipGradientNorm(maxNorm)` multiplies gradients of global norm `norm` by: maxNorm / (norm + 1e-6),
    /// capped at 1 (1 when maxNorm is 0 or less: no clipping).
    public static func clipCoefficient(norm: Double, maxNorm: Double) -> Float {
        guard maxNorm > 0 else { return 1 }
        return min(1, Float(maxNorm) / (Float(norm) + 1e-6))
    }
}
