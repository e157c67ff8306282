// BertModel: HuggingFace's BertModel (the encoder of BERT, SimCSE and sentence-transformers' MiniLM),
// a post-layer-norm transformer with HF's parameter names:
//   x = LN_emb(word[ids] + position[0..<T] + token_type[types])
//   per layer: h = LN₁(x + Drop(dense(SelfAttn(x))));  x = LN₂(h + Drop(dense₂(gelu(dense₁ h))))
//   pooler (optional): tanh(dense(x[:, 0]))
// The attention reuses NN's MultiHeadAttention (fused scaled softmax), registering its projections
// under BERT's names (attention.self.query/key/value, attention.output.dense).
// Shapes: the legend of docs/tensorcore.md (BERT reads one sequence, of length S).
import NN
import TensorCore

/// What the encoder returns: every position's final state, and the pooler's output when it has one.
public struct BertEncoding {
    /// (B, S, C)
    public var lastHiddenState: Tensor
    /// (B, C): tanh(dense(lastHiddenState[:, 0])), nil for a model built without a pooler.
    public var poolerOutput: Tensor?
}

public final class BertModel: Module {
    public let config: BertConfig
    public let embeddings: BertEmbeddings
    public let encoder: BertEncoder
    public let pooler: BertPooler?

    /// A randomly initialised BERT (HF's init: normal(0, initializer_range) weights, zero biases).
    public init(_ config: BertConfig, pooler: Bool = true, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        self.config = config
        embeddings = BertEmbeddings(config, rng: &rng)
        encoder = BertEncoder(config, rng: &rng)
        self.pooler = pooler ? BertPooler(config, rng: &rng) : nil
    }

    public var children: [(name: String, module: Module)] {
        [("embeddings", embeddings), ("encoder", encoder)] + (pooler.map { [("pooler", $0)] } ?? [])
    }

    /// ids (B, S) → the encoding. `attentionMask` (B, S) is 1 for real tokens and 0 for padding (keys
    /// at padding are never attended to); `tokenTypeIds` (B, S) defaults to segment 0 everywhere.
    public func callAsFunction(_ ids: IndexTensor, attentionMask: IndexTensor? = nil, tokenTypeIds: IndexTensor? = nil,
                               context: ForwardContext) -> BertEncoding {
        precondition(ids.shape.count == 2, "BERT input ids must be (B, S), got \(ids.shape)")
        if let attentionMask { precondition(attentionMask.shape == ids.shape, "attention mask \(attentionMask.shape) ≠ ids \(ids.shape)") }
        let x = embeddings(ids, tokenTypeIds: tokenTypeIds, context: context)               // (B, S, C)
        let mask = attentionMask.map(MultiHeadAttention.paddingMask)                         // (B, 1, 1, S)
        let hidden = encoder(x, mask: mask, context: context)                                // (B, S, C)
        return BertEncoding(lastHiddenState: hidden, poolerOutput: pooler?(hidden))
    }
}

// MARK: - Embeddings

/// `embeddings`: word + absolute position + token type, then LayerNorm and dropout.
public final class BertEmbeddings: Module {
    public let config: BertConfig
    public let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: Embedding
    public let layerNorm: LayerNorm

    init(_ config: BertConfig, rng: inout RandomGenerator) {
        self.config = config
        // HF gives word_embeddings padding_idx = pad_token_id: a zero row that receives no gradient.
        wordEmbeddings = Embedding(config.vocabSize, config.hiddenSize, paddingIndex: config.padTokenId,
                                   std: config.initializerRange, rng: &rng)
        positionEmbeddings = Embedding(config.maxPositionEmbeddings, config.hiddenSize, std: config.initializerRange, rng: &rng)
        tokenTypeEmbeddings = Embedding(config.typeVocabSize, config.hiddenSize, std: config.initializerRange, rng: &rng)
        layerNorm = LayerNorm(config.hiddenSize, eps: config.layerNormEps)
    }

    public var children: [(name: String, module: Module)] {
        [("word_embeddings", wordEmbeddings), ("position_embeddings", positionEmbeddings),
         ("token_type_embeddings", tokenTypeEmbeddings), ("LayerNorm", layerNorm)]
    }

    /// ids (B, S) → (B, S, C).
    public func callAsFunction(_ ids: IndexTensor, tokenTypeIds: IndexTensor?, context: ForwardContext) -> Tensor {
        let b = ids.shape[0], t = ids.shape[1]
        precondition(t <= config.maxPositionEmbeddings,
                     "\(t) tokens exceed BERT's \(config.maxPositionEmbeddings) positions: truncate the input (maxLength)")
        let positions = positionEmbeddings(IndexTensor(shape: [t], values: (0..<Int32(t)).map { $0 }))   // (S, C)
        var x = wordEmbeddings(ids)                                                                       // (B, S, C)
        if let tokenTypeIds {
            precondition(tokenTypeIds.shape == [b, t], "token type ids \(tokenTypeIds.shape) ≠ ids \(ids.shape)")
            x = x + tokenTypeEmbeddings(tokenTypeIds) + positions                                          // (B, S, C)
        } else {
            let segment0 = tokenTypeEmbeddings(IndexTensor(shape: [1], values: [0]))                       // (1, C)
            x = x + (positions + segment0)                                                                 // (B, S, C)
        }
        return context.dropout(layerNorm(x), config.hiddenDropoutProb)
    }
}

// MARK: - Encoder layers

/// `encoder`: the stack of layers, `encoder.layer.N`.
public final class BertEncoder: Module {
    public let layers: [BertLayer]

