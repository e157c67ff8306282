// WordPieceNormalizer: BERT's text clean-up and word splitting as HuggingFace `tokenizers` does it
// (BertNormalizer, then BertPreTokenizer), the code behind transformers 5's BertTokenizer:
//   clean text → space out CJK ideographs → strip accents (NFD, drop Mn) → lowercase → split on
//   whitespace → isolate each punctuation character.
// Its one quirk: control, format, non-spacing-mark and punctuation categories come from the Rust crate
// `unicode_categories`, whose tables are Unicode 8.0: characters assigned later are none of these, and
// the few whose category changed since keep their 8.0 one (tables below, found by comparing every code
// point with `tokenizers`; BertTests checks a digest of that comparison).
import Foundation

/// How BERT text is normalised before WordPiece: the four flags of `tokenizers`' BertNormalizer.
public struct WordPieceNormalization: Equatable, Sendable {
    /// Drops NUL, U+FFFD and control/format/private-use characters; turns whitespace into spaces.
    public var cleanText: Bool
    /// Puts spaces around CJK ideographs so that each becomes a word.
    public var handleChineseCharacters: Bool
    /// Decomposes (NFD) and drops non-spacing marks; nil follows `lowercase` (HF's default).
    public var stripAccents: Bool?
    /// Lower-cases every character (per character: Greek final sigma is not special).
    public var lowercase: Bool

    /// BERT's defaults: uncased models (`lowercase: true`) also strip accents.
    public init(cleanText: Bool = true, handleChineseCharacters: Bool = true, stripAccents: Bool? = nil,
                lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseCharacters = handleChineseCharacters
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// Whether accents are stripped, after resolving `stripAccents == nil` to `lowercase`.
    public var stripsAccents: Bool { stripAccents ?? lowercase }

    // MARK: - Normalizing

    /// `text` normalised as `tokenizers`' BertNormalizer does.
    public func normalize(_ text: String) -> String { String(String.UnicodeScalarView(normalize(Array(text.unicodeScalars)))) }

    /// The scalars of `text` normalised, in BertNormalizer's order: clean, CJK, accents, case.
    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out = text
        if cleanText {
            out = out.compactMap { c in
                if c.value == 0 || c.value == 0xFFFD || WordPieceCharacters.isControl(c) { return nil }
                return WordPieceCharacters.isWhitespace(c) ? " " : c
            }
        }
        if handleChineseCharacters, out.contains(where: WordPieceCharacters.isChineseCharacter) {
            var spaced: [Unicode.Scalar] = []
            spaced.reserveCapacity(out.count + 8)
            for c in out {
                if WordPieceCharacters.isChineseCharacter(c) { spaced += [" ", c, " "] } else { spaced.append(c) }
            }
            out = spaced
        }
        if stripsAccents, out.contains(where: { $0.value >= 0x80 }) {
            out = WordPieceCharacters.decomposed(out).filter { !WordPieceCharacters.isNonSpacingMark($0) }
        }
        if lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(out.count)
            for c in out {
                if c.value < 0x80 {
                    lowered.append(c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(c.value + 32)! : c)
                } else {
                    lowered += c.properties.lowercaseMapping.unicodeScalars  // Rust's char::to_lowercase
                }
            }
            out = lowered
        }
        return out
    }

    // MARK: - Pre-tokenizing

    /// BertPreTokenizer: `text` split at whitespace (dropped), each punctuation character its own word.
    public static func preTokenize(_ text: String) -> [String] {
        words(Array(text.unicodeScalars)).map { String(String.UnicodeScalarView($0)) }
    }

    /// BertPreTokenizer: words split at whitespace (dropped), each punctuation character its own word.
    static func words(_ text: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start = 0
        for (i, c) in text.enumerated() {
            if WordPieceCharacters.isSplitWhitespace(c) {
                if start < i { words.append(text[start..<i]) }
                start = i + 1
            } else if WordPieceCharacters.isPunctuation(c) {
                if start < i { words.append(text[start..<i]) }
                words.append(text[i..<(i + 1)])
                start = i + 1
            }
        }
        if start < text.count { words.append(text[start...]) }
        return words
    }
}

