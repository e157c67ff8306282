// DialogueModel: a PAL, Joint or Hard Prompt checkpoint ready to reply — the model, its tokenizer,
// its input variant, the strategy token ids, and the per-strategy α of strategy-based control.
import ArgumentParser
import Foundation
import Models
import NN
import TextData
import Training

struct DialogueModel {
    let model: Seq2SeqLM
    let tokenizer: Tokenizer
    let variant: ModelVariant
    /// Token id of each strategy, in strategy-head order.
    let strategyIds: [Int32]

    /// Loads `checkpoint` and its tokenizer (from `tokenizerOverride` when given).
    init(checkpoint: String, data: URL, tokenizerOverride: String? = nil) throws {
        let (model, contents) = try ModelCheckpoint.load(URL(fileURLWithPath: checkpoint))
        guard let reference = TokenizerReference.decode(contents.tokenizer) else { throw ValidationError("\(checkpoint) names no tokenizer") }
        let tokenizer = try TokenizerLoader.load(reference, data: data, override: tokenizerOverride)
        let format = model.config.inputFormat ?? (model.config.personaCoAttention ? "pal" : "joint")
        guard let variant = ModelVariant(rawValue: format) else { throw ValidationError("\(checkpoint) is a \(format) model, not a dialogue model") }
        self.model = model
        self.tokenizer = tokenizer
        self.variant = variant
        strategyIds = try Strategy.allCases.map { s in
            guard let id = tokenizer.id(of: s.token) else { throw ValidationError("the tokenizer has no \(s.token) token") }
            return id
        }
    }

    /// `paper` (Table 2), `none` (α = 0) or one number for every strategy.
    static func alphas(_ option: String) throws -> [Float] {
        switch option {
        case "paper": return StrategyControlledSource.paperAlphas
        case "none": return Array(repeating: 0, count: Strategy.allCases.count)
        default:
            guard let a = Float(option) else { throw ValidationError("--alpha is paper, none or a number, got \(option)") }
            return Array(repeating: a, count: Strategy.allCases.count)
        }
    }

    /// The decoding source for `inputs`: PAL's two-branch strategy-based control, or the plain model.
    func source(_ inputs: Seq2SeqInputs, alphas: [Float], strategyStepAlpha: Float = 0) -> NextTokenSource {
        variant == .pal
            ? StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategyIds, alphas: alphas, firstStepAlpha: strategyStepAlpha)
            : Seq2SeqStepSource(model: model, inputs: inputs)
    }

    /// The paper's response sampling (PAL-SPEC §6) with every added token banned.
    func samplingConfig(seed: UInt64) -> GenerationConfig {
        GenerationConfig.palResponse(banned: PALTokens.added.compactMap { tokenizer.id(of: $0) }, seed: seed)
    }
}
