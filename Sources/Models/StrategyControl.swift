// StrategyControl: the α settings of PAL's strategy-based control (PAL-SPEC §6, eq. 6): one α per
// strategy for the response steps, and the α of the first (strategy) step, where the reference
// contrasts the strategy logits before its argmax. `paper`, `reference` and `none` name the three
// settings PAL-SPEC §6 offers; `R` or `R:S` sets R for every strategy and S at the strategy step.

/// How strongly each decoding step of a PAL model is pushed away from its persona-free logits.
public struct StrategyControl: Equatable, Sendable {
    /// The name it was parsed from (`paper`, `reference`, `none`, or the numbers as given).
    public var name: String
    /// α at the response steps, per strategy in strategy-head order (Question … Others).
    public var responseAlphas: [Float]
    /// α at the first decoder step, whose argmax over the strategy tokens is the predicted strategy.
    public var strategyStepAlpha: Float

    /// Table 2 of the paper, in strategy-head order (Question … Others).
    public static let table2Alphas: [Float] = [0, 0.75, 0, 0, 0.75, 0.75, 0.75, 0.375]
    /// The contrast the released code applies at the strategy step (`codes/models/strat_blenderbot_small.py`).
    public static let referenceStrategyStepAlpha: Float = 0.075

    /// The paper's responses (Table 2) with the released strategy step (0.075): the "PAL" row.
    public static let paper = StrategyControl(name: "paper", responseAlphas: table2Alphas, strategyStepAlpha: referenceStrategyStepAlpha)
    /// As released: 0.5 for every strategy at the response steps, 0.075 at the strategy step.
    public static let reference = StrategyControl(name: "reference", responseAlphas: Array(repeating: 0.5, count: 8),
                                                  strategyStepAlpha: referenceStrategyStepAlpha)
    /// No control anywhere: the "PAL (α = 0)" row.
    public static let none = StrategyControl(name: "none", responseAlphas: Array(repeating: 0, count: 8), strategyStepAlpha: 0)

    public init(name: String, responseAlphas: [Float], strategyStepAlpha: Float) {
        self.name = name
        self.responseAlphas = responseAlphas
        self.strategyStepAlpha = strategyStepAlpha
    }

    /// `paper`, `reference`, `none`, `R` (R at every response step, 0 at the strategy step) or
    /// `R:S`; nil for anything else, or for a number that is not finite.
    public init?(parsing text: String) {
        switch text {
        case "paper": self = .paper
        case "reference": self = .reference
        case "none": self = .none
        default:
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Float($0) }
            guard (1...2).contains(parts.count), let response = parts[0], response.isFinite else { return nil }
            let step = parts.count == 2 ? parts[1] : 0
            guard let step, step.isFinite else { return nil }
            self.init(name: text, responseAlphas: Array(repeating: response, count: 8), strategyStepAlpha: step)
        }
    }

    /// What `--alpha` accepts, for error messages.
    public static let accepted = "paper (Table 2, strategy step 0.075), reference (0.5, strategy step 0.075), none, a number R, or R:S (strategy step S)"

    /// True when no step is controlled, so the persona-free branch need not run.
    public var isOff: Bool { strategyStepAlpha == 0 && responseAlphas.allSatisfy { $0 == 0 } }
}
