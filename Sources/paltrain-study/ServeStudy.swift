// paltrain-study: the human-evaluation web study (`paltrain human-eval serve` runs this program). It is
// a program of its own so that `paltrain`, which the demo builds, does not compile the web server's
// packages (Hummingbird and SwiftNIO: about half of a fresh release build).
import ArgumentParser
import CommandOptions
import Foundation
import HumanEval
import HumanEvalServer
import PAL
import TextData

struct ServeStudy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paltrain human-eval serve",
        abstract: "Serve a pairwise chat study (--models) and/or a persona review (--personas) on this machine.",
        discussion: "Prints the participants' address and the admin address with its token. Every turn, judgement and rating is appended "
            + "to the --study folder's JSON-lines files as it happens; stop with Ctrl-C and start again with the same options to go on. "
            + "This is the program paltrain-study, which `paltrain human-eval serve` runs.")

    @Option(parsing: .upToNextOption, help: "Two or more NAME=CHECKPOINT (PAL, Joint or Hard Prompt); every pair is compared, NAMEs are never shown to participants.")
    var models: [String] = []

    @Option(help: "A persona extractor checkpoint: the persona PAL reads (without one PAL runs with an empty persona).")
    var extractor: String?

    @Option(help: "The study folder: records, settings and the pseudonym key (created when missing).")
    var study: String

    @Option(help: "A PESConv file (e.g. from `paltrain annotate`): serve a persona review of its inferred personas.")
    var personas: String?

    @Option(help: "Personas sampled for the review.")
    var sample = 100

    @Option(help: "Raters each sampled persona gets.")
    var raters = 3

    @Option(help: "Personas in one participant's review session.")
    var itemsPerSession = 20

    @Option(help: "A JSON file of attention checks (docs/human-eval.md) instead of the built-in ones.")
    var attentionChecks: String?

    @Option(help: "Turns a participant chats before judging.")
    var minTurns = 5

    @Option(help: "Longest seeker message, in characters.")
    var maxMessageChars = Limits.messageCharacters

    @Flag(help: "Show each system's inferred persona under its replies (as the paper's chat front-end does).")
    var showPersona = false

    @Flag(help: "Show the strategy each system chose under its replies.")
    var showStrategy = false

    @Option(help: "The address to listen on; anything but loopback lets other machines reach the study.")
    var host = "127.0.0.1"

    @Option(help: "The port (0: any free one).")
    var port = 8080

    @Option(help: "Orders the situations and persona sample; sampling seeds start here too.")
    var studySeed: UInt64 = 13

    @OptionGroup var replyOptions: ReplyOptions

    @OptionGroup var crisis: CrisisGuardOptions

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    func validate() throws {
        guard !models.isEmpty || personas != nil else { throw ValidationError("name --models NAME=CHECKPOINT … (a chat study) or --personas FILE (a persona review), or both") }
        guard models.isEmpty || models.count >= 2 else { throw ValidationError("--models needs at least two NAME=CHECKPOINT to compare") }
        guard minTurns >= 1, maxMessageChars >= 1, sample >= 1, raters >= 1, itemsPerSession >= 1 else {
            throw ValidationError("--min-turns, --max-message-chars, --sample, --raters and --items-per-session are at least 1")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port is 0 to 65535, got \(port)") }
        _ = try systems()
    }

    /// `--models` as named checkpoints: names of letters, digits, `-`, `_` and `.`, each once.
    func systems() throws -> [PairwiseStudy.System] {
        let named = try models.map { entry -> PairwiseStudy.System in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty, (1...40).contains(parts[0].count),
                  parts[0].unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }) else {
                throw ValidationError("--models takes NAME=CHECKPOINT (NAME: up to 40 letters, digits, -, _ or .), got \(entry)")
            }
            return PairwiseStudy.System(name: parts[0], checkpoint: parts[1])
        }
        guard Set(named.map(\.name)).count == named.count else { throw ValidationError("--models: each NAME once") }
        return named
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: study), dataURL = URL(fileURLWithPath: data)
        let log = try StudyLog(folder: folder)
        let checks = try attentionChecks.map { try AttentionChecks.load(URL(fileURLWithPath: $0)) } ?? .builtIn
        var pairwiseSettings: PairwiseStudy.Settings?, reviewSettings: PersonaReviewStudy.Settings?
        if !models.isEmpty {
            pairwiseSettings = PairwiseStudy.Settings(systems: try systems(), minTurns: minTurns, maxMessageCharacters: maxMessageChars,
                                                      showPersona: showPersona, showStrategy: showStrategy, seed: studySeed)
        }
        if let personas { reviewSettings = .init(personas: personas, sample: sample, raters: raters, itemsPerSession: itemsPerSession, seed: studySeed) }
        try StudyManifest(pairwise: pairwiseSettings, personaReview: reviewSettings, checks: checks).claim(folder: folder)

        var lines: [String] = []
        let pairwise = try pairwiseSettings.map { settings -> PairwiseStudy in
            var loaded: [String: DialogueModel] = [:]
            for system in settings.systems { loaded[system.name] = try DialogueModel(checkpoint: system.checkpoint, data: dataURL) }
            let annotator = try extractor.map { try Annotator.load(extractor: $0, data: dataURL, beams: 1, maxLength: 64) }
            let (guardrail, layers) = try crisis.load()
            let situations = try PairwiseStudy.situations(data: dataURL, seed: studySeed)
            let runtime = PairwiseStudy.Runtime(models: loaded, annotator: annotator, guardrail: guardrail, control: try replyOptions.control()) {
                [replyOptions] in replyOptions.config(for: $0, offset: $1)
            }
            lines.append("chat study: " + settings.systems.map { "\($0.name) (\(loaded[$0.name]!.format.rawValue), \($0.checkpoint))" }.joined(separator: ", ")
                         + "; pairs " + settings.pairs.map { $0.joined(separator: " vs ") }.joined(separator: ", ")
                         + "; \(situations.count) test-split situations; judged after \(minTurns) turns"
                         + (annotator == nil ? "; no extractor: PAL reads an empty persona" : "; persona from \(extractor!)"))
            lines.append(layers)
            return try PairwiseStudy(settings: settings, runtime: runtime, situations: situations, checks: checks.pairwise, log: log)
        }
        let review = try reviewSettings.map { settings -> PersonaReviewStudy in
            let url = URL(fileURLWithPath: settings.personas)
            let conversations = try ESConvReader(personaListPolicy: .lenient).read(url).conversations
            let items = try PersonaReviewStudy.items(from: conversations, count: settings.sample, seed: settings.seed, checks: checks.persona, file: settings.personas)
            lines.append("persona review: \(settings.sample) personas of \(settings.personas), \(settings.raters) raters each, \(settings.itemsPerSession) a session")
            return try PersonaReviewStudy(settings: settings, items: items, log: log)
        }
        let server = StudyServer(folder: folder, pairwise: pairwise, review: review, pseudonyms: try Pseudonymizer.load(folder: folder))
        lines.append("attention checks: \(checks.pairwise.count) in each judgement, \(checks.persona.count) in each review session"
                     + (attentionChecks.map { " (from \($0))" } ?? " (built in)"))
        lines.forEach { print($0) }
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            print("warning: listening on \(host): other machines that reach it can open the study")
        }
        let (host, token) = (host, server.adminToken)
        try await server.run(host: host, port: port) { port in
            let base = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            print("participants: \(base)/\nadmin: \(base)/admin#token=\(token)\nrecording to \(folder.path); Ctrl-C stops")
        }
    }
}
