// `paltrain import <hf-model-dir> -o <checkpoint.h5>`: a HuggingFace BlenderbotSmall or BART
// folder as a paltrain checkpoint, checked strictly and adapted for PAL's added tokens.
import ArgumentParser
import Foundation
import Models
import PAL
import TextData
import Training

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a HuggingFace model folder (config.json, model.safetensors, vocab.json, merges.txt) into a checkpoint.")

    enum AddedTokens: String, ExpressibleByArgument, CaseIterable {
        case pal, extractor, none
        var tokens: [String] {
            switch self {
            case .pal: return PALTokens.added
            case .extractor: return ExtractorPairs.addedTokens
            case .none: return []
            }
        }
    }

    @Argument(help: "The HuggingFace model folder.")
    var folder: String

    @Option(name: .shortAndLong, help: "The checkpoint to write (HDF5).")
    var output: String

    @Option(help: "Tokens to add to the tokenizer and embeddings: pal (BlenderbotSmall for PAL), extractor (BART), none. Default: pal for BlenderbotSmall, extractor for BART.")
    var addedTokens: AddedTokens?

    @Option(help: "The model's input format: pal (adds the persona co-attention), joint, hard-prompt, extractor. Default: the one a folder from `paltrain export` records, else pal for BlenderbotSmall, extractor for BART.")
    var format: InputFormat?

    func run() throws {
        let url = URL(fileURLWithPath: folder)
        try FileAccess.checkOutputFile(URL(fileURLWithPath: output))
        let config = (try? Data(contentsOf: url.appendingPathComponent("config.json"))).flatMap { try? Seq2SeqConfig.decode(json: $0) }
        let isBart = config?.family == .bart
        let format = self.format ?? config?.inputFormat ?? (isBart ? .extractor : .pal)
        let tokens = (addedTokens ?? (isBart ? .extractor : .pal)).tokens
        let result = try HuggingFaceImport.load(url, addedTokens: tokens, personaCoAttention: format == .pal, inputFormat: format)
        for note in result.notes { print("  " + note) }
        try ModelCheckpoint.save(result.model, tokenizer: result.tokenizer?.jsonString() ?? "{}", to: URL(fileURLWithPath: output),
                                 lengths: result.lengths)
        let c = result.model.config
        print("imported \(c.family.rawValue) (\(c.encoderLayers)+\(c.decoderLayers) layers, d \(c.dModel), vocabulary \(c.vocabSize), "
              + "\(result.model.parameterCount) parameters, format \(format.rawValue)) → \(output)")
    }
}
