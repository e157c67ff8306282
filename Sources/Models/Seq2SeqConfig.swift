// Seq2SeqConfig: an encoder-decoder's shape and behaviour, decoded from (and encoded to) HuggingFace
// `config.json` with HF's key names, for BlenderbotSmall and BART; plus paltrain's own keys for the
// PAL variant. Keys a file leaves out take the HF config class's default for that model type. HF
// keeps a checkpoint's decoding settings (min_length, no_repeat_ngram_size, length_penalty …) in the
// same config.json; they ride along in `generation`, so a checkpoint keeps them.
import Foundation
import NN
import TextData

/// The two architectures: they differ in positions (BART offsets them by 2) and in where the
/// decoder applies `layernorm_embedding`.
public enum ModelFamily: String, Codable, CaseIterable, Sendable {
    case blenderbotSmall = "blenderbot-small"
    case bart
}

public struct Seq2SeqConfig: Codable, Equatable, Sendable {
    public var family: ModelFamily
    public var vocabSize: Int
    public var dModel: Int
    public var encoderLayers: Int
    public var decoderLayers: Int
    public var encoderAttentionHeads: Int
    public var decoderAttentionHeads: Int
    public var encoderFfnDim: Int
    public var decoderFfnDim: Int
    public var maxPositionEmbeddings: Int
    public var dropout: Float
    public var attentionDropout: Float
    public var activationDropout: Float
    public var activationFunction: String
    public var scaleEmbedding: Bool
    public var padTokenId: Int
    public var bosTokenId: Int
    public var eosTokenId: Int
    public var decoderStartTokenId: Int
    public var initStd: Float
    /// paltrain: persona co-attention on top of the backbone (PAL), or none (Joint, Hard Prompt).
    public var personaCoAttention: Bool
    /// paltrain: mask padding inside the co-attention (the reference does not).
    public var maskedCoAttention: Bool
    /// paltrain: how inputs are built for this model; nil for a plain HuggingFace model.
    public var inputFormat: InputFormat?
    /// The decoding settings the config carries (HF's generation keys beside the model keys, e.g.
    /// bart-large-cnn's min_length 56, no_repeat_ngram_size 3, length_penalty 2), nil when it carries
    /// none (a from-scratch model: then HF's defaults apply). Token ids stay the model's own.
    public var generation: GenerationConfig?

    enum CodingKeys: String, CodingKey {
        case family = "model_type", vocabSize = "vocab_size", dModel = "d_model"
        case encoderLayers = "encoder_layers", decoderLayers = "decoder_layers"
        case encoderAttentionHeads = "encoder_attention_heads", decoderAttentionHeads = "decoder_attention_heads"
        case encoderFfnDim = "encoder_ffn_dim", decoderFfnDim = "decoder_ffn_dim"
        case maxPositionEmbeddings = "max_position_embeddings", dropout, attentionDropout = "attention_dropout"
        case activationDropout = "activation_dropout", activationFunction = "activation_function"
        case scaleEmbedding = "scale_embedding", padTokenId = "pad_token_id", bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id", decoderStartTokenId = "decoder_start_token_id", initStd = "init_std"
        case personaCoAttention = "paltrain_persona_coattention", maskedCoAttention = "paltrain_masked_coattention"
        case inputFormat = "paltrain_input_format"
        case normalizeBefore = "normalize_before", addFinalLayerNorm = "add_final_layer_norm"
    }

    public init(family: ModelFamily, vocabSize: Int, dModel: Int, encoderLayers: Int, decoderLayers: Int, heads: Int, ffnDim: Int,
                maxPositionEmbeddings: Int, dropout: Float = 0.1, attentionDropout: Float = 0, activationDropout: Float = 0,
                scaleEmbedding: Bool, padTokenId: Int, bosTokenId: Int, eosTokenId: Int, decoderStartTokenId: Int,
                initStd: Float = 0.02, personaCoAttention: Bool = false, maskedCoAttention: Bool = false) {
        self.family = family
        self.vocabSize = vocabSize
        self.dModel = dModel
        self.encoderLayers = encoderLayers
        self.decoderLayers = decoderLayers
        self.encoderAttentionHeads = heads
        self.decoderAttentionHeads = heads
        self.encoderFfnDim = ffnDim
        self.decoderFfnDim = ffnDim
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.dropout = dropout
        self.attentionDropout = attentionDropout
        self.activationDropout = activationDropout
        self.activationFunction = "gelu"
        self.scaleEmbedding = scaleEmbedding
        self.padTokenId = padTokenId
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.decoderStartTokenId = decoderStartTokenId
        self.initStd = initStd
        self.personaCoAttention = personaCoAttention
        self.maskedCoAttention = maskedCoAttention
        self.inputFormat = nil
    }

