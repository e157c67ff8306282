// NLTKWordTokenizer: nltk's improved Treebank word tokenizer (nltk/tokenize/destructive.py, 3.10), the
// second half of `nltk.word_tokenize`. Each regex substitution is a scanner over code points that
// reproduces `re.sub` (leftmost matches, consumed text, the same alternative order) for its pattern.
import PythonSemantics

/// Splits one sentence into Penn-Treebank-style tokens, exactly as nltk's `NLTKWordTokenizer.tokenize`.
public struct NLTKWordTokenizer: Sendable {
    typealias Scalars = [Unicode.Scalar]

    public init() {}

    /// The tokens of `text` (a sentence): quotes, punctuation, brackets, dashes, clitics and the
    /// MacIntyre contractions split off; `"` becomes ``` `` ``` or `''`.
    public func tokenize(_ text: String, convertParentheses: Bool = false) -> [String] {
        PythonText.split(transform(PythonText.scalars(text), convertParentheses: convertParentheses))
    }

    /// The text after every substitution, before `str.split()`.
    func transform(_ input: Scalars, convertParentheses: Bool) -> Scalars {
        var t = input
        // MARK: Starting quotes
        t = Self.startingQuotes(t)
        // MARK: Punctuation
        t = Self.punctuation(t)
        // MARK: Parentheses and brackets
        t = Self.sub(t) { s, i in Self.isBracket(s[i]) ? (i + 1, [" ", s[i], " "]) : nil }
        if convertParentheses { t = Self.convertParentheses(t) }
        // MARK: Double dashes
        t = Self.sub(t) { s, i in i + 1 < s.count && s[i] == "-" && s[i + 1] == "-" ? (i + 2, Array(" -- ".unicodeScalars)) : nil }
        // Extra spaces at both ends make the clitic rules simpler.
        t = [" "] + t + [" "]
        // MARK: Ending quotes
        t = Self.endingQuotes(t)
        // MARK: Contractions
        for (first, second) in Self.contractions2 {
            t = Self.sub(t) { s, i in Self.matchContraction2(s, i, first, second) }
        }
        for second in Self.contractions3 {
            t = Self.sub(t) { s, i in Self.matchContraction3(s, i, second) }
        }
        return t
    }

    // MARK: - re.sub

