// BertConfig: a BERT encoder's shape, decoded from (and encoded to) HuggingFace `config.json` with
// HF's key names (BertConfig). Keys a file leaves out take BertConfig's defaults (bert-base-uncased);
// what this encoder does not implement (another activation, relative positions) is refused by name.
import Foundation

public struct BertConfig: Codable, Equatable, Sendable {
    // The defaults are BertConfig's (bert-base-uncased).
    public var vocabSize = 30522
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "gelu"
    public var hiddenDropoutProb: Float = 0.1
    public var attentionProbsDropoutProb: Float = 0.1
    public var maxPositionEmbeddings = 512
    public var typeVocabSize = 2
    public var initializerRange: Float = 0.02
    public var layerNormEps: Float = 1e-12
    public var padTokenId = 0
    public var positionEmbeddingType = "absolute"

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size", hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob", attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case initializerRange = "initializer_range", layerNormEps = "layer_norm_eps", padTokenId = "pad_token_id"
        case positionEmbeddingType = "position_embedding_type", modelType = "model_type", isDecoder = "is_decoder"
    }

    /// BertConfig's defaults.
    public init() {}

    /// `sentence-transformers/all-MiniLM-L6-v2`: 6 layers of width 384, 12 heads.
    public static let allMiniLML6v2: BertConfig = {
        var config = BertConfig()
        (config.hiddenSize, config.numHiddenLayers, config.intermediateSize) = (384, 6, 1536)
        return config
    }()

    /// Decodes a `config.json`.
    public static func decode(json: Data) throws -> BertConfig { try JSONDecoder().decode(BertConfig.self, from: json) }

    static let fields: [ConfigField<BertConfig, CodingKeys>] = [
        .init(.vocabSize, \.vocabSize), .init(.hiddenSize, \.hiddenSize), .init(.numHiddenLayers, \.numHiddenLayers),
        .init(.numAttentionHeads, \.numAttentionHeads), .init(.intermediateSize, \.intermediateSize), .init(.hiddenAct, \.hiddenAct),
        .init(.hiddenDropoutProb, \.hiddenDropoutProb), .init(.attentionProbsDropoutProb, \.attentionProbsDropoutProb),
        .init(.maxPositionEmbeddings, \.maxPositionEmbeddings), .init(.typeVocabSize, \.typeVocabSize),
        .init(.initializerRange, \.initializerRange), .init(.layerNormEps, \.layerNormEps), .init(.padTokenId, \.padTokenId),
        .init(.positionEmbeddingType, \.positionEmbeddingType),
    ]

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        try Self.fields.decode(c, into: &self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T { try c.decodeIfPresent(T.self, forKey: key) ?? fallback }
        var problems: [String] = []
        let modelType = try value(.modelType, "bert")
        if modelType != "bert" { problems.append("model_type \"\(modelType)\" (this is BERT's encoder)") }
        if hiddenAct != "gelu" { problems.append("hidden_act \"\(hiddenAct)\" (only \"gelu\", the exact erf form, is implemented)") }
        if positionEmbeddingType != "absolute" {
            problems.append("position_embedding_type \"\(positionEmbeddingType)\" (only \"absolute\" is implemented)")
        }
        if try value(.isDecoder, false) { problems.append("is_decoder true (only the bidirectional encoder is implemented)") }
        for (key, size, least) in [("vocab_size", vocabSize, 1), ("hidden_size", hiddenSize, 1), ("num_hidden_layers", numHiddenLayers, 0),
                                   ("intermediate_size", intermediateSize, 1), ("type_vocab_size", typeVocabSize, 1),
                                   ("max_position_embeddings", maxPositionEmbeddings, 2)] where size < least {
            problems.append("\(key) \(size) (expected at least \(least)\(key == "max_position_embeddings" ? ": [CLS] and [SEP]" : ""))")
        }
        if !(0..<max(vocabSize, 0)).contains(padTokenId) { problems.append("pad_token_id \(padTokenId) is outside the vocabulary (vocab_size \(vocabSize))") }
        if numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0 {
            problems.append("hidden_size \(hiddenSize) not divisible by num_attention_heads \(numAttentionHeads)")
        }
        if !problems.isEmpty {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unsupported BERT config: " + problems.joined(separator: "; ")))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("bert", forKey: .modelType)
        try Self.fields.encode(self, into: &c)
    }
}
