// Reductions: sum and mean over all elements or over chosen axes (keeping them as size 1 or not).
//   d sum = g expanded back over the reduced axes;  d mean = that divided by the reduced count.

extension Tensor {
    /// The sum of all elements, as a 0-dimensional tensor.
    public func sum() -> Tensor {
        let out = Tensor(shape: [], values: [sumAll(data, count)])
        return out.recorded("sum", [self]) { g, _ in
            self.accumulateGrad(Tensor(shape: self.shape, repeating: g.item))
        }
    }

    /// The mean of all elements, as a 0-dimensional tensor.
    public func mean() -> Tensor { sum() * (1 / Float(max(count, 1))) }

    /// Sums over `axes` (negative axes count from the end).
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = Set(axes.map { normalizedAxis($0) })
        let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let out = summed(to: kept)
        let result = out === self ? detached() : out
        result.recorded("sum_axes", [self]) { g, _ in
            self.accumulateGrad(g.reshaped(kept).expandedCopy(to: self.shape))
        }
        return keepDims ? result : result.reshaped(shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    /// Means over `axes` (negative axes count from the end).
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = Set(axes.map { normalizedAxis($0) }).reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(max(n, 1)))
    }

    /// `axis` in 0..<rank, counting negative values from the end; stops on an out-of-range axis.
    public func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(shape)")
        return a
    }
}