    /// `re.sub` for a pattern that never matches empty: `match(s, i)` is the match at `i` (its end and
    /// replacement) or nil; scanning resumes at the end of each match.
    static func sub(_ s: Scalars, _ match: (Scalars, Int) -> (Int, Scalars)?) -> Scalars {
        var out: Scalars = []
        out.reserveCapacity(s.count + 16)
        var i = 0
        var changed = false
        while i < s.count {
            if let (end, replacement) = match(s, i) {
                out.append(contentsOf: replacement)
                i = end
                changed = true
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return changed ? out : s
    }

    /// `" " + matched + " "`.
    @inline(__always) static func padded(_ s: Scalars, _ range: Range<Int>) -> Scalars {
        [" "] + s[range] + [" "]
    }

    // MARK: - Starting quotes

    static func startingQuotes(_ input: Scalars) -> Scalars {
        var t = input
        // ([«“‘„]|[`]+) -> " \1 "
        t = sub(t) { s, i in
            switch s[i] {
            case "\u{AB}", "\u{201C}", "\u{2018}", "\u{201E}": return (i + 1, padded(s, i..<i + 1))
            case "`":
                var j = i + 1
                while j < s.count, s[j] == "`" { j += 1 }
                return (j, padded(s, i..<j))
            default: return nil
            }
        }
        // ^\" -> ``
        if t.first == "\"" { t = ["`", "`"] + t.dropFirst() }
        // (``) -> " \1 "
        t = sub(t) { s, i in i + 1 < s.count && s[i] == "`" && s[i + 1] == "`" ? (i + 2, [" ", "`", "`", " "]) : nil }
        // ([ \(\[{<])(\"|\'{2}) -> "\1 `` "
        t = sub(t) { s, i in
            switch s[i] {
            case " ", "(", "[", "{", "<":
                if i + 1 < s.count, s[i + 1] == "\"" { return (i + 2, [s[i], " ", "`", "`", " "]) }
                if i + 2 < s.count, s[i + 1] == "'", s[i + 2] == "'" { return (i + 3, [s[i], " ", "`", "`", " "]) }
                return nil
            default: return nil
            }
        }
        // (?i)(?<!\w)(\')(?!(?:re|ve|ll|m|t|s|d|n)\b)(?=\w) -> "\1 "   (the `regex` module)
        t = sub(t) { s, i in
            guard s[i] == "'", i == 0 || !PythonText.isRegexWord(s[i - 1]),
                  i + 1 < s.count, PythonText.isRegexWord(s[i + 1]) else { return nil }
            for clitic in cliticsAfterQuote where matchesWord(s, i + 1, clitic, ignoringCase: .regexModule, wordBoundary: PythonText.isRegexWord) {
                return nil
            }
            return (i + 1, ["'", " "])
        }
        return t
    }

    static let cliticsAfterQuote: [Scalars] = ["re", "ve", "ll", "m", "t", "s", "d", "n"].map { Array($0.unicodeScalars) }

    // MARK: - Punctuation

    static func punctuation(_ input: Scalars) -> Scalars {
        var t = input
        // ([^\.])(\.)([\]\)}>"\'»”’ ]*+)\s*$ -> "\1 \2 \3 "
        t = sub(t) { s, i in
            guard let (r, end) = finalPeriod(s, i, closer: isFinalCloserWithSpace) else { return nil }
            return (end, [s[i], " ", ".", " "] + s[i + 2..<r] + [" "])
        }
        // ([:,])([^\d]) -> " \1 \2"
        t = sub(t) { s, i in
            (s[i] == ":" || s[i] == ",") && i + 1 < s.count && !PythonText.isRegexDigit(s[i + 1]) ? (i + 2, [" ", s[i], " ", s[i + 1]]) : nil
        }
        // ([:,])$ -> " \1 "
        t = sub(t) { s, i in
            (s[i] == ":" || s[i] == ",") && PythonText.isEnd(s, i + 1) ? (i + 1, padded(s, i..<i + 1)) : nil
        }
        // \.{2,} -> " \g<0> "
        t = sub(t) { s, i in
            guard s[i] == ".", i + 1 < s.count, s[i + 1] == "." else { return nil }
            var j = i + 2
            while j < s.count, s[j] == "." { j += 1 }
            return (j, padded(s, i..<j))
        }
        // [;@#$%&] -> " \g<0> "
        t = sub(t) { s, i in
            switch s[i] {
            case ";", "@", "#", "$", "%", "&": return (i + 1, padded(s, i..<i + 1))
            default: return nil
            }
        }
        // [\u2012-\u2015] -> " \g<0> "
        t = sub(t) { s, i in (0x2012...0x2015).contains(s[i].value) ? (i + 1, padded(s, i..<i + 1)) : nil }
        // ([^\.])(\.)([\]\)}>"\']*)\s*$ -> "\1 \2\3 "
        t = sub(t) { s, i in
            guard let (r, end) = finalPeriod(s, i, closer: isFinalCloser) else { return nil }
            return (end, [s[i], " ", "."] + s[i + 2..<r] + [" "])
        }
        // [?!] -> " \g<0> "
        t = sub(t) { s, i in s[i] == "?" || s[i] == "!" ? (i + 1, padded(s, i..<i + 1)) : nil }
        // ([^'])' -> "\1 ' "
        t = sub(t) { s, i in
            s[i] != "'" && i + 2 < s.count && s[i + 1] == "'" && s[i + 2] == " " ? (i + 3, [s[i], " ", "'", " "]) : nil
        }
        // [*] -> " \g<0> "
        t = sub(t) { s, i in s[i] == "*" ? (i + 1, [" ", "*", " "]) : nil }
        return t
    }

    /// `([^\.])(\.)(C*)\s*$` at `i`: a non-period, a period, a maximal run of closers `C`, then only
    /// whitespace to the end. Returns the end of the closer run and the end of the match (the text end).
    /// (A shorter closer run never helps: the closer it gives back is not whitespace.)
    static func finalPeriod(_ s: Scalars, _ i: Int, closer: (Unicode.Scalar) -> Bool) -> (Int, Int)? {
        guard s[i] != ".", i + 1 < s.count, s[i + 1] == "." else { return nil }
        var r = i + 2
        while r < s.count, closer(s[r]) { r += 1 }
        var e = r
        while e < s.count, PythonText.isRegexSpace(s[e]) { e += 1 }
        return e == s.count ? (r, e) : nil
    }

    /// `[\]\)}>"\'»”’ ]`.
    static func isFinalCloserWithSpace(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "]", ")", "}", ">", "\"", "'", "\u{BB}", "\u{201D}", "\u{2019}", " ": return true
        default: return false
        }
    }

    /// `[\]\)}>"\']`.
    static func isFinalCloser(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "]", ")", "}", ">", "\"", "'": return true
        default: return false
        }
    }

