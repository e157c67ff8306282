// SplitOptions: the options that choose an evaluation's examples and how much of each the models
// read (`EvaluationSplit`), shared by `eval` and `persona-test`.
import ArgumentParser
import Foundation
import PAL

struct SplitOptions: ParsableArguments {
    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    @Option(help: "A PESConv file with personas for every conversation (default: the published annotations, which cover valid and test).")
    var pesconv: String?

    @Option(help: "test or valid.")
    var split = "test"

    @Option(help: "Split seed (13 = the paper's split); it also seeds the shuffled personas.")
    var splitSeed: UInt64 = 13

    @Option(help: "Use only the first N examples of the split (0 = all).")
    var limit = 0

    @Option(help: "Dialogue (and persona) tokens the models read; longer histories are cut from the left (default: the length each checkpoint was trained with, which it records; else 512).")
    var maxInputLength: Int?

    @Option(help: "Target tokens after the strategy token that PPL and ACC score (default: as each checkpoint was trained; else 50).")
    var maxDecoderLength: Int?

    func validate() throws {
        guard split == "test" || split == "valid" else { throw ValidationError("--split is test or valid, got \(split)") }
        guard limit >= 0 else { throw ValidationError("--limit is 0 (every example) or a positive count, got \(limit)") }
        for (name, value) in [("--max-input-length", maxInputLength), ("--max-decoder-length", maxDecoderLength)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
    }

    var evaluationSplit: EvaluationSplit {
        EvaluationSplit(data: URL(fileURLWithPath: data), pesconv: pesconv, name: split, seed: splitSeed, limit: limit,
                        lengths: LengthOverride(maxInputLength: maxInputLength, maxDecoderLength: maxDecoderLength))
    }
}
