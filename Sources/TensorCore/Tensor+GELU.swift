// GELU in its exact erf form (HF's "gelu"), alone or fused with the bias add that precedes it.
//   gelu(u) = ½u(1 + erf(u/√2)),  gelu'(u) = ½(1 + erf(u/√2)) + u·φ(u),  φ(u) = e^(−u²/2)/√(2π)
//   with u = x + b:  dx = g·gelu'(u),  db = Σ_rows dx
// The loops are CKernels' (vectorized); with a bias, u is formed in registers, row by row.
import CKernels

extension Tensor {
    /// GELU (exact erf form), elementwise.
    public func gelu() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let x = data, y = out.data
        parallelChunks(count, grain: elementwiseGrain) { _, range in ck_gelu(x + range.lowerBound, y + range.lowerBound, range.count) }
        return out.recorded("gelu", [self]) { g, _ in
            let dx = Tensor(uninitializedShape: self.shape)
            let d = dx.data, gp = g.data
            parallelChunks(self.count, grain: elementwiseGrain) { _, range in
                ck_gelu_backward(x + range.lowerBound, gp + range.lowerBound, d + range.lowerBound, range.count)
            }
            self.accumulateGrad(dx)
        }
    }

    /// gelu(x + bias), with `bias` over the last axis, in one pass; the backward's pass sums the
    /// bias's gradient too (per chunk of rows, the chunks then added in order).
    public func gelu(bias: Tensor) -> Tensor {
        let c = bias.count, rows = count / max(c, 1)
        precondition(shape.last == c, "gelu: bias \(bias.shape) does not match last axis of \(shape)")
        let out = Tensor(uninitializedShape: shape)
        let x = data, b = bias.data, y = out.data
        let grain = max(1, elementwiseGrain / max(c, 1))
        parallelChunks(rows, grain: grain) { _, range in ck_bias_gelu_rows(x, b, y, c, range.lowerBound, range.upperBound) }
        return out.recorded("bias_gelu", [self, bias]) { g, _ in
            let dx = Tensor(uninitializedShape: self.shape)
            let chunks = chunkCount(rows, grain: grain)
            let partial = bias.requiresGrad ? Tensor(zeros: [chunks, c]) : nil
            let d = dx.data, gp = g.data, pp = partial?.data
            parallelChunks(rows, grain: grain) { chunk, range in
                ck_bias_gelu_backward_rows(x, b, gp, d, pp.map { $0 + chunk * c }, c, range.lowerBound, range.upperBound)
            }
            if let pp { ck_add_rows(pp, bias.ownedGrad().data, chunks, c, 0, c) }   // the chunks' sums, in order
            self.accumulateGrad(dx)
        }
    }
}
