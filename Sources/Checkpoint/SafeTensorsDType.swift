// SafeTensorsDType: the element types a safetensors header may name, their sizes, and the exact
// conversions of F16, BF16 and F64 elements to Float (what `tensor.float()` gives in PyTorch).

/// An element type of the safetensors format, spelled as in the header.
enum SafeTensorsDType: String, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", u16 = "U16", i16 = "I16", u32 = "U32", i32 = "I32"
    case u64 = "U64", i64 = "I64", f16 = "F16", bf16 = "BF16", f32 = "F32", f64 = "F64", c64 = "C64"
    case f8E4M3 = "F8_E4M3", f8E5M2 = "F8_E5M2", f8E4M3FNUZ = "F8_E4M3FNUZ", f8E5M2FNUZ = "F8_E5M2FNUZ"
    case f8E8M0 = "F8_E8M0", f6E2M3 = "F6_E2M3", f6E3M2 = "F6_E3M2", f4 = "F4"

    /// Bits per element (the sub-byte float types pack several elements per byte).
    var bits: Int {
        switch self {
        case .f4: return 4
        case .f6E2M3, .f6E3M2: return 6
        case .bool, .u8, .i8, .f8E4M3, .f8E5M2, .f8E4M3FNUZ, .f8E5M2FNUZ, .f8E8M0: return 8
        case .u16, .i16, .f16, .bf16: return 16
        case .u32, .i32, .f32: return 32
        case .u64, .i64, .f64, .c64: return 64
        }
    }

    /// Whether `read` converts this type to Float32 (exactly, or rounding to nearest for F64).
    var convertsToFloat: Bool { [.f16, .bf16, .f32, .f64].contains(self) }

    /// Whether this is an integer or boolean type (the types of index buffers such as `position_ids`).
    var isInteger: Bool { [.bool, .u8, .i8, .u16, .i16, .u32, .i32, .u64, .i64].contains(self) }

    /// The header names of all types, for messages.
    static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

// MARK: - Conversion to Float

extension SafeTensorsDType {
    /// Converts `count` little-endian elements of this (convertible) type at `source` into `destination`.
    func convert(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutablePointer<Float>, count: Int) {
        precondition(convertsToFloat && source.count == count * bits / 8, "convert: \(rawValue) of \(count) from \(source.count) bytes")
        guard count > 0, let base = source.baseAddress else { return }
        switch self {
        case .f32:
            #if _endian(little)
            UnsafeMutableRawPointer(destination).copyMemory(from: base, byteCount: count * 4)
            #else
            for i in 0..<count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
            #endif
        case .f16:
            for i in 0..<count {
                destination[i] = Self.float(fromHalf: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            for i in 0..<count {
                destination[i] = Self.float(fromBFloat16: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .f64:
            for i in 0..<count {
                // Rounds to nearest, ties to even, as PyTorch's `double.float()` does.
                destination[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            }
        default:
            preconditionFailure("convert: \(rawValue) does not convert to Float")
        }
    }

    /// The Float of an IEEE half (exact). NaNs keep their payload and become quiet, as the x86 F16C
    /// instruction and PyTorch's vectorized `half.float()` do.
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0x1F where mantissa == 0:
            return Float(bitPattern: sign | 0x7F80_0000)
        case 0x1F:
            return Float(bitPattern: sign | 0x7FC0_0000 | mantissa << 13)
        case 0:
            // Zero or subnormal: mantissa × 2⁻²⁴, exactly representable as a normal Float.
            return Float(bitPattern: sign | (Float(mantissa) * 0x1p-24).bitPattern)
        default:
            // Re-bias the exponent from 15 to 127 and widen the mantissa from 10 to 23 bits.
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The Float of a bfloat16: its bits are the upper half of a Float's (NaN payloads kept as they are).
    static func float(fromBFloat16 bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}
