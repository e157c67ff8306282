// `paltrain persona-test <ckpt>...`: whether PAL or Hard Prompt checkpoints use the persona they
// read, as paired per-example likelihood differences with bootstrap intervals (`PersonaUseTest`).
import ArgumentParser
import Foundation
import PAL

struct PersonaTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "persona-test",
        abstract: "Whether PAL or Hard Prompt checkpoints use the persona: each example with a persona of its own scored with it, with another conversation's and with none, paired, with a bootstrap interval over conversations.",
        discussion: "Example, three training seeds of PAL on the test split: paltrain persona-test runs/pal-seed{1,2,3}/last.h5 --pesconv runs/pesconv.json --output runs/persona-test. "
            + "Δ is the NLL per target token with the other persona minus with the own (nats; exp Δ is the perplexity ratio); "
            + "an interval above 0 says the model scores the gold replies better with their own persona. "
            + "--limit applies before the examples without a persona are left out; the split seed also seeds the bootstrap.")

    @Argument(help: "PAL or Hard Prompt checkpoints (e.g. one per training seed); a row each, and their mean.")
    var checkpoints: [String]

    @OptionGroup var examples: SplitOptions

    @Option(help: "Examples per batch.")
    var batchSize = 32

    @Option(help: "Bootstrap draws of whole conversations.")
    var resamples = 10_000

    @Option(help: "A folder to write metrics.json and table.md into.")
    var output: String?

    func validate() throws {
        guard !checkpoints.isEmpty else { throw ValidationError("give at least one checkpoint") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard resamples >= 100 else { throw ValidationError("--resamples must be at least 100 for a 95% interval, got \(resamples)") }
    }

    func run() throws {
        try PersonaUseTest(checkpoints: checkpoints, split: examples.evaluationSplit, batchSize: batchSize, resamples: resamples,
                           output: output.map { URL(fileURLWithPath: $0) }).run()
    }
}
