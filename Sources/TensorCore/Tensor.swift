// Tensor: a contiguous row-major Float array with a shape, an optional gradient and the tape node
// that produced it. Reshape is free (shared storage); every other op writes a new buffer.
import Foundation

/// A contiguous, row-major `Float` tensor that records the ops producing it when gradients are on.
public final class Tensor {
    public private(set) var shape: [Int]
    /// The buffer and the element offset where this tensor starts in it (non-zero for views of flat buffers).
    public private(set) var storage: Storage
    public private(set) var offset: Int
    public let count: Int

    /// Whether gradients flow to this tensor (parameters, and results of ops on them).
    public var requiresGrad: Bool
    /// The accumulated gradient, same shape; `nil` until a backward pass reaches this tensor.
    public internal(set) var grad: Tensor?
    /// True when `grad` is this tensor's own buffer (safe to add into), false when it aliases another's.
    var gradIsOwned = false
    /// The op that produced this tensor (nil for leaves and for results computed without gradients).
    public internal(set) var node: Node?
    /// An fp16 or bf16 copy of the values, for decoding with half-precision weights (`makeHalfPrecision`);
    /// products of a few rows against this tensor as a weight then read it instead (and, for bf16 on a
    /// CPU with AVX512-BF16, products of many rows too).
    public internal(set) var halfPrecision: HalfPrecisionCopy?

    // MARK: - Creation

    /// A tensor over `storage` starting at `offset` (no copy).
    public init(shape: [Int], storage: Storage, offset: Int = 0, requiresGrad: Bool = false) {
        let n = shape.reduce(1, *)
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(offset + n <= storage.count, "shape \(shape) at offset \(offset) exceeds storage of \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.offset = offset
        self.count = n
        self.requiresGrad = requiresGrad
    }

    /// A tensor with unspecified contents, for kernels that overwrite every element.
    public convenience init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: Storage(uninitializedCount: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, storage: Storage(zeroedCount: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    /// A tensor filled with `value`.
    public convenience init(shape: [Int], repeating value: Float, requiresGrad: Bool = false) {
        self.init(uninitializedShape: shape)
        data.update(repeating: value, count: count)
        self.requiresGrad = requiresGrad
    }

    /// A tensor holding `values` (row-major) in `shape`.
    public convenience init(shape: [Int], values: [Float], requiresGrad: Bool = false) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        self.init(uninitializedShape: shape)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
        self.requiresGrad = requiresGrad
    }

    /// A 0-dimensional tensor holding one value.
    public convenience init(scalar: Float) { self.init(shape: [], values: [scalar]) }

    /// Normally distributed values with the given mean and standard deviation, drawn from `rng`.
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1,
                             rng: inout RandomGenerator, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.data[i] = mean + std * rng.nextNormal() }
        t.requiresGrad = requiresGrad
        return t
    }

    /// Uniform values in [low, high) drawn from `rng`.
    public static func uniform(_ shape: [Int], low: Float, high: Float,
                               rng: inout RandomGenerator, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.data[i] = low + (high - low) * rng.nextFloat() }
        t.requiresGrad = requiresGrad
        return t
    }

    // MARK: - Access

    /// Pointer to the first element.
    @inline(__always) public var data: UnsafeMutablePointer<Float> { storage.base + offset }
    public var rank: Int { shape.count }

    /// The elements as an array (a copy).
    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item of a tensor with \(count) elements (shape \(shape))")
        return data[0]
    }

    /// A copy that records no history and does not require gradients.
    public func detached() -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// Overwrites the elements with those of `other` (same count), outside the tape.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    /// Points this tensor at another buffer holding the same values; used to gather parameters into
    /// one flat buffer. The caller copies the values first.
    public func rebind(to storage: Storage, offset: Int) {
        precondition(offset + count <= storage.count)
        self.storage = storage
        self.offset = offset
    }

    /// Makes `grad` a view into `storage` at `offset`, so that all gradients can live in one flat buffer.
    public func bindGrad(to storage: Storage, offset: Int) {
        grad = Tensor(shape: shape, storage: storage, offset: offset)
        gradIsOwned = true
    }

    /// Drops the gradient (an owned flat-buffer binding is kept and zeroed instead).
    public func zeroGrad() {
        guard let g = grad else { return }
        if gradIsOwned { g.data.update(repeating: 0, count: g.count) } else { grad = nil }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = toArray().prefix(8).map { String(format: "%.5g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(shown)\(count > 8 ? ", …" : "")]"
    }
}

/// Integer token ids (or other indices) with a shape, for gathers and losses.
public struct IndexTensor: Equatable {
    public var shape: [Int]
    public var values: [Int32]

    public init(shape: [Int], values: [Int32]) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) indices do not fill shape \(shape)")
        self.shape = shape
        self.values = values
    }

    public var count: Int { values.count }

    /// The first `n` columns of a (rows, columns) index tensor.
    public func prefixColumns(_ n: Int) -> IndexTensor {
        precondition(shape.count == 2 && n <= shape[1], "prefixColumns(\(n)) of shape \(shape)")
        return IndexTensor(shape: [shape[0], n], values: (0..<shape[0]).flatMap { values[($0 * shape[1])..<($0 * shape[1] + n)] })
    }
}
