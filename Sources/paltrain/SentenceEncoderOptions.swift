// SentenceEncoderOptions: the Cos-Sim options `eval` and `metrics` share: the encoder folder, its
// pooling and the sample set.
import ArgumentParser
import Foundation
import Models
import PAL

extension CosSimExamples: ExpressibleByArgument {}

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
        let pooling = try sentencePooling.map { name in
            guard let pooling = BertPooling(rawValue: name) else { throw ValidationError("--sentence-pooling is mean, pooler or cls, got \(name)") }
            return pooling
        }
        return try SentenceEncoder.load(folder: URL(fileURLWithPath: sentenceEncoder), pooling: pooling)
    }
}
