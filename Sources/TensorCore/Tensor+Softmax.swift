// Softmax and log-softmax over an axis, fused with a scale and an additive mask (attention's
// softmax(s·QKᵀ + M) in one pass). With z = s·x + m and upstream gradient g:
//   softmax:      y = exp(z − lse(z)),  dx = s · y ⊙ (g − Σ g⊙y)
//   log-softmax:  y = z − lse(z),       dx = s · (g − exp(y) · Σ g)
// A row whose mask is −∞ everywhere gives zeros (softmax) rather than NaN. The row functions serve
// `headAttention` too, so its weights are these, bit for bit.
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
        let rowMask = mask.map { RowMask($0, rowsOf: shape) }
        let out = Tensor(uninitializedShape: shape)
        let x = data, y = out.data
        parallelChunks(rows, grain: max(1, elementwiseGrain / max(n, 1))) { _, range in
            for r in range { Self.normalizedExpRow(x + r * n, into: y + r * n, n, scale: scale, mask: rowMask?.row(r), log: log) }
        }
        return out.recorded(log ? "log_softmax" : "softmax", [self]) { g, out in
            let dx = Tensor(uninitializedShape: self.shape)
            let gp = g.data, y = out.data, d = dx.data
            parallelChunks(rows, grain: max(1, elementwiseGrain / max(n, 1))) { _, range in
                for r in range { Self.normalizedExpGradientRow(gp + r * n, y + r * n, into: d + r * n, n, scale: scale, log: log) }
            }
            self.accumulateGrad(dx)
        }
    }

    /// One row of softmax(scale·x + mask), or its log, into `y` (which may be `x`).
    @inline(__always)
    static func normalizedExpRow(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int, scale: Float,
                                 mask: (values: UnsafePointer<Float>, stride: Int)?, log: Bool) {
        if let mask {
            if mask.stride == 1 { for j in 0..<n { y[j] = scale * x[j] + mask.values[j] } } else { for j in 0..<n { y[j] = scale * x[j] + mask.values[0] } }
        } else {
            for j in 0..<n { y[j] = scale * x[j] }
        }
        let mx = ck_max(y, n)
        if mx == -Float.infinity {
            y.update(repeating: log ? -Float.infinity : 0, count: n)
            return
        }
        if log {
            let lse = mx + Foundation.log(ck_exp_shifted(y, mx, nil, n))
            for j in 0..<n { y[j] -= lse }
        } else {
            let inv = 1 / ck_exp_shifted(y, mx, y, n)
            for j in 0..<n { y[j] *= inv }
        }
    }

    /// One row of the gradient with respect to x of `normalizedExpRow`, from its output `y` and the
    /// output's gradient `g`, into `dx` (which may be `g`).
    @inline(__always)
    static func normalizedExpGradientRow(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                                         _ n: Int, scale: Float, log: Bool) {
        if log {
            let total = ck_sum(g, n)
            ck_exp_shifted(y, 0, dx, n)                               // softmax; 0 where y = −∞
            for j in 0..<n { dx[j] = scale * (g[j] - dx[j] * total) }
        } else {
            ck_softmax_backward_row(g, y, dx, n, scale)
        }
    }
}

/// An additive mask broadcast over the innermost rows of a tensor: where row r's mask starts, and
/// whether it has one value per column (stride 1) or one for the whole row (stride 0).
struct RowMask {
    let values: UnsafePointer<Float>, offsets: [Int], stride: Int

    /// `mask` against rows of `shape`: its last axis is that of `shape`, or 1.
    init(_ mask: Tensor, rowsOf shape: [Int]) {
        let lastOK = mask.rank == 0 || mask.shape.last == 1 || mask.shape.last == shape.last
        precondition(lastOK && broadcastShape(mask.shape, shape) == shape, "mask \(mask.shape) does not broadcast to scores \(shape)")
        let strides = broadcastStrides(mask.shape, to: shape)
        var offsets = [Int](repeating: 0, count: shape.reduce(1, *) / max(shape.last ?? 1, 1))
        forEachRow(shape, strides, strides) { row, off, _ in offsets[row] = off }
        (values, self.offsets, stride) = (UnsafePointer(mask.data), offsets, mask.shape.last == 1 || mask.rank == 0 ? 0 : 1)
    }

    func row(_ r: Int) -> (values: UnsafePointer<Float>, stride: Int) { (values + offsets[r], stride) }
}
