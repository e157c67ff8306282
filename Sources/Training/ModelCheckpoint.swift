// ModelCheckpoint: a `Seq2SeqLM` to and from a checkpoint file: its config as HF-named JSON, every
// parameter and buffer under its HF name, the tokenizer's identity, and optionally the input
// lengths it was trained with, the training state and AdamW moments.
import Checkpoint
import Foundation
import JSON
import Models
import NN
import TextData

public enum ModelCheckpoint {
    /// Writes `model` (atomically) with the given tokenizer identity JSON, and optionally the input
    /// lengths it was trained with, the training state and the optimizer's moments.
    public static func save(_ model: Seq2SeqLM, tokenizer: String, to url: URL, lengths: EncodingLimits? = nil,
                            training: TrainingState? = nil, optimizer: AdamW? = nil) throws {
        try CheckpointFile.write(CheckpointContents(tensors: model.namedState(), optimizerMoments: optimizer?.moments,
                                                    config: model.config.jsonString(), tokenizer: tokenizer, training: training,
                                                    inputLengths: lengths?.jsonString()), to: url)
    }

    /// The input lengths the checkpoint at `path` records its model was trained with (`contents`
    /// read from it), or nil when it records none.
    public static func trainedLengths(_ contents: CheckpointContents, path: String) throws -> EncodingLimits? {
        guard let json = contents.inputLengths else { return nil }
        do {
            return try EncodingLimits.decode(json: Data(json.utf8))
        } catch {
            throw CheckpointError.malformed(path: path, detail: "its attribute input_lengths (\(json.shortened(to: 120))) is not "
                + "\(EncodingLimits.jsonShape): the file was edited; use another checkpoint")
        }
    }

    /// The model a checkpoint holds, strictly loaded, and the rest of the file's contents.
    public static func load(_ url: URL) throws -> (model: Seq2SeqLM, contents: CheckpointContents) {
        let contents = try CheckpointFile.read(from: url)
        let stored = contents.tensors.reduce(0) { $0 + $1.tensor.count }
        let model = Seq2SeqLM(try config(json: contents.config, path: url.path, storedValues: stored))
        do {
            try model.load(contents.tensorsByName)
        } catch {
            throw CheckpointError.malformed(path: url.path, detail: "\(error)")
        }
        return (model, contents)
    }

    /// The model config a checkpoint's `config` attribute holds (`json`), for a file whose tensors hold
    /// `storedValues` values in all; errors name the file at `path` and the line and column, or the key,
    /// of the problem. A config whose model has more parameters than the file holds is refused before
    /// anything is allocated for it.
    public static func config(json: String, path: String, storedValues: Int) throws -> Seq2SeqConfig {
        func malformed(_ detail: String) -> CheckpointError {
            .malformed(path: path, detail: "its model config (attribute config) cannot be read: \(detail)")
        }
        let data = Data(json.utf8)
        let tree: JSONValue
        do { tree = try JSONReader.parse(data) } catch let error as JSONSyntaxError { throw malformed("\(error)") }
        guard case .object = tree else { throw malformed("expected a JSON object of config keys, found \(tree.kindDescription)") }
        let config: Seq2SeqConfig
        do {
            config = try Seq2SeqConfig.decode(json: data)
        } catch let error as DecodingError {
            throw malformed(unreadableMember(of: tree) ?? error.message)
        }
        guard let needed = config.parameterCountLowerBound, needed <= storedValues else {
            throw malformed("its sizes (vocab_size \(config.vocabSize), d_model \(config.dModel), max_position_embeddings "
                + "\(config.maxPositionEmbeddings), layers \(config.encoderLayers)+\(config.decoderLayers), ffn dims \(config.encoderFfnDim), "
                + "\(config.decoderFfnDim)) describe a model of \(config.parameterCountLowerBound.map { "at least \($0)" } ?? "more than \(Int.max)") "
                + "parameters, but the file's tensors hold \(storedValues) values: the config does not belong to these weights")
        }
        return config
    }

    /// The member of a config object that Foundation's decoder cannot read, found by decoding the
    /// members one at a time: it reports a number a key cannot hold (1.5 for an integer, 1e999), and
    /// NaN or Infinity under any key, even one a config does not use, as "The given data was not valid
    /// JSON", naming no key.
    private static func unreadableMember(of tree: JSONValue) -> String? {
        guard case .object(let members) = tree else { return nil }
        let family = members.last { $0.0 == "model_type" }.map { [$0] } ?? []
        for member in family + members {
            let probe = JSONValue.object(member.0 == family.first?.0 ? [member] : family + [member])
            do { _ = try Seq2SeqConfig.decode(json: Data(JSONWriter.text(probe, style: .compact).utf8)) } catch DecodingError.dataCorrupted(let context)
                where context.codingPath.isEmpty && context.underlyingError == nil && context.debugDescription.contains("not valid JSON") {
                return "\(member.0.shortened(to: 60)): \(JSONWriter.text(member.1, style: .compact).shortened(to: 60)) cannot be read: "
                    + "write a finite number of the key's type (an integer where one is expected), or drop the key"
            } catch {
                continue
            }
        }
        return nil
    }

    /// The model a checkpoint holds and the tokenizer it names (from `tokenizerOverride` when given),
    /// checked against each other (every id the tokenizer makes must be one of the model's), and the
    /// input lengths it was trained with when the checkpoint records them.
    public static func loadWithTokenizer(_ url: URL, data: URL, tokenizerOverride: String? = nil)
        throws -> (model: Seq2SeqLM, tokenizer: Tokenizer, reference: TokenizerReference, trainedLengths: EncodingLimits?) {
        let (model, contents) = try load(url)
        let lengths = try trainedLengths(contents, path: url.path)
        guard let reference = TokenizerReference.decode(contents.tokenizer) else {
            throw CheckpointError.malformed(path: url.path, detail: "it names no tokenizer (a checkpoint from `paltrain import` without --tokenizer?)")
        }
        let tokenizer = try TokenizerLoader.load(reference, data: data, override: tokenizerOverride)
        try model.config.checkTokenizer(vocabularySize: tokenizer.vocabularySize)
        return (model, tokenizer, reference, lengths)
    }
}
