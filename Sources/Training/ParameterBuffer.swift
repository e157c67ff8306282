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
    public func gradientNorm() -> Double {
        let g = gradients.base
        var partial = [Double](repeating: 0, count: chunkCount(count, grain: elementwiseGrain))
        partial.withUnsafeMutableBufferPointer { sums in
            parallelChunks(count, grain: elementwiseGrain) { chunk, range in sums[chunk] = ck_sum_squares(g + range.lowerBound, range.count) }
        }
        return partial.reduce(0, +).squareRoot()
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
