// CrisisGuard: PAL-SPEC §10 — a deployed chat must recognise crisis language (suicide, self-harm)
// and answer with a fixed message pointing to human help instead of a generated reply. Matching is
// deliberately broad (a false alarm costs one canned reply; a miss costs far more): lower-cased
// text, curly apostrophes folded, whole-word patterns. Users extend the patterns and replace the
// message; the default message lists international helplines.
import Foundation

public struct CrisisGuard: Sendable {
    /// Regular expressions (case-insensitive, matched against lower-cased text).
    public let patterns: [String]
    /// The reply given instead of a generated one.
    public let message: String
    private let expressions: [NSRegularExpression]

    public static let defaultPatterns = [
        #"\bsuicid\w*"#,
        #"\bkill(ing)? my ?self\b"#, #"\bhang(ing)? my ?self\b"#, #"\bhurt(ing)? my ?self\b"#, #"\bcut(ting)? my ?self\b"#,
        #"\bharm(ing)? my ?self\b"#, #"\bself[- ]?harm\w*"#,
        #"\b(end|ending|take|taking) my (own )?life\b"#,
        #"\b(want|wanted|wanting|going) to die\b"#, #"\bwanna die\b"#, #"\bwish i (was|were) dead\b"#,
        #"\bbetter off (dead|without me)\b"#, #"\bno reason to (live|go on)\b"#, #"\bdon'?t want to (live|be alive|wake up)\b"#,
        #"\boverdos\w*"#,
    ]

    public static let defaultMessage = """
        I'm really sorry you're going through this. I'm an automated program and I can't give you the help you deserve \
        right now, so I won't try. Please reach out to a person who can: if you are in danger, call your local emergency \
        number now. Crisis lines (free, confidential): United States and Canada 988 (call or text); United Kingdom and \
        Ireland Samaritans 116 123; Australia Lifeline 13 11 14; New Zealand 1737; India Tele-MANAS 14416; France 3114; \
        Germany TelefonSeelsorge 0800 111 0 111. Elsewhere, https://findahelpline.com lists services in your country. \
        Talking to someone you trust can help too.
        """

    /// A guard with `patterns` (regular expressions) and `message`; throws naming the first pattern that does not compile.
    public init(patterns: [String] = CrisisGuard.defaultPatterns, message: String = CrisisGuard.defaultMessage) throws {
        self.patterns = patterns
        self.message = message
        expressions = try patterns.map { pattern in
            do { return try NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) } catch {
                throw DataError(file: "crisis patterns", "\(pattern) is not a valid regular expression")
            }
        }
    }

    /// The default patterns plus those of `patternsFile` (one regular expression per line; blank lines
    /// and lines starting with # are skipped), with the message of `messageFile` when given.
    public static func load(patternsFile: URL?, messageFile: URL?) throws -> CrisisGuard {
        var patterns = defaultPatterns, message = defaultMessage
        if let patternsFile {
            let lines = try String(contentsOf: patternsFile, encoding: .utf8).components(separatedBy: "\n")
            for (i, line) in lines.enumerated() {
                let pattern = line.trimmingCharacters(in: .whitespaces)
                if pattern.isEmpty || pattern.hasPrefix("#") { continue }
                guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                    throw DataError(file: patternsFile.path, line: i + 1, "\(pattern) is not a valid regular expression; fix or remove it")
                }
                patterns.append(pattern)
            }
        }
        if let messageFile {
            message = try String(contentsOf: messageFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !message.isEmpty else { throw DataError(file: messageFile.path, "the crisis message is empty; write the reply to give") }
        }
        return try CrisisGuard(patterns: patterns, message: message)
    }

    /// The words of `text` that match a crisis pattern, or nil when none does.
    public func match(_ text: String) -> String? {
        let folded = text.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
        let range = NSRange(folded.startIndex..., in: folded)
        for expression in expressions {
            if let hit = expression.firstMatch(in: folded, range: range), let r = Range(hit.range, in: folded) { return String(folded[r]) }
        }
        return nil
    }
}
