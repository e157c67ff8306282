// Broadcasting: NumPy rules for shapes, strides that repeat an operand along broadcast axes, and the
// two kernels everything else uses: expand to a larger shape, and sum back down to a smaller one.
import CKernels

/// The shape both operands broadcast to (NumPy rules); stops with a message naming both shapes.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        precondition(da == db || da == 1 || db == 1, "shapes \(a) and \(b) do not broadcast")
        out[i] = max(da, db)
    }
    return out
}

/// Strides for reading a tensor of `shape` as if it had `outShape`: 0 along broadcast axes.
func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
    let lead = outShape.count - shape.count
    let own = contiguousStrides(shape)
    return (0..<outShape.count).map { i in
        i < lead || shape[i - lead] == 1 ? 0 : own[i - lead]
    }
}

/// Visits every innermost row of `outShape` in order, giving the row's first offset in each of two
/// strided operands. The caller walks the row itself with the operands' innermost strides.
@inline(__always)
func forEachRow(_ outShape: [Int], _ sa: [Int], _ sb: [Int], _ body: (_ row: Int, _ offA: Int, _ offB: Int) -> Void) {
    let r = outShape.count
    guard r > 1 else { body(0, 0, 0); return }
    let rows = outShape.dropLast().reduce(1, *)
    var index = [Int](repeating: 0, count: r - 1)
    var offA = 0, offB = 0
    for row in 0..<rows {
        body(row, offA, offB)
        var d = r - 2
        while d >= 0 {
            index[d] += 1
            offA += sa[d]
            offB += sb[d]
            if index[d] < outShape[d] { break }
            offA -= sa[d] * outShape[d]
            offB -= sb[d] * outShape[d]
            index[d] = 0
            d -= 1
        }
    }
}

/// Whether `small`, with leading ones dropped, equals the trailing dimensions of `big`.
func isSuffix(_ small: [Int], of big: [Int]) -> Bool {
    let trimmed = Array(small.drop { $0 == 1 })
    return trimmed.count <= big.count && Array(big.suffix(trimmed.count)) == trimmed
}

extension Tensor {
    /// A copy of this tensor repeated along broadcast axes to `outShape` (no gradient recorded).
    func expandedCopy(to outShape: [Int]) -> Tensor {
        if outShape == shape { return self }
        let out = Tensor(uninitializedShape: outShape)
        let src = data, dst = out.data
        if isSuffix(shape, of: outShape) {
            for row in 0..<(out.count / max(count, 1)) { (dst + row * count).update(from: src, count: count) }
            return out
        }
        let s = broadcastStrides(shape, to: outShape)
        let inner = outShape.last ?? 1, si = s.last ?? 0
        forEachRow(outShape, s, s) { row, off, _ in
            let o = dst + row * inner
            for j in 0..<inner { o[j] = src[off + j * si] }
        }
        return out
    }

    /// This tensor summed over the axes where `target` is broadcast (the adjoint of expanding).
    func summed(to target: [Int]) -> Tensor {
        if target == shape { return self }
        let out = Tensor(zeros: target)
        let src = data, dst = out.data
        let n = out.count
        if n == 1 {
            dst[0] = sumAll(src, count)
            return out
        }
        if isSuffix(target, of: shape) {
            let rows = count / max(n, 1)
            parallelChunks(n, grain: max(1, elementwiseGrain / max(rows, 1))) { _, columns in
                ck_add_rows(src, dst, rows, n, columns.lowerBound, columns.upperBound)
            }
            return out
        }
        let s = broadcastStrides(target, to: shape)
        let inner = shape.last ?? 1, si = s.last ?? 0
        forEachRow(shape, s, s) { row, off, _ in
            let g = src + row * inner
            if si == 0 {
                var acc: Float = 0
                for j in 0..<inner { acc += g[j] }
                dst[off] += acc
            } else {
                for j in 0..<inner { dst[off + j * si] += g[j] }
            }
        }
        return out
    }
}
