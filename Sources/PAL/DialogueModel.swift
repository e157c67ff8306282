// DialogueModel: a PAL, Joint or Hard Prompt checkpoint ready to reply — the model, its tokenizer,
// its input format, the strategy token ids, the decoding source under a strategy control, and
// `reply`, which `generate` and `chat` share: the strategy at the first decoder step (predicted or
// given), then the response with every added token banned.
import Foundation
import Models
import NN
import TensorCore
import TextData
import Training

/// The precision of a dialogue model's weights when it replies: as trained (fp32), or fp16 or bf16,
/// which halve the bytes batch-1 decoding reads per token; with bf16 on a CPU with AVX512-BF16 the
/// encoder's products run in bf16 too (`Tensor.makeHalfPrecision`; docs/performance.md).
public enum WeightPrecision: String, CaseIterable, Sendable {
    case f32, f16, bf16

    /// The 16-bit format of the weights, nil for fp32.
    public var halfPrecisionFormat: HalfPrecisionFormat? { HalfPrecisionFormat(rawValue: rawValue) }

    /// What the weights are, for a run's settings: nil for fp32.
    public var settingLine: String? {
        switch self {
        case .f32: return nil
        case .f16: return "weights: rounded to fp16 (--weights f16)"
        case .bf16:
            return "weights: rounded to bf16 (--weights bf16); products of many rows in "
                + (bf16ProductsAvailable ? "bf16 (AVX512-BF16)" : "fp32 (this CPU has no AVX512-BF16)")
        }
    }
}

public struct DialogueModel {
    public let model: Seq2SeqLM
    public let tokenizer: Tokenizer
    /// PAL, Joint or Hard Prompt.
    public let format: InputFormat
    /// Token id of each strategy, in strategy-head order.
    public let strategyIds: [Int32]

    /// One reply: the strategy it opens with, the response text, and the softmax over the 8
    /// strategy tokens at the first decoder step.
    public struct Reply {
        public var strategy: Strategy?
        public var response: String
        public var strategyDistribution: [Double]
    }

    /// The lengths its inputs are cut to: as trained, unless given (`InputLengths`).
    public let lengths: InputLengths

    /// Loads `checkpoint` and its tokenizer (from `tokenizerOverride` when given), with its weights
    /// as stored or (`weights: .f16`, `.bf16`) rounded to half precision for faster decoding; inputs are cut
    /// to the lengths it was trained with unless `override` gives others.
    public init(checkpoint: String, data: URL, tokenizerOverride: String? = nil, weights: WeightPrecision = .f32,
                lengths override: LengthOverride = LengthOverride()) throws {
        let (model, tokenizer, _, trained) = try ModelCheckpoint.loadWithTokenizer(URL(fileURLWithPath: checkpoint), data: data,
                                                                                   tokenizerOverride: tokenizerOverride)
        if let format = weights.halfPrecisionFormat { model.useHalfPrecisionWeights(format) }
        guard InputFormat.dialogue.contains(model.config.format) else {
            throw DataError(file: checkpoint, "a \(model.config.format.rawValue) model, not a dialogue model (PAL, Joint or Hard Prompt)")
        }
        self.model = model
        self.tokenizer = tokenizer
        format = model.config.format
        strategyIds = try Strategy.allCases.map { s in
            guard let id = tokenizer.id(of: s.token) else { throw DataError(file: checkpoint, "its tokenizer has no \(s.token) token") }
            return id
        }
        lengths = try InputLengths(trained: trained, config: model.config, override: override, checkpoint: checkpoint)
    }

    /// `example` in this model's input format, cut to `lengths` and checked against the model's tables;
    /// `place` names it in an error.
    public func encode(_ example: DialogueExample, place: String) throws -> EncodedExample {
        let encoded = try ExampleEncoder.encode(example, format: format, tokenizer: tokenizer, limits: lengths.limits)
        try model.config.check(encoded, place: place)
        return encoded
    }

    /// The decoding source for `inputs`: PAL's two-branch strategy-based control, or the plain model.
    public func source(_ inputs: Seq2SeqInputs, control: StrategyControl) -> NextTokenSource {
        format == .pal
            ? StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategyIds, control: control)
            : Seq2SeqStepSource(model: model, inputs: inputs)
    }

    /// The paper's response sampling (PAL-SPEC §6) with every added token banned.
    public func samplingConfig(seed: UInt64) -> GenerationConfig {
        GenerationConfig.palResponse(banned: PALTokens.added.compactMap { tokenizer.id(of: $0) }, seed: seed)
    }

    /// The reply to `request`, opening with `strategy` when given, else with the predicted one.
    public func reply(to request: DialogueRequest, strategy given: Strategy?, control: StrategyControl, config: GenerationConfig) throws -> Reply {
        let example = try encode(request.example(response: ".", strategy: given ?? .others), place: "the request")
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
