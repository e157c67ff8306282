// Layer normalisation over the last axis, fused, row by row in CKernels (sums in fixed lanes).
//   n = (x − mean)·rstd,  y = n·w + b,  rstd = 1/√(var + eps)
//   dn = dy·w;  dx = rstd·(dn − mean(dn) − n·mean(dn·n));  dw = Σ dy·n;  db = Σ dy
import CKernels

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
            ck_layer_norm_rows(x, w, b, y, st, c, range.lowerBound, range.upperBound, eps)
        }
        return out.recorded("layer_norm", [self, weight, bias]) { g, _ in
            let chunks = chunkCount(rows, grain: grain)
            let partial = Tensor(zeros: [chunks, 2, c])   // per-chunk Σ dy·n and Σ dy
            let dx = self.requiresGrad ? Tensor(uninitializedShape: self.shape) : nil
            let x = self.data, w = weight.data, st = stats.data
            let gp = g.data, pp = partial.data, dxp = dx?.data
            parallelChunks(rows, grain: grain) { chunk, range in
                let dw = pp + chunk * 2 * c
                ck_layer_norm_backward_rows(x, gp, w, st, dxp, dw, dw + c, c, range.lowerBound, range.upperBound)
            }
            if let dx { self.accumulateGrad(dx) }
            // The chunks' sums, in order.
            if weight.requiresGrad { ck_add_rows(pp, weight.ownedGrad().data, chunks, 2 * c, 0, c) }
            if bias.requiresGrad { ck_add_rows(pp + c, bias.ownedGrad().data, chunks, 2 * c, 0, c) }
        }
    }
}
