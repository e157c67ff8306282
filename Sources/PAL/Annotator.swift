// Annotator: PESConv made with our persona extractor (PAL-SPEC §1, §3). For every seeker turn from
// the 3rd on, the extractor reads that seeker's utterances so far (joined with " <sep> ") and
// generates persona sentences; a post-filter drops "my favorite color is" / "my favorite band"
// sentences and those of fewer than 2 or more than 25 words. Each `persona_list` entry is inferred
// afresh from its own input (nothing carries over from the entry before, as in the reference);
// `persona` is what the extractor infers from all seeker utterances.
import Foundation
import Models
import NN
import TensorCore
import TextData

/// How the post-filter treats the generated persona sentences.
public enum PersonaFilter: String, CaseIterable, Sendable {
    /// Every sentence is checked, on whitespace-normalised text (words = non-empty runs between
    /// spaces). The default: it does what the reference's filter means to do.
    case corrected
    /// The reference's `filter_persona` exactly (PAL-SPEC §3): it removes items from the list it is
    /// iterating over, so the item after a removed one is never checked, and it counts words with
    /// Python's `split(' ')` on unstripped segments (a leading or trailing space counts as a word).
    /// This is what shaped the published PESConv (it holds 1-word and 26-word sentences).
    case reference
}

public struct Annotator {
    public let model: Seq2SeqLM
    public let tokenizer: Tokenizer
    public var generation: GenerationConfig
    public var filter: PersonaFilter
    /// Rows per generation batch.
    public var batchSize = 64
    /// Longest extractor input in tokens; the first tokens are kept (as HF's truncation does).
    public var maxSourceLength: Int

    public init(model: Seq2SeqLM, tokenizer: Tokenizer, generation: GenerationConfig, filter: PersonaFilter = .corrected) {
        self.model = model
        self.tokenizer = tokenizer
        self.generation = generation
        self.filter = filter
        maxSourceLength = min(512, model.config.maxPositionEmbeddings)
    }

    /// The reference's decoding (`generate_text` in persona_extractor/train_bart.py): the checkpoint's
    /// own generation settings (HF's defaults when it carries none) with `beams` beams, early stopping
    /// and at most `maxLength` tokens, the start token included, as the reference passes them.
    /// `overrides` (HF generation keys) change the checkpoint's settings first, e.g. give a
    /// from-scratch checkpoint, which carries none, bart-large-cnn's `no_repeat_ngram_size` 3.
    public static func referenceDecoding(for config: Seq2SeqConfig, beams: Int, maxLength: Int,
                                         overrides: [String: Any] = [:]) throws -> GenerationConfig {
        for key in ["num_beams", "max_length", "early_stopping", "do_sample"] where overrides[key] != nil {
            throw DataError(file: "--generation", field: key, "set by the reference's call (use --beams and --max-length)")
        }
        // Beam search keeps the 2 × beams best continuations of each step: the vocabulary must hold them.
        guard beams >= 1, 2 * beams <= config.vocabSize else {
            throw DataError(file: "--beams", "\(beams) beams: expected 1 to \(config.vocabSize / 2) (half this model's vocabulary of \(config.vocabSize))")
        }
        guard maxLength >= 2 else { throw DataError(file: "--max-length", "\(maxLength): expected at least 2 (the start token and one more)") }
        var settings = try (config.generation ?? GenerationConfig()).overriding(overrides)
        settings.numBeams = beams
        settings.maxLength = maxLength
        settings.earlyStopping = .true
        settings.doSample = false
        return settings
    }

    // MARK: - The post-filter

    /// The generated text with the tokens the reference strips, split at `<persona>` (unstripped).
    static func segments(_ generated: String) -> [String] {
        generated.replacingOccurrences(of: "</s>", with: "").replacingOccurrences(of: "<s>", with: "")
            .replacingOccurrences(of: "<pad>", with: "")
            .components(separatedBy: PALTokens.persona)
    }

    /// Whether the reference's three tests drop `segment`, counting words with `count`.
    private static func dropped(_ segment: String, words count: Int) -> Bool {
        let lower = segment.lowercased()
        return lower.contains("my favorite color is") || lower.contains("my favorite band") || count < 2 || count > 25
    }

    /// The sentences of generated text the post-filter keeps, whitespace-normalised, empty ones left out.
    public static func filteredSentences(_ generated: String, filter: PersonaFilter = .corrected) -> [String] {
        switch filter {
        case .corrected:
            return segments(generated).map(normalizeWhitespace).filter { !dropped($0, words: $0.split(separator: " ").count) }
        case .reference:
            return referenceFilter(segments(generated)).map(normalizeWhitespace).filter { !$0.isEmpty }
        }
    }

