// ByteLevelBPEAlphabet: GPT-2's reversible map from the 256 byte values to 256 printable Unicode
// scalars (openai/gpt-2 encoder.py `bytes_to_unicode`), so byte strings can be BPE symbols.

/// The GPT-2 byte ↔ scalar map.
enum ByteLevelBPEAlphabet {
    /// The byte values in GPT-2's order: the printable ranges `!`…`~`, `¡`…`¬`, `®`…`ÿ` first (they map to
    /// themselves), then the rest (mapped to U+0100, U+0101, … in byte order).
    static let byteOrder: [UInt8] = {
        let printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        let rest = (0...255).filter { !printable.contains($0) }
        return (printable + rest).map { UInt8($0) }
    }()

    /// `scalarOf[byte]`: the printable scalar standing for `byte`.
    static let scalarOf: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 0x100
        for byte in 0...255 {
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte a scalar stands for, or nil when the scalar is not in the alphabet.
    static func byte(of scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 256 { return inverseLow[Int(value)] }
        if value < 0x144 { return inverseHigh[Int(value - 256)] }
        return nil
    }

    private static let inverseLow: [UInt8?] = {
        var table = [UInt8?](repeating: nil, count: 256)
        for byte in 0...255 where scalarOf[byte].value < 256 { table[Int(scalarOf[byte].value)] = UInt8(byte) }
        return table
    }()

    private static let inverseHigh: [UInt8?] = {
        var table = [UInt8?](repeating: nil, count: 0x44)
        for byte in 0...255 where scalarOf[byte].value >= 256 { table[Int(scalarOf[byte].value) - 256] = UInt8(byte) }
        return table
    }()

    /// The symbol string of a byte sequence (each byte as its scalar).
    static func symbol<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var view = String.UnicodeScalarView()
        for byte in bytes { view.append(scalarOf[Int(byte)]) }
        return String(view)
    }
}
