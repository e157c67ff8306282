// The decoder's self-attention cache of keys or values: (B, capacity, C), each entry's first `length`
// positions filled. A decoding step writes its new positions in place, where concatenating onto the
// cache copied everything cached at every step; the capacity doubles when it runs out.
import TensorCore

public struct PositionBuffer {
    /// (B, capacity, C): entry b's position p at (b·capacity + p)·C.
    public private(set) var buffer: Tensor
    /// Positions filled in every entry.
    public private(set) var length = 0

    /// The capacity a new buffer starts with: a reply of up to this many tokens never grows it.
    static let initialCapacity = 64

    /// A buffer holding `x` (B, T, C).
    public init(_ x: Tensor) {
        buffer = Tensor(uninitializedShape: [x.shape[0], max(Self.initialCapacity, x.shape[1]), x.shape[2]])
        append(x)
    }

    private init(buffer: Tensor, length: Int) { (self.buffer, self.length) = (buffer, length) }

    /// Writes `x` (B, T, C) after the filled positions, moving to a buffer of twice the capacity first
    /// when it does not fit.
    public mutating func append(_ x: Tensor) {
        let (rows, capacity, width) = (buffer.shape[0], buffer.shape[1], buffer.shape[2]), t = x.shape[1]
        precondition(x.rank == 3 && x.shape[0] == rows && x.shape[2] == width, "PositionBuffer: \(x.shape) does not fit (\(rows), t, \(width))")
        if length + t > capacity {
            self = moved(rows: Array(0..<rows), capacity: max(2 * capacity, length + t))
        }
        let stride = buffer.shape[1] * width
        for b in 0..<rows { (buffer.data + b * stride + length * width).update(from: x.data + b * t * width, count: t * width) }
        length += t
    }

    /// The entries `rows` of this buffer, in that order, in a buffer of their own.
    public func selectingRows(_ rows: [Int]) -> PositionBuffer { moved(rows: rows, capacity: buffer.shape[1]) }

    /// The filled positions of entries `rows` in a new buffer of `capacity` positions.
    private func moved(rows: [Int], capacity: Int) -> PositionBuffer {
        let width = buffer.shape[2], stride = buffer.shape[1] * width
        let out = Tensor(uninitializedShape: [rows.count, capacity, width])
        for (i, b) in rows.enumerated() { (out.data + i * capacity * width).update(from: buffer.data + b * stride, count: length * width) }
        return PositionBuffer(buffer: out, length: length)
    }
}
