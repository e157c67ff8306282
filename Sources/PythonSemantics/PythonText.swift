// PythonText: the Python string semantics that nltk's tokenizers rely on, over Unicode scalars:
// the `regex` module's \s \w \d (current Unicode, as Swift's tables), the stdlib `re` module's \w,
// `str.isspace`, `str.isupper`/`islower`, `str.lower()` (CPython 3.11: Unicode 14 tables and the
// final-sigma rule), `str.rstrip()`, `str.strip()`, `str.split()` and `str.replace(x, "")`. Shared by the
// BlenderbotSmall tokenizer and the nltk tokenizers of Evaluation.

/// Python string operations, scalar by scalar, so that results match CPython code point for code point.
///
/// Swift's `String` compares by canonical equivalence and iterates grapheme clusters; Python compares
/// and indexes code points. Everything here therefore works on `[Unicode.Scalar]`.
public enum PythonText {
    /// The Unicode version of CPython 3.11's `unicodedata` (used by `str.lower()`, `str.isupper()`,
    /// `str.islower()` and the stdlib `re` module's `\w`); scalars assigned later have no case and are
    /// not alphanumeric there.
    static let stdlibUnicodeVersion = (major: 14, minor: 0)

    // MARK: - Conversions

    /// The code points of `text`.
    @inline(__always) public static func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    /// A string made of exactly these code points (no normalization).
    @inline(__always) public static func string<C: Collection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    // MARK: - Character classes

    /// The `regex` module's `\s` (and ICU's): Unicode White_Space.
    @inline(__always) public static func isRegexSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// `str.isspace()` (also the stdlib `re` module's `\s` and what `str.split()`/`str.strip()` remove):
    /// White_Space plus the separators U+001C…U+001F.
    @inline(__always) public static func isSpace(_ s: Unicode.Scalar) -> Bool {
        isRegexSpace(s) || (0x1C...0x1F).contains(s.value)
    }

