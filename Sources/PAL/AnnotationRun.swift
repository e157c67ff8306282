// AnnotationRun: what `paltrain annotate` does — a persona extractor over ESConv's conversations (all
// 1,300, or only PAL's test ones for a quick measurement), PESConv written and read back as strictly
// as training reads it, and its agreement with the published annotations beside the copy baseline.
import Evaluation
import Foundation
import Models
import TensorCore
import TextData
import Training

extension Annotator {
    /// The persona extractor at `checkpoint` with its tokenizer, decoding as the reference does
    /// (`referenceDecoding`) with `beams` beams (1 = greedy), `maxLength` tokens and `overrides`.
    public static func load(extractor checkpoint: String, data: URL, beams: Int, maxLength: Int, filter: PersonaFilter = .corrected,
                            overrides: [String: Any] = [:]) throws -> Annotator {
        let (model, tokenizer, _, _) = try ModelCheckpoint.loadWithTokenizer(URL(fileURLWithPath: checkpoint), data: data)
        guard model.config.format == .extractor else {
            throw DataError(file: checkpoint, "not a persona extractor (format \(model.config.format.rawValue))")
        }
        let generation = try referenceDecoding(for: model.config, beams: beams, maxLength: maxLength, overrides: overrides)
        return Annotator(model: model, tokenizer: tokenizer, generation: generation, filter: filter)
    }
}

public enum AnnotationRun {
    /// Which conversations to annotate.
    public enum Scope: String, CaseIterable, Sendable {
        /// All 1,300 (what PAL trains on).
        case all
        /// PAL's 130 test conversations only: the agreement figures in a tenth of the time (the file
        /// written then holds only those, so PAL cannot train on it).
        case test
    }

    /// Annotates the conversations of `scope` (the first `limit` in ESConv.json order when positive)
    /// with `annotator`, writes PESConv to `output`, reads it back strictly, and prints progress, what
    /// was written and the agreement report through `log`.
    public static func run(_ annotator: Annotator, data: URL, scope: Scope, limit: Int, output: URL, log: (String) -> Void) throws {
        let start = Date()
        try FileAccess.checkOutputFile(output)  // now, not after the annotation
        let g = annotator.generation
        log("decoding: \(g.numBeams) beam(s), max_length \(g.maxLength), min_length \(g.minLength), length_penalty \(g.lengthPenalty), "
            + "no_repeat_ngram_size \(g.noRepeatNgramSize), early_stopping \(g.earlyStopping), forced_bos \(g.forcedBosTokenId.map(String.init) ?? "-"), "
            + "settings from \(annotator.model.config.generation == nil ? "HF defaults (the checkpoint carries none)" : "the checkpoint"); filter \(annotator.filter.rawValue)")
        let corpus = try ESConvCorpus.load(data: data)
        for note in corpus.notes { log("  " + note) }
        let split = corpus.split(seed: DataSplit.papersSeed)
        var chosen = Array(corpus.conversations.indices)
        if scope == .test { chosen = split.test.sorted() }
        if limit > 0 { chosen = Array(chosen.prefix(limit)) }
        let annotatedChosen = annotator.annotate(chosen.map { corpus.conversations[$0] }) { done, total in
            if done == total || done % (annotator.batchSize * 20) < max(1, annotator.batchSize / annotator.generation.numBeams) {
                log("  \(done)/\(total) extractor inputs " + String(format: "(%.0f s)", Date().timeIntervalSince(start)))
            }
        }
        if OpProfiler.isEnabled { FileHandle.standardError.write(Data((OpProfiler.report(steps: 1) + "\n").utf8)) }
        try PESConvWriter.write(annotatedChosen, to: output)
        // Read it back as strictly as training will: persona_list must have seeker turns − 2 entries.
        let check = try ESConvReader().read(output)
        let entries = check.conversations.reduce(0) { $0 + ($1.personaList?.count ?? 0) }
        log("wrote \(output.relativePath): \(check.conversations.count) conversations, \(entries) persona_list entries, "
            + "\(AnnotationReport.distinctSentences(check.conversations)) distinct persona sentences "
            + String(format: "(%.0f s)", Date().timeIntervalSince(start)))
        if chosen.count < corpus.conversations.count {
            log("  (only \(chosen.count) of \(corpus.conversations.count) conversations: PAL cannot train on this file)")
        }

        // Ours in ESConv.json order; conversations not annotated carry no persona (left out of the comparison).
        var ours = corpus.conversations.map { c -> Conversation in var c = c; c.persona = nil; c.personaList = nil; return c }
        for (index, conversation) in zip(chosen, annotatedChosen) { ours[index] = conversation }
        let nltk = try NLTKTokenizer(nltkData: data.appendingPathComponent("nltk_data"))
        log(AnnotationReport.make(ours: ours, published: corpus.conversations, split: split, tokenizer: nltk).text())
    }
}
