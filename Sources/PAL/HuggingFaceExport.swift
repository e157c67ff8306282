// Exporting a checkpoint as a HuggingFace model folder (config.json, model.safetensors, the
// tokenizer's files with its added tokens) that `BlenderbotSmallForConditionalGeneration` or
// `BartForConditionalGeneration.from_pretrained` loads; PAL's co-attention under the released code's
// names (persona_norm, context_norm, persona_context_w, and strategy_alpha), so its model class
// loads them too. The input lengths the model was trained with go to paltrain_input_lengths.json.
// `paltrain import` of the folder gives back the same tensors and lengths.
import Checkpoint
import Foundation
import Models
import NN
import TensorCore
import TextData

public enum HuggingFaceExport {
    /// The files an export writes besides the tokenizer's own and `lengthsFile`.
    public static let modelFiles = ["config.json", "model.safetensors", "added_tokens.json", "special_tokens_map.json", "tokenizer_config.json"]
    /// The input lengths the model was trained with (`EncodingLimits` JSON), when its checkpoint records them.
    public static let lengthsFile = "paltrain_input_lengths.json"

    /// Writes `model` and `tokenizer` (loaded from `tokenizerFolder`) into `folder`, with the input
    /// `lengths` it was trained with when known. PAL models get `strategy_alpha` = `responseAlphas`
    /// (the released code decodes with it). Refuses non-finite weights, naming them. Returns the
    /// names of the files written.
    @discardableResult
    public static func write(_ model: Seq2SeqLM, tokenizer: Tokenizer, tokenizerFolder: URL, responseAlphas: [Float],
                             lengths: EncodingLimits? = nil, to folder: URL) throws -> [String] {
        var tensors: [(name: String, tensor: Tensor)] = []
        var nonFinite: [String] = []
        for (name, tensor) in model.namedState() {
            if (0..<tensor.count).contains(where: { !tensor.data[$0].isFinite }) { nonFinite.append(name) }
            tensors.append((HuggingFaceStateDict.huggingFaceName(name), tensor))
        }
        guard nonFinite.isEmpty else {
            throw DataError(file: folder.path, "not exported: non-finite values in \(nonFinite.joined(separator: ", ")); export a checkpoint from before the divergence (best.h5)")
        }
        if model.personaCoAttention != nil {
            tensors.append(("strategy_alpha", Tensor(shape: [responseAlphas.count], values: responseAlphas)))
        }
        try FileAccess.createFolder(folder)
        try SafeTensorsFile.write(tensors, metadata: ["format": "pt"], to: folder.appendingPathComponent("model.safetensors"))
        try FileAccess.write(try model.config.jsonString(), to: folder.appendingPathComponent("config.json"))
        var copied: [String] = []
        if let lengths {
            try FileAccess.write(lengths.jsonString(), to: folder.appendingPathComponent(lengthsFile))
            copied.append(lengthsFile)
        }

        // The tokenizer: its vocabulary and merges as they are, its added tokens with their ids.
        for name in ["vocab.json", "merges.txt", TokenizerLoader.specialTokensFile] {
            let source = tokenizerFolder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            try FileAccess.write(FileAccess.read(source), to: folder.appendingPathComponent(name))
            copied.append(name)
        }
        let added = tokenizer.identity.addedTokens
        var ids: [String: Int] = [:]
        for token in added {
            guard let id = tokenizer.id(of: token) else { throw DataError(file: tokenizerFolder.path, "the tokenizer lost its added token \(token)") }
            ids[token] = Int(id)
        }
        let isBlenderbotSmall = tokenizer is BlenderbotSmallTokenizer
        func token(_ id: Int32) -> String { tokenizer.decode([id], skipSpecialTokens: false) }
        let specials: [String: Any] = ["bos_token": token(tokenizer.bosId), "eos_token": token(tokenizer.eosId), "pad_token": token(tokenizer.padId),
                                       "unk_token": token(tokenizer.unkId), "additional_special_tokens": added]
        try writeJSON(ids, to: folder.appendingPathComponent("added_tokens.json"))
        try writeJSON(specials, to: folder.appendingPathComponent("special_tokens_map.json"))
        var config = specials
        config["tokenizer_class"] = isBlenderbotSmall ? "BlenderbotSmallTokenizer" : "BartTokenizer"
        config["model_max_length"] = model.config.maxPositionEmbeddings
        try writeJSON(config, to: folder.appendingPathComponent("tokenizer_config.json"))
        return modelFiles + copied
    }

    private static func writeJSON(_ object: Any, to url: URL) throws {
        try FileAccess.write(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), to: url)
    }
}