    init(_ config: BertConfig, rng: inout RandomGenerator) {
        layers = (0..<config.numHiddenLayers).map { _ in BertLayer(config, rng: &rng) }
    }

    public var children: [(name: String, module: Module)] { layers.enumerated().map { ("layer.\($0.offset)", $0.element) } }

    /// x (B, S, C) → (B, S, C); `mask` additive, (B, 1, 1, S).
    public func callAsFunction(_ x: Tensor, mask: Tensor?, context: ForwardContext) -> Tensor {
        layers.reduce(x) { h, layer in layer(h, mask: mask, context: context) }
    }
}

/// `encoder.layer.N`: attention block, then the feed-forward block, each closed by residual + LayerNorm.
public final class BertLayer: Module {
    public let attention: BertAttention
    public let intermediate: BertIntermediate
    public let output: BertLayerOutput
    let dropout: Float

    init(_ config: BertConfig, rng: inout RandomGenerator) {
        attention = BertAttention(config, rng: &rng)
        intermediate = BertIntermediate(config, rng: &rng)
        output = BertLayerOutput(config, rng: &rng)
        dropout = config.hiddenDropoutProb
    }

    public var children: [(name: String, module: Module)] {
        [("attention", attention), ("intermediate", intermediate), ("output", output)]
    }

    /// x (B, S, C) → (B, S, C).
    public func callAsFunction(_ x: Tensor, mask: Tensor?, context: ForwardContext) -> Tensor {
        let h = attention(x, mask: mask, context: context)                                      // (B, S, C)
        let inner = intermediate.dense.gelu(h)                                                  // (B, S, F)
        return output.layerNorm(h + context.dropout(output.dense(inner), dropout))             // (B, S, C)
    }
}

/// `attention`: HF's BertAttention = `self` (query, key, value) + `output` (dense, LayerNorm).
public final class BertAttention: Module {
    /// The projections and the scaled, masked softmax; its Linear layers carry BERT's names below.
    public let attention: MultiHeadAttention
    public let selfAttention: BertSelfAttention
    public let output: BertAttentionOutput
    let dropout: Float

    init(_ config: BertConfig, rng: inout RandomGenerator) {
        attention = MultiHeadAttention(width: config.hiddenSize, heads: config.numAttentionHeads,
                                       dropout: config.attentionProbsDropoutProb, std: config.initializerRange, rng: &rng)
        selfAttention = BertSelfAttention(attention)
        output = BertAttentionOutput(dense: attention.outProj, layerNorm: LayerNorm(config.hiddenSize, eps: config.layerNormEps))
        dropout = config.hiddenDropoutProb
    }

    public var children: [(name: String, module: Module)] { [("self", selfAttention), ("output", output)] }

    /// LN(x + Drop(dense(softmax(q kᵀ/√D + mask) v))), x (B, S, C) → (B, S, C).
    public func callAsFunction(_ x: Tensor, mask: Tensor?, context: ForwardContext) -> Tensor {
        output.layerNorm(x + context.dropout(attention(x, mask: mask, context: context), dropout))
    }
}

/// `attention.self`: the query, key and value projections (HF's BertSelfAttention), each (C, C).
public final class BertSelfAttention: Module {
    public let query, key, value: Linear

    init(_ attention: MultiHeadAttention) {
        query = attention.qProj
        key = attention.kProj
        value = attention.vProj
    }

    public var children: [(name: String, module: Module)] { [("query", query), ("key", key), ("value", value)] }
}

/// `attention.output` (HF's BertSelfOutput): the output projection and the first LayerNorm.
public final class BertAttentionOutput: Module {
    public let dense: Linear
    public let layerNorm: LayerNorm

    init(dense: Linear, layerNorm: LayerNorm) {
        self.dense = dense
        self.layerNorm = layerNorm
    }

    public var children: [(name: String, module: Module)] { [("dense", dense), ("LayerNorm", layerNorm)] }
}

/// `intermediate` (HF's BertIntermediate): dense C → F, followed by GELU.
public final class BertIntermediate: Module {
    public let dense: Linear

    init(_ config: BertConfig, rng: inout RandomGenerator) {
        dense = Linear(config.hiddenSize, config.intermediateSize, std: config.initializerRange, rng: &rng)
    }

    public var children: [(name: String, module: Module)] { [("dense", dense)] }
}

/// `output` (HF's BertOutput): dense F → C and the second LayerNorm.
public final class BertLayerOutput: Module {
    public let dense: Linear
    public let layerNorm: LayerNorm

    init(_ config: BertConfig, rng: inout RandomGenerator) {
        dense = Linear(config.intermediateSize, config.hiddenSize, std: config.initializerRange, rng: &rng)
        layerNorm = LayerNorm(config.hiddenSize, eps: config.layerNormEps)
    }

    public var children: [(name: String, module: Module)] { [("dense", dense), ("LayerNorm", layerNorm)] }
}

// MARK: - Pooler

/// `pooler`: tanh(dense(first token's state)), BERT's sentence vector (SimCSE's supervised models use it).
public final class BertPooler: Module {
    public let dense: Linear

    init(_ config: BertConfig, rng: inout RandomGenerator) {
        dense = Linear(config.hiddenSize, config.hiddenSize, std: config.initializerRange, rng: &rng)
    }

    public var children: [(name: String, module: Module)] { [("dense", dense)] }

    /// hidden (B, S, C) → (B, C).
    public func callAsFunction(_ hidden: Tensor) -> Tensor {
        let b = hidden.shape[0], c = hidden.shape[2]
        return dense(hidden.slice(axis: 1, 0..<1).reshaped(b, c)).tanh()                     // (B, C)
    }
}
