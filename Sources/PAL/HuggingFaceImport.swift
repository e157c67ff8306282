// Importing a HuggingFace model folder (config.json, model.safetensors, tokenizer files) as a
// paltrain model: every name and shape checked strictly, problems listed at once, embeddings
// resized for added tokens, PAL's co-attention added on request, and the input lengths a folder
// from `paltrain export` records.
import Checkpoint
import Foundation
import Models
import NN
import TensorCore
import TextData

public enum HuggingFaceImport {
    /// What an import produced.
    public struct Result {
        public var model: Seq2SeqLM
        /// Nil when the folder holds no tokenizer files.
        public var tokenizer: TokenizerReference?
        /// The input lengths the model was trained with; nil unless the folder says (`HuggingFaceExport.lengthsFile`).
        public var lengths: EncodingLimits?
        /// One line per adaptation: renames, resizes, tensors left out, parameters initialised.
        public var notes: [String]
    }

    /// Imports `folder`. `addedTokens` are added to the folder's tokenizer (and the embeddings grow
    /// to fit them); `personaCoAttention` makes it a PAL model, initialising the co-attention
    /// parameters when the weights do not have them.
    public static func load(_ folder: URL, addedTokens: [String], personaCoAttention: Bool, inputFormat: InputFormat?) throws -> Result {
        let configURL = folder.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw DataError(file: configURL.path, "missing: a HuggingFace model folder has config.json, model.safetensors and its tokenizer files")
        }
        var config: Seq2SeqConfig
        let configData = try FileAccess.read(configURL)
        do {
            config = try Seq2SeqConfig.decode(json: configData)
        } catch {
            throw DataError(file: configURL.path, "not a BlenderbotSmall or BART config: \(error)")
        }
        // HF reads decoding settings from generation_config.json when the folder has one, else from config.json.
        let generationURL = folder.appendingPathComponent("generation_config.json")
        if FileManager.default.fileExists(atPath: generationURL.path) {
            let generationData = try FileAccess.read(generationURL)
            do {
                var settings = try GenerationConfig.decode(json: generationData)
                (settings.decoderStartTokenId, settings.eosTokenId, settings.padTokenId) = (nil, nil, nil)
                config.generation = settings
            } catch {
                throw DataError(file: generationURL.path, "not a generation config: \(error)")
            }
            if !config.problems.isEmpty { throw DataError(file: generationURL.path, config.problems.joined(separator: "; ")) }
        }
        let weightsURL = folder.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            let bin = folder.appendingPathComponent("pytorch_model.bin")
            if FileManager.default.fileExists(atPath: bin.path) { throw DataError(file: bin.path, SafeTensorsFile.pytorchBinMessage(for: bin)) }
            throw DataError(file: weightsURL.path, "missing: download model.safetensors from the model's page")
        }
        let weights = try SafeTensorsFile.read(from: weightsURL)
        var notes = weights.skipped.sorted { $0.key < $1.key }.map { "left out \($0.key): \($0.value)" }

        var tokenizer: Tokenizer?
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("vocab.json").path) {
            tokenizer = try TokenizerLoader.load(folder.path, data: folder, addedTokens: addedTokens)
        } else {
            notes.append("no tokenizer files (vocab.json, merges.txt) in \(folder.path): the checkpoint names no tokenizer")
        }
        let vocabulary = max(tokenizer?.vocabularySize ?? config.vocabSize, config.vocabSize)
        let adapted = try HuggingFaceStateDict.adapt(weights.tensorsByName, for: config, vocabularySize: vocabulary)
        notes += adapted.notes
        config.vocabSize = vocabulary
        config.personaCoAttention = config.personaCoAttention || personaCoAttention
        config.inputFormat = inputFormat ?? config.inputFormat
        let model = Seq2SeqLM(config)
        var tensors = adapted.tensors
        for (name, initial) in model.namedState() where name.hasPrefix("persona_coattention.") && tensors[name] == nil {
            tensors[name] = initial.detached()
            notes.append("initialised \(name) (PAL's co-attention is new on this backbone)")
        }
        do {
            try model.load(tensors)
        } catch {
            throw DataError(file: weightsURL.path, "\(error)")
        }
        var lengths: EncodingLimits?
        let lengthsURL = folder.appendingPathComponent(HuggingFaceExport.lengthsFile)
        if FileManager.default.fileExists(atPath: lengthsURL.path) {
            do { lengths = try EncodingLimits.decode(json: try FileAccess.read(lengthsURL)) } catch let error as DecodingError {
                throw DataError(file: lengthsURL.path, "expected \(EncodingLimits.jsonShape) (\(error.message)): "
                                + "fix it, or delete it to evaluate with the reference's lengths")
            }
        }
        return Result(model: model, tokenizer: tokenizer.map { TokenizerReference(source: folder.path, identity: $0.identity) }, lengths: lengths,
                      notes: notes)
    }
}
