// `paltrain export <checkpoint.h5> -o <folder>`: a checkpoint as a HuggingFace model folder that
// transformers (and PAL's released model class) load, so a model trained here can be checked by
// the reference code or anyone's PyTorch.
import ArgumentParser
import CommandOptions
import Foundation
import Models
import PAL
import TextData
import Training

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a checkpoint as a HuggingFace folder (config.json, model.safetensors, tokenizer files with the added tokens).",
        discussion: "BlenderbotSmallForConditionalGeneration (or BartForConditionalGeneration).from_pretrained(FOLDER) loads it; "
            + "a PAL model's co-attention carries the released code's names (persona_norm, context_norm, persona_context_w, strategy_alpha).")

    @Argument(help: "The checkpoint (e.g. runs/pal-small/best.h5).")
    var checkpoint: String

    @Option(name: .shortAndLong, help: "The folder to write.")
    var output: String

    @Option(help: "PAL only: the response α written as strategy_alpha, which the released code decodes with: \(StrategyControl.accepted).")
    var alpha = "paper"

    @Option(help: "The tokenizer folder, when it is no longer where the checkpoint was made.")
    var tokenizer: String?

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    func run() throws {
        let control = try StrategyControl.parsed(alpha)
        let dataURL = URL(fileURLWithPath: data)
        let (model, loaded, reference, lengths) = try ModelCheckpoint.loadWithTokenizer(URL(fileURLWithPath: checkpoint), data: dataURL, tokenizerOverride: tokenizer)
        let source = tokenizer ?? reference.source
        let files = try HuggingFaceExport.write(model, tokenizer: loaded, tokenizerFolder: TokenizerLoader.folder(of: source, data: dataURL),
                                                responseAlphas: control.responseAlphas, lengths: lengths, to: URL(fileURLWithPath: output))
        let c = model.config
        print("exported \(c.family.rawValue) (\(c.encoderLayers)+\(c.decoderLayers) layers, d \(c.dModel), vocabulary \(c.vocabSize)"
              + (model.personaCoAttention != nil ? ", PAL co-attention, strategy_alpha from --alpha \(control.name)" : "") + ") → \(output): "
              + files.joined(separator: ", "))
    }
}
