// GELU in its exact erf form (HF's "gelu"), alone or fused with the bias add that precedes it.
//   gelu(u) = ½u(1 + erf(u/√2)),  gelu'(u) = ½(1 + erf(u/√2)) + u·φ(u),  φ(u) = e^(−u²/2)/√(2π)
//   with u = x + b:  dx = g·gelu'(u),  db = Σ_rows dx
// The transcendental loops are CKernels' (vectorized); u is formed in the output buffer first.
import CKernels

/// out = x + b (b over rows of `c`; x alone without b), then `f(out, rows)` on each chunk of whole
/// rows (of `c` with a bias, of 1024 elements without), split across cores.
@inline(__always)
private func shiftedRows(_ x: UnsafePointer<Float>, bias b: UnsafePointer<Float>?, c: Int, into out: UnsafeMutablePointer<Float>, _ n: Int,
                         _ f: (_ start: Int, _ count: Int) -> Void) {
    let length = b == nil ? min(1024, max(n, 1)) : c
    let rows = (n + length - 1) / length
    parallelChunks(rows, grain: max(1, elementwiseGrain / length)) { _, range in
        let start = range.lowerBound * length, count = min(range.upperBound * length, n) - start
        if let b {
            for row in range { for j in 0..<c { out[row * c + j] = x[row * c + j] + b[j] } }
        } else if UnsafePointer(out) != x {
            (out + start).update(from: x + start, count: count)
        }
        f(start, count)
    }
}

extension Tensor {
    /// GELU (exact erf form), elementwise.
    public func gelu() -> Tensor { biasGELU(nil) }

    /// gelu(x + bias), with `bias` over the last axis, in one pass.
    public func gelu(bias: Tensor) -> Tensor { biasGELU(bias) }

    private func biasGELU(_ bias: Tensor?) -> Tensor {
        let c = bias?.count ?? count
        precondition(bias == nil || shape.last == c, "gelu: bias \(bias!.shape) does not match last axis of \(shape)")
        let out = Tensor(uninitializedShape: shape)
        let y = out.data
        shiftedRows(data, bias: bias?.data, c: c, into: y, count) { start, n in ck_gelu(y + start, y + start, n) }
        let inputs = bias.map { [self, $0] } ?? [self]
        return out.recorded(bias == nil ? "gelu" : "bias_gelu", inputs) { g, _ in
            let dx = Tensor(uninitializedShape: self.shape)
            let d = dx.data, gp = g.data
            shiftedRows(self.data, bias: bias?.data, c: c, into: d, self.count) { start, n in ck_gelu_backward(d + start, gp + start, d + start, n) }
            if let bias, bias.requiresGrad { bias.accumulateGrad(dx.summed(to: bias.shape)) }
            self.accumulateGrad(dx)
        }
    }
}
