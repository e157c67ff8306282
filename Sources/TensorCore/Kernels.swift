// Kernels: the tight loops shared by several ops (elementwise add, in-place add, a deterministic sum)
// over raw pointers, split across cores for large buffers, and row-major strides.

/// out[i] = a[i] + b[i]
func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ n: Int) {
    parallelChunks(n, grain: elementwiseGrain) { _, r in
        for i in r { out[i] = a[i] + b[i] }
    }
}

/// a[i] += b[i]
func addInPlace(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) {
    parallelChunks(n, grain: elementwiseGrain) { _, r in
        for i in r { a[i] += b[i] }
    }
}

/// Row-major strides of `shape`.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = s
        s *= shape[i]
    }
    return strides
}

/// The sum of `n` floats, accumulated in Double per chunk (deterministic for a fixed thread count).
func sumAll(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    let chunks = chunkCount(n, grain: elementwiseGrain)
    var partial = [Double](repeating: 0, count: chunks)
    partial.withUnsafeMutableBufferPointer { p in
        let parts = p.baseAddress!
        parallelChunks(n, grain: elementwiseGrain) { c, r in
            var acc: Double = 0
            for i in r { acc += Double(x[i]) }
            parts[c] = acc
        }
    }
    return Float(partial.reduce(0, +))
}
