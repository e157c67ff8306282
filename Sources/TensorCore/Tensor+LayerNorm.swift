// Layer normalisation over the last axis, fused: one pass for mean and variance, one to write.
//   n = (x − mean)·rstd,  y = n·w + b,  rstd = 1/√(var + eps)
//   dn = dy·w;  dx = rstd·(dn − mean(dn) − n·mean(dn·n));  dw = Σ dy·n;  db = Σ dy
import Foundation

extension Tensor {
    /// Normalises each row of the last axis to zero mean and unit variance, then scales and shifts.
    public func layerNorm(weight: Tensor, bias: Tensor, eps: Float = 1e-5) -> Tensor {
        let c = shape.last ?? 1, rows = count / max(c, 1)
        precondition(weight.count == c && bias.count == c,
                     "layerNorm: weight \(weight.shape) / bias \(bias.shape) do not match width \(c) of \(shape)")
        let out = Tensor(uninitializedShape: shape)
        let stats = Tensor(uninitializedShape: [rows, 2])   // (mean, rstd) per row
        let x = data, y = out.data, w = weight.data, b = bias.data, st = stats.data
        let grain = max(1, elementwiseGrain / max(c, 1))
        parallelChunks(rows, grain: grain) { _, range in
            for r in range {
                let xr = x + r * c, yr = y + r * c
                var sum: Float = 0
                for j in 0..<c { sum += xr[j] }
                let mean = sum / Float(c)
                var sq: Float = 0
                for j in 0..<c { let d = xr[j] - mean; sq += d * d }
                let rstd = 1 / (sq / Float(c) + eps).squareRoot()
                for j in 0..<c { yr[j] = (xr[j] - mean) * rstd * w[j] + b[j] }
                st[2 * r] = mean
                st[2 * r + 1] = rstd
            }
        }
        return out.recorded("layer_norm", [self, weight, bias]) { g, _ in
            let chunks = chunkCount(rows, grain: grain)
            let partial = Tensor(zeros: [chunks, 2, c])   // per-chunk Σ dy·n and Σ dy
            let dx = self.requiresGrad ? Tensor(uninitializedShape: self.shape) : nil
            let x = self.data, w = weight.data, st = stats.data
            let gp = g.data, pp = partial.data, dxp = dx?.data
            parallelChunks(rows, grain: grain) { chunk, range in
                let dw = pp + chunk * 2 * c, db = dw + c
                for r in range {
                    let xr = x + r * c, gr = gp + r * c
                    let mean = st[2 * r], rstd = st[2 * r + 1]
                    var meanDn: Float = 0, meanDnN: Float = 0
                    for j in 0..<c {
                        let n = (xr[j] - mean) * rstd
                        let dn = gr[j] * w[j]
                        meanDn += dn
                        meanDnN += dn * n
                        dw[j] += gr[j] * n
                        db[j] += gr[j]
                    }
                    guard let dxp else { continue }
                    meanDn /= Float(c)
                    meanDnN /= Float(c)
                    let dr = dxp + r * c
                    for j in 0..<c {
                        let n = (xr[j] - mean) * rstd
                        dr[j] = rstd * (gr[j] * w[j] - meanDn - n * meanDnN)
                    }
                }
            }
            if let dx { self.accumulateGrad(dx) }
            for chunk in 0..<chunks {
                if weight.requiresGrad { addInPlace(weight.ownedGrad().data, pp + chunk * 2 * c, c) }
                if bias.requiresGrad { addInPlace(bias.ownedGrad().data, pp + chunk * 2 * c + c, c) }
            }
        }
    }
}
