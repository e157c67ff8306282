// A post-layer-norm transformer encoder block with HuggingFace's BART / BlenderbotSmall names:
//   x = LN₁(x + Drop(SelfAttn(x)));  x = LN₂(x + Drop(fc2(Drop_act(gelu(fc1 x)))))
import TensorCore

/// Sizes and dropout rates of one transformer block.
public struct TransformerBlockConfig: Equatable {
    public var width: Int
    public var heads: Int
    public var ffnWidth: Int
    public var dropout: Float
    public var attentionDropout: Float
    public var activationDropout: Float
    public var initStd: Float

    public init(width: Int, heads: Int, ffnWidth: Int, dropout: Float = 0.1, attentionDropout: Float = 0,
                activationDropout: Float = 0, initStd: Float = 0.02) {
        self.width = width
        self.heads = heads
        self.ffnWidth = ffnWidth
        self.dropout = dropout
        self.attentionDropout = attentionDropout
        self.activationDropout = activationDropout
        self.initStd = initStd
    }
}

public final class TransformerEncoderLayer: Module {
    public let config: TransformerBlockConfig
    public let selfAttention: MultiHeadAttention
    public let selfAttentionLayerNorm: LayerNorm
    public let fc1, fc2: Linear
    public let finalLayerNorm: LayerNorm

    public init(_ config: TransformerBlockConfig, rng: inout RandomGenerator) {
        self.config = config
        selfAttention = MultiHeadAttention(width: config.width, heads: config.heads, dropout: config.attentionDropout,
                                           std: config.initStd, rng: &rng)
        selfAttentionLayerNorm = LayerNorm(config.width)
        fc1 = Linear(config.width, config.ffnWidth, std: config.initStd, rng: &rng)
        fc2 = Linear(config.ffnWidth, config.width, std: config.initStd, rng: &rng)
        finalLayerNorm = LayerNorm(config.width)
    }

    public var children: [(name: String, module: Module)] {
        [("self_attn", selfAttention), ("self_attn_layer_norm", selfAttentionLayerNorm),
         ("fc1", fc1), ("fc2", fc2), ("final_layer_norm", finalLayerNorm)]
    }

    /// x (B, T, C) → (B, T, C); every position attends to the first `keys` positions (all when nil),
    /// under `mask` as for `MultiHeadAttention`, whose last axis is `keys` long.
    public func callAsFunction(_ x: Tensor, keys: Int? = nil, mask: Tensor?, context: ForwardContext) -> Tensor {
        let memory = keys.flatMap { $0 < x.shape[1] ? x.slice(axis: 1, 0..<$0) : nil }
        let attended = context.dropout(selfAttention(x, memory: memory, mask: mask, context: context), config.dropout)
        let h = selfAttentionLayerNorm(x + attended)                                        // (B, T, C)
        let hidden = context.dropout(fc1.gelu(h), config.activationDropout)                 // (B, T, F)
        return finalLayerNorm(h + context.dropout(fc2(hidden), config.dropout))             // (B, T, C)
    }
}