    /// `facebook/blenderbot_small-90M` (PAL's backbone).
    public static let blenderbotSmall90M = Seq2SeqConfig(
        family: .blenderbotSmall, vocabSize: 54944, dModel: 512, encoderLayers: 8, decoderLayers: 8, heads: 16, ffnDim: 2048,
        maxPositionEmbeddings: 512, scaleEmbedding: true, padTokenId: 0, bosTokenId: 1, eosTokenId: 2, decoderStartTokenId: 1)

    /// `facebook/bart-large-cnn` (the persona extractor's backbone).
    public static let bartLargeCNN = Seq2SeqConfig(
        family: .bart, vocabSize: 50264, dModel: 1024, encoderLayers: 12, decoderLayers: 12, heads: 16, ffnDim: 4096,
        maxPositionEmbeddings: 1024, scaleEmbedding: false, padTokenId: 1, bosTokenId: 0, eosTokenId: 2, decoderStartTokenId: 2)

    /// What a config.json leaves out: the defaults of HF's config class for `family` (BartConfig,
    /// BlenderbotSmallConfig).
    public static func defaults(for family: ModelFamily) -> Seq2SeqConfig {
        switch family {
        case .bart:
            return Seq2SeqConfig(family: .bart, vocabSize: 50265, dModel: 1024, encoderLayers: 12, decoderLayers: 12, heads: 16, ffnDim: 4096,
                                 maxPositionEmbeddings: 1024, scaleEmbedding: false, padTokenId: 1, bosTokenId: 0, eosTokenId: 2, decoderStartTokenId: 2)
        case .blenderbotSmall:
            return Seq2SeqConfig(family: .blenderbotSmall, vocabSize: 50265, dModel: 512, encoderLayers: 8, decoderLayers: 8, heads: 16, ffnDim: 2048,
                                 maxPositionEmbeddings: 512, scaleEmbedding: false, padTokenId: 0, bosTokenId: 1, eosTokenId: 2, decoderStartTokenId: 1)
        }
    }

    static let fields: [ConfigField<Seq2SeqConfig, CodingKeys>] = [
        .init(.vocabSize, \.vocabSize), .init(.dModel, \.dModel), .init(.encoderLayers, \.encoderLayers), .init(.decoderLayers, \.decoderLayers),
        .init(.encoderAttentionHeads, \.encoderAttentionHeads), .init(.decoderAttentionHeads, \.decoderAttentionHeads),
        .init(.encoderFfnDim, \.encoderFfnDim), .init(.decoderFfnDim, \.decoderFfnDim), .init(.maxPositionEmbeddings, \.maxPositionEmbeddings),
        .init(.dropout, \.dropout), .init(.attentionDropout, \.attentionDropout), .init(.activationDropout, \.activationDropout),
        .init(.activationFunction, \.activationFunction), .init(.scaleEmbedding, \.scaleEmbedding), .init(.padTokenId, \.padTokenId),
        .init(.bosTokenId, \.bosTokenId), .init(.eosTokenId, \.eosTokenId), .init(.decoderStartTokenId, \.decoderStartTokenId),
        .init(.initStd, \.initStd), .init(.personaCoAttention, \.personaCoAttention), .init(.maskedCoAttention, \.maskedCoAttention),
        .init(.inputFormat, \.inputFormat),
    ]

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self = Self.defaults(for: try c.decode(ModelFamily.self, forKey: .family))
        try Self.fields.decode(c, into: &self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T { try c.decodeIfPresent(T.self, forKey: key) ?? fallback }
        generation = try Self.generationSettings(from: decoder)
        var problems = self.problems
        if activationFunction != "gelu" { problems.append("activation_function \"\(activationFunction)\" (only \"gelu\" is implemented)") }
        if try value(.normalizeBefore, false) { problems.append("normalize_before true (only post-layer-norm models are implemented)") }
        if try value(.addFinalLayerNorm, false) { problems.append("add_final_layer_norm true (not implemented)") }
        if !problems.isEmpty {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unsupported config: " + problems.joined(separator: "; ")))
        }
    }

