// CrisisText: a message as the crisis guard reads it. Case, accents, full width and ß are folded,
// apostrophes dropped ("don't" → "dont", "j'ai" → "jai"), leetspeak decoded ("k1ll" → "kill"),
// hyphens, punctuation and symbols become spaces, letters spelled out one by one are joined,
// runs of three or more equal letters shrink to one, and misspelt key words are restored
// ("sucide" → "suicide"), so that one lexicon phrase covers the ways people type it.
import Foundation

public struct CrisisText: Equatable, Sendable {
    /// The normalised message: lower-case ASCII-folded words separated by single spaces.
    public let text: String
    /// Letters spelled out one by one ("k i l l  m y s e l f"), joined across word gaps
    /// ("killmyself"), so the lexicon can look for its phrases inside them.
    public let spelled: [String]

    public init(_ message: String) {
        let folded = message.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .filter { !Self.apostrophes.contains($0) }
        let decoded = folded.split(separator: " ", omittingEmptySubsequences: false).map { Self.decodingLeetspeak(String($0)) }
            .joined(separator: " ")
        let spaced = String(decoded.map { $0.isLetter || $0.isNumber ? $0 : " " })
        let (joined, spelled) = Self.joiningSpelledLetters(spaced)
        text = joined.split(separator: " ").map { Self.restoringKeyWord(Self.shrinkingRuns(String($0))) }.joined(separator: " ")
        self.spelled = spelled
    }

    // MARK: - Steps

    private static let apostrophes: Set<Character> = ["'", "\u{2019}", "\u{2018}", "`", "\u{B4}", "\u{2BC}"]

    /// Digits and symbols read as letters: "k1ll" → "kill", "$uicide" → "suicide", "m3" → "me".
    private static let leetspeak: [Character: Character] = ["0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"]

    /// `token` with leetspeak decoded when it is a word in disguise: it holds a letter and does not
    /// start with a digit (so "10mg", "3am" and "2nd" stay). "!" counts only between two letters ("k!ll").
    static func decodingLeetspeak(_ token: String) -> String {
        let characters = Array(token)
        guard characters.contains(where: \.isLetter), let first = characters.first, !first.isNumber else { return token }
        return String(characters.indices.map { i in
            let c = characters[i]
            if let letter = leetspeak[c] { return letter }
            if c == "!", i > 0, i + 1 < characters.count, characters[i - 1].isLetter, characters[i + 1].isLetter { return "i" }
            return c
        })
    }

    /// `text` (letters, digits and spaces) with every run of three or more one-letter words joined
    /// ("s u i c i d e" → "suicide"); a wider gap ("k i l l  m y s e l f") keeps the words apart.
    /// Also returns each run of one-letter words joined across such gaps ("killmyself").
    static func joiningSpelledLetters(_ text: String) -> (text: String, spelled: [String]) {
        let pieces = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var words: [String] = [], spelled: [String] = []
        var group: [String] = [], region = ""
        func flushGroup() {
            words += group.count >= 3 ? [group.joined()] : group
            group = []
        }
        func flushRegion() {
            if region.count >= 3 { spelled.append(region) }
            region = ""
        }
        var gap = 0
        for piece in pieces {
            if piece.isEmpty { gap += 1; continue }
            let isLetter = piece.count == 1 && piece.first!.isLetter
            if !isLetter || gap > 0 { flushGroup() }
            if !isLetter { flushRegion() }
            if isLetter {
                group.append(piece)
                region += piece
            } else {
                words.append(piece)
            }
            gap = 0
        }
        flushGroup()
        flushRegion()
        return (words.joined(separator: " "), spelled)
    }

    /// `word` with each run of three or more equal letters shrunk to one ("dieeee" → "die").
    static func shrinkingRuns(_ word: String) -> String {
        var out: [Character] = []
        let characters = Array(word)
        var i = 0
        while i < characters.count {
            var j = i
            while j < characters.count, characters[j] == characters[i] { j += 1 }
            out += j - i >= 3 && characters[i].isLetter ? [characters[i]] : Array(characters[i..<j])
            i = j
        }
        return String(out)
    }

    /// Long key words whose misspellings are restored: one edit away (a letter added, dropped,
    /// changed or two swapped), two for those of eight letters or more. Short words ("kill", "die")
    /// are not here: one edit turns them into everyday words ("bill", "dye").
    static let keyWords = ["suicidal", "suicide", "suicidio", "suicider", "suicidaire", "suicidarme", "suicidarmi", "selbstmord", "myself"]

    /// The key word `word` is a misspelling of (the nearest; the first listed on a tie), or `word` itself.
    static func restoringKeyWord(_ word: String) -> String {
        guard word.count >= 5, !keyWords.contains(word) else { return word }
        var best: (key: String, distance: Int)?
        for key in keyWords where abs(key.count - word.count) <= 2 {
            let distance = editDistance(word, key)
            if distance <= (key.count >= 8 ? 2 : 1), distance < best?.distance ?? .max { best = (key, distance) }
        }
        return best?.key ?? word
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
