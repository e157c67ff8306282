// Masked fill: positions where a broadcast mask is non-zero take a constant.
//   dx = g where mask = 0, else 0

extension Tensor {
    /// This tensor with `value` wherever `mask` (broadcast to this shape) is non-zero.
    public func maskedFill(_ mask: Tensor, value: Float) -> Tensor {
        let m = mask.expandedCopy(to: shape)
        precondition(m.shape == shape, "mask \(mask.shape) does not broadcast to \(shape)")
        let out = Tensor(uninitializedShape: shape)
        let x = data, y = out.data, mp = m.data
        parallelChunks(count, grain: elementwiseGrain) { _, r in for i in r { y[i] = mp[i] != 0 ? value : x[i] } }
        return out.recorded("masked_fill", [self]) { g, _ in
            let dx = Tensor(uninitializedShape: self.shape)
            let gp = g.data, d = dx.data, mp = m.data
            parallelChunks(self.count, grain: elementwiseGrain) { _, r in for i in r { d[i] = mp[i] != 0 ? 0 : gp[i] } }
            self.accumulateGrad(dx)
        }
    }
}
