// DialogueModel: a PAL, Joint or Hard Prompt checkpoint ready to reply — the model, its tokenizer,
// its input variant, the strategy token ids, the per-strategy α of strategy-based control, and
// `reply`, which `generate` and `chat` share: the strategy at the first decoder step (predicted or
// given), then the response with every added token banned.
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

    /// One reply: the strategy it opens with, the response text, and the softmax over the 8
    /// strategy tokens at the first decoder step.
    struct Reply {
        var strategy: Strategy?
        var response: String
        var strategyDistribution: [Double]
    }

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

    /// The strategy control `option` names (`--alpha`).
    static func control(_ option: String) throws -> StrategyControl {
        guard let control = StrategyControl(parsing: option) else { throw ValidationError("--alpha is \(StrategyControl.accepted); got \(option)") }
        return control
    }

    /// Input lengths that fit the model's position table (the reference's 512 input and 50 target tokens at most).
    var limits: EncodingLimits {
        let positions = model.config.maxPositionEmbeddings
        return EncodingLimits(maxInputLength: min(512, positions), maxDecoderLength: min(50, positions - 1), maxPersonaLength: min(512, positions))
    }

    /// The decoding source for `inputs`: PAL's two-branch strategy-based control, or the plain model.
    func source(_ inputs: Seq2SeqInputs, control: StrategyControl) -> NextTokenSource {
        variant == .pal
            ? StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategyIds, control: control)
            : Seq2SeqStepSource(model: model, inputs: inputs)
    }

    /// The paper's response sampling (PAL-SPEC §6) with every added token banned.
    func samplingConfig(seed: UInt64) -> GenerationConfig {
        GenerationConfig.palResponse(banned: PALTokens.added.compactMap { tokenizer.id(of: $0) }, seed: seed)
    }

    /// The reply to `request`, opening with `strategy` when given, else with the predicted one.
    func reply(to request: DialogueRequest, strategy given: Strategy?, control: StrategyControl, config: GenerationConfig) throws -> Reply {
        let example = try ExampleEncoder.encode(request.example(response: ".", strategy: given ?? .others), variant: variant,
                                                tokenizer: tokenizer, limits: limits)
        let inputs = Seq2SeqInputs(Batcher.collate([example], indices: [0], padId: tokenizer.padId))
        let prefix: DecoderPrefix = given.map { .forcedFirst([strategyIds[$0.index]]) } ?? .argmaxFirst(among: strategyIds)
        let out = Generator.generate(source: source(inputs, control: control), batchSize: 1, config: ResolvedGenerationConfig(config, model: model.config),
                                     options: GenerationOptions(prefix: prefix))
        let ids = out.sequences[0]
        let first = strategyIds.map { Double(out.firstStepLogits.data[Int($0)]) }
        let top = first.max() ?? 0, weights = first.map { Foundation.exp($0 - top) }, total = weights.reduce(0, +)
        return Reply(strategy: ids.first.flatMap { strategyIds.firstIndex(of: $0) }.map { Strategy.allCases[$0] },
                     response: tokenizer.decode(Array(ids.dropFirst()).filter { $0 != tokenizer.eosId }, skipSpecialTokens: true),
                     strategyDistribution: weights.map { $0 / total })
    }
}

/// How `generate` and `chat` decode a reply: strategy control, sampling or greedy, and the seed.
struct ReplyOptions: ParsableArguments {
    @Option(help: "Strategy-based control: \(StrategyControl.accepted).")
    var alpha = "paper"

    @Flag(help: "Greedy decoding instead of the paper's sampling (top-k 10, top-p 0.9, temperature 0.5).")
    var greedy = false

    @Option(help: "Sampling seed (chat: reply n uses seed + n).")
    var seed: UInt64 = 13

    /// The strategy control of `--alpha`.
    func control() throws -> StrategyControl { try DialogueModel.control(alpha) }

    /// The decoding settings of `model`'s replies, sampling from seed + `offset`.
    func config(for model: DialogueModel, offset: UInt64 = 0) -> GenerationConfig {
        var config = model.samplingConfig(seed: seed &+ offset)
        if greedy { config.doSample = false }
        return config
    }
}
