// SentenceEncoder: the Cos-Sim column (PAL-SPEC §7) — a HuggingFace BERT folder (model.safetensors,
// tokenizer.json) and its pooling; `make models` installs all-MiniLM-L6-v2 (mean pooling), and a
// user may point at SimCSE (`sup-simcse-bert-base-uncased`, pooler) as the paper did. Shared by
// `eval` and `metrics`.
import ArgumentParser
import Checkpoint
import Foundation
import Models
import TextData

struct SentenceEncoderOptions: ParsableArguments {
    @Option(help: "Sentence encoder for Cos-Sim (a HuggingFace BERT folder; `make models` installs all-MiniLM-L6-v2 here).")
    var sentenceEncoder = "models/all-MiniLM-L6-v2"

    @Option(help: "Its pooling: mean (sentence-transformers), pooler (SimCSE as in the paper) or cls.")
    var sentencePooling = "mean"

    /// The encoder, or nil when the folder holds none (Cos-Sim is then reported as n/a).
    func load() throws -> SentenceEncoder? {
        guard let pooling = BertPooling(rawValue: sentencePooling) else {
            throw ValidationError("--sentence-pooling is mean, pooler or cls, got \(sentencePooling)")
        }
        let folder = URL(fileURLWithPath: sentenceEncoder)
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
    /// pairs whose persona is not empty; nil when none has one.
    func personaSimilarity(responses: [String], personas: [[String]]) -> Double? {
        let pairs = zip(responses, personas.map { $0.joined(separator: " ") }).filter { !$0.1.isEmpty }
        guard !pairs.isEmpty else { return nil }
        let limit = min(256, model.config.maxPositionEmbeddings)
        let a = model.embed(pairs.map { tokenizer.encodeWithSpecialTokens($0.0, maxLength: limit) }, pooling: pooling)
        let b = model.embed(pairs.map { tokenizer.encodeWithSpecialTokens($0.1, maxLength: limit) }, pooling: pooling)
        return zip(a, b).map { Double(BertModel.cosineSimilarity($0, $1)) }.reduce(0, +) / Double(pairs.count)
    }
}
