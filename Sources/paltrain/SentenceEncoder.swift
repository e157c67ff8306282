// SentenceEncoder: the Cos-Sim column (PAL-SPEC §7) — a HuggingFace BERT folder (model.safetensors,
// tokenizer.json) and its pooling; `make models` installs all-MiniLM-L6-v2 (mean pooling), and a
// user may point at SimCSE (`sup-simcse-bert-base-uncased`, pooler) as the paper did — and the
// sample set the mean is taken over. Shared by `eval` and `metrics`.
import ArgumentParser
import Checkpoint
import Foundation
import Models
import TextData

/// Which examples Cos-Sim averages over.
enum CosSimExamples: String, ExpressibleByArgument, CaseIterable {
    /// The examples whose persona is not empty (paltrain's default: an empty persona has nothing to be similar to).
    case withPersona = "with-persona"
    /// Every example, an empty persona embedded as empty text (the reference's `get_cos_similarity.py`).
    case every
}

struct SentenceEncoderOptions: ParsableArguments {
    @Option(help: "Sentence encoder for Cos-Sim (a HuggingFace BERT folder; `make models` installs all-MiniLM-L6-v2 here).")
    var sentenceEncoder = "models/all-MiniLM-L6-v2"

    @Option(help: "Its pooling: mean (sentence-transformers), pooler (SimCSE as in the paper) or cls. Default: pooler for a SimCSE folder, else mean.")
    var sentencePooling: String?

    @Option(help: "Cos-Sim over with-persona (default: the examples whose persona is not empty) or every example (the reference, an empty persona as empty text; eval --reference).")
    var cosSimExamples: CosSimExamples?

    /// The sample set: the one given, else `every` under the reference's semantics, else `with-persona`.
    func examples(reference: Bool) -> CosSimExamples { cosSimExamples ?? (reference ? .every : .withPersona) }

    /// The encoder, or nil when the folder holds none (Cos-Sim is then reported as n/a).
    func load() throws -> SentenceEncoder? {
        let folder = URL(fileURLWithPath: sentenceEncoder)
        let isSimCSE = folder.lastPathComponent.lowercased().contains("simcse")
        let name = sentencePooling ?? (isSimCSE ? BertPooling.pooler.rawValue : BertPooling.mean.rawValue)
        guard let pooling = BertPooling(rawValue: name) else {
            throw ValidationError("--sentence-pooling is mean, pooler or cls, got \(name)")
        }
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path) else { return nil }
        let (model, _) = try BertModel.load(folder: folder) { try SafeTensorsFile.read(from: $0).tensorsByName }
        return SentenceEncoder(model: model, tokenizer: try WordPieceTokenizer(directory: folder), pooling: pooling, name: folder.lastPathComponent)
    }
}

struct SentenceEncoder {
    let model: BertModel
    let tokenizer: WordPieceTokenizer
    let pooling: BertPooling
    let name: String

    /// Mean cosine similarity between each response and its persona sentences (joined), over the
    /// pairs `examples` selects; nil when it selects none.
    func personaSimilarity(responses: [String], personas: [[String]], examples: CosSimExamples) -> Double? {
        let pairs = zip(responses, personas.map { $0.joined(separator: " ") }).filter { examples == .every || !$0.1.isEmpty }
        guard !pairs.isEmpty else { return nil }
        let limit = min(256, model.config.maxPositionEmbeddings)
        let a = model.embed(pairs.map { tokenizer.encodeWithSpecialTokens($0.0, maxLength: limit) }, pooling: pooling)
        let b = model.embed(pairs.map { tokenizer.encodeWithSpecialTokens($0.1, maxLength: limit) }, pooling: pooling)
        return zip(a, b).map { Double(BertModel.cosineSimilarity($0, $1)) }.reduce(0, +) / Double(pairs.count)
    }

    /// How the column was computed, for the line under a table.
    func describe(_ examples: CosSimExamples) -> String {
        "\(name) (\(pooling.rawValue) pooling, over \(examples == .every ? "every example" : "the examples with a persona"))"
    }
}
