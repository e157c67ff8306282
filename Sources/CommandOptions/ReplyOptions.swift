// ReplyOptions: how `generate`, `chat` and the study server decode a reply (strategy control, sampling
// or greedy, the seed, the weights' precision), and `--alpha`'s parsing, which `eval` and `export` share.
import ArgumentParser
import Models
import PAL

extension StrategyControl {
    /// The strategy control `option` names (`--alpha`).
    public static func parsed(_ option: String) throws -> StrategyControl {
        guard let control = StrategyControl(parsing: option) else { throw ValidationError("--alpha is \(StrategyControl.accepted); got \(option)") }
        return control
    }
}

extension WeightPrecision: ExpressibleByArgument {}

/// How `generate` and `chat` decode a reply: strategy control, sampling or greedy, the seed, and the weights' precision.
public struct ReplyOptions: ParsableArguments {
    public init() {}

    @Option(help: "Strategy-based control: \(StrategyControl.accepted).")
    public var alpha = "paper"

    @Flag(help: "Greedy decoding instead of the paper's sampling (top-k 10, top-p 0.9, temperature 0.5).")
    public var greedy = false

    @Option(help: "Sampling seed (chat: reply n uses seed + n).")
    public var seed: UInt64 = 13

    @Option(help: "Weights as trained (f32), or rounded to half precision for faster decoding, replies may differ slightly (f16; bf16: the encoder's products in bf16 too, where the CPU has AVX512-BF16).")
    public var weights: WeightPrecision = .f32

    /// The strategy control of `--alpha`.
    public func control() throws -> StrategyControl { try StrategyControl.parsed(alpha) }

    /// The decoding settings of `model`'s replies, sampling from seed + `offset`.
    public func config(for model: DialogueModel, offset: UInt64 = 0) -> GenerationConfig {
        var config = model.samplingConfig(seed: seed &+ offset)
        if greedy { config.doSample = false }
        return config
    }
}
