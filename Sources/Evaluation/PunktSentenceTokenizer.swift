// PunktSentenceTokenizer: nltk's pre-trained Punkt sentence splitter (`nltk.sent_tokenize`), ported from
// nltk/tokenize/punkt.py (3.10): candidate periods, the first (type-based) and second (orthographic,
// collocation, sentence-starter, initial/ordinal) annotation passes, and boundary realignment.
import PythonSemantics

/// Splits text into sentences with a trained Punkt model, exactly as nltk's `PunktSentenceTokenizer`.
///
/// Offsets are code point (Unicode scalar) offsets, as Python's string indices.
public struct PunktSentenceTokenizer: Sendable {
    /// The trained tables.
    public let parameters: PunktParameters

    public init(parameters: PunktParameters) {
        self.parameters = parameters
    }

    // MARK: - Public API

    /// `tokenize(text)`: the sentences of `text` (whitespace between sentences dropped).
    public func tokenize(_ text: String, realignBoundaries: Bool = true) -> [String] {
        let s = PythonText.scalars(text)
        return spans(s, realignBoundaries: realignBoundaries).map { PythonText.string(s[$0]) }
    }

    /// `span_tokenize(text)`: the `(start, stop)` of each sentence, in Unicode scalar offsets.
    public func spanTokenize(_ text: String, realignBoundaries: Bool = true) -> [Range<Int>] {
        spans(PythonText.scalars(text), realignBoundaries: realignBoundaries)
    }

    // MARK: - Slices

    /// `span_tokenize` over code points; ranges are clamped the way Python slicing clamps them.
    func spans(_ text: Scalars, realignBoundaries: Bool) -> [Range<Int>] {
        let slices = slicesFromText(text)
        let raw = realignBoundaries ? realign(text, slices) : slices
        return raw.map { clamp($0.start, $0.stop, text.count) }
    }

    private func clamp(_ start: Int, _ stop: Int, _ n: Int) -> Range<Int> {
        let s = max(0, min(start, n))
        return s..<max(s, min(stop, n))
    }

    typealias Slice = (start: Int, stop: Int)

    /// `_match_potential_end_contexts`: each candidate period with the text around it (the word before,
    /// the end character and the lookahead), dropping a candidate whose word overlaps the next one's.
    func potentialEndContexts(_ text: Scalars) -> [(PeriodContext, Scalars)] {
        var out: [(PeriodContext, Scalars)] = []
        var previousSlice: Slice = (0, 0)
        var previousMatch: PeriodContext?
        func context(_ slice: Slice, _ match: PeriodContext) -> Scalars {
            Array(text[slice.start..<max(slice.start, slice.stop)]) + Array(text[match.position..<match.afterEnd])
        }
        for match in Self.periodContexts(text) {
            // _get_last_whitespace_index(text[previous.stop : match.start]): 0 when none (or at 0).
            var lastSpace = 0
            var i = match.position - 1
            while i >= previousSlice.stop {
                if PythonText.isASCIISpace(text[i]) { lastSpace = i - previousSlice.stop; break }
                i -= 1
            }
            let wordStart = lastSpace != 0 ? lastSpace + previousSlice.stop + 1 : previousSlice.start
            let wordSlice: Slice = (wordStart, match.position)
            if let previous = previousMatch, previousSlice.stop <= wordSlice.start {
                out.append((previous, context(previousSlice, previous)))
            }
            previousMatch = match
            previousSlice = wordSlice
        }
        if let previous = previousMatch {
            out.append((previous, context(previousSlice, previous)))
        }
        return out
    }

    /// `_slices_from_text`: a slice ends after each candidate whose context holds a sentence break.
    func slicesFromText(_ text: Scalars) -> [Slice] {
        var out: [Slice] = []
        var lastBreak = 0
        for (match, context) in potentialEndContexts(text) where textContainsSentbreak(context) {
            out.append((lastBreak, match.position + 1))
            lastBreak = match.nextTokenStart ?? match.position + 1
        }
        out.append((lastBreak, PythonText.rstripEnd(text)))
        return out
    }

    /// `_realign_boundaries`: closing quotes and brackets after a sentence end join that sentence.
    func realign(_ text: Scalars, _ slices: [Slice]) -> [Slice] {
        func isNonEmpty(_ s: Slice) -> Bool { max(0, s.start) < min(s.stop, text.count) }
        var out: [Slice] = []
        var realign = 0
        for (index, slice) in slices.enumerated() {
            let sentence1: Slice = (slice.start + realign, slice.stop)
            guard index + 1 < slices.count else {
                if isNonEmpty(sentence1) { out.append(sentence1) }
                continue
            }
            let sentence2 = slices[index + 1]
            let lo = max(0, min(sentence2.start, text.count)), hi = max(lo, min(sentence2.stop, text.count))
            if let m = Self.realignment(text[lo..<hi]) {
                out.append((sentence1.start, sentence2.start + m.closers))
                realign = m.end
            } else {
                realign = 0
                if isNonEmpty(sentence1) { out.append(sentence1) }
            }
        }
        return out
    }