    /// `for j in infer_res: if …: infer_res.remove(j)` as Python runs it: the loop walks an index
    /// over the list as it shrinks, and `remove` deletes the first element equal to `j`; words are
    /// `len(j.split(' '))`, so `" a b "` has 4 and `""` has 1.
    static func referenceFilter(_ segments: [String]) -> [String] {
        var list = segments
        var index = 0
        while index < list.count {
            let item = list[index]
            if dropped(item, words: item.components(separatedBy: " ").count), let first = list.firstIndex(of: item) {
                list.remove(at: first)
            }
            index += 1
        }
        return list
    }

    /// A persona entry as PESConv writes it: `<persona> a <persona> b <input>`, or `<input>` when empty.
    public static func entry(_ sentences: [String]) -> String { PersonaEntry.make(sentences) }

    // MARK: - Annotating

    /// `conversations` with `persona` and `persona_list` filled in by the extractor.
    public func annotate(_ conversations: [Conversation], progress: (Int, Int) -> Void = { _, _ in }) -> [Conversation] {
        Self.annotate(conversations) { personaSentences($0, progress: progress) }
    }

    /// `conversations` with `persona` and `persona_list` filled in from `infer`, which gets every
    /// extractor input at once (seeker utterances 1…k+3 for entry k, and all of them for `persona`)
    /// and returns each one's persona sentences. Entry k holds exactly what was inferred from its
    /// own input: nothing is carried over from earlier entries (PAL-SPEC §1).
    public static func annotate(_ conversations: [Conversation], infer: ([String]) -> [[String]]) -> [Conversation] {
        var requests: [(conversation: Int, turns: Int)] = []
        var ranges: [Range<Int>] = []
        for (c, conversation) in conversations.enumerated() {
            let n = conversation.seekerTurnCount, first = requests.count
            if n > 0 { requests += (min(3, n)...n).map { (c, $0) } }
            ranges.append(first..<requests.count)
        }
        let generated = infer(requests.map { ExtractorPairs.seekerSource(conversations[$0.conversation], firstSeekerTurns: $0.turns) })
        precondition(generated.count == requests.count, "annotate: \(generated.count) results for \(requests.count) inputs")
        var annotated = conversations
        for (c, range) in ranges.enumerated() {
            annotated[c].personaList = range.filter { requests[$0].turns >= 3 }.map { entry(generated[$0]) }
            annotated[c].persona = range.last.map { entry(generated[$0]) } ?? PALTokens.noPersona
        }
        return annotated
    }

    /// The filtered persona sentences the extractor generates for each source text (seeker
    /// utterances joined with " <sep> "), in order; `progress` gets (done, total) after each batch.
    public func personaSentences(_ texts: [String], progress: (Int, Int) -> Void = { _, _ in }) -> [[String]] {
        let sources = texts.enumerated().map { i, text -> EncodedExample in
            ExampleEncoder.encode(ExtractorPair(source: text, target: "", dialogue: i, speaker: .first), tokenizer: tokenizer, maxLength: maxSourceLength)
        }
        // Longest first, in batches, so padding is small; results go back to request order.
        let order = sources.indices.sorted { sources[$0].inputIds.count > sources[$1].inputIds.count }
        var generated = [[String]](repeating: [], count: sources.count)
        // Beam search holds batch × beams rows; keep that near `batchSize` rows.
        let rowsPerBatch = max(1, batchSize / max(1, generation.numBeams))
        for start in stride(from: 0, to: order.count, by: rowsPerBatch) {
            let rows = Array(order[start..<min(start + rowsPerBatch, order.count)])
            let batch = Batcher.collate(sources, indices: rows, padId: tokenizer.padId)
            let inputs = Seq2SeqInputs(inputIds: IndexTensor(shape: [rows.count, batch.inputLength], values: batch.inputIds),
                                       attentionMask: IndexTensor(shape: [rows.count, batch.inputLength], values: batch.attentionMask),
                                       decoderInputIds: IndexTensor(shape: [rows.count, 1], values: [Int32](repeating: Int32(model.config.decoderStartTokenId), count: rows.count)))
            let outputs = Generator.generate(model: model, inputs: inputs, config: generation)
            for (row, ids) in zip(rows, outputs) {
                generated[row] = Self.filteredSentences(tokenizer.decode(ids, skipSpecialTokens: false), filter: filter)
            }
            progress(min(start + rowsPerBatch, order.count), order.count)
        }
        return generated
    }
}
