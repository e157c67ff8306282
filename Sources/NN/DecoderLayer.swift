// A post-layer-norm transformer decoder block with HuggingFace's BART / BlenderbotSmall names:
//   x = LN₁(x + Drop(SelfAttn(x, causal)));  x = LN₂(x + Drop(CrossAttn(x, memory)));
//   x = LN₃(x + Drop(fc2(Drop_act(gelu(fc1 x)))))
// with an incremental path that appends this step's keys and values to a cache.
import TensorCore

/// One decoder layer's cached attention state during incremental decoding.
public struct DecoderLayerCache {
    /// Self-attention keys and values of the positions decoded so far.
    public var selfKeys: PositionBuffer?
    public var selfValues: PositionBuffer?
    /// Cross-attention keys and values of the encoder memory, computed once, (M, S, C): one entry per
    /// memory row, which the decoder's rows may share (`step`'s `memoryRows`).
    public var crossKeys: Tensor
    public var crossValues: Tensor
}

public final class TransformerDecoderLayer: Module {
    public let config: TransformerBlockConfig
    public let selfAttention: MultiHeadAttention
    public let selfAttentionLayerNorm: LayerNorm
    public let crossAttention: MultiHeadAttention
    public let crossAttentionLayerNorm: LayerNorm
    public let fc1, fc2: Linear
    public let finalLayerNorm: LayerNorm

    public init(_ config: TransformerBlockConfig, rng: inout RandomGenerator) {
        self.config = config
        selfAttention = MultiHeadAttention(width: config.width, heads: config.heads, dropout: config.attentionDropout,
                                           std: config.initStd, rng: &rng)
        selfAttentionLayerNorm = LayerNorm(config.width)
        crossAttention = MultiHeadAttention(width: config.width, heads: config.heads, dropout: config.attentionDropout,
                                            std: config.initStd, rng: &rng)
        crossAttentionLayerNorm = LayerNorm(config.width)
        fc1 = Linear(config.width, config.ffnWidth, std: config.initStd, rng: &rng)
        fc2 = Linear(config.ffnWidth, config.width, std: config.initStd, rng: &rng)
        finalLayerNorm = LayerNorm(config.width)
    }

    public var children: [(name: String, module: Module)] {
        [("self_attn", selfAttention), ("self_attn_layer_norm", selfAttentionLayerNorm),
         ("encoder_attn", crossAttention), ("encoder_attn_layer_norm", crossAttentionLayerNorm),
         ("fc1", fc1), ("fc2", fc2), ("final_layer_norm", finalLayerNorm)]
    }

    /// x (B, T, C), memory (B, S, C) → (B, T, C). `selfMask` is causal (T, T); `memoryMask` (B, 1, 1, S).
    public func callAsFunction(_ x: Tensor, memory: Tensor, selfMask: Tensor?, memoryMask: Tensor?,
                               context: ForwardContext) -> Tensor {
        let (k, v) = crossAttention.keysValues(memory)
        var cache = DecoderLayerCache(selfKeys: nil, selfValues: nil, crossKeys: k, crossValues: v)
        return forward(x, cache: &cache, appendToCache: false, selfMask: selfMask, memoryMask: memoryMask, context: context)
    }

    /// The cross-attention keys and values of `memory`, for a new cache.
    public func startCache(memory: Tensor) -> DecoderLayerCache {
        let (k, v) = crossAttention.keysValues(memory)
        return DecoderLayerCache(selfKeys: nil, selfValues: nil, crossKeys: k, crossValues: v)
    }

    /// The next positions x (B, T, C) given everything cached; their keys and values join the cache.
    /// Row b reads memory row `memoryRows[b]` of the cross-attention cache (nil: row b).
    public func step(_ x: Tensor, cache: inout DecoderLayerCache, memoryMask: Tensor?, memoryRows: [Int]? = nil,
                     context: ForwardContext) -> Tensor {
        forward(x, cache: &cache, appendToCache: true, selfMask: x.shape[1] > 1 ? MultiHeadAttention.causalMask(x.shape[1]) : nil,
                memoryMask: memoryMask, memoryRows: memoryRows, context: context)
    }

    private func forward(_ x: Tensor, cache: inout DecoderLayerCache, appendToCache: Bool, selfMask: Tensor?,
                         memoryMask: Tensor?, memoryRows: [Int]? = nil, context: ForwardContext) -> Tensor {
        var (k, v) = selfAttention.keysValues(x)                                  // (B, T, C)
        var mask = selfMask, cached: Int?
        if appendToCache {
            let past = cache.selfKeys?.length ?? 0
            // New positions see every cached one and the causal part among themselves.
            if let m = selfMask, past > 0 { mask = Tensor.concatenate([Tensor(zeros: [x.shape[1], past]), m], axis: 1) }
            if cache.selfKeys == nil {
                (cache.selfKeys, cache.selfValues) = (PositionBuffer(k), PositionBuffer(v))
            } else {
                cache.selfKeys!.append(k)
                cache.selfValues!.append(v)
            }
            (k, v, cached) = (cache.selfKeys!.buffer, cache.selfValues!.buffer, cache.selfKeys!.length)
        }
        let attended = selfAttention.attend(x, keys: k, values: v, mask: mask, keyLength: cached, context: context)
        let h1 = selfAttentionLayerNorm(x + context.dropout(attended, config.dropout))                      // (B, T, C)
        let crossed = crossAttention.attend(h1, keys: cache.crossKeys, values: cache.crossValues, mask: memoryMask,
                                            keyRows: memoryRows, context: context)
        let h2 = crossAttentionLayerNorm(h1 + context.dropout(crossed, config.dropout))                     // (B, T, C)
        let hidden = context.dropout(fc1.gelu(h2), config.activationDropout)                                // (B, T, F)
        return finalLayerNorm(h2 + context.dropout(fc2(hidden), config.dropout))                            // (B, T, C)
    }
}
