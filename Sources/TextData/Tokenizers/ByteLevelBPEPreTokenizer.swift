// ByteLevelBPEPreTokenizer: GPT-2's pre-tokenization regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// matched by hand over Unicode scalars with the backtracking semantics of HF tokenizers' Oniguruma.

/// Splits text into GPT-2 pre-tokens (words with their leading space, number runs, punctuation runs,
/// whitespace runs).
public enum ByteLevelBPEPreTokenizer {
    /// The Unicode version whose letters and numbers `\p{L}` and `\p{N}` know: that of the Oniguruma in
    /// `tokenizers` 0.23. Scalars assigned later are neither (they fall into `[^\s\p{L}\p{N}]`).
    public static let unicodeVersion = (major: 16, minor: 0)

    /// What the regex sees in a scalar.
    enum ScalarClass: UInt8 {
        case letter, number, whitespace, other
    }

    private static let asciiClasses: [ScalarClass] = (0..<128).map { value in
        let scalar = Unicode.Scalar(UInt8(value))
        if (0x09...0x0D).contains(value) || value == 0x20 { return .whitespace }
        if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) { return .letter }
        if ("0"..."9").contains(scalar) { return .number }
        return .other
    }

    /// `\s` is Unicode White_Space; `\p{L}`/`\p{N}` are the L*/N* general categories of scalars
    /// assigned up to `unicodeVersion`.
    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        if scalar.value < 128 { return asciiClasses[Int(scalar.value)] }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        let isLetter: Bool
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: isLetter = true
        case .decimalNumber, .letterNumber, .otherNumber: isLetter = false
        default: return .other
        }
        guard let age = properties.age,
              age.major < unicodeVersion.major || (age.major == unicodeVersion.major && age.minor <= unicodeVersion.minor)
        else { return .other }
        return isLetter ? .letter : .number
    }

    /// The pre-tokens of `text`, as strings.
    public static func split(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var ranges: [Range<Int>] = []
        split(scalars, 0..<scalars.count, into: &ranges)
        return ranges.map { String(String.UnicodeScalarView(scalars[$0])) }
    }

    /// Appends to `out` the pre-token ranges of `scalars[range]` (the range is matched as a whole
    /// string: its end is the regex's end of input).
    static func split(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into out: inout [Range<Int>]) {
        let end = range.upperBound
        var i = range.lowerBound
        while i < end {
            let c = scalars[i]
            // 's|'t|'re|'ve|'m|'ll|'d  (case-sensitive)
            if c == "'", i + 1 < end {
                let c1 = scalars[i + 1]
                if c1 == "s" || c1 == "t" || c1 == "m" || c1 == "d" {
                    out.append(i..<i + 2)
                    i += 2
                    continue
                }
                if i + 2 < end {
                    let c2 = scalars[i + 2]
                    if (c1 == "r" && c2 == "e") || (c1 == "v" && c2 == "e") || (c1 == "l" && c2 == "l") {
                        out.append(i..<i + 3)
                        i += 3
                        continue
                    }
                }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one class.
            var runStart = i
            var kind = classify(c)
            if c == " ", i + 1 < end {
                let next = classify(scalars[i + 1])
                if next != .whitespace {
                    runStart = i + 1
                    kind = next
                }
            }
            if kind != .whitespace {
                var j = runStart + 1
                while j < end, classify(scalars[j]) == kind { j += 1 }
                out.append(i..<j)
                i = j
                continue
            }
            // `\s+(?!\S)`: the whitespace run, less its last scalar when a non-space follows; else `\s+`.
            var k = i + 1
            while k < end, classify(scalars[k]) == .whitespace { k += 1 }
            let stop = k == end ? k : (k - 1 > i ? k - 1 : i + 1)
            out.append(i..<stop)
            i = stop
        }
    }
}
