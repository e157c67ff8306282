// SplitOptions: the options that choose an evaluation's examples (`EvaluationSplit`), shared by
// `eval` and `persona-test`.
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

    func validate() throws {
        guard split == "test" || split == "valid" else { throw ValidationError("--split is test or valid, got \(split)") }
        guard limit >= 0 else { throw ValidationError("--limit is 0 (every example) or a positive count, got \(limit)") }
    }

    var evaluationSplit: EvaluationSplit {
        EvaluationSplit(data: URL(fileURLWithPath: data), pesconv: pesconv, name: split, seed: splitSeed, limit: limit)
    }
}
