// `paltrain annotate --extractor <ckpt>`: PESConv made with our extractor for ESConv's conversations
// (all 1,300, or only PAL's test ones for a quick measurement), and how close it comes to the
// published annotations on PAL's test conversations, beside the copy baseline.
import ArgumentParser
import Evaluation
import Foundation
import Models
import PAL
import TensorCore
import TextData
import Training

extension PersonaFilter: ExpressibleByArgument {}

struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Infer the seeker's persona for every ESConv conversation with a trained extractor, write PESConv, and compare with the published annotations.")

    enum Conversations: String, ExpressibleByArgument, CaseIterable {
        /// All 1,300 (what PAL trains on).
        case all
        /// PAL's 130 test conversations only: the agreement figures in a tenth of the time (the file
        /// written then holds only those, so PAL cannot train on it).
        case test
    }

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
    var conversations = Conversations.all

    @Option(help: "Annotate only the first N conversations in ESConv.json order (0 = all), for quick runs.")
    var limit = 0

    @Option(help: "Decoder rows per generation batch (beams included).")
    var batchSize = 64

    func validate() throws {
        if beams < 1 { throw ValidationError("--beams must be at least 1") }
        if maxLength < 2 { throw ValidationError("--max-length must be at least 2 (the start token and one more)") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let start = Date()
        let dataURL = URL(fileURLWithPath: data)
        var annotator = try Self.loadExtractor(extractor, data: dataURL, beams: beams, maxLength: maxLength, filter: filter,
                                               overrides: try Self.parseOverrides(generationOverrides))
        annotator.batchSize = batchSize
        let g = annotator.generation
        print("decoding: \(g.numBeams) beam(s), max_length \(g.maxLength), min_length \(g.minLength), length_penalty \(g.lengthPenalty), "
              + "no_repeat_ngram_size \(g.noRepeatNgramSize), early_stopping \(g.earlyStopping), forced_bos \(g.forcedBosTokenId.map(String.init) ?? "-"), "
              + "settings from \(annotator.model.config.generation == nil ? "HF defaults (the checkpoint carries none)" : "the checkpoint"); filter \(filter.rawValue)")
        let corpus = try ESConvCorpus.load(data: dataURL)
        let split = DataSplit.pal(count: corpus.conversations.count)
        var chosen = Array(corpus.conversations.indices)
        if conversations == .test { chosen = split.test.sorted() }
        if limit > 0 { chosen = Array(chosen.prefix(limit)) }
        let annotatedChosen = annotator.annotate(chosen.map { corpus.conversations[$0] }) { done, total in
            if done == total || done % (annotator.batchSize * 20) < max(1, annotator.batchSize / annotator.generation.numBeams) {
                print("  \(done)/\(total) extractor inputs " + String(format: "(%.0f s)", Date().timeIntervalSince(start)))
            }
        }
        if OpProfiler.isEnabled { FileHandle.standardError.write(Data((OpProfiler.report(steps: 1) + "\n").utf8)) }
        let url = URL(fileURLWithPath: output)
        try PESConvWriter.write(annotatedChosen, to: url)
        // Read it back as strictly as training will: persona_list must have seeker turns − 2 entries.
        let check = try ESConvReader().read(url)
        let entries = check.conversations.reduce(0) { $0 + ($1.personaList?.count ?? 0) }
        print("wrote \(output): \(check.conversations.count) conversations, \(entries) persona_list entries, "
              + "\(AnnotationReport.distinctSentences(check.conversations)) distinct persona sentences "
              + String(format: "(%.0f s)", Date().timeIntervalSince(start)))
        if chosen.count < corpus.conversations.count {
            print("  (only \(chosen.count) of \(corpus.conversations.count) conversations: PAL cannot train on this file)")
        }

        // Ours in ESConv.json order; conversations not annotated carry no persona (left out of the comparison).
        var ours = corpus.conversations.map { c -> Conversation in var c = c; c.persona = nil; c.personaList = nil; return c }
        for (index, conversation) in zip(chosen, annotatedChosen) { ours[index] = conversation }
        let nltk = try NLTKTokenizer(nltkData: dataURL.appendingPathComponent("nltk_data"))
        print(AnnotationReport.make(ours: ours, published: corpus.conversations, split: split, tokenizer: nltk).text())
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

    /// The persona extractor at `checkpoint` with its tokenizer, decoding as the reference does
    /// (`Annotator.referenceDecoding`) with `beams` beams (1 = greedy) and `maxLength` tokens.
    static func loadExtractor(_ checkpoint: String, data: URL, beams: Int, maxLength: Int, filter: PersonaFilter = .corrected,
                              overrides: [String: Any] = [:]) throws -> Annotator {
        let (model, tokenizer, _) = try ModelCheckpoint.loadWithTokenizer(URL(fileURLWithPath: checkpoint), data: data)
        guard model.config.format == .extractor else {
            throw ValidationError("\(checkpoint) is not a persona extractor (format \(model.config.format.rawValue))")
        }
        let generation = try Annotator.referenceDecoding(for: model.config, beams: beams, maxLength: maxLength, overrides: overrides)
        return Annotator(model: model, tokenizer: tokenizer, generation: generation, filter: filter)
    }
}
