// CrisisGuard: PAL-SPEC §10 — a deployed chat must recognise crisis language (suicide, self-harm)
// and answer with a fixed message pointing to human help instead of a generated reply. Layers, in
// order: the lexicon (CrisisLexicon: phrases by category in six languages, idioms removed first),
// the user's patterns, and, when the sentence encoder is installed, the semantic layer
// (CrisisSemanticLayer). A miss costs far more than a false alarm, so any layer may flag and none
// may clear. `chat`, `generate` and `guard` share it (docs/crisis-guard.md).
import Foundation
import TextData

/// Why the guard flagged a message.
public struct CrisisFlag: Equatable, Sendable {
    public enum Layer: String, Sendable {
        case lexicon
        case userPatterns = "user patterns"
        case semantic
    }

    public let layer: Layer
    /// The lexicon phrase's or the nearest exemplar's category (nil for a user pattern).
    public let category: CrisisCategory?
    /// The lexicon phrase's language.
    public let language: CrisisLanguage?
    /// The words that matched (as CrisisText wrote them), or the nearest exemplar.
    public let evidence: String
    /// The cosine similarity to that exemplar (semantic layer only).
    public let similarity: Float?

    /// What was found, for a log line: `matched "kill myself"` or `was close to "…" (cosine 0.71)`.
    public var finding: String {
        similarity.map { "found the message close to \"\(evidence)\" (cosine \(String(format: "%.2f", $0)))" } ?? "matched \"\(evidence)\""
    }

    /// Which layer and category: `lexicon: direct ideation, en`.
    public var source: String {
        let detail = [category?.rawValue, language?.rawValue].compactMap { $0 }.joined(separator: ", ")
        return detail.isEmpty ? layer.rawValue : "\(layer.rawValue): \(detail)"
    }
}

public struct CrisisGuard {
    public let lexicon: CrisisLexicon
    /// Regular expressions from `--crisis-patterns`, matched case-insensitively against CrisisText.
    public let userPatterns: [String]
    /// Nil when the sentence encoder is not installed or was turned off.
    public let semantic: CrisisSemanticLayer?
    /// The reply given instead of a generated one.
    public let message: String
    private let userExpressions: [NSRegularExpression]

    public static let defaultMessage = """
        I'm really sorry you're going through this. I'm an automated program and I can't give you the help you deserve \
        right now, so I won't try. Please reach out to a person who can: if you are in danger, call your local emergency \
        number now. Crisis lines (free, confidential): United States and Canada 988 (call or text); United Kingdom and \
        Ireland Samaritans 116 123; Australia Lifeline 13 11 14; New Zealand 1737; India Tele-MANAS 14416; France 3114; \
        Germany TelefonSeelsorge 0800 111 0 111. Elsewhere, https://findahelpline.com lists services in your country. \
        Talking to someone you trust can help too.
        """

    /// A guard of the built-in lexicon, `userPatterns`, the `semantic` layer and `message`; throws
    /// naming the first user pattern that does not compile or that matches an empty message.
    public init(userPatterns: [String] = [], semantic: CrisisSemanticLayer? = nil, message: String = CrisisGuard.defaultMessage) throws {
        try self.init(userPatterns: userPatterns.map { ($0, nil) }, file: "crisis patterns", semantic: semantic, message: message)
    }

    /// The same, each user pattern with the line of `file` it came from, for the errors.
    init(userPatterns: [(pattern: String, line: Int?)], file: String, semantic: CrisisSemanticLayer?, message: String) throws {
        lexicon = .builtIn
        self.userPatterns = userPatterns.map(\.pattern)
        self.semantic = semantic
        self.message = message
        userExpressions = try userPatterns.map { pattern, line in
            guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else {
                throw DataError(file: file, line: line, "\(pattern) is not a valid regular expression; fix or remove it")
            }
            guard CrisisLexicon.firstMatch(expression, in: "") == nil else {
                throw DataError(file: file, line: line, "\(pattern) matches an empty message, so it would flag every message; make it match words")
            }
            return expression
        }
    }

    /// The guard with the patterns of `patternsFile` (one regular expression per line, over the
    /// normalised text; blank lines and lines starting with # are skipped) added to the built-in
    /// lexicon, the message of `messageFile` when given, and the `semantic` layer.
    public static func load(patternsFile: URL?, messageFile: URL?, semantic: CrisisSemanticLayer?) throws -> CrisisGuard {
        var patterns: [(pattern: String, line: Int?)] = [], message = defaultMessage
        if let patternsFile {
            for (i, line) in TextLines.split(try TextLines.text(of: patternsFile)).enumerated() {
                let pattern = line.trimmingCharacters(in: .whitespaces)
                if pattern.isEmpty || pattern.hasPrefix("#") { continue }
                patterns.append((pattern, i + 1))
            }
        }
        if let messageFile {
            message = try TextLines.text(of: messageFile).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !message.isEmpty else { throw DataError(file: messageFile.path, "the crisis message is empty; write the reply to give") }
        }
        return try CrisisGuard(userPatterns: patterns, file: patternsFile?.path ?? "crisis patterns", semantic: semantic, message: message)
    }

    // MARK: - Checking

    /// Why `message` is crisis language, or nil: the lexicon, then the user's patterns, then the
    /// semantic layer when present.
    public func check(_ message: String) -> CrisisFlag? {
        checkWords(message) ?? semantic.flatMap { $0.flag(message, lexicon: lexicon) }
    }

    /// The lexicon's and the user patterns' verdict alone.
    public func checkWords(_ message: String) -> CrisisFlag? {
        let text = CrisisText(message)
        if let match = lexicon.match(text) {
            return CrisisFlag(layer: .lexicon, category: match.category, language: match.language, evidence: match.words, similarity: nil)
        }
        let words = lexicon.withoutIdioms(text.text)
        for expression in userExpressions {
            if let hit = CrisisLexicon.firstMatch(expression, in: words) {
                return CrisisFlag(layer: .userPatterns, category: nil, language: nil, evidence: hit, similarity: nil)
            }
        }
        return nil
    }

    /// The first seeker turn of `turns` the guard flags (its index in `turns`), or nil.
    public func check(turns: [Turn]) -> (turn: Int, flag: CrisisFlag)? {
        for (i, turn) in turns.enumerated() where turn.speaker == .seeker {
            if let flag = check(turn.text) { return (i, flag) }
        }
        return nil
    }

    /// The active layers, for the line a command prints before it starts:
    /// `lexicon (312 phrases in en, es, fr, de, it, pt) + semantic (all-MiniLM-L6-v2, cosine ≥ 0.60 to 60 exemplars)`.
    public var layers: String {
        let languages = CrisisLanguage.allCases.map(\.rawValue).joined(separator: ", ")
        var parts = ["lexicon (\(lexicon.entries.count) phrases in \(languages))"]
        if !userPatterns.isEmpty { parts.append("\(userPatterns.count) user pattern\(userPatterns.count == 1 ? "" : "s")") }
        if let semantic {
            parts.append("semantic (\(semantic.encoder.name), cosine ≥ \(String(format: "%.2f", semantic.threshold)) to \(semantic.exemplars.count) exemplars)")
        }
        return parts.joined(separator: " + ")
    }
}
