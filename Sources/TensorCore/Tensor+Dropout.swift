// Inverted dropout: keep each element with probability 1 − p and scale it by 1/(1 − p).
//   dx = g · mask,  mask ∈ {0, 1/(1 − p)}
// One draw from the caller's generator seeds the call; element i's draw is then a SplitMix64 value
// of its index (`ck_dropout`), so the mask is the same however the elements are split across threads.
import CKernels

extension Tensor {
    /// Zeroes each element with probability `p` (seeded from `rng`) and rescales the rest; identity when p = 0.
    public func dropout(_ p: Float, rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability \(p) is not in [0, 1)")
        if p == 0 { return self }
        let mask = Tensor(uninitializedShape: shape), out = Tensor(uninitializedShape: shape)
        let keep = 1 / (1 - p), seed = rng.next(), n = count
        let (m, x, y) = (mask.data, data, out.data)
        parallelChunks((n + 1) / 2, grain: elementwiseGrain / 2) { _, pairs in
            ck_dropout(x, y, m, n, pairs.lowerBound, pairs.upperBound, seed, p, keep)
        }
        return out.recorded("dropout", [self]) { g, _ in
            self.accumulateGrad(broadcastApply(MulFunction.self, g, mask))
        }
    }
}
