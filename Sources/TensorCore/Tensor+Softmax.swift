// Softmax and log-softmax over an axis, fused with a scale and an additive mask (attention's
// softmax(s·QKᵀ + M) in one pass). With z = s·x + m and upstream gradient g:
//   softmax:      y = exp(z − lse(z)),  dx = s · y ⊙ (g − Σ g⊙y)
//   log-softmax:  y = z − lse(z),       dx = s · (g − exp(y) · Σ g)
// A row whose mask is −∞ everywhere gives zeros (softmax) rather than NaN.
import CKernels
import Foundation

extension Tensor {
    /// softmax(scale·x + mask) along `axis`; `mask` broadcasts to x (its size along `axis` is that of x, or 1).
    public func softmax(axis: Int = -1, scale: Float = 1, mask: Tensor? = nil) -> Tensor {
        normalizedExp(axis: axis, scale: scale, mask: mask, log: false)
    }

    /// log softmax(scale·x + mask) along `axis`.
    public func logSoftmax(axis: Int = -1, scale: Float = 1, mask: Tensor? = nil) -> Tensor {
        normalizedExp(axis: axis, scale: scale, mask: mask, log: true)
    }

    private func normalizedExp(axis: Int, scale: Float, mask: Tensor?, log: Bool) -> Tensor {
        let ax = normalizedAxis(axis)
        if ax != rank - 1 {
            // Move the axis last, normalise there, and move it back; the permutes carry the gradient.
            var perm = Array(0..<rank)
            perm.swapAt(ax, rank - 1)
            let m = mask.map { mk -> Tensor in
                let lifted = Array(repeating: 1, count: rank - mk.rank) + mk.shape
                return mk.reshaped(lifted).permutedCopy(perm)
            }
            return permuted(perm).normalizedExp(axis: -1, scale: scale, mask: m, log: log).permuted(perm)
        }
        let n = shape.last ?? 1, rows = count / max(n, 1)
        let maskRows = mask.map { maskRowOffsets($0) }
        let maskStride = mask.map { $0.shape.last == 1 || $0.rank == 0 ? 0 : 1 } ?? 0
        let out = Tensor(uninitializedShape: shape)
        let x = data, y = out.data, mp = mask?.data
        parallelChunks(rows, grain: max(1, elementwiseGrain / max(n, 1))) { _, range in
            for r in range {
                let xr = x + r * n, yr = y + r * n
                if let mp, let maskRows {
                    let mr = mp + maskRows[r]
                    if maskStride == 1 { for j in 0..<n { yr[j] = scale * xr[j] + mr[j] } } else { for j in 0..<n { yr[j] = scale * xr[j] + mr[0] } }
                } else {
                    for j in 0..<n { yr[j] = scale * xr[j] }
                }
                let mx = ck_max(yr, n)
                if mx == -Float.infinity {
                    yr.update(repeating: log ? -Float.infinity : 0, count: n)
                    continue
                }
                if log {
                    let lse = mx + Foundation.log(ck_exp_shifted(yr, mx, nil, n))
                    for j in 0..<n { yr[j] -= lse }
                } else {
                    let inv = 1 / ck_exp_shifted(yr, mx, yr, n)
                    for j in 0..<n { yr[j] *= inv }
                }
            }
        }
        return out.recorded(log ? "log_softmax" : "softmax", [self]) { g, out in
            let dx = Tensor(uninitializedShape: self.shape)
            let gp = g.data, y = out.data, d = dx.data
            parallelChunks(rows, grain: max(1, elementwiseGrain / max(n, 1))) { _, range in
                for r in range {
                    let gr = gp + r * n, yr = y + r * n, dr = d + r * n
                    var dot: Float = 0
                    if log {
                        for j in 0..<n { dot += gr[j] }
                        ck_exp_shifted(yr, 0, dr, n)                               // softmax; 0 where y = −∞
                        for j in 0..<n { dr[j] = scale * (gr[j] - dr[j] * dot) }
                    } else {
                        for j in 0..<n { dot += gr[j] * yr[j] }
                        for j in 0..<n { dr[j] = scale * yr[j] * (gr[j] - dot) }
                    }
                }
            }
            self.accumulateGrad(dx)
        }
    }

    /// For each innermost row of this tensor, the offset of the matching row of a broadcast `mask`.
    private func maskRowOffsets(_ mask: Tensor) -> [Int] {
        let lastOK = mask.rank == 0 || mask.shape.last == 1 || mask.shape.last == shape.last
        precondition(lastOK && broadcastShape(mask.shape, shape) == shape,
                     "mask \(mask.shape) does not broadcast to scores \(shape)")
        let strides = broadcastStrides(mask.shape, to: shape)
        var offsets = [Int](repeating: 0, count: count / max(shape.last ?? 1, 1))
        forEachRow(shape, strides, strides) { row, off, _ in offsets[row] = off }
        return offsets
    }
}
