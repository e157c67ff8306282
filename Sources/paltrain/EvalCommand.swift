// `paltrain eval <ckpt>...`: the paper's automatic evaluation (PAL-SPEC §6-8, `Evaluator`) of
// checkpoints on a split, as a Table 3 table. `--reference` switches every setting where the released
// code differs to its semantics.
import ArgumentParser
import CommandOptions
import Foundation
import Models
import PAL
import TextData

extension PersonaCondition: ExpressibleByArgument {}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate PAL, Joint or Hard Prompt checkpoints on the test (or valid) split: ACC, PPL, BLEU, Distinct, EAD, ROUGE-L, Cos-Sim.",
        discussion: "Example, Table 3's PAL, PAL (α = 0) and Joint rows over three seeds: "
            + "paltrain eval runs/pal/best.h5 runs/joint/best.h5 --alpha paper --alpha none --seeds 0,1,2 --output runs/test. "
            + "With --reference, the settings where the released code differs take its values (listed above the table); "
            + "an option given explicitly overrides them.")

    @Flag(help: "The released code's semantics, for numbers comparable with Table 3: --turns after-seeker-turn, --ppl-tokens 16, --reference-distinct, --alpha reference, --cos-sim-examples every (and pooler pooling for a SimCSE encoder, as always).")
    var reference = false

    @Argument(help: "The checkpoints (e.g. runs/pal-small/best.h5); one row each (per α for PAL).")
    var checkpoints: [String]

    @OptionGroup var examples: SplitOptions

    @Option(help: "Which turns: every-supporter-turn (default), or after-seeker-turn (the reference's rule).")
    var turns: String?

    @Option(help: "The persona the models read: true (the conversation's own), shuffled (another test conversation's, seeded by the split seed) or none (`<input>` everywhere); shows whether a model uses the persona.")
    var persona = PersonaCondition.true

    @Option(help: "Strategy-based control for PAL checkpoints, one row each (repeat it): \(StrategyControl.accepted). Default: paper (reference with --reference).")
    var alpha: [String] = []

    @Flag(help: "Generate from the gold strategy instead of the predicted one.")
    var goldStrategy = false

    @Option(help: "Perplexity over targets cut to this many tokens (the reference's 16), 0 = full length (default).")
    var pplTokens: Int?

    @Flag(help: "Distinct-n with the exact count (default), or with the reference's (each sentence's last n-gram dropped).")
    var distinctCount: DistinctCount?

    @Option(help: "Sampling seeds, comma-separated; several give the mean ± standard deviation.")
    var seeds = "13"

    @Option(help: "Weights as trained (f32), or rounded to half precision (f16, bf16), as `generate --weights` decodes.")
    var weights: WeightPrecision = .f32

    @Option(help: "Examples per batch.")
    var batchSize = 32

    @Flag(inversion: .prefixedNo, help: "Generate responses and score them (--no-generate: ACC and PPL only, fast).")
    var generate = true

    @Flag(help: "Pool rows of the same model and α over the checkpoints (e.g. one per training seed): each cell is the mean ± standard deviation over every checkpoint (and sampling seed).")
    var pool = false

    @Option(help: "A folder to write metrics.json, table.md and the generations (one JSON-lines file per row and seed) into.")
    var output: String?

    @OptionGroup var encoder: SentenceEncoderOptions

    /// How Distinct-n counts n-grams.
    enum DistinctCount: String, EnumerableFlag {
        case exactDistinct, referenceDistinct
    }

    /// The semantics of this invocation: the options given, else the reference's (with --reference),
    /// else paltrain's defaults.
    func semantics() throws -> EvaluationSemantics {
        let turnsName = turns ?? (reference ? ExampleTurns.afterSeekerTurn.rawValue : ExampleTurns.everySupporterTurn.rawValue)
        guard let rule = ExampleTurns(rawValue: turnsName) else {
            throw ValidationError("--turns is every-supporter-turn or after-seeker-turn, got \(turnsName)")
        }
        let ppl = pplTokens ?? (reference ? 16 : 0)
        guard ppl >= 0 else { throw ValidationError("--ppl-tokens is 0 (full targets) or a positive count, got \(ppl)") }
        let names = alpha.isEmpty ? [reference ? "reference" : "paper"] : alpha
        return EvaluationSemantics(name: reference ? "reference" : "paltrain", turns: rule, pplTokens: ppl, referenceDistinct: (distinctCount ?? (reference ? .referenceDistinct : .exactDistinct)) == .referenceDistinct,
                         controls: try names.map(StrategyControl.parsed), cosSimExamples: encoder.examples(reference: reference))
    }

    /// The sampling seeds of `--seeds`.
    func seedList() throws -> [UInt64] {
        let list = try seeds.split(separator: ",", omittingEmptySubsequences: false).map { s -> UInt64 in
            guard let seed = UInt64(s.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--seeds is a comma-separated list of non-negative integers, got `\(seeds)`")
            }
            return seed
        }
        guard Set(list).count == list.count else { throw ValidationError("--seeds lists a seed twice: `\(seeds)`") }
        return list
    }

    func validate() throws {
        guard !checkpoints.isEmpty else { throw ValidationError("give at least one checkpoint") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        _ = try seedList()
        _ = try semantics()
    }

    func run() throws {
        try Evaluator(checkpoints: checkpoints, split: examples.evaluationSplit, condition: persona, goldStrategy: goldStrategy, seeds: seedList(), batchSize: batchSize, generate: generate, pool: pool,
                      semantics: semantics(), sentenceEncoder: encoder.load(), output: output.map { URL(fileURLWithPath: $0) }, weights: weights).run()
    }
}
