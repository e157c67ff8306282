// NGramCounting: tokens interned by their exact code points and n-gram counters over the ids, shared by
// BLEU, Distinct-n, EAD, ROUGE-L and unigram F1 (Python compares tokens code point by code point;
// Swift's `String ==` would also equate canonically equivalent spellings).

/// Gives each distinct token (by code points) a small integer id.
struct TokenInterner {
    private var ids: [[Unicode.Scalar]: Int] = [:]

    mutating func id(_ token: String) -> Int {
        let key = Array(token.unicodeScalars)
        if let id = ids[key] { return id }
        let id = ids.count
        ids[key] = id
        return id
    }

    mutating func ids(_ tokens: [String]) -> [Int] { tokens.map { id($0) } }
}

enum NGrams {
    /// `Counter(ngrams(sentence, n))`: the count of each n-gram (empty when the sentence is shorter).
    static func counts(_ sentence: [Int], _ n: Int) -> [[Int]: Int] {
        var out: [[Int]: Int] = [:]
        guard n >= 1, sentence.count >= n else { return out }
        for i in 0...(sentence.count - n) { out[Array(sentence[i..<i + n]), default: 0] += 1 }
        return out
    }
}
