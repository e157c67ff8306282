// Inverted dropout with a seeded generator: keep each element with probability 1 − p and scale it
// by 1/(1 − p).   dx = g · mask,  mask ∈ {0, 1/(1 − p)}

extension Tensor {
    /// Zeroes each element with probability `p` (drawn from `rng`) and rescales the rest; identity when p = 0.
    public func dropout(_ p: Float, rng: inout RandomGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout probability \(p) is not in [0, 1)")
        if p == 0 { return self }
        let mask = Tensor(uninitializedShape: shape), out = Tensor(uninitializedShape: shape)
        let keep = 1 / (1 - p), m = mask.data, x = data, y = out.data
        for i in 0..<count {
            m[i] = rng.nextFloat() < p ? 0 : keep
            y[i] = x[i] * m[i]
        }
        return out.recorded("dropout", [self]) { g, _ in
            self.accumulateGrad(broadcastApply(MulFunction.self, g, mask))
        }
    }
}
