// PunktToken: one word token of the Punkt algorithm with its type and annotations (nltk's `PunktToken`).
import PythonSemantics

/// A token with its case-normalized type and the first- and second-pass annotations.
struct PunktToken {
    let tok: [Unicode.Scalar]
    /// `tok.lower()` with numbers replaced by `##number##`.
    let type: [Unicode.Scalar]
    let periodFinal: Bool
    var sentbreak = false
    var abbr = false
    var ellipsis = false

    static let numberType: [Unicode.Scalar] = Array("##number##".unicodeScalars)

    init(_ tok: [Unicode.Scalar]) {
        self.tok = tok
        let lower = PythonText.lowercased(tok[...])
        type = Self.isNumeric(lower) ? Self.numberType : lower
        periodFinal = tok.last == "."
    }

    /// `^-?[\.,]?\d[\d,\.-]*\.?$` matches (the whole token: tokens hold no "\n").
    static func isNumeric(_ t: [Unicode.Scalar]) -> Bool {
        var i = 0
        if i < t.count, t[i] == "-" { i += 1 }
        if i < t.count, t[i] == "." || t[i] == "," { i += 1 }
        guard i < t.count, PythonText.isRegexDigit(t[i]) else { return false }
        i += 1
        while i < t.count {
            let c = t[i]
            guard PythonText.isRegexDigit(c) || c == "," || c == "." || c == "-" else { return false }
            i += 1
        }
        return true
    }

    /// The type without a final period (when longer than one character).
    var typeNoPeriod: ArraySlice<Unicode.Scalar> {
        type.count > 1 && type.last == "." ? type.dropLast() : type[...]
    }

    /// The type without its final period if the token is marked as a sentence break.
    var typeNoSentPeriod: ArraySlice<Unicode.Scalar> { sentbreak ? typeNoPeriod : type[...] }

    var firstUpper: Bool { PythonText.isUpper(tok[0]) }
    var firstLower: Bool { PythonText.isLower(tok[0]) }

    /// `\.\.+$`: two or more periods and nothing else.
    var isEllipsis: Bool { tok.count >= 2 && tok.allSatisfy { $0 == "." } }

    /// `[^\W\d]\.$`: a letter (a `\w` that is not a digit) and a period.
    var isInitial: Bool {
        tok.count == 2 && tok[1] == "." && PythonText.isRegexWord(tok[0]) && !PythonText.isRegexDigit(tok[0])
    }
}
