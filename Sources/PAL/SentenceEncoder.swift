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
        personaVectors(personas, examples: examples).meanSimilarity(to: responses)
    }

    /// The persona side of Cos-Sim for a list of examples, embedded once: an evaluation scores every
    /// checkpoint, α and seed against the same personas (up to 256 tokens each, the bulk of the
    /// column's cost).
    public func personaVectors(_ personas: [[String]], examples: CosSimExamples) -> PersonaVectors {
        let joined = personas.map { $0.joined(separator: " ") }
        let selected = joined.indices.filter { examples == .every || !joined[$0].isEmpty }
        return PersonaVectors(encoder: self, count: personas.count, selected: selected, vectors: embed(selected.map { joined[$0] }))
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

/// The embedded personas of one list of examples (`SentenceEncoder.personaVectors`).
public struct PersonaVectors {
    public let encoder: SentenceEncoder
    /// How many examples the personas were given for, and which of them Cos-Sim averages over.
    let count: Int
    let selected: [Int]
    let vectors: [[Float]]

    /// Mean cosine similarity between each selected example's response (`responses`, one per
    /// example) and its persona; nil when no example is selected.
    public func meanSimilarity(to responses: [String]) -> Double? {
        precondition(responses.count == count, "\(responses.count) responses for \(count) personas")
        guard !selected.isEmpty else { return nil }
        let embedded = encoder.embed(selected.map { responses[$0] })
        return zip(embedded, vectors).map { Double(BertModel.cosineSimilarity($0, $1)) }.reduce(0, +) / Double(selected.count)
    }
}
