// Multi-head attention as in HuggingFace's BartAttention (q_proj, k_proj, v_proj, out_proj), with the
// 1/√D scaling, the additive mask and the softmax fused into one kernel.
// Legend: B batch, T query length, S key length, C width, H heads, D = C/H.
import Foundation
import TensorCore

public final class MultiHeadAttention: Module {
    public let qProj, kProj, vProj, outProj: Linear
    public let heads: Int
    public let dropout: Float

    public init(width: Int, heads: Int, dropout: Float = 0, std: Float = 0.02, rng: inout RandomGenerator) {
        precondition(width % heads == 0, "width \(width) is not divisible by \(heads) heads")
        qProj = Linear(width, width, std: std, rng: &rng)
        kProj = Linear(width, width, std: std, rng: &rng)
        vProj = Linear(width, width, std: std, rng: &rng)
        outProj = Linear(width, width, std: std, rng: &rng)
        self.heads = heads
        self.dropout = dropout
    }

    public var children: [(name: String, module: Module)] {
        [("k_proj", kProj), ("v_proj", vProj), ("q_proj", qProj), ("out_proj", outProj)]
    }

    /// Attends from `x` (B, T, C) to `memory` (B, S, C; `x` itself when nil). `mask` is additive and
    /// broadcasts to (B, H, T, S): 0 where attention is allowed, −∞ where it is not.
    public func callAsFunction(_ x: Tensor, memory: Tensor? = nil, mask: Tensor? = nil, context: ForwardContext) -> Tensor {
        let b = x.shape[0], t = x.shape[1], c = x.shape[2], d = c / heads
        let kv = memory ?? x
        let s = kv.shape[1]
        let q = qProj(x).reshaped(b, t, heads, d).permuted(0, 2, 1, 3)      // (B, H, T, D)
        let k = kProj(kv).reshaped(b, s, heads, d).permuted(0, 2, 1, 3)     // (B, H, S, D)
        let v = vProj(kv).reshaped(b, s, heads, d).permuted(0, 2, 1, 3)     // (B, H, S, D)
        let scores = q.matmul(k, transposeOther: true)                        // (B, H, T, S)
        let probs = context.dropout(scores.softmax(scale: 1 / Float(d).squareRoot(), mask: mask), dropout)
        let out = probs.matmul(v).permuted(0, 2, 1, 3).reshaped(b, t, c)      // (B, T, C)
        return outProj(out)
    }

    /// An additive key-padding mask (B, 1, 1, S) from a 0/1 attention mask (1 = real token).
    public static func paddingMask(_ attention: IndexTensor) -> Tensor {
        let b = attention.shape[0], s = attention.shape[1]
        return Tensor(shape: [b, 1, 1, s], values: attention.values.map { $0 == 0 ? -Float.infinity : 0 })
    }
}
