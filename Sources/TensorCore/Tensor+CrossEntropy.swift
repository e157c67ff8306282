// Cross-entropy over logits, fused with log-softmax so no (N, V) probability tensor is kept:
//   ℓ_r = (1 − ε)(lse(x_r) − x_r[t_r]) + ε (lse(x_r) − mean_j x_r[j])        (ε: label smoothing, as PyTorch's)
//   loss = Σ_r w_r ℓ_r / Σ_r w_r   over rows whose target is not ignored (w_r = 1 unless row weights are given)
//   dx_r = g w_r / Σw · (softmax(x_r) − (1 − ε) onehot(t_r) − ε/V),  and 0 for ignored rows
// With no counted rows the loss is 0 (PyTorch gives NaN), so an all-padding batch cannot poison a run.
import CKernels
import Foundation

extension Tensor {
    /// Weighted mean cross-entropy of `targets` under logits (N, V), skipping rows whose target is
    /// `ignoreIndex`. `rowWeights` (N, non-negative) weighs each row's term; `labelSmoothing` mixes
    /// the one-hot target with the uniform distribution, as `torch.nn.functional.cross_entropy` does.
    /// `normalizer` replaces Σ_r w_r as the divisor: a data-parallel rank divides its rows' sum by the
    /// whole batch's, so the ranks' losses and gradients add up to the whole batch's.
    public func crossEntropy(targets: IndexTensor, ignoreIndex: Int32 = -100, rowWeights: [Float]? = nil,
                             labelSmoothing: Float = 0, normalizer: Double? = nil) -> Tensor {
        let v = shape.last ?? 1, rows = count / max(v, 1)
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows of logits \(shape)")
        precondition(rowWeights.map { $0.count == rows && $0.allSatisfy { $0 >= 0 && $0.isFinite } } ?? true,
                     "crossEntropy: row weights must be \(rows) finite non-negative numbers")
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: label smoothing \(labelSmoothing) is outside [0, 1]")
        for (i, t) in targets.values.enumerated() where t != ignoreIndex {
            precondition(t >= 0 && Int(t) < v, "target \(t) at row \(i) is outside 0..<\(v) (ignore index \(ignoreIndex))")
        }
        let weights = rowWeights ?? [Float](repeating: 1, count: rows)
        let lse = Tensor(uninitializedShape: [rows])
        let x = data, lp = lse.data
        let grain = max(1, elementwiseGrain / max(v, 1))
        let chunks = chunkCount(rows, grain: grain)
        var partial = [Double](repeating: 0, count: chunks)
        let total = normalizer ?? zip(targets.values, weights).reduce(0.0) { $0 + ($1.0 == ignoreIndex ? 0 : Double($1.1)) }
        let eps = labelSmoothing
        targets.values.withUnsafeBufferPointer { tp in
            partial.withUnsafeMutableBufferPointer { pp in
                parallelChunks(rows, grain: grain) { chunk, range in
                    var acc: Double = 0
                    for r in range where tp[r] != ignoreIndex {
                        let xr = x + r * v
                        let mx = ck_max(xr, v)
                        lp[r] = mx + Foundation.log(ck_exp_shifted(xr, mx, nil, v))
                        var term = Double(lp[r] - xr[Int(tp[r])])
                        if eps > 0 {
                            var sum: Double = 0
                            for j in 0..<v { sum += Double(xr[j]) }
                            term = Double(1 - eps) * term + Double(eps) * (Double(lp[r]) - sum / Double(v))
                        }
                        acc += Double(weights[r]) * term
                    }
                    pp[chunk] = acc
                }
            }
        }
        let loss = total == 0 ? 0 : Float(partial.reduce(0, +) / total)
        return Tensor(shape: [], values: [loss]).recorded("cross_entropy", [self]) { g, _ in
            let dx = Tensor(uninitializedShape: self.shape)
            let scale = total == 0 ? 0 : g.item / Float(total), d = dx.data, x = self.data, lp = lse.data
            targets.values.withUnsafeBufferPointer { tp in
                parallelChunks(rows, grain: grain) { _, range in
                    for r in range {
                        let dr = d + r * v
                        guard tp[r] != ignoreIndex else { dr.update(repeating: 0, count: v); continue }
                        let xr = x + r * v, l = lp[r], rowScale = scale * weights[r]
                        ck_exp_shifted(xr, l, dr, v)
                        for j in 0..<v { dr[j] = (dr[j] - eps / Float(v)) * rowScale }
                        dr[Int(tp[r])] -= (1 - eps) * rowScale
                    }
                }
            }
            self.accumulateGrad(dx)
        }
    }
}