    // MARK: - Annotation

    /// `text_contains_sentbreak`: whether some token other than the last is annotated as a sentence break.
    func textContainsSentbreak(_ text: Scalars) -> Bool {
        let tokens = annotate(Self.tokenizeWords(text))
        var found = false
        for token in tokens {
            if found { return true }
            if token.sentbreak { found = true }
        }
        return false
    }

    /// `_tokenize_words`: the Punkt word tokens of each non-blank line.
    static func tokenizeWords(_ text: Scalars) -> [PunktToken] {
        var out: [PunktToken] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where PythonText.hasNonSpace(line) {
            for word in punktWords(line) { out.append(PunktToken(word)) }
        }
        return out
    }

    /// `_annotate_tokens`: the first pass on every token, then the second pass on each pair (the right
    /// token of a pair carries only its first-pass annotation).
    func annotate(_ tokens: [PunktToken]) -> [PunktToken] {
        var tokens = tokens
        for i in tokens.indices { firstPass(&tokens[i]) }
        for i in tokens.indices where i + 1 < tokens.count {
            secondPass(&tokens[i], tokens[i + 1])
        }
        return tokens
    }

    /// `_first_pass_annotation`: sentence-end characters and ellipses; a period-final token is an
    /// abbreviation if it (or its last hyphen-separated part) is a known abbreviation type, else a break.
    func firstPass(_ token: inout PunktToken) {
        let tok = token.tok
        if tok.count == 1, Self.isSentEnd(tok[0]) {
            token.sentbreak = true
        } else if token.isEllipsis {
            token.ellipsis = true
        } else if token.periodFinal, !(tok.count >= 2 && tok[tok.count - 2] == ".") {
            let base = PythonText.lowercased(tok.dropLast())
            let lastPart = base.split(separator: "-", omittingEmptySubsequences: false).last.map(Array.init) ?? []
            if parameters.abbrevTypes.contains(base) || parameters.abbrevTypes.contains(lastPart) {
                token.abbr = true
            } else {
                token.sentbreak = true
            }
        }
    }

    /// The orthographic heuristic's answer: is the token the first of a sentence?
    enum OrthoDecision { case yes, no, unknown }

    static let punctuationTokens: Set<Unicode.Scalar> = [";", ":", ",", ".", "!", "?"]

    /// `_ortho_heuristic`.
    func orthoHeuristic(_ token: PunktToken) -> OrthoDecision {
        if token.tok.count == 1, Self.punctuationTokens.contains(token.tok[0]) { return .no }
        let context = parameters.orthoContext[Array(token.typeNoSentPeriod)] ?? 0
        if token.firstUpper, context & PunktParameters.Ortho.lc != 0, context & PunktParameters.Ortho.midUC == 0 {
            return .yes
        }
        if token.firstLower, context & PunktParameters.Ortho.uc != 0 || context & PunktParameters.Ortho.begLC == 0 {
            return .no
        }
        return .unknown
    }

    /// `_second_pass_annotation` on `(token1, token2)`, updating `token1`.
    func secondPass(_ token1: inout PunktToken, _ token2: PunktToken) {
        guard token1.periodFinal else { return }
        let type = Array(token1.typeNoPeriod)
        let nextType = Array(token2.typeNoSentPeriod)
        let isInitial = token1.isInitial

        // [4.1.2] Collocation heuristic: a known collocation is an abbreviation, not a break.
        if parameters.collocationSet.contains(PunktParameters.Collocation(first: type, second: nextType)) {
            token1.sentbreak = false
            token1.abbr = true
            return
        }
        // [4.2] An abbreviation or ellipsis may also end a sentence: orthographic evidence or a
        // capitalized frequent sentence starter after it.
        if token1.abbr || token1.ellipsis, !isInitial {
            if orthoHeuristic(token2) == .yes {
                token1.sentbreak = true
                return
            }
            if token2.firstUpper, parameters.sentStarters.contains(nextType) {
                token1.sentbreak = true
                return
            }
        }
        // [4.3] Initials and ordinals: no break when the next word is orthographically not a starter,
        // or (initials only) when it is unknown but the next word is never seen lower case.
        if isInitial || type == PunktToken.numberType {
            let decision = orthoHeuristic(token2)
            if decision == .no {
                token1.sentbreak = false
                token1.abbr = true
                return
            }
            if decision == .unknown, isInitial, token2.firstUpper,
               (parameters.orthoContext[nextType] ?? 0) & PunktParameters.Ortho.lc == 0 {
                token1.sentbreak = false
                token1.abbr = true
            }
        }
    }
}
