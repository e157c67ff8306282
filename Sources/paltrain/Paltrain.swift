// The root of the `paltrain` command tree.
import ArgumentParser
import TensorCore
import TextData

struct Paltrain: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "paltrain",
        abstract: "Train, run and evaluate PAL (persona-augmented emotional support conversation) on the CPU.",
        version: "paltrain \(version) (OpenBLAS core \(BLAS.coreName), \(Threading.threads) threads)",
        subcommands: [ExtractorCommand.self, Annotate.self, PALCommand.self, Eval.self, Plot.self, DataCommand.self, Tokenize.self, TokenizerCommand.self,
                      PersonaTest.self, Import.self, Export.self, Score.self, Generate.self, Chat.self, Guard.self, HumanEvalCommand.self, Metrics.self, Doctor.self, Bench.self]
    )
}

extension InputFormat: ExpressibleByArgument {}