    // MARK: - Brackets

    /// `[\]\[\(\)\{\}\<\>]`.
    static func isBracket(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "]", "[", "(", ")", "{", "}", "<", ">": return true
        default: return false
        }
    }

    /// `CONVERT_PARENTHESES`: brackets to PTB symbols.
    static func convertParentheses(_ t: Scalars) -> Scalars {
        sub(t) { s, i in
            let symbol: String
            switch s[i] {
            case "(": symbol = "-LRB-"
            case ")": symbol = "-RRB-"
            case "[": symbol = "-LSB-"
            case "]": symbol = "-RSB-"
            case "{": symbol = "-LCB-"
            case "}": symbol = "-RCB-"
            default: return nil
            }
            return (i + 1, Array(symbol.unicodeScalars))
        }
    }

    // MARK: - Ending quotes

    static func endingQuotes(_ input: Scalars) -> Scalars {
        var t = input
        // ([»”’]) -> " \1 "
        t = sub(t) { s, i in
            switch s[i] {
            case "\u{BB}", "\u{201D}", "\u{2019}": return (i + 1, padded(s, i..<i + 1))
            default: return nil
            }
        }
        // '' -> " '' "
        t = sub(t) { s, i in i + 1 < s.count && s[i] == "'" && s[i + 1] == "'" ? (i + 2, [" ", "'", "'", " "]) : nil }
        // " -> " '' "
        t = sub(t) { s, i in s[i] == "\"" ? (i + 1, [" ", "'", "'", " "]) : nil }
        // \s+ -> " "
        t = sub(t) { s, i in
            guard PythonText.isRegexSpace(s[i]) else { return nil }
            var j = i + 1
            while j < s.count, PythonText.isRegexSpace(s[j]) { j += 1 }
            return (j, [" "])
        }
        // ([^' ])('[sS]|'[mM]|'[dD]|') -> "\1 \2 "
        t = sub(t) { s, i in
            guard s[i] != "'", s[i] != " ", i + 2 < s.count, s[i + 1] == "'" else { return nil }
            switch s[i + 2] {
            case "s", "S", "m", "M", "d", "D":
                if i + 3 < s.count, s[i + 3] == " " { return (i + 4, [s[i], " ", "'", s[i + 2], " "]) }
            default: break
            }
            return s[i + 2] == " " ? (i + 3, [s[i], " ", "'", " "]) : nil
        }
        // ([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) -> "\1 \2 "
        t = sub(t) { s, i in
            guard s[i] != "'", s[i] != " ", i + 4 < s.count, s[i + 4] == " " else { return nil }
            let clitic = s[i + 1...i + 3]
            guard endingClitics.contains(where: { $0.elementsEqual(clitic) }) else { return nil }
            return (i + 5, [s[i], " "] + clitic + [" "])
        }
        return t
    }

    static let endingClitics: [Scalars] = ["'ll", "'LL", "'re", "'RE", "'ve", "'VE", "n't", "N'T"].map { Array($0.unicodeScalars) }

    // MARK: - Contractions (stdlib `re`, case-insensitive)

    /// MacIntyre's CONTRACTIONS2 as (first, second) groups; all end with `\b` except `wanna`,
    /// which needs whitespace after it.
    static let contractions2: [(Scalars, Scalars)] = [
        ("can", "not"), ("d", "'ye"), ("gim", "me"), ("gon", "na"), ("got", "ta"), ("lem", "me"), ("more", "'n"), ("wan", "na"),
    ].map { (Array($0.0.unicodeScalars), Array($0.1.unicodeScalars)) }

    /// CONTRACTIONS3: ` 't` followed by these.
    static let contractions3: [Scalars] = ["is", "was"].map { Array($0.unicodeScalars) }

    /// `(?i)\b(first)(second)\b` (or `(?=\s)` after `wanna`) at `i` -> " \1 \2 ".
    static func matchContraction2(_ s: Scalars, _ i: Int, _ first: Scalars, _ second: Scalars) -> (Int, Scalars)? {
        guard i == 0 || !PythonText.isStdlibWord(s[i - 1]) else { return nil }
        guard matchesLiteral(s, i, first, ignoringCase: .stdlib), matchesLiteral(s, i + first.count, second, ignoringCase: .stdlib) else { return nil }
        let end = i + first.count + second.count
        if first == wan {
            guard end < s.count, PythonText.isSpace(s[end]) else { return nil }
        } else {
            guard end == s.count || !PythonText.isStdlibWord(s[end]) else { return nil }  // the last letter is a \w
        }
        return (end, [" "] + s[i..<i + first.count] + [" "] + s[i + first.count..<end] + [" "])
    }

    static let wan: Scalars = Array("wan".unicodeScalars)
    static let quoteT: Scalars = Array("'t".unicodeScalars)

    /// `(?i) ('t)(second)\b` at `i` -> " \1 \2 ".
    static func matchContraction3(_ s: Scalars, _ i: Int, _ second: Scalars) -> (Int, Scalars)? {
        guard s[i] == " ", matchesLiteral(s, i + 1, quoteT, ignoringCase: .stdlib),
              matchesLiteral(s, i + 3, second, ignoringCase: .stdlib) else { return nil }
        let end = i + 3 + second.count
        guard end == s.count || !PythonText.isStdlibWord(s[end]) else { return nil }
        return (end, [" "] + s[i + 1..<i + 3] + [" "] + s[i + 3..<end] + [" "])
    }

    // MARK: - Case-insensitive literals

    /// Whose case-insensitive matching: the two engines differ on dotless ı.
    enum CaseEngine { case stdlib, regexModule }

    /// Whether `c` matches the lower-case ASCII letter or apostrophe `literal` under `(?i)`:
    /// its case pair, plus ſ (U+017F) for s, İ (U+0130) for i, and (stdlib `re` only) ı (U+0131) for i.
    @inline(__always) static func caseInsensitiveEqual(_ c: Unicode.Scalar, _ literal: Unicode.Scalar, _ engine: CaseEngine) -> Bool {
        if c == literal { return true }
        let l = literal.value
        guard l >= 0x61, l <= 0x7A else { return false }
        if c.value == l - 32 { return true }
        switch (literal, c.value) {
        case ("s", 0x17F), ("k", 0x212A), ("i", 0x130): return true
        case ("i", 0x131): return engine == .stdlib
        default: return false
        }
    }

    static func matchesLiteral(_ s: Scalars, _ i: Int, _ literal: Scalars, ignoringCase engine: CaseEngine) -> Bool {
        guard i + literal.count <= s.count else { return false }
        for k in 0..<literal.count where !caseInsensitiveEqual(s[i + k], literal[k], engine) { return false }
        return true
    }

    /// `literal\b` at `i` (the literal ends in a word character).
    static func matchesWord(_ s: Scalars, _ i: Int, _ literal: Scalars, ignoringCase engine: CaseEngine,
                            wordBoundary isWord: (Unicode.Scalar) -> Bool) -> Bool {
        guard matchesLiteral(s, i, literal, ignoringCase: engine) else { return false }
        let end = i + literal.count
        return end == s.count || !isWord(s[end])
    }
}
