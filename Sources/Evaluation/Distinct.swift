// Distinct: Distinct-n (unique n-grams / total n-grams over all hypotheses; exact, or PAL's count that
// drops each sentence's last n-gram) and EAD-n (Liu et al. 2022, PAL's codes/get_EAD_score.py).
import Foundation

/// Diversity of a set of generated responses.
public enum Distinct {
    /// How n-grams are counted per sentence.
    public enum Counting: Sendable {
        /// All `len(sentence) - n + 1` n-grams.
        case exact
        /// PAL's `calc_distinct_k`: `range(0, len(sent) - k)`, i.e. each sentence's last n-gram is dropped.
        case palReference
    }

    /// The vocabulary size PAL's EAD uses: BlenderbotSmall's 54,944 tokens plus its 12 added tokens.
    public static let palVocabularySize = 54_956

    /// Distinct-n: unique n-grams / total n-grams over all sentences; 0 when there is none
    /// (PAL's code warns "the distinct is invalid" and returns 0).
    public static func distinct(_ sentences: [[String]], n: Int, counting: Counting = .exact) -> Double {
        precondition(n >= 1)
        var interner = TokenInterner()
        var unique = Set<[Int]>()
        var total = 0
        for sentence in sentences {
            let ids = interner.ids(sentence)
            let count = ids.count - n + (counting == .exact ? 1 : 0)
            guard count > 0 else { continue }
            for i in 0..<count {
                unique.insert(Array(ids[i..<i + n]))
                total += 1
            }
        }
        return total > 0 ? Double(unique.count) / Double(total) : 0
    }

    /// EAD-n, the expectation-adjusted distinct: `N / (V · (1 − ((V − 1)/V)^C))` with N unique and C total
    /// n-grams (exact count) over `sentences`, V the vocabulary size. Returns 0 when there is no n-gram
    /// at all, where PAL's `cal_EAD` divides by zero.
    public static func expectationAdjusted(_ sentences: [[String]], n: Int, vocabularySize: Int = palVocabularySize) -> Double {
        precondition(n >= 1 && vocabularySize >= 1)
        var interner = TokenInterner()
        var unique = Set<[Int]>()
        var total = 0
        for sentence in sentences {
            let ids = interner.ids(sentence)
            guard ids.count >= n else { continue }
            for i in 0...(ids.count - n) {
                unique.insert(Array(ids[i..<i + n]))
                total += 1
            }
        }
        let v = Double(vocabularySize)
        let denominator = v * (1 - pow(Double(vocabularySize - 1) / v, Double(total)))
        return denominator == 0 ? 0 : Double(unique.count) / denominator
    }
}
