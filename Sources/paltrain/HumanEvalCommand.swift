// `paltrain human-eval serve|report`: the paper's human evaluations as a local web study — people
// chat with two models side by side and judge six aspects (§4.5, Table 4), or review inferred
// personas (§4.1) — and the report: win/tie/lose with the sign test, Fleiss' κ (docs/human-eval.md).
// `serve` runs the study server, its own program (Sources/paltrain-study).
import ArgumentParser
import Foundation
import HumanEval
import TextData

struct HumanEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "human-eval", abstract: "Human evaluation as in the paper: a local web study, and its report.",
        subcommands: [Serve.self, Report.self])
}

extension HumanEvalCommand {
    /// Runs `paltrain-study`, the study server, built next to this program, in place of this process
    /// (so Ctrl-C and signals reach the server itself) with the same arguments, `--help` included.
    struct Serve: ParsableCommand {
        static let program = "paltrain-study"

        static let configuration = CommandConfiguration(
            abstract: "Serve a pairwise chat study (--models) and/or a persona review (--personas) on this machine.",
            discussion: "The server is the program \(program), built beside paltrain by `make study` (`make test` builds it too); "
                + "this runs it with the same arguments. `paltrain human-eval serve --help` lists its options.",
            helpNames: [])

        @Argument(parsing: .captureForPassthrough, help: "The study server's options (--help lists them).")
        var arguments: [String] = []

        /// Where the study server must be: beside this program's own file.
        static var programPath: String {
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(program).path
        }

        func run() throws {
            let path = Self.programPath
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw FileError(path: path, "not built: the study server is a program of its own; build it with `make study` "
                                + "(swift build -c release --product \(Self.program)), then run this command again")
            }
            let argv = ([path] + arguments).map { strdup($0) } + [nil]
            execv(path, argv)
            throw FileError(path: path, "could not be started: \(String(cString: strerror(errno)))")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Table 4 from a study folder: win/tie/lose per model pair and aspect with the sign test; Fleiss' κ of the persona review.",
            discussion: "Writes report.md, report.json and one SVG bar chart per aspect, and prints the Markdown.")

        @Argument(help: "The --study folder of `human-eval serve`.")
        var study: String

        @Option(help: "Where to write the report (default: STUDY/report).")
        var output: String?

        @Flag(help: "Leave out every record of a participant who failed an attention check (they are listed either way).")
        var excludeFlagged = false

        func run() throws {
            let report = try StudyReport.make(folder: URL(fileURLWithPath: study), excludeFlagged: excludeFlagged)
            let files = try report.write(to: URL(fileURLWithPath: output ?? study + "/report"))
            print(report.markdown)
            print("wrote " + files.map(\.path).joined(separator: ", "))
        }
    }
}
