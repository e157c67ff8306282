// GELU in its exact erf form (HF's "gelu"), alone or fused with the bias add that precedes it.
//   gelu(u) = ½u(1 + erf(u/√2)),  gelu'(u) = ½(1 + erf(u/√2)) + u·φ(u),  φ(u) = e^(−u²/2)/√(2π)
//   with u = x + b:  dx = g·gelu'(u),  db = Σ_rows dx
import Foundation

@inline(__always) private func geluValue(_ u: Float) -> Float { 0.5 * u * (1 + erff(u * 0.70710678118654752)) }
@inline(__always) private func geluDerivative(_ u: Float) -> Float {
    0.5 * (1 + erff(u * 0.70710678118654752)) + u * 0.39894228040143268 * Foundation.exp(-0.5 * u * u)
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
        let x = data, y = out.data, b = bias?.data, n = count
        parallelChunks(n, grain: elementwiseGrain) { _, r in
            if let b { for i in r { y[i] = geluValue(x[i] + b[i % c]) } } else { for i in r { y[i] = geluValue(x[i]) } }
        }
        let inputs = bias.map { [self, $0] } ?? [self]
        return out.recorded(bias == nil ? "gelu" : "bias_gelu", inputs) { g, _ in
            let dx = Tensor(uninitializedShape: self.shape)
            let gp = g.data, d = dx.data, x = self.data, b = bias?.data
            parallelChunks(n, grain: elementwiseGrain) { _, r in
                if let b { for i in r { d[i] = gp[i] * geluDerivative(x[i] + b[i % c]) } }
                else { for i in r { d[i] = gp[i] * geluDerivative(x[i]) } }
            }
            if let bias, bias.requiresGrad { bias.accumulateGrad(dx.summed(to: bias.shape)) }
            self.accumulateGrad(dx)
        }
    }
}
