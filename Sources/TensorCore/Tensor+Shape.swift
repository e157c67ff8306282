// Shape ops: reshape (a free view), permute/transpose (a copy), concatenation, slicing and splitting
// along an axis. Each backward moves the gradient back the same way: reshape back, inverse
// permutation, slice of the gradient, gradient written into a zero tensor at the slice.

extension Tensor {
    // MARK: - Reshape

    /// The same elements viewed in `newShape` (one dimension may be -1). Shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var dims = newShape
        if let i = dims.firstIndex(of: -1) {
            let known = dims.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            dims[i] = count / known
        }
        precondition(dims.reduce(1, *) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let out = Tensor(shape: dims, storage: storage, offset: offset)
        return out.recorded("reshape", [self]) { g, _ in self.accumulateGrad(g) }
    }

    public func reshaped(_ dims: Int...) -> Tensor { reshaped(dims) }

    // MARK: - Permute

    /// Dimensions reordered so that output axis i is input axis `axes[i]` (a copy).
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "permutation \(axes) does not fit rank \(rank)")
        let out = permutedCopy(axes)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return out.recorded("permute", [self]) { g, _ in self.accumulateGrad(g.permutedCopy(inverse)) }
    }

    public func permuted(_ axes: Int...) -> Tensor { permuted(axes) }

    /// Swaps two axes (a copy).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(normalizedAxis(a), normalizedAxis(b))
        return permuted(axes)
    }

    func permutedCopy(_ axes: [Int]) -> Tensor {
        let outShape = axes.map { shape[$0] }
        let out = Tensor(uninitializedShape: outShape)
        if axes == Array(0..<rank) {
            out.data.update(from: data, count: count)
            return out
        }
        let inStrides = contiguousStrides(shape)
        let src = axes.map { inStrides[$0] }          // input stride along each output axis
        let inner = outShape.last ?? 1, si = src.last ?? 1
        let x = data, y = out.data
        forEachRow(outShape, src, src) { row, off, _ in
            let o = y + row * inner
            if si == 1 {
                o.update(from: x + off, count: inner)
            } else {
                for j in 0..<inner { o[j] = x[off + j * si] }
            }
        }
        return out
    }

    // MARK: - Concatenate, slice, split

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate of no tensors")
        let first = parts[0]
        let ax = first.normalizedAxis(axis)
        for p in parts {
            precondition(p.rank == first.rank && (0..<p.rank).allSatisfy { $0 == ax || p.shape[$0] == first.shape[$0] },
                         "concatenate along \(axis): shape \(p.shape) does not match \(first.shape)")
        }
        var outShape = first.shape
        outShape[ax] = parts.reduce(0) { $0 + $1.shape[ax] }
        let outer = first.shape[..<ax].reduce(1, *), inner = first.shape[(ax + 1)...].reduce(1, *)
        let out = Tensor(uninitializedShape: outShape)
        let rowOut = outShape[ax] * inner
        var start = 0
        for p in parts {
            let block = p.shape[ax] * inner
            for o in 0..<outer { (out.data + o * rowOut + start).update(from: p.data + o * block, count: block) }
            start += block
        }
        return out.recorded("concatenate", parts) { g, _ in
            var begin = 0
            for p in parts {
                if p.requiresGrad { p.accumulateGrad(g.sliceCopy(axis: ax, begin..<(begin + p.shape[ax]))) }
                begin += p.shape[ax]
            }
        }
    }

    /// The entries `rows` of axis 0, in that order, repeats allowed (one copy); the gradient of each
    /// entry is added back to the row it came from.
    public func selectingRows(_ rows: [Int]) -> Tensor {
        precondition(rank >= 1 && rows.allSatisfy { (0..<shape[0]).contains($0) }, "selectingRows: rows outside 0..<\(shape.first ?? 0)")
        let inner = shape.dropFirst().reduce(1, *)
        let out = Tensor(uninitializedShape: [rows.count] + shape.dropFirst())
        for (i, row) in rows.enumerated() { (out.data + i * inner).update(from: data + row * inner, count: inner) }
        return out.recorded("select_rows", [self]) { g, _ in
            let full = Tensor(zeros: self.shape)
            for (i, row) in rows.enumerated() {
                let to = full.data + row * inner, from = g.data + i * inner
                for j in 0..<inner { to[j] += from[j] }
            }
            self.accumulateGrad(full)
        }
    }

    /// Elements `range` along `axis` (a copy).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let ax = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[ax],
                     "slice \(range) out of bounds for axis \(axis) of shape \(shape)")
        let out = sliceCopy(axis: ax, range)
        return out.recorded("slice", [self]) { g, _ in
            let full = Tensor(zeros: self.shape)
            full.writeSlice(g, axis: ax, at: range.lowerBound)
            self.accumulateGrad(full)
        }
    }

    /// Splits along `axis` into consecutive pieces of the given sizes.
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        let ax = normalizedAxis(axis)
        precondition(sizes.reduce(0, +) == shape[ax], "split sizes \(sizes) do not add up to \(shape[ax]) along axis \(axis)")
        var begin = 0
        return sizes.map { size in
            defer { begin += size }
            return slice(axis: ax, begin..<(begin + size))
        }
    }

    func sliceCopy(axis ax: Int, _ range: Range<Int>) -> Tensor {
        var outShape = shape
        outShape[ax] = range.count
        let outer = shape[..<ax].reduce(1, *), inner = shape[(ax + 1)...].reduce(1, *)
        let out = Tensor(uninitializedShape: outShape)
        let block = range.count * inner, rowIn = shape[ax] * inner
        for o in 0..<outer {
            (out.data + o * block).update(from: data + o * rowIn + range.lowerBound * inner, count: block)
        }
        return out
    }

    /// Copies `part` into this tensor at position `start` along axis `ax` (no gradient recorded).
    func writeSlice(_ part: Tensor, axis ax: Int, at start: Int) {
        let outer = shape[..<ax].reduce(1, *), inner = shape[(ax + 1)...].reduce(1, *)
        let block = part.shape[ax] * inner, rowOut = shape[ax] * inner
        for o in 0..<outer {
            (data + o * rowOut + start * inner).update(from: part.data + o * block, count: block)
        }
    }
}
