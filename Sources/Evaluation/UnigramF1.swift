// UnigramF1: PAL's `calc_unigram_f1` (codes/metric/myMetrics.py), the bag-of-tokens overlap F1 it reports
// as `f1` next to BLEU and ROUGE-L.

/// Unigram F1 of PAL's `calc_unigram_f1` (bag-of-tokens overlap), maximised over references.
public enum UnigramF1 {
    /// `2PR / max(P + R, 1e-10)` with P = overlap/len(hyp), R = overlap/len(ref) (lengths floored at
    /// 1e-10), overlap = Σ min(count in hyp, count in ref); the best over references.
    public static func score(hypothesis: [String], references: [[String]]) -> Double {
        precondition(!references.isEmpty, "F1 needs at least one reference")
        var interner = TokenInterner()
        var hypCounts: [Int: Int] = [:]
        for id in interner.ids(hypothesis) { hypCounts[id, default: 0] += 1 }
        var best = -Double.infinity
        for reference in references {
            var refCounts: [Int: Int] = [:]
            for id in interner.ids(reference) { refCounts[id, default: 0] += 1 }
            let cross = hypCounts.reduce(0) { $0 + min($1.value, refCounts[$1.key] ?? 0) }
            let p = Double(cross) / max(Double(hypothesis.count), 1e-10)
            let r = Double(cross) / max(Double(reference.count), 1e-10)
            best = max(best, 2 * p * r / max(p + r, 1e-10))
        }
        return best
    }

    /// `score` with one reference.
    public static func score(hypothesis: [String], reference: [String]) -> Double {
        score(hypothesis: hypothesis, references: [reference])
    }
}
