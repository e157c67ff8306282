// BlenderbotSmallTokenizer+PythonText: the Python string semantics the reference tokenizer relies on,
// over Unicode scalars: `regex`'s \s, `str.isspace`, `str.lower()` (with its final-sigma rule and
// CPython 3.11's Unicode 14 tables), `str.replace` and `str.strip`.

extension BlenderbotSmallTokenizer {
    /// Python string operations, scalar by scalar.
    enum PythonText {
        /// The Unicode version of CPython 3.11's `unicodedata`, which `str.lower()` uses; scalars assigned
        /// later are left unchanged by it.
        static let unicodeVersion = (major: 14, minor: 0)

        /// The `regex` module's `\s`: Unicode White_Space.
        @inline(__always) static func isRegexWhitespace(_ s: Unicode.Scalar) -> Bool {
            switch s.value {
            case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
            default: return false
            }
        }

        /// `str.isspace()`: White_Space plus the separators U+001C…U+001F.
        @inline(__always) static func isSpace(_ s: Unicode.Scalar) -> Bool {
            isRegexWhitespace(s) || (0x1C...0x1F).contains(s.value)
        }

        // MARK: - str.lower()

        /// `str.lower()`: each scalar's full lowercase mapping (none for scalars newer than
        /// `unicodeVersion`), and capital sigma → final sigma `ς` when it ends a cased word.
        static func lowercased(_ scalars: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
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
                    let properties = s.properties
                    if properties.changesWhenLowercased, let age = properties.age,
                       age.major < unicodeVersion.major || (age.major == unicodeVersion.major && age.minor <= unicodeVersion.minor) {
                        out.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
                    } else {
                        out.append(s)
                    }
                }
                index += 1
            }
            return out
        }

        /// CPython's `handle_capital_sigma`: `\p{cased}\p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})`.
        private static func isFinalSigma(_ scalars: ArraySlice<Unicode.Scalar>, _ i: Int) -> Bool {
            var j = i - 1
            while j >= scalars.startIndex, isCaseIgnorable(scalars[j]) { j -= 1 }
            guard j >= scalars.startIndex, isCased(scalars[j]) else { return false }
            j = i + 1
            while j < scalars.endIndex, isCaseIgnorable(scalars[j]) { j += 1 }
            return j == scalars.endIndex || !isCased(scalars[j])
        }

        private static func isKnown(_ s: Unicode.Scalar) -> Bool {
            guard let age = s.properties.age else { return false }
            return age.major < unicodeVersion.major || (age.major == unicodeVersion.major && age.minor <= unicodeVersion.minor)
        }

        private static func isCased(_ s: Unicode.Scalar) -> Bool { isKnown(s) && s.properties.isCased }
        private static func isCaseIgnorable(_ s: Unicode.Scalar) -> Bool { isKnown(s) && s.properties.isCaseIgnorable }

        // MARK: - str.replace / str.strip / str.split()

        /// `text.replace(pattern, "")`: non-overlapping occurrences, left to right.
        static func removing(_ pattern: [Unicode.Scalar], from text: [Unicode.Scalar]) -> [Unicode.Scalar] {
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
        static func stripped(_ text: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
            var lo = 0, hi = text.count
            while lo < hi, isSpace(text[lo]) { lo += 1 }
            while hi > lo, isSpace(text[hi - 1]) { hi -= 1 }
            return text[lo..<hi]
        }

        /// `str.split()` with no argument: runs of `isSpace` separate, empty fields dropped.
        static func splitOnSpace(_ text: Substring) -> [String] {
            var fields: [String] = []
            var current = String.UnicodeScalarView()
            for s in text.unicodeScalars {
                if isSpace(s) {
                    if !current.isEmpty { fields.append(String(current)); current = String.UnicodeScalarView() }
                } else {
                    current.append(s)
                }
            }
            if !current.isEmpty { fields.append(String(current)) }
            return fields
        }
    }
}
