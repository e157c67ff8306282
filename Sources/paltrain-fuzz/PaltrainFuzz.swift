// paltrain-fuzz: the fuzz harness's command line: long seeded runs of the structured mutator, replays of
// kept inputs, the seed corpus and dictionary for libFuzzer, and (in the build `make fuzz` makes, with
// -sanitize=fuzzer,address) libFuzzer itself on one target.
import ArgumentParser
import Foundation
import Fuzzing

extension FuzzTarget: ExpressibleByArgument {}

@main
struct PaltrainFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paltrain-fuzz",
        abstract: "Fuzz paltrain's readers: every input must give a value or an error naming the file, never a crash or a hang.",
        subcommands: [Run.self, Replay.self, Seeds.self, LibFuzzer.self])
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mutate each target's seeds for a while; exits 1 on a violation.")

    @Argument(help: "Targets (\(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))); all when none.")
    var targets: [FuzzTarget] = []
    @Option(help: "Seconds per target.") var seconds: Double = 60
    @Option(help: "Stop a target after this many inputs (replays a violation's iteration with its seed).") var iterations: Int = .max
    @Option(help: "Seed of the mutations (default: from the clock, printed).") var seed: UInt64?
    @Option(help: "Where inputs and violations are kept.") var directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-fuzz").path

    func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)  // each line reaches a log file at once: the input file's name must survive a crash
        let seed = self.seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        var violations = 0
        for target in targets.isEmpty ? FuzzTarget.allCases : targets {
            let report = try FuzzSession.run(target, budget: FuzzBudget(seed: seed, seconds: seconds, iterations: iterations),
                                             directory: URL(fileURLWithPath: directory).appendingPathComponent(target.rawValue)) { print($0) }
            let shown = 400
            for (signature, example) in report.outcomes.sorted(by: { $0.key < $1.key }).prefix(shown) {
                print("  \(signature.prefix(160))\n    e.g. \(example.prefix(300))")
            }
            if report.outcomes.count > shown { print("  … and \(report.outcomes.count - shown) more outcomes") }
            violations += report.violations.count
        }
        if violations > 0 { throw ExitCode(1) }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read kept inputs again and say what the reader did.")

    @Argument(help: "The target the inputs are for.") var target: FuzzTarget
    @Argument(help: "Input files (a violation-N file, libFuzzer's crash-…, the input file of a run that died).") var files: [String]

    func run() throws {
        for path in files { print("\(path): \(try FuzzSession.replay(target, file: URL(fileURLWithPath: path)))") }
    }
}

struct Seeds: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a target's seed inputs into a folder and its tokens as a libFuzzer dictionary.")

    @Argument(help: "The target.") var target: FuzzTarget
    @Argument(help: "The corpus folder (created).") var folder: String
    @Option(help: "The dictionary file for -dict=.") var dictionary: String

    func run() throws {
        let url = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (index, seed) in target.seeds.enumerated() {
            try Data(seed).write(to: url.appendingPathComponent("seed-\(index).\(target.fileExtension)"))
        }
        // libFuzzer's dictionary format: one quoted entry a line, bytes outside printable ASCII as \xNN.
        let entries = target.grammar.tokens.map { token in
            "\"" + token.map { byte in
                (0x20..<0x7F).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                    ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
            }.joined() + "\""
        }
        try (entries.joined(separator: "\n") + "\n").write(toFile: dictionary, atomically: true, encoding: .utf8)
    }
}

struct LibFuzzer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "libfuzzer",
        abstract: "Run libFuzzer on one target (only in the build `make fuzz` makes); the other arguments go to libFuzzer.")

    @Argument(help: "The target.") var target: FuzzTarget
    @Argument(parsing: .captureForPassthrough, help: "libFuzzer's arguments: corpus folders and -flags.") var arguments: [String] = []

    func run() throws {
        #if PALTRAIN_LIBFUZZER
        throw ExitCode(runLibFuzzer(target, arguments: arguments))
        #else
        throw ValidationError("this paltrain-fuzz was built without libFuzzer: run `make fuzz`, which builds it with -sanitize=fuzzer,address")
        #endif
    }
}
