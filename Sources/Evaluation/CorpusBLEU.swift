// CorpusBLEU: nltk's `corpus_bleu` with `SmoothingFunction().method3` (nltk/translate/bleu_score.py,
// 3.10), the BLEU-n of PAL's codes/metric/myMetrics.py.
import Foundation

/// Corpus-level BLEU exactly as nltk computes it.
public enum CorpusBLEU {
    /// PAL's weights for BLEU-k: `[1/k] * k + [0] * (4 - k)`. They give the same value as
    /// `uniformWeights(k)`: method3 smooths each order independently of the later ones, and a zero
    /// weight adds exactly 0 to the log sum.
    public static func palWeights(_ k: Int) -> [Double] {
        precondition((1...4).contains(k), "PAL's BLEU-k has k in 1...4")
        return Array(repeating: 1.0 / Double(k), count: k) + Array(repeating: 0.0, count: 4 - k)
    }

    /// `(1/k,) * k`.
    public static func uniformWeights(_ k: Int) -> [Double] {
        precondition(k >= 1)
        return Array(repeating: 1.0 / Double(k), count: k)
    }

    /// `corpus_bleu(references, hypotheses, weights, smoothing_function=SmoothingFunction().method3)`.
    ///
    /// - Parameters:
    ///   - references: for each hypothesis, its reference token lists (at least one).
    ///   - hypotheses: the hypothesis token lists.
    /// - Returns: 0 when no hypothesis unigram matches (nltk warns and returns 0), else
    ///   `BP · exp(fsum(w_n · log p_n))` with p_n = clipped matches / max(1, hypothesis n-grams) summed
    ///   over the corpus, and each p_n with no match replaced by `1 / (2^k · denominator)`,
    ///   k = 1, 2, … in order (NIST geometric smoothing).
    public static func score(references: [[[String]]], hypotheses: [[String]], weights: [Double]) -> Double {
        precondition(references.count == hypotheses.count, "The number of hypotheses and their reference(s) should be the same")
        let orders = weights.count
        var numerators = Array(repeating: 0, count: orders + 1)
        var denominators = Array(repeating: 0, count: orders + 1)
        var hypothesisLength = 0, referenceLength = 0
        var interner = TokenInterner()
        for (refs, hyp) in zip(references, hypotheses) {
            precondition(!refs.isEmpty, "every hypothesis needs at least one reference")
            let hypIDs = interner.ids(hyp)
            let refIDs = refs.map { interner.ids($0) }
            for n in stride(from: 1, through: orders, by: 1) {
                let (numerator, denominator) = modifiedPrecision(refIDs, hypIDs, n)
                numerators[n] += numerator
                denominators[n] += denominator
            }
            hypothesisLength += hyp.count
            referenceLength += closestReferenceLength(refIDs.map(\.count), hyp.count)
        }
        let bp = brevityPenalty(closestReferenceLength: referenceLength, hypothesisLength: hypothesisLength)
        guard orders >= 1, numerators[1] != 0 else { return 0 }

        // SmoothingFunction().method3
        var precisions: [Double] = []
        var increment = 1
        for n in stride(from: 1, through: orders, by: 1) {
            if numerators[n] == 0 {
                precisions.append(1.0 / Double((1 << increment) * denominators[n]))
                increment += 1
            } else {
                precisions.append(Double(numerators[n]) / Double(denominators[n]))
            }
        }
        let terms = zip(weights, precisions).filter { $0.1 > 0 }.map { $0.0 * log($0.1) }
        return bp * exp(PythonMath.fsum(terms))
    }

    /// `modified_precision`: (clipped n-gram matches, max(1, hypothesis n-grams)).
    static func modifiedPrecision(_ references: [[Int]], _ hypothesis: [Int], _ n: Int) -> (Int, Int) {
        let counts = NGrams.counts(hypothesis, n)
        var maxCounts: [[Int]: Int] = [:]
        for reference in references {
            let referenceCounts = NGrams.counts(reference, n)
            for gram in counts.keys { maxCounts[gram] = max(maxCounts[gram] ?? 0, referenceCounts[gram] ?? 0) }
        }
        var clipped = 0, total = 0
        for (gram, count) in counts {
            clipped += min(count, maxCounts[gram] ?? 0)
            total += count
        }
        return (clipped, max(1, total))
    }

    /// `closest_ref_length`: the reference length nearest the hypothesis length, the shorter on a tie.
    static func closestReferenceLength(_ lengths: [Int], _ hypothesisLength: Int) -> Int {
        lengths.min { (abs($0 - hypothesisLength), $0) < (abs($1 - hypothesisLength), $1) }!
    }

    /// `brevity_penalty`: 1 when the hypotheses are longer, 0 when empty, else exp(1 − r/c).
    static func brevityPenalty(closestReferenceLength r: Int, hypothesisLength c: Int) -> Double {
        if c > r { return 1 }
        if c == 0 { return 0 }
        return exp(1 - Double(r) / Double(c))
    }
}

/// Python `math` functions whose exact rounding matters.
enum PythonMath {
    /// `math.fsum`: the correctly rounded sum (Shewchuk's partials, CPython's `math_fsum` for finite input).
    static func fsum(_ values: [Double]) -> Double {
        var partials: [Double] = []
        for value in values {
            var x = value
            var i = 0
            for j in partials.indices {
                var y = partials[j]
                if abs(x) < abs(y) { swap(&x, &y) }
                let hi = x + y
                let lo = y - (hi - x)
                if lo != 0 {
                    partials[i] = lo
                    i += 1
                }
                x = hi
            }
            partials.removeSubrange(i...)
            partials.append(x)
        }
        var n = partials.count
        guard n > 0 else { return 0 }
        n -= 1
        var hi = partials[n]
        var lo = 0.0
        while n > 0 {
            let x = hi
            n -= 1
            let y = partials[n]
            hi = x + y
            let yr = hi - x
            lo = y - yr
            if lo != 0 { break }
        }
        if n > 0, (lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0) {
            let y = lo * 2
            let x = hi + y
            let yr = x - hi
            if y == yr { hi = x }
        }
        return hi
    }
}
