// The encoder-decoder of HuggingFace's BlenderbotSmallForConditionalGeneration and
// BartForConditionalGeneration, with their state-dict names: `model.shared` (tied to both stacks'
// token embeddings and to the output projection), `model.{encoder,decoder}.embed_positions`,
// `layernorm_embedding`, `layers.N`, and the buffer `final_logits_bias`. With
// `personaCoAttention` it is PAL: dialogue and persona share the encoder and are mixed
// (`PersonaCoAttention`) before the decoder reads them.
// Shapes: the legend of docs/tensorcore.md.
import Foundation
import NN
import TensorCore

/// One batch of ids for a forward pass. Shapes: inputs (B, S), persona (B, S) (PAL pads both to one
/// length), decoder inputs (B, T), labels (B·T) with −100 where nothing is predicted.
public struct Seq2SeqInputs {
    public var inputIds: IndexTensor
    public var attentionMask: IndexTensor
    public var personaIds: IndexTensor?
    public var personaMask: IndexTensor?
    public var decoderInputIds: IndexTensor
    public var labels: IndexTensor?

    public init(inputIds: IndexTensor, attentionMask: IndexTensor, personaIds: IndexTensor? = nil, personaMask: IndexTensor? = nil,
                decoderInputIds: IndexTensor, labels: IndexTensor? = nil) {
        self.inputIds = inputIds
        self.attentionMask = attentionMask
        self.personaIds = personaIds
        self.personaMask = personaMask
        self.decoderInputIds = decoderInputIds
        self.labels = labels
    }
}

/// Token embedding (shared), learned positions and `layernorm_embedding`, then the layers.
public final class Seq2SeqEncoder: Module {
    let config: Seq2SeqConfig
    let tokens: Embedding
    public let positions: Embedding
    public let layerNormEmbedding: LayerNorm
    public let layers: [TransformerEncoderLayer]

    init(_ config: Seq2SeqConfig, tokens: Embedding, rng: inout RandomGenerator) {
        self.config = config
        self.tokens = tokens
        positions = Embedding(config.maxPositionEmbeddings + config.positionOffset, config.dModel, std: config.initStd, rng: &rng)
        layerNormEmbedding = LayerNorm(config.dModel)
        layers = (0..<config.encoderLayers).map { _ in TransformerEncoderLayer(config.block(encoder: true), rng: &rng) }
    }

    public var children: [(name: String, module: Module)] {
        [("embed_positions", positions), ("layernorm_embedding", layerNormEmbedding)]
            + layers.enumerated().map { ("layers.\($0.offset)", $0.element) }
    }

    /// ids (B, S) with their 0/1 mask → hidden states (B, S, C).
    public func callAsFunction(_ ids: IndexTensor, mask: IndexTensor, context: ForwardContext) -> Tensor {
        let s = ids.shape[1]
        let scale = config.scaleEmbedding ? Float(config.dModel).squareRoot() : 1
        let embedded = tokens(ids) * scale                                                   // (B, S, C)
        // Both families add positions before `layernorm_embedding` in the encoder.
        var h = layerNormEmbedding(embedded + positions(positionIds(count: s, start: 0)))    // (B, S, C)
        h = context.dropout(h, config.dropout)
        // Keys end after the last column any row attends to: a persona padded to the dialogue's length
        // (PAL-SPEC §4) projects keys and values, and scores them, for its real tokens only. Every
        // position is still a query; the trimmed keys had probability exactly 0.
        let keys = Self.attendedLength(mask)
        let padding = MultiHeadAttention.paddingMask(keys == s ? mask : mask.prefixColumns(keys))  // (B, 1, 1, S')
        for layer in layers { h = layer(h, keys: keys, mask: padding, context: context) }
        return h
    }

    /// One past the last column of `mask` (B, S) that some row attends to; S when none does.
    static func attendedLength(_ mask: IndexTensor) -> Int {
        let s = mask.shape[1]
        let last = (0..<s).last { column in (0..<mask.shape[0]).contains { mask.values[$0 * s + column] != 0 } }
        return last.map { $0 + 1 } ?? s
    }

    func positionIds(count: Int, start: Int) -> IndexTensor {
        IndexTensor(shape: [1, count], values: (0..<count).map { Int32(start + $0 + config.positionOffset) })
    }
}