    /// `string.whitespace`: the six ASCII whitespace characters.
    @inline(__always) public static func isASCIISpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20: return true
        default: return false
        }
    }

    /// The `regex` module's `\d`: general category Nd.
    @inline(__always) public static func isRegexDigit(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s.value >= 0x30 && s.value <= 0x39 }
        return s.properties.generalCategory == .decimalNumber
    }

    /// The `regex` module's `\w`: Alphabetic, marks, Nd, Pc and the joiners U+200C/U+200D.
    @inline(__always) public static func isRegexWord(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 {
            let v = s.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
        }
        let p = s.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// The stdlib `re` module's `\w` for `str` patterns: `ch.isalnum() or ch == "_"` (letters of
    /// categories L*, and every character with a numeric value), as of Unicode 14.
    @inline(__always) public static func isStdlibWord(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return isRegexWord(s) }
        guard isKnownToStdlib(s) else { return false }
        let p = s.properties
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return p.numericType != nil
        }
    }

    /// `ch.isupper()` for one code point (the Uppercase property, Unicode 14).
    @inline(__always) public static func isUpper(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s.value >= 0x41 && s.value <= 0x5A }
        return isKnownToStdlib(s) && s.properties.isUppercase
    }

    /// `ch.islower()` for one code point (the Lowercase property, Unicode 14).
    @inline(__always) public static func isLower(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s.value >= 0x61 && s.value <= 0x7A }
        switch s.value {
        case 0x295: return true  // ʕ: Lowercase in Unicode 14, no longer in Swift's tables
        case 0x10FC, 0xA7F2, 0xA7F3, 0xA7F4, 0xAB69: return false  // modifier letters made Lowercase after 14
        default: return isKnownToStdlib(s) && s.properties.isLowercase
        }
    }

    @inline(__always) public static func isKnownToStdlib(_ s: Unicode.Scalar) -> Bool {
        guard let age = s.properties.age else { return false }
        return age.major < stdlibUnicodeVersion.major
            || (age.major == stdlibUnicodeVersion.major && age.minor <= stdlibUnicodeVersion.minor)
    }

    // MARK: - str.lower()

    /// Python's `text.lower()`.
    public static func lowercased(_ text: String) -> String { string(lowercased(scalars(text)[...])) }

    /// `str.lower()`: each scalar's full lowercase mapping (none for scalars newer than Unicode 14),
    /// and capital sigma → final sigma `ς` where it ends a cased word (CPython's `handle_capital_sigma`).
    public static func lowercased(_ scalars: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let s = scalars[index]
            if s.value < 128 {
                out.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
            } else if s.value == 0x3A3 {
                out.append(isFinalSigma(scalars, index) ? "\u{3C2}" : "\u{3C3}")
            } else {
                let p = s.properties
                if p.changesWhenLowercased, isKnownToStdlib(s) {
                    out.append(contentsOf: p.lowercaseMapping.unicodeScalars)
                } else {
                    out.append(s)
                }
            }
            index += 1
        }
        return out
    }

    /// `\p{cased}\p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})`.
    private static func isFinalSigma(_ scalars: ArraySlice<Unicode.Scalar>, _ i: Int) -> Bool {
        var j = i - 1
        while j >= scalars.startIndex, isCaseIgnorable(scalars[j]) { j -= 1 }
        guard j >= scalars.startIndex, isCased(scalars[j]) else { return false }
        j = i + 1
        while j < scalars.endIndex, isCaseIgnorable(scalars[j]) { j += 1 }
        return j == scalars.endIndex || !isCased(scalars[j])
    }

    private static func isCased(_ s: Unicode.Scalar) -> Bool { isKnownToStdlib(s) && s.properties.isCased }
    private static func isCaseIgnorable(_ s: Unicode.Scalar) -> Bool { isKnownToStdlib(s) && s.properties.isCaseIgnorable }

    // MARK: - strip / split

    /// The end index of `text.rstrip()`.
    public static func rstripEnd<C: BidirectionalCollection>(_ text: C) -> C.Index where C.Element == Unicode.Scalar {
        var end = text.endIndex
        while end > text.startIndex, isSpace(text[text.index(before: end)]) { end = text.index(before: end) }
        return end
    }

    /// Whether `text.strip()` is non-empty.
    public static func hasNonSpace<C: Collection>(_ text: C) -> Bool where C.Element == Unicode.Scalar {
        text.contains { !isSpace($0) }
    }

    /// `text.split()`: the runs of non-whitespace, as strings.
    public static func split(_ text: [Unicode.Scalar]) -> [String] {
        var out: [String] = []
        var i = 0
        let n = text.count
        while i < n {
            while i < n, isSpace(text[i]) { i += 1 }
            guard i < n else { break }
            let start = i
            while i < n, !isSpace(text[i]) { i += 1 }
            out.append(string(text[start..<i]))
        }
        return out
    }

    /// Python's `$` without MULTILINE at `position`: the end, or just before a final "\n".
    @inline(__always) public static func isEnd(_ text: [Unicode.Scalar], _ position: Int) -> Bool {
        position == text.count || (position == text.count - 1 && text[position] == "\n")
    }

    // MARK: - str.replace / str.strip

    /// `text.replace(pattern, "")`: non-overlapping occurrences, left to right.
    public static func removing(_ pattern: [Unicode.Scalar], from text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !pattern.isEmpty, text.count >= pattern.count else { return text }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == pattern[0], i + pattern.count <= text.count, text[i..<i + pattern.count].elementsEqual(pattern) {
                i += pattern.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// `str.strip()`: drops leading and trailing `isSpace` scalars.
    public static func stripped(_ text: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
        var lo = 0, hi = text.count
        while lo < hi, isSpace(text[lo]) { lo += 1 }
        while hi > lo, isSpace(text[hi - 1]) { hi -= 1 }
        return text[lo..<hi]
    }
}
