// Perplexity: exp of the mean token-level negative log-likelihood under teacher forcing (PAL's
// codes/infer.py: `np.exp(sum of losses / sum of token counts)` and the per-turn `ppl`).
import Foundation

/// Perplexity from summed negative log-likelihoods (natural log) and token counts.
public enum Perplexity {
    /// `exp(nll / tokens)`.
    public static func perplexity(totalNLL: Double, tokenCount: Int) -> Double {
        precondition(tokenCount > 0, "perplexity needs at least one token")
        return exp(totalNLL / Double(tokenCount))
    }

    /// Corpus perplexity: `exp(Σ nll / Σ tokens)` over examples.
    public static func perplexity(nllSums: [Double], tokenCounts: [Int]) -> Double {
        precondition(nllSums.count == tokenCounts.count, "one token count per NLL sum")
        return perplexity(totalNLL: nllSums.reduce(0, +), tokenCount: tokenCounts.reduce(0, +))
    }
}