/// The decoder stack; its incremental path lives in `IncrementalDecoder`.
public final class Seq2SeqDecoder: Module {
    let config: Seq2SeqConfig
    let tokens: Embedding
    public let positions: Embedding
    public let layerNormEmbedding: LayerNorm
    public let layers: [TransformerDecoderLayer]

    init(_ config: Seq2SeqConfig, tokens: Embedding, rng: inout RandomGenerator) {
        self.config = config
        self.tokens = tokens
        positions = Embedding(config.maxPositionEmbeddings + config.positionOffset, config.dModel, std: config.initStd, rng: &rng)
        layerNormEmbedding = LayerNorm(config.dModel)
        layers = (0..<config.decoderLayers).map { _ in TransformerDecoderLayer(config.block(encoder: false), rng: &rng) }
    }

    public var children: [(name: String, module: Module)] {
        [("embed_positions", positions), ("layernorm_embedding", layerNormEmbedding)]
            + layers.enumerated().map { ("layers.\($0.offset)", $0.element) }
    }

    /// Embeddings of decoder ids (B, T) at positions start…start+T−1, before the layers.
    func embed(_ ids: IndexTensor, start: Int, context: ForwardContext) -> Tensor {
        let t = ids.shape[1]
        let scale = config.scaleEmbedding ? Float(config.dModel).squareRoot() : 1
        let embedded = tokens(ids) * scale                                                   // (B, T, C)
        let pos = positions(IndexTensor(shape: [1, t], values: (0..<t).map { Int32(start + $0 + config.positionOffset) }))
        let h: Tensor
        switch config.family {
        case .blenderbotSmall:   // BlenderbotSmall's decoder normalises the token embeddings, then adds positions.
            h = layerNormEmbedding(embedded) + pos
        case .bart:              // BART normalises after adding positions, as its encoder does.
            h = layerNormEmbedding(embedded + pos)
        }
        return context.dropout(h, config.dropout)
    }

    /// ids (B, T), memory (B, S, C) with its mask → hidden states (B, T, C).
    public func callAsFunction(_ ids: IndexTensor, memory: Tensor, memoryMask: IndexTensor, context: ForwardContext) -> Tensor {
        var h = embed(ids, start: 0, context: context)
        let causal = MultiHeadAttention.causalMask(ids.shape[1])                             // (T, T)
        let padding = MultiHeadAttention.paddingMask(memoryMask)                             // (B, 1, 1, S)
        for layer in layers { h = layer(h, memory: memory, selfMask: causal, memoryMask: padding, context: context) }
        return h
    }
}

/// `model.shared`, `model.encoder`, `model.decoder`: HF's BlenderbotSmallModel / BartModel.
public final class Seq2SeqBackbone: Module {
    public let shared: Embedding
    public let encoder: Seq2SeqEncoder
    public let decoder: Seq2SeqDecoder

    init(_ config: Seq2SeqConfig, rng: inout RandomGenerator) {
        shared = Embedding(config.vocabSize, config.dModel, paddingIndex: config.padTokenId, std: config.initStd, rng: &rng)
        encoder = Seq2SeqEncoder(config, tokens: shared, rng: &rng)
        decoder = Seq2SeqDecoder(config, tokens: shared, rng: &rng)
    }

    public var children: [(name: String, module: Module)] { [("shared", shared), ("encoder", encoder), ("decoder", decoder)] }
}

/// The full model: backbone, tied output projection plus `final_logits_bias`, and for PAL the
/// persona co-attention.
public final class Seq2SeqLM: Module {
    public let config: Seq2SeqConfig
    public let model: Seq2SeqBackbone
    public let personaCoAttention: PersonaCoAttention?
    /// (1, V), saved and loaded but not trained (a buffer in HF).
    public let finalLogitsBias: Tensor

    public init(_ config: Seq2SeqConfig, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        self.config = config
        model = Seq2SeqBackbone(config, rng: &rng)
        personaCoAttention = config.personaCoAttention ? PersonaCoAttention(width: config.dModel, masked: config.maskedCoAttention) : nil
        finalLogitsBias = Tensor(zeros: [1, config.vocabSize])
    }

    public var children: [(name: String, module: Module)] {
        [("model", model)] + (personaCoAttention.map { [("persona_coattention", $0 as Module)] } ?? [])
    }

    public var ownBuffers: [(name: String, tensor: Tensor)] { [("final_logits_bias", finalLogitsBias)] }

