// Multi-head attention as in HuggingFace's BartAttention (q_proj, k_proj, v_proj, out_proj), with the
// 1/√D scaling, the additive mask, the softmax and the mix fused into one op that keeps no scores,
// nor, at long lengths, the weights (`Tensor.headAttention`), unless dropout on the weights needs
// them whole. Keys and values can be projected once and reused (cross-attention memory, the
// decoder's self-attention cache); each head reads its own columns of them in place.
// Shapes: the legend of docs/tensorcore.md (T positions attend to S positions).
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

    /// Keys and values of `memory` (B, S, C), each (B, S, C), heads side by side in C.
    public func keysValues(_ memory: Tensor) -> (keys: Tensor, values: Tensor) { (kProj(memory), vProj(memory)) }

    /// Attends from `x` (B, T, C) to `memory` (B, S, C; `x` itself when nil). `mask` is additive and
    /// broadcasts to (B, H, T, S): 0 where attention is allowed, −∞ where it is not.
    public func callAsFunction(_ x: Tensor, memory: Tensor? = nil, mask: Tensor? = nil, context: ForwardContext) -> Tensor {
        let (k, v) = keysValues(memory ?? x)
        return attend(x, keys: k, values: v, mask: mask, context: context)
    }

    /// Attends from `x` (B, T, C) to projected `keys` and `values` (B, S, C); each head reads its own
    /// columns in place (`Tensor.headAttention`; `headScores` and `headMix` where the weights are needed
    /// whole). With `keyRows`, row b of `x` attends to entry keyRows[b] of `keys` and `values` (M, S, C),
    /// which then take no gradient (decoding). With `keyLength`, only the first `keyLength` positions
    /// of `keys` and `values` are attended to (a decoding cache with room to grow, `PositionBuffer`).
    public func attend(_ x: Tensor, keys: Tensor, values: Tensor, mask: Tensor?, keyRows: [Int]? = nil, keyLength: Int? = nil,
                       context: ForwardContext) -> Tensor {
        let scale = 1 / Float(x.shape[2] / heads).squareRoot(), queries = qProj(x)
        guard context.training && dropout > 0 else {
            return outProj(queries.headAttention(keys: keys, values: values, heads: heads, scale: scale, mask: mask, keyRows: keyRows,
                                                 keyLength: keyLength))
        }
        let (keys, values) = keyLength.map { (keys.slice(axis: 1, 0..<$0), values.slice(axis: 1, 0..<$0)) } ?? (keys, values)
        let scores = queries.headScores(keys: keys, heads: heads, keyRows: keyRows)             // (B, H, T, S)
        let probs = context.dropout(scores.softmax(scale: scale, mask: mask), dropout)
        return outProj(probs.headMix(values: values, heads: heads, valueRows: keyRows))         // (B, T, C)
    }

    /// An additive key-padding mask (B, 1, 1, S) from a 0/1 attention mask (1 = real token).
    public static func paddingMask(_ attention: IndexTensor) -> Tensor {
        let b = attention.shape[0], s = attention.shape[1]
        return Tensor(shape: [b, 1, 1, s], values: attention.values.map { $0 == 0 ? -Float.infinity : 0 })
    }

    /// An additive causal mask (T, T): position i sees positions ≤ i.
    public static func causalMask(_ t: Int) -> Tensor {
        Tensor(shape: [t, t], values: (0..<(t * t)).map { $0 % t > $0 / t ? -Float.infinity : 0 })
    }
}
