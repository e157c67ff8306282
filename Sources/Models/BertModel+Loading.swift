// BertModel+Loading: a BERT from HuggingFace weights. Names are HF BertModel's state-dict names, with
// or without the `bert.` prefix of BertFor* checkpoints; TF-era `LayerNorm.gamma/beta` are renamed;
// the index buffers `embeddings.position_ids` / `token_type_ids` are left out. The pooler is built when
// the checkpoint has one. Loading is strict: every missing, unused and mis-shaped tensor is listed.
// Models does not read files of tensors (Checkpoint does): the caller passes the safetensors reader.
import Foundation
import NN
import TensorCore
import TextData

/// A BERT folder that cannot be loaded: the file, and what is wrong or what to do.
public struct BertLoadError: Error, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

extension BertModel {
    /// Index buffers of HF's BertEmbeddings, recomputed here rather than loaded.
    public static let ignoredBuffers = ["embeddings.position_ids", "embeddings.token_type_ids"]

    /// `tensors` under this model's names: `bert.` stripped, `gamma`/`beta` → `weight`/`bias`, index
    /// buffers and names starting with one of `ignoring` (e.g. `cls.` heads) left out. Returns the
    /// tensors and one note per change.
    public static func huggingFaceNames(_ tensors: [String: Tensor], ignoring: [String] = []) -> (tensors: [String: Tensor], notes: [String]) {
        var out: [String: Tensor] = [:]
        var notes: [String] = []
        var stripped = 0, renamed = 0
        var ignoredNames: [String] = []
        for name in tensors.keys.sorted() {
            var ours = name
            if ours.hasPrefix("bert."), tensors[String(ours.dropFirst(5))] == nil {
                ours.removeFirst(5)
                stripped += 1
            }
            if ignoredBuffers.contains(ours) || ignoring.contains(where: { ours.hasPrefix($0) || name.hasPrefix($0) }) {
                ignoredNames.append(name)
                continue
            }
            if ours.hasSuffix("LayerNorm.gamma") || ours.hasSuffix("LayerNorm.beta") {
                ours = String(ours.dropLast(ours.hasSuffix("gamma") ? 5 : 4)) + (ours.hasSuffix("gamma") ? "weight" : "bias")
                renamed += 1
            }
            out[ours] = tensors[name]
        }
        if stripped > 0 { notes.append("stripped the bert. prefix from \(stripped) tensors") }
        if renamed > 0 { notes.append("renamed \(renamed) LayerNorm gamma/beta tensors to weight/bias") }
        if !ignoredNames.isEmpty { notes.append("left out \(ignoredNames.joined(separator: ", "))") }
        return (out, notes)
    }

    /// A BERT for `config` holding `tensors` (HF names, see `huggingFaceNames`), with a pooler when
    /// they include `pooler.dense`.
    ///
    /// - Throws: `LoadError` listing every missing, unused and mis-shaped tensor at once.
    public static func load(config: BertConfig, huggingFace tensors: [String: Tensor],
                            ignoring: [String] = []) throws -> (model: BertModel, notes: [String]) {
        let (named, notes) = huggingFaceNames(tensors, ignoring: ignoring)
        let hasPooler = named.keys.contains { $0.hasPrefix("pooler.") }
        let model = BertModel(config, pooler: hasPooler)
        try model.load(named)
        return (model, notes + (hasPooler ? [] : ["no pooler.dense in the checkpoint: the model has no pooler (use .mean or .cls pooling)"]))
    }

    /// The BERT of a HuggingFace folder: `config.json` and `model.safetensors`, read by
    /// `readSafeTensors` (e.g. `{ try SafeTensorsFile.read(from: $0).tensorsByName }` from Checkpoint).
    ///
    /// - Throws: `BertLoadError` for a missing or unsupported file; `LoadError` when the tensors do not fit.
    public static func load(folder: URL, ignoring: [String] = [],
                            readSafeTensors: (URL) throws -> [String: Tensor]) throws -> (model: BertModel, notes: [String]) {
        let configURL = folder.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw BertLoadError(file: configURL.path, "missing: a HuggingFace BERT folder has config.json and model.safetensors "
                                + "(scripts/fetch-models.sh installs all-MiniLM-L6-v2 into models/)")
        }
        let config: BertConfig
        let configData = try FileAccess.read(configURL)
        do {
            config = try BertConfig.decode(json: configData)
        } catch let DecodingError.dataCorrupted(context) {
            throw BertLoadError(file: configURL.path, context.debugDescription)
        } catch {
            throw BertLoadError(file: configURL.path, "not a BERT config.json: \(error)")
        }
        let weightsURL = folder.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            let bin = folder.appendingPathComponent("pytorch_model.bin")
            if FileManager.default.fileExists(atPath: bin.path) {
                throw BertLoadError(file: bin.path, "a PyTorch pickle, which is not read: convert it once with "
                    + "python -c \"import torch; from safetensors.torch import save_file; "
                    + "save_file({k: v.contiguous() for k, v in torch.load('pytorch_model.bin').items()}, 'model.safetensors')\"")
            }
            throw BertLoadError(file: weightsURL.path, "missing: download model.safetensors from the model's page")
        }
        return try load(config: config, huggingFace: readSafeTensors(weightsURL), ignoring: ignoring)
    }
}