    /// The decoder's memory: the encoded dialogue, mixed with the encoded persona for PAL (B, S, C).
    public func encode(_ inputs: Seq2SeqInputs, context: ForwardContext) -> Tensor {
        encode(inputs, dialogue: model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context), context: context)
    }

    /// The decoder's memory from the already encoded dialogue of `inputs` (PAL's strategy control
    /// shares it between its two branches).
    public func encode(_ inputs: Seq2SeqInputs, dialogue: Tensor, context: ForwardContext) -> Tensor {
        guard let coAttention = personaCoAttention else { return dialogue }
        guard let personaIds = inputs.personaIds, let personaMask = inputs.personaMask else {
            preconditionFailure("a PAL model needs persona inputs (persona ids and mask)")
        }
        let persona = model.encoder(personaIds, mask: personaMask, context: context)
        return coAttention(dialogue: dialogue, persona: persona, dialogueMask: inputs.attentionMask, personaMask: personaMask)
    }

    /// Decoder hidden states (B, T, C) → logits (B, T, V): the tied projection plus `final_logits_bias`.
    public func logits(_ hidden: Tensor) -> Tensor {
        hidden.linear(weight: model.shared.weight, bias: finalLogitsBias.reshaped(config.vocabSize))
    }

    /// Logits (B, T, V) for teacher-forced decoder inputs.
    public func callAsFunction(_ inputs: Seq2SeqInputs, context: ForwardContext) -> Tensor {
        let memory = encode(inputs, context: context)
        return logits(model.decoder(inputs.decoderInputIds, memory: memory, memoryMask: inputs.attentionMask, context: context))
    }

    /// Mean cross-entropy over the labels that are not −100 (PAL-SPEC eq. 5), and the logits.
    /// `labelWeights` (B·T) and `labelSmoothing` turn it into a weighted, smoothed mean, and
    /// `denoising` adds the encoder's masked-token objective (training options).
    public func loss(_ inputs: Seq2SeqInputs, context: ForwardContext, labelWeights: [Float]? = nil,
                     labelSmoothing: Float = 0, denoising: EncoderDenoising? = nil,
                     normalizers: LossNormalizers? = nil) -> (loss: Tensor, logits: Tensor) {
        guard let labels = inputs.labels else { preconditionFailure("loss needs labels") }
        let dialogue = model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context)   // (B, S, C)
        let memory = encode(inputs, dialogue: dialogue, context: context)
        let logits = self.logits(model.decoder(inputs.decoderInputIds, memory: memory, memoryMask: inputs.attentionMask, context: context))
        var loss = logits.reshaped(-1, config.vocabSize).crossEntropy(targets: labels, rowWeights: labelWeights, labelSmoothing: labelSmoothing,
                                                                      normalizer: normalizers?.response)
        if let denoising, denoising.positions.count > 0 {
            // The encoder's states at the masked positions, through the tied projection, predict the original tokens.
            let masked = Tensor.embedding(dialogue.reshaped(-1, config.dModel), ids: denoising.positions)   // (M, C)
            loss = loss + self.logits(masked).crossEntropy(targets: denoising.targets, normalizer: normalizers?.denoising) * denoising.weight
        }
        return (loss, logits)
    }
}

/// What each loss term divides by when a batch is split across data-parallel ranks: the whole
/// batch's label weight (Σ of the response labels' weights) and its count of masked input tokens,
/// so each rank's loss is its share and the shares' gradients sum to the whole batch's.
public struct LossNormalizers {
    public var response: Double
    public var denoising: Double

    public init(response: Double, denoising: Double) {
        self.response = response
        self.denoising = denoising
    }
}

/// The encoder's masked-token objective (a training option, not the paper's): some dialogue
/// input tokens were replaced by a mask id, and the encoder's output at those positions must
/// predict the originals through the tied output projection. It keeps the encoder's states
/// token-specific, which a small model trained from scratch otherwise loses (docs/training.md).
public struct EncoderDenoising {
    /// Flat positions into the (B·S) encoder input, and the original ids there.
    public var positions: IndexTensor
    public var targets: IndexTensor
    /// Weight of this term beside the response cross-entropy.
    public var weight: Float

    public init(positions: [Int32], targets: [Int32], weight: Float) {
        self.positions = IndexTensor(shape: [positions.count], values: positions)
        self.targets = IndexTensor(shape: [targets.count], values: targets)
        self.weight = weight
    }
}
