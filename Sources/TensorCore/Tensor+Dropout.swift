// Inverted dropout: keep each element with probability 1 − p and scale it by 1/(1 − p).
//   dx = g · mask,  mask ∈ {0, 1/(1 − p)}
// One draw from the caller's generator seeds the call; element i's draw is then a SplitMix64 value
// of its index (`ck_dropout`), so the mask is the same however the elements are split across threads,
// and the backward draws it again from the seed rather than keeping it.
import CKernels

extension Tensor {
    /// Zeroes each element with probability `p` (seeded from `rng`) and rescales the rest; identity when p = 0.
    public func dropout(_ p: Float, rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability \(p) is not in [0, 1)")
        if p == 0 { return self }
        let keep = 1 / (1 - p), seed = rng.next()
        /// x ⊙ the call's mask.
        func masked(_ x: Tensor) -> Tensor {
            let y = Tensor(uninitializedShape: x.shape), n = x.count, (xp, yp) = (x.data, y.data)
            parallelChunks((n + 1) / 2, grain: elementwiseGrain / 2) { _, pairs in
                ck_dropout(xp, yp, n, pairs.lowerBound, pairs.upperBound, seed, p, keep)
            }
            return y
        }
        return masked(self).recorded("dropout", [self]) { g, _ in self.accumulateGrad(masked(g)) }
    }
}
