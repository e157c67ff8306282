// ModelCheckpoint: a `Seq2SeqLM` to and from a checkpoint file: its config as HF-named JSON, every
// parameter and buffer under its HF name, the tokenizer's identity, and optionally the training
// state and AdamW moments.
import Checkpoint
import Foundation
import Models
import NN

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
}
