// `paltrain data stats`: what the installed data holds and what the toolkit makes of it, per split.
// `paltrain data export`: a recipe's encoded examples and batch order, for an independent trainer.
import ArgumentParser
import Foundation
import PAL
import TextData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Inspect the installed datasets.", subcommands: [Stats.self, Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a recipe's encoded train and validation examples, batch order and settings as JSON "
                + "(for scripts/train_torch_reference.py; layout in Sources/PAL/ExampleExport.swift).")

        @Option(help: "The recipe (YAML).")
        var recipe: String

        @Option(name: .customLong("set"), help: "Override a recipe key, e.g. --set training.epochs=1 (repeatable).")
        var assignments: [String] = []

        @Option(help: "pal, joint or hard-prompt (overrides variant).")
        var variant: InputFormat?

        @Option(name: .shortAndLong, help: "The JSON file to write.")
        var output: String

        func run() throws {
            var loaded = try Recipe.load(URL(fileURLWithPath: recipe))
            try loaded.override(assignments + (variant.map { ["variant=\($0.rawValue)"] } ?? []))
            let counts = try ExampleExport.write(loaded, to: URL(fileURLWithPath: output))
            print("wrote \(output): \(counts.train) train and \(counts.valid) validation examples, \(loaded.training.epochs) epochs of batches")
            for note in counts.notes { print("  " + note) }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Conversations, utterances, strategies and examples per split, and anything skipped and why.")

        @Option(help: "The data folder that `make data` fills.")
        var data = "data"

        @Option(help: "`default` (the paper's split, seed 13) or `seed-N` for another seeded 7:2:1 split.")
        var split = "default"

        func validate() throws {
            guard split == "default" || (split.hasPrefix("seed-") && UInt64(split.dropFirst(5)) != nil) else {
                throw ValidationError("--split must be `default` or `seed-N` with N a non-negative integer, got `\(split)`")
            }
        }

        func run() throws {
            let root = URL(fileURLWithPath: data)
            let seed = split == "default" ? DataSplit.papersSeed : UInt64(split.dropFirst(5))!
            let corpus = try ESConvCorpus.load(data: root)
            let parts = corpus.parts(split == "default" ? try corpus.papersSplit() : corpus.split(seed: seed))
            let names = ["train", "valid", "test"]
            let columns = [parts.train, parts.valid, parts.test]
            print("ESConv (\(root.path)/esconv): \(corpus.conversations.count) conversations, "
                  + "\(corpus.conversations.reduce(0) { $0 + $1.turns.count }) utterances; split \(split) "
                  + "(\(split == "default" ? "the paper's, " : "")seed \(seed), 7:2:1 by conversation)")
            for note in corpus.notes { print("  " + note) }
            print(Self.row("", names))
            print(Self.row("conversations", columns.map { "\($0.count)" }))
            print(Self.row("utterances", columns.map { "\($0.reduce(0) { $0 + $1.turns.count })" }))
            print(Self.row("  seeker", columns.map { "\($0.reduce(0) { $0 + $1.seekerTurnCount })" }))
            for strategy in Strategy.allCases {
                print(Self.row("  \(strategy.token)", columns.map { c in "\(c.reduce(0) { $0 + $1.turns.filter { $0.strategy == strategy }.count })" }))
            }
            print(Self.row("with PESConv persona", columns.map { "\($0.filter { $0.personaList != nil }.count)" }))
            for rule in ExampleTurns.allCases {
                let counts = try columns.map { try DialogueExamples.make(from: $0, file: "", turns: rule, persona: .seekerUtterances).examples.count }
                print(Self.row("examples, \(rule.rawValue)", counts.map(String.init)))
            }
            print("  (one example per supporter turn, the same count for the pal, joint and hard-prompt variants;"
                  + " pal and hard-prompt need persona annotations: conversations without them need `paltrain annotate`)")
            try personaChatStats(root)
        }

        private func personaChatStats(_ root: URL) throws {
            print("PERSONA-CHAT (persona-extractor pairs: one per speaker with utterances and a known persona)")
            let dir = root.appendingPathComponent("personachat")
            let sources: [(String, () throws -> PersonaChatReadResult)] = [
                ("train: RCDG sample + jwlyn personas", {
                    try PersonaChatReader.readRCDG(directory: dir.appendingPathComponent("songhaoyu_RCDG"),
                                                   jwlynTrain: dir.appendingPathComponent("jwlyn_convai2neo4j/train.txt"))
                }),
                ("train: Xpersona En_persona_valid", { try PersonaChatReader.readXpersona(dir.appendingPathComponent("En_persona_valid.json")) }),
                ("valid: valid.csv", { try PersonaChatReader.readCSV(dir.appendingPathComponent("valid.csv")) }),
                ("test: test.csv", { try PersonaChatReader.readCSV(dir.appendingPathComponent("test.csv")) }),
            ]
            for (name, read) in sources {
                let result = try read()
                let (pairs, report) = ExtractorPairs.make(from: result.dialogues)
                print("  \(name): \(result.dialogues.count) dialogues, \(result.utteranceCount) utterances, \(pairs.count) pairs")
                for line in result.skipped.lines + report.lines { print("    " + line) }
            }
        }

        private static func row(_ label: String, _ cells: [String]) -> String {
            label.padding(toLength: 34, withPad: " ", startingAt: 0) + cells.map { String(repeating: " ", count: max(0, 8 - $0.count)) + $0 }.joined()
        }
    }
}
