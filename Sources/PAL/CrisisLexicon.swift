// CrisisLexicon: the crisis guard's first layer — phrases by category and language, and idioms
// whose words must not count. Phrases are regular expressions over `CrisisText` (lower-case,
// accents folded, no apostrophes, punctuation as spaces), written tolerant: each letter matches a
// run of that letter ("kill" also reads "kil" and "kiiill"), each space is optional ("killmyself"),
// and each phrase is a whole-word match. Tables: CrisisLexicon+English.swift,
// CrisisLexicon+OtherLanguages.swift, CrisisLexicon+Idioms.swift.
import Foundation

/// What a crisis phrase expresses (docs/crisis-guard.md lists examples of each).
public enum CrisisCategory: String, CaseIterable, Sendable {
    case directIdeation = "direct ideation"
    case passiveIdeation = "passive ideation"
    case plansAndMeans = "plans and means"
    case preparatoryActs = "preparatory acts"
    case selfHarm = "self-harm"
    case slang = "slang"
    /// Someone else at risk now ("my friend says she'll kill herself tonight").
    case someoneAtRisk = "someone at risk"
}

/// The languages the lexicon covers.
public enum CrisisLanguage: String, CaseIterable, Sendable {
    case en, es, fr, de, it, pt
}

public struct CrisisLexicon: Sendable {
    /// One crisis phrase.
    public struct Entry: Sendable {
        public let category: CrisisCategory
        public let language: CrisisLanguage
        public let pattern: String

        init(_ category: CrisisCategory, _ language: CrisisLanguage, _ pattern: String) {
            (self.category, self.language, self.pattern) = (category, language, pattern)
        }
    }

    /// A lexicon phrase found in a message.
    public struct Match: Equatable, Sendable {
        public let category: CrisisCategory
        public let language: CrisisLanguage
        /// The words that matched, as `CrisisText` wrote them.
        public let words: String
    }

    public let entries: [Entry]
    /// Phrases whose words are harmless ("my phone died", "dying to see it", "overdosed on coffee"):
    /// removed from the text before the lexicon and the semantic layer read it, so a message holding
    /// both an idiom and a crisis phrase is still flagged by the latter.
    public let idioms: [String]
    private let wholeWords: [NSRegularExpression]
    private let inSpelled: [NSRegularExpression]
    private let idiomExpressions: [NSRegularExpression]

    /// The built-in lexicon: every language's phrases and idioms.
    public static let builtIn = CrisisLexicon(entries: english + spanish + french + german + italian + portuguese, idioms: idioms)

    /// A lexicon of `entries` and `idioms`; a phrase that does not compile is a programmer error.
    init(entries: [Entry], idioms: [String]) {
        self.entries = entries
        self.idioms = idioms
        func compile(_ pattern: String) -> NSRegularExpression {
            do { return try NSRegularExpression(pattern: pattern) } catch { preconditionFailure("crisis lexicon: \(pattern) does not compile: \(error)") }
        }
        wholeWords = entries.map { compile(#"\b(?:"# + Self.tolerant($0.pattern) + #")\b"#) }
        inSpelled = entries.map { compile(Self.tolerant($0.pattern)) }
        idiomExpressions = idioms.map { compile(#"\b(?:"# + Self.tolerant($0) + #")\b"#) }
    }

    // MARK: - Matching

    /// The first phrase in `message` (its idioms removed), or nil.
    public func match(_ message: CrisisText) -> Match? {
        let text = withoutIdioms(message.text)
        for (entry, expression) in zip(entries, wholeWords) {
            if let words = Self.firstMatch(expression, in: text) { return Match(category: entry.category, language: entry.language, words: words) }
        }
        for spelled in message.spelled {
            for (entry, expression) in zip(entries, inSpelled) {
                if let words = Self.firstMatch(expression, in: spelled) { return Match(category: entry.category, language: entry.language, words: words) }
            }
        }
        return nil
    }

    /// `text` (a `CrisisText.text`) with every idiom replaced by a separator.
    public func withoutIdioms(_ text: String) -> String {
        var text = text
        for expression in idiomExpressions {
            text = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " | ")
        }
        return text
    }

    static func firstMatch(_ expression: NSRegularExpression, in text: String) -> String? {
        guard let hit = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(hit.range, in: text) else { return nil }
        return String(text[range])
    }

    // MARK: - Tolerant phrases

    /// `pattern` with each letter outside a character class matching a run of itself (a doubled
    /// letter counts once: "kill" → "k+i+l+") and each space optional; a letter or space already
    /// followed by a quantifier, and a space before an escape or ".", are left alone.
    static func tolerant(_ pattern: String) -> String {
        let characters = Array(pattern)
        var out = "", i = 0, inClass = false
        while i < characters.count {
            let c = characters[i]
            if c == "\\", i + 1 < characters.count {
                out += String(characters[i...(i + 1)])
                i += 2
                continue
            }
            if inClass || !(c.isLetter || c == " ") {
                if c == "[" { inClass = true } else if c == "]" { inClass = false }
                out.append(c)
                i += 1
                continue
            }
            var next = i + 1
            if c.isLetter { while next < characters.count, characters[next] == c { next += 1 } }
            let following = next < characters.count ? characters[next] : nil
            // A space before an escape or a wildcard (" \\w+", " .{0,20}") stays: it separates words.
            let kept = following.map { "?*+{".contains($0) || (c == " " && "\\.".contains($0)) } ?? false
            out += kept ? String(characters[i..<next]) : (c == " " ? " ?" : "\(c)+")
            i = next
        }
        return out
    }
}
