// The statistics of the paper's human evaluations: the two-sided exact sign test of Table 4 (ties
// left out, wins ~ Binomial(wins + losses, 1/2)) and Fleiss' κ of the persona review (§4.1).
// Checked against scipy.stats.binomtest and statsmodels' fleiss_kappa
// (scripts/make_human_eval_fixtures.py).
import Foundation

public enum SignTest {
    /// The two-sided exact p-value of `wins` against `losses`: P(a count at least as far from n/2 as
    /// the one seen) under Binomial(n, 1/2), n = wins + losses; 1 when n = 0.
    /// p = min(1, 2 · Σ_{i ≤ min(wins, losses)} C(n, i) / 2ⁿ), summed in log space so large n stays exact to rounding.
    public static func pValue(wins: Int, losses: Int) -> Double {
        precondition(wins >= 0 && losses >= 0, "SignTest: negative counts")
        let n = wins + losses
        guard n > 0 else { return 1 }
        // logFactorial[k] = log k!
        let logFactorial = (0...n).reduce(into: [Double]()) { table, k in table.append(k == 0 ? 0 : table[k - 1] + log(Double(k))) }
        let logHalfPower = Double(n) * log(0.5)
        var tail = 0.0
        for i in 0...min(wins, losses) { tail += exp(logFactorial[n] - logFactorial[i] - logFactorial[n - i] + logHalfPower) }
        return min(1, 2 * tail)
    }

    /// Table 4's mark: † for p < 0.05, ‡ for 0.05 ≤ p < 0.1, none above.
    public static func mark(_ p: Double) -> String {
        p < 0.05 ? "†" : p < 0.1 ? "‡" : ""
    }
}

public enum FleissKappa {
    /// Fleiss' κ of `counts`: one row per item, one column per category, each cell the raters who
    /// chose that category; every row must sum to the same number of raters (at least 2).
    /// κ = (P̄ − P̄ₑ) / (1 − P̄ₑ), P̄ the mean per-item agreement Σⱼ nᵢⱼ(nᵢⱼ − 1) / (n(n − 1)),
    /// P̄ₑ = Σⱼ pⱼ² with pⱼ category j's share of all ratings. NaN when P̄ₑ = 1 (every rating in one category).
    public static func kappa(_ counts: [[Int]]) -> Double {
        guard let first = counts.first else { return .nan }
        let raters = first.reduce(0, +)
        precondition(raters >= 2 && counts.allSatisfy { $0.reduce(0, +) == raters && $0.count == first.count },
                     "FleissKappa: every item needs the same number of raters, at least 2")
        let items = Double(counts.count), n = Double(raters)
        let agreement = counts.map { row in row.reduce(0.0) { $0 + Double($1 * ($1 - 1)) } / (n * (n - 1)) }.reduce(0, +) / items
        let chance = (0..<first.count).map { j in counts.reduce(0.0) { $0 + Double($1[j]) } / (items * n) }.reduce(0) { $0 + $1 * $1 }
        return chance == 1 ? .nan : (agreement - chance) / (1 - chance)
    }
}
