// ModelCheckpoint: a `Seq2SeqLM` to and from a checkpoint file: its config as HF-named JSON, every
// parameter and buffer under its HF name, the tokenizer's identity, and optionally the training
// state and AdamW moments.
import Checkpoint
import Foundation
import Models
import NN
import TextData

public enum ModelCheckpoint {
    /// Writes `model` (atomically) with the given tokenizer identity JSON and optional training state.
    public static func save(_ model: Seq2SeqLM, tokenizer: String, to url: URL, training: TrainingState? = nil,
                            optimizer: AdamW? = nil) throws {
        try CheckpointFile.write(CheckpointContents(tensors: model.namedState(), optimizerMoments: optimizer?.moments,
                                                    config: model.config.jsonString(), tokenizer: tokenizer, training: training), to: url)
    }

    /// The model a checkpoint holds, strictly loaded, and the rest of the file's contents.
    public static func load(_ url: URL) throws -> (model: Seq2SeqLM, contents: CheckpointContents) {
        let contents = try CheckpointFile.read(from: url)
        let config: Seq2SeqConfig
        do {
            config = try Seq2SeqConfig.decode(json: Data(contents.config.utf8))
        } catch {
            throw CheckpointError.malformed(path: url.path, detail: "its model config cannot be read: \(error)")
        }
        let model = Seq2SeqLM(config)
        do {
            try model.load(contents.tensorsByName)
        } catch {
            throw CheckpointError.malformed(path: url.path, detail: "\(error)")
        }
        return (model, contents)
    }

    /// The model a checkpoint holds and the tokenizer it names (from `tokenizerOverride` when given),
    /// checked against each other: every id the tokenizer makes must be one of the model's.
    public static func loadWithTokenizer(_ url: URL, data: URL, tokenizerOverride: String? = nil)
        throws -> (model: Seq2SeqLM, tokenizer: Tokenizer, reference: TokenizerReference) {
        let (model, contents) = try load(url)
        guard let reference = TokenizerReference.decode(contents.tokenizer) else {
            throw CheckpointError.malformed(path: url.path, detail: "it names no tokenizer (a checkpoint from `paltrain import` without --tokenizer?)")
        }
        let tokenizer = try TokenizerLoader.load(reference, data: data, override: tokenizerOverride)
        try model.config.checkTokenizer(vocabularySize: tokenizer.vocabularySize)
        return (model, tokenizer, reference)
    }
}
