// SentenceEncoder: the Cos-Sim column (PAL-SPEC §7) — a HuggingFace BERT folder (model.safetensors,
// tokenizer.json) and its pooling; `make models` installs all-MiniLM-L6-v2 (mean pooling), and a
// user may point at SimCSE (`sup-simcse-bert-base-uncased`, pooler) as the paper did — and the
// sample set the mean is taken over. Shared by `eval` and `metrics`; the crisis guard's semantic
// layer embeds with it too.
import Checkpoint
import Foundation
import Models
import TextData

/// Which examples Cos-Sim averages over.
public enum CosSimExamples: String, CaseIterable, Sendable {
    /// The examples whose persona is not empty (paltrain's default: an empty persona has nothing to be similar to).
    case withPersona = "with-persona"
    /// Every example, an empty persona embedded as empty text (the reference's `get_cos_similarity.py`).
    case every
}

public struct SentenceEncoder {
    public let model: BertModel
    public let tokenizer: WordPieceTokenizer
    public let pooling: BertPooling
    public let name: String

    /// The encoder in `folder` with `pooling` (default: pooler for a SimCSE folder, else mean), or nil
    /// when the folder holds none (Cos-Sim is then reported as n/a).
    public static func load(folder: URL, pooling: BertPooling? = nil) throws -> SentenceEncoder? {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path) else { return nil }
        let isSimCSE = folder.lastPathComponent.lowercased().contains("simcse")
        let (model, _) = try BertModel.load(folder: folder) { try SafeTensorsFile.read(from: $0).tensorsByName }
        return SentenceEncoder(model: model, tokenizer: try WordPieceTokenizer(directory: folder), pooling: pooling ?? (isSimCSE ? .pooler : .mean),
                               name: folder.lastPathComponent)
    }

    /// Mean cosine similarity between each response and its persona sentences (joined), over the
    /// pairs `examples` selects; nil when it selects none.
    public func personaSimilarity(responses: [String], personas: [[String]], examples: CosSimExamples) -> Double? {
        let pairs = zip(responses, personas.map { $0.joined(separator: " ") }).filter { examples == .every || !$0.1.isEmpty }
        guard !pairs.isEmpty else { return nil }
        let (a, b) = (embed(pairs.map(\.0)), embed(pairs.map(\.1)))
        return zip(a, b).map { Double(BertModel.cosineSimilarity($0, $1)) }.reduce(0, +) / Double(pairs.count)
    }

    /// The sentence vectors of `texts` (unit length), each cut to 256 tokens.
    public func embed(_ texts: [String]) -> [[Float]] {
        let limit = min(256, model.config.maxPositionEmbeddings)
        return model.embed(texts.map { tokenizer.encodeWithSpecialTokens($0, maxLength: limit) }, pooling: pooling)
    }

    /// How the column was computed, for the line under a table.
    public func describe(_ examples: CosSimExamples) -> String {
        "\(name) (\(pooling.rawValue) pooling, over \(examples == .every ? "every example" : "the examples with a persona"))"
    }
}