    /// What makes this config unusable, by HF key name: sizes that are not positive, a width the
    /// heads do not divide, token ids outside the vocabulary (the model's and its decoding settings').
    /// Empty for a usable config.
    public var problems: [String] {
        var problems: [String] = []
        let sizes = [("vocab_size", vocabSize), ("d_model", dModel), ("encoder_attention_heads", encoderAttentionHeads),
                     ("decoder_attention_heads", decoderAttentionHeads), ("encoder_ffn_dim", encoderFfnDim),
                     ("decoder_ffn_dim", decoderFfnDim), ("max_position_embeddings", maxPositionEmbeddings)]
        for (key, size) in sizes where size < 1 { problems.append("\(key) \(size) (must be at least 1)") }
        for (key, layers) in [("encoder_layers", encoderLayers), ("decoder_layers", decoderLayers)] where layers < 0 {
            problems.append("\(key) \(layers) (must not be negative)")
        }
        if encoderAttentionHeads > 0 && decoderAttentionHeads > 0 && (dModel % encoderAttentionHeads != 0 || dModel % decoderAttentionHeads != 0) {
            problems.append("d_model \(dModel) not divisible by the head count")
        }
        var ids = [("pad_token_id", padTokenId), ("bos_token_id", bosTokenId), ("eos_token_id", eosTokenId),
                   ("decoder_start_token_id", decoderStartTokenId)]
        if let generation { ids += generation.tokenIds }
        for (key, id) in ids where id < 0 || id >= vocabSize {  // not 0..<vocabSize: a negative vocab_size would trap
            problems.append("\(key) \(id) is outside the vocabulary (vocab_size \(vocabSize))")
        }
        return problems
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(family, forKey: .family)
        try Self.fields.encode(self, into: &c)
        // HF's layout: the generation keys sit beside the model keys in one object.
        try generation?.encode(to: encoder)
    }

    /// The generation settings among `decoder`'s keys, or nil when it has none of the decoding keys
    /// (token ids alone do not count: every model config has them).
    private static func generationSettings(from decoder: Decoder) throws -> GenerationConfig? {
        let keys = try decoder.container(keyedBy: GenerationConfig.CodingKeys.self)
        guard GenerationConfig.decodingKeys.contains(where: keys.contains) else { return nil }
        var settings = try GenerationConfig(from: decoder)
        // The model's own ids (this config's) are the ones to decode with.
        settings.decoderStartTokenId = nil
        settings.eosTokenId = nil
        settings.padTokenId = nil
        return settings
    }

    /// The config from a HuggingFace `config.json` (or one paltrain wrote).
    public static func decode(json: Data) throws -> Seq2SeqConfig { try JSONDecoder().decode(Seq2SeqConfig.self, from: json) }

    /// JSON with HF key names (sorted), for checkpoints and `config.json`.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// How this model's inputs are built: the recorded format, else PAL for a model with persona
    /// co-attention and Joint for a plain one.
    public var format: InputFormat { inputFormat ?? (personaCoAttention ? .pal : .joint) }

    /// BART's learned positions start at index 2 of their table (HF's BartLearnedPositionalEmbedding).
    public var positionOffset: Int { family == .bart ? 2 : 0 }
}

extension Seq2SeqConfig {
    /// The block sizes and dropout rates of the encoder's (or decoder's) layers.
    public func block(encoder: Bool) -> TransformerBlockConfig {
        TransformerBlockConfig(width: dModel, heads: encoder ? encoderAttentionHeads : decoderAttentionHeads,
                               ffnWidth: encoder ? encoderFfnDim : decoderFfnDim, dropout: dropout,
                               attentionDropout: attentionDropout, activationDropout: activationDropout, initStd: initStd)
    }
}
