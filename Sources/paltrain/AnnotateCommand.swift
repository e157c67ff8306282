// `paltrain annotate --extractor <ckpt>`: the options of `AnnotationRun` — PESConv made with our
// extractor, and how close it comes to the published annotations beside the copy baseline.
import ArgumentParser
import Foundation
import PAL

extension PersonaFilter: ExpressibleByArgument {}
extension AnnotationRun.Scope: ExpressibleByArgument {}

struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Infer the seeker's persona for every ESConv conversation with a trained extractor, write PESConv, and compare with the published annotations.")

    @Option(help: "The persona extractor's checkpoint (e.g. runs/extractor-small/best.h5).")
    var extractor: String

    @Option(name: .shortAndLong, help: "The PESConv file to write (JSON lines).")
    var output = "data/pesconv.json"

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    @Option(help: "Beams (10 is the reference's; 1 is greedy decoding). Other decoding settings are the checkpoint's own generation config (HF defaults when it has none).")
    var beams = 10

    @Option(help: "Longest generated persona text, in tokens, the start token included (the reference's: 128).")
    var maxLength = 128

    @Option(name: .customLong("generation"),
            help: "Override one of the checkpoint's generation settings, HF key=value, e.g. --generation no_repeat_ngram_size=3 (repeatable; not num_beams or max_length).")
    var generationOverrides: [String] = []

    @Option(help: "The post-filter: corrected (every sentence checked, words counted on normalised text) or reference (the reference's filter_persona with its quirks, as the published PESConv was made).")
    var filter = PersonaFilter.corrected

    @Option(help: "Which conversations to annotate: all (what PAL trains on) or test (PAL's test conversations only, for a quick agreement measurement).")
    var conversations = AnnotationRun.Scope.all

    @Option(help: "Annotate only the first N conversations in ESConv.json order (0 = all), for quick runs.")
    var limit = 0

    @Option(help: "Decoder rows per generation batch (beams included).")
    var batchSize = 64

    func validate() throws {
        if beams < 1 { throw ValidationError("--beams must be at least 1") }
        if maxLength < 2 { throw ValidationError("--max-length must be at least 2 (the start token and one more)") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if limit < 0 { throw ValidationError("--limit is 0 (every conversation) or a positive count, got \(limit)") }
    }

    func run() throws {
        let dataURL = URL(fileURLWithPath: data)
        var annotator = try Annotator.load(extractor: extractor, data: dataURL, beams: beams, maxLength: maxLength, filter: filter,
                                           overrides: try Self.parseOverrides(generationOverrides))
        annotator.batchSize = batchSize
        try AnnotationRun.run(annotator, data: dataURL, scope: conversations, limit: limit, output: URL(fileURLWithPath: output)) { print($0) }
    }

    /// `key=value` pairs, each value read as JSON (a number, true/false, a list) or else as a string.
    static func parseOverrides(_ assignments: [String]) throws -> [String: Any] {
        var overrides: [String: Any] = [:]
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw ValidationError("--generation \(assignment): expected key=value, e.g. no_repeat_ngram_size=3")
            }
            let text = String(assignment[assignment.index(after: eq)...])
            overrides[String(assignment[..<eq])] = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
        }
        return overrides
    }
}
