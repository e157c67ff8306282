// PunktSentenceTokenizer+Scanning: nltk's `PunktLanguageVars` regular expressions (English) written as
// scanners over code points: the Punkt word tokenizer, the period-context finder and the boundary
// realignment. Each reproduces the regex's leftmost, alternative-ordered, lazy/greedy match exactly.
import PythonSemantics

extension PunktSentenceTokenizer {
    typealias Scalars = [Unicode.Scalar]

    // MARK: - Character sets

    /// `_re_non_word_chars`: `[)";}\]\*:@\'\({\[‘’“”«»?!]`, characters that cannot appear within words.
    @inline(__always) static func isNonWord(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case ")", "\"", ";", "}", "]", "*", ":", "@", "'", "(", "{", "[",
             "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{AB}", "\u{BB}", "?", "!":
            return true
        default: return false
        }
    }

    /// `_re_word_start`: `[^\(\"\`{\[:;&\#\*@\)}\]\-,]`.
    @inline(__always) static func isWordStart(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "(", "\"", "`", "{", "[", ":", ";", "&", "#", "*", "@", ")", "}", "]", "-", ",": return false
        default: return true
        }
    }

    /// `sent_end_chars`: `.`, `?`, `!`.
    @inline(__always) static func isSentEnd(_ c: Unicode.Scalar) -> Bool { c == "." || c == "?" || c == "!" }

    /// `re_boundary_realignment`'s class: `["\')\]}‘’“”«»]`.
    @inline(__always) static func isRealignable(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "\"", "'", ")", "]", "}", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{AB}", "\u{BB}": return true
        default: return false
        }
    }

    // MARK: - Multi-character punctuation

    /// Length of `_re_multi_char_punct` = `(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)` matched at `i`, or nil.
    static func multiCharPunct(_ s: Scalars, _ i: Int) -> Int? {
        let n = s.count
        guard i + 1 < n else { return nil }
        if s[i] == "-", s[i + 1] == "-" {
            var j = i + 2
            while j < n, s[j] == "-" { j += 1 }
            return j - i
        }
        guard s[i] == "." else { return nil }
        if s[i + 1] == "." {
            var j = i + 2
            while j < n, s[j] == "." { j += 1 }
            return j - i
        }
        // (?:\.\s){2,}\.  — greedy repetitions, then back off one when no period follows.
        var k = 0
        while i + 2 * k + 1 < n, s[i + 2 * k] == ".", PythonText.isRegexSpace(s[i + 2 * k + 1]) { k += 1 }
        guard k >= 2 else { return nil }
        if i + 2 * k < n, s[i + 2 * k] == "." { return 2 * k + 1 }
        return k >= 3 ? 2 * k - 1 : nil
    }

    // MARK: - Word tokenizer

    /// `PunktLanguageVars.word_tokenize(line)`: `findall` of
    /// `(MultiChar | (?=WordStart)\S+?(?=\s|$|NonWord|MultiChar|,(?=$|\s|NonWord|MultiChar)) | \S)`.
    static func punktWords(_ s: ArraySlice<Unicode.Scalar>) -> [Scalars] {
        let line = Array(s)
        let n = line.count
        var out: [Scalars] = []
        var i = 0
        while i < n {
            if let length = multiCharPunct(line, i) {
                out.append(Array(line[i..<i + length]))
                i += length
                continue
            }
            let c = line[i]
            if PythonText.isRegexSpace(c) { i += 1; continue }
            if isWordStart(c) {
                var e = i + 1
                while !wordEnds(line, e) { e += 1 }  // the end of the line always ends a word
                out.append(Array(line[i..<e]))
                i = e
            } else {
                out.append([c])
                i += 1
            }
        }
        return out
    }

    /// The lookahead that ends a word at position `e`.
    private static func wordEnds(_ s: Scalars, _ e: Int) -> Bool {
        if PythonText.isEnd(s, e) { return true }
        let c = s[e]
        if PythonText.isRegexSpace(c) || isNonWord(c) || multiCharPunct(s, e) != nil { return true }
        if c == "," {
            let f = e + 1
            return PythonText.isEnd(s, f) || PythonText.isRegexSpace(s[f]) || isNonWord(s[f]) || multiCharPunct(s, f) != nil
        }
        return false
    }

    // MARK: - Period contexts

    /// A match of `period_context_re()`: `[.?!](?=(?P<after_tok>NonWord|\s+(?P<next_tok>\S+)))`.
    struct PeriodContext {
        /// Index of the sentence-end character (the match is that one character).
        var position: Int
        /// End of `after_tok`.
        var afterEnd: Int
        /// Start of `next_tok`, when the lookahead took its whitespace branch.
        var nextTokenStart: Int?
    }

    /// All matches of `period_context_re()` in `s`, left to right.
    static func periodContexts(_ s: Scalars) -> [PeriodContext] {
        let n = s.count
        var out: [PeriodContext] = []
        var i = 0
        while i + 1 < n {
            defer { i += 1 }
            guard isSentEnd(s[i]) else { continue }
            let next = s[i + 1]
            if isNonWord(next) {
                out.append(PeriodContext(position: i, afterEnd: i + 2, nextTokenStart: nil))
            } else if PythonText.isRegexSpace(next) {
                var j = i + 2
                while j < n, PythonText.isRegexSpace(s[j]) { j += 1 }
                guard j < n else { continue }
                var k = j + 1
                while k < n, !PythonText.isRegexSpace(s[k]) { k += 1 }
                out.append(PeriodContext(position: i, afterEnd: k, nextTokenStart: j))
            }
        }
        return out
    }

    // MARK: - Boundary realignment

    /// `re_boundary_realignment.match(s)` (MULTILINE): `["\')\]}‘’“”«»]+?(?:\s+|(?=--)|$)`.
    /// Returns the number of closing characters taken and the end of the match.
    static func realignment(_ s: ArraySlice<Unicode.Scalar>) -> (closers: Int, end: Int)? {
        let base = s.startIndex
        var k = base
        while k < s.endIndex, isRealignable(s[k]) {
            k += 1  // one more closer (lazy `+?`), then try the alternatives in order
            if k < s.endIndex, PythonText.isRegexSpace(s[k]) {
                var e = k + 1
                while e < s.endIndex, PythonText.isRegexSpace(s[e]) { e += 1 }
                return (k - base, e - base)
            }
            if k + 1 < s.endIndex, s[k] == "-", s[k + 1] == "-" { return (k - base, k - base) }
            if k == s.endIndex || s[k] == "\n" { return (k - base, k - base) }
        }
        return nil
    }
}
