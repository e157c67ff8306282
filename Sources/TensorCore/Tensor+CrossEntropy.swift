// Cross-entropy over logits, fused with log-softmax so no (N, V) probability tensor is kept:
//   loss = (1/K) Σ_{r: t_r ≠ ignore} (lse(x_r) − x_r[t_r]),  K = number of counted rows
//   dx_r = g/K · (softmax(x_r) − onehot(t_r)),  and 0 for ignored rows
// With no counted rows the loss is 0 (PyTorch gives NaN), so an all-padding batch cannot poison a run.
import CKernels
import Foundation

extension Tensor {
    /// Mean cross-entropy of `targets` under logits (N, V), skipping rows whose target is `ignoreIndex`.
    public func crossEntropy(targets: IndexTensor, ignoreIndex: Int32 = -100) -> Tensor {
        let v = shape.last ?? 1, rows = count / max(v, 1)
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows of logits \(shape)")
        for (i, t) in targets.values.enumerated() where t != ignoreIndex {
            precondition(t >= 0 && Int(t) < v, "target \(t) at row \(i) is outside 0..<\(v) (ignore index \(ignoreIndex))")
        }
        let lse = Tensor(uninitializedShape: [rows])
        let x = data, lp = lse.data
        let grain = max(1, elementwiseGrain / max(v, 1))
        let chunks = chunkCount(rows, grain: grain)
        var partial = [Double](repeating: 0, count: chunks)
        let counted = targets.values.reduce(0) { $0 + ($1 == ignoreIndex ? 0 : 1) }
        targets.values.withUnsafeBufferPointer { tp in
            partial.withUnsafeMutableBufferPointer { pp in
                parallelChunks(rows, grain: grain) { chunk, range in
                    var acc: Double = 0
                    for r in range where tp[r] != ignoreIndex {
                        let xr = x + r * v
                        let mx = ck_max(xr, v)
                        lp[r] = mx + Foundation.log(ck_exp_shifted(xr, mx, nil, v))
                        acc += Double(lp[r] - xr[Int(tp[r])])
                    }
                    pp[chunk] = acc
                }
            }
        }
        let loss = counted == 0 ? 0 : Float(partial.reduce(0, +) / Double(counted))
        return Tensor(shape: [], values: [loss]).recorded("cross_entropy", [self]) { g, _ in
            let dx = Tensor(uninitializedShape: self.shape)
            let scale = counted == 0 ? 0 : g.item / Float(counted), d = dx.data, x = self.data, lp = lse.data
            targets.values.withUnsafeBufferPointer { tp in
                parallelChunks(rows, grain: grain) { _, range in
                    for r in range {
                        let dr = d + r * v
                        guard tp[r] != ignoreIndex else { dr.update(repeating: 0, count: v); continue }
                        let xr = x + r * v, l = lp[r]
                        ck_exp_shifted(xr, l, dr, v)
                        for j in 0..<v { dr[j] *= scale }
                        dr[Int(tp[r])] -= scale
                    }
                }
            }
            self.accumulateGrad(dx)
        }
    }
}
