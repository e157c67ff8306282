// Half-precision weights for decoding: a weight's values rounded to IEEE fp16 and kept as an fp16
// copy beside them. Batch-1 decoding reads every weight once per token, so reading half the bytes
// makes it up to twice as fast; products of many rows (the encoder, teacher forcing) keep using the
// fp32 array, which holds the same rounded values, so every path computes with the same weights.
import CKernels

/// fp16 bit patterns of a tensor's values.
public final class HalfPrecisionCopy {
    public let bits: UnsafeMutablePointer<UInt16>
    public let count: Int

    init(_ values: UnsafePointer<Float>, count: Int) {
        self.count = count
        bits = .allocate(capacity: count)
        ck_f32_to_f16(values, bits, count)
    }

    deinit { bits.deallocate() }
}

extension Tensor {
    /// Rounds the values to fp16 precision in place and keeps their fp16 copy (for a weight that is
    /// no longer trained: the copy does not follow later updates).
    public func makeHalfPrecision() {
        let copy = HalfPrecisionCopy(data, count: count)
        for i in 0..<count { data[i] = Float(Float16(bitPattern: copy.bits[i])) }
        halfPrecision = copy
    }
}
