// RougeL: LCS-based ROUGE-L F-score with β = 1.2, as PAL's codes/metric/myMetrics.py computes it
// (`my_lcs`, `calc_rouge_l`; the same formula as pycocoevalcap's Rouge, on nltk word tokens).
import Foundation

/// ROUGE-L of a hypothesis against its references.
public enum RougeL {
    /// Length of the longest common subsequence of two token lists.
    public static func lcsLength(_ a: [String], _ b: [String]) -> Int {
        var interner = TokenInterner()
        return lcsLength(interner.ids(a), interner.ids(b))
    }

    static func lcsLength(_ a: [Int], _ b: [Int]) -> Int {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        guard !short.isEmpty else { return 0 }
        var previous = Array(repeating: 0, count: short.count + 1)
        var current = previous
        for x in long {
            for j in 1...short.count {
                current[j] = x == short[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            swap(&previous, &current)
        }
        return previous[short.count]
    }

    /// `calc_rouge_l` for one hypothesis: P = LCS/len(hyp), R = LCS/len(ref) (lengths floored at 1e-10),
    /// maximised over references; `(1 + β²)·P·R / (R + β²·P)`, or 0 when P or R is 0.
    public static func score(hypothesis: [String], references: [[String]], beta: Double = 1.2) -> Double {
        precondition(!references.isEmpty, "ROUGE-L needs at least one reference")
        var interner = TokenInterner()
        let hyp = interner.ids(hypothesis)
        var precision = -Double.infinity, recall = -Double.infinity
        for reference in references {
            let ref = interner.ids(reference)
            let lcs = Double(lcsLength(ref, hyp))
            precision = max(precision, lcs / max(Double(hyp.count), 1e-10))
            recall = max(recall, lcs / max(Double(ref.count), 1e-10))
        }
        guard precision != 0, recall != 0 else { return 0 }
        let beta2 = pow(beta, 2)
        return ((1 + beta2) * precision * recall) / (recall + beta2 * precision)
    }

    /// `score` with one reference.
    public static func score(hypothesis: [String], reference: [String], beta: Double = 1.2) -> Double {
        score(hypothesis: hypothesis, references: [reference], beta: beta)
    }
}