// MARK: - Character classes

/// The character classes of `tokenizers`' BERT normalizer and pre-tokenizer.
enum WordPieceCharacters {
    /// `unicode_categories` (0.1.1), used by `tokenizers` for categories, has Unicode 8.0 tables.
    static func assignedByUnicode8(_ c: Unicode.Scalar) -> Bool {
        guard let age = c.properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }

    /// `\t`, `\n`, `\r` or White_Space (Rust's `char::is_whitespace`): becomes a space when cleaning.
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == "\t" || c == "\n" || c == "\r" || c.properties.isWhitespace
    }

    /// What BertPreTokenizer splits on: Rust's `char::is_whitespace` (the White_Space property).
    static func isSplitWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c.properties.isWhitespace
    }

    /// Cc, Cf or Co (`is_other` of `unicode_categories`, Unicode 8.0), except `\t`, `\n`, `\r`.
    /// Unassigned code points are kept, although `is_other` names Cn: its table lists none.
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        switch c.properties.generalCategory {
        case .control: return true
        case .format, .privateUse: return assignedByUnicode8(c)
        default: return false
        }
    }

    /// Mn in Unicode 8.0, Mc in Swift's tables (HANUNOO SIGN PAMUDPOD, AHOM CONSONANT SIGN MEDIAL RA).
    static let formerNonSpacingMarks: Set<UInt32> = [0x1734, 0x1171E]
    /// Mn in Swift's tables but not in Unicode 8.0 (MONGOLIAN LETTER ALI GALI BALUDA and THREE BALUDA,
    /// JAVANESE CONSONANT SIGN KERET, SHARADA SANDHI MARK).
    static let laterNonSpacingMarks: Set<UInt32> = [0x1885, 0x1886, 0xA9BD, 0x111C9]
    /// Po in Unicode 8.0 but not in Swift's tables (CANADIAN SYLLABICS CHI SIGN, SHARADA SANDHI MARK).
    static let formerPunctuation: Set<UInt32> = [0x166D, 0x111C9]
    /// Canonical decompositions `tokenizers`' NFD does not apply (DIVES AKURU VOWEL SIGN O → U+11935 U+11930).
    static let undecomposed: Set<UInt32> = [0x11938]

    /// A non-spacing mark (Mn, Unicode 8.0), dropped after NFD when stripping accents.
    static func isNonSpacingMark(_ c: Unicode.Scalar) -> Bool {
        guard c.value >= 0x300 else { return false }
        if formerNonSpacingMarks.contains(c.value) { return true }
        return c.properties.generalCategory == .nonspacingMark && assignedByUnicode8(c) && !laterNonSpacingMarks.contains(c.value)
    }

    /// The canonical decomposition (NFD) of `text`, leaving the `undecomposed` characters whole.
    static func decomposed(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        func nfd(_ part: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
            Array(String(String.UnicodeScalarView(part)).decomposedStringWithCanonicalMapping.unicodeScalars)
        }
        var out: [Unicode.Scalar] = []
        var start = 0
        for (i, c) in text.enumerated() where undecomposed.contains(c.value) {
            out += nfd(text[start..<i]) + [c]
            start = i + 1
        }
        return start == 0 ? nfd(text[...]) : out + nfd(text[start...])
    }

    /// ASCII punctuation (including `$+<=>^`|~`) or a Unicode punctuation category P* (Unicode 8.0).
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126) }
        if formerPunctuation.contains(v) { return true }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return assignedByUnicode8(c)
        default: return false
        }
    }

    /// A CJK ideograph as `tokenizers` defines it. Its fifth range starts at U+2B920 where BERT's
    /// original code (and the Python tokenizer) start at U+2B820; `tokenizers` is followed.
    static func isChineseCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
