// Annotator: PESConv made with our persona extractor (PAL-SPEC §1, §3). For every seeker turn from
// the 3rd on, the extractor reads that seeker's utterances so far (joined with " <sep> ") and
// generates persona sentences; the reference's filter drops "my favorite color is" / "my favorite
// band" sentences and those of fewer than 2 or more than 25 words; sentences accumulate (once
// inferred, a sentence stays). `persona` is what the extractor infers from all seeker utterances.
import Foundation
import Models
import NN
import TensorCore
import TextData

public struct Annotator {
    public let model: Seq2SeqLM
    public let tokenizer: Tokenizer
    public var generation: GenerationConfig
    /// Rows per generation batch.
    public var batchSize = 64
    /// Longest extractor input in tokens; the first tokens are kept (as HF's truncation does).
    public var maxSourceLength: Int

    public init(model: Seq2SeqLM, tokenizer: Tokenizer, generation: GenerationConfig) {
        self.model = model
        self.tokenizer = tokenizer
        self.generation = generation
        maxSourceLength = min(512, model.config.maxPositionEmbeddings)
    }

    /// The reference's post-filter: the sentences of generated text worth keeping.
    public static func filteredSentences(_ generated: String) -> [String] {
        let text = generated.replacingOccurrences(of: "</s>", with: "").replacingOccurrences(of: "<s>", with: "")
            .replacingOccurrences(of: "<pad>", with: "")
        return text.components(separatedBy: PALTokens.persona).map(normalizeWhitespace).filter { sentence in
            let lower = sentence.lowercased()
            let words = sentence.split(separator: " ").count
            return !lower.contains("my favorite color is") && !lower.contains("my favorite band") && words >= 2 && words <= 25
        }
    }

    /// A persona entry as PESConv writes it: `<persona> a <persona> b <input>`, or `<input>` when empty.
    public static func entry(_ sentences: [String]) -> String {
        sentences.isEmpty ? PALTokens.noPersona
            : sentences.map { "\(PALTokens.persona) \($0)" }.joined(separator: " ") + " \(PALTokens.noPersona)"
    }

    /// `conversations` with `persona` and `persona_list` filled in by the extractor.
    public func annotate(_ conversations: [Conversation], progress: (Int, Int) -> Void = { _, _ in }) -> [Conversation] {
        // Every (conversation, seeker-turn count) the extractor reads: k = 3…n, and n for `persona`.
        var requests: [(conversation: Int, turns: Int)] = []
        var ranges: [Range<Int>] = []
        for (c, conversation) in conversations.enumerated() {
            let n = conversation.seekerTurnCount, first = requests.count
            if n > 0 { requests += (min(3, n)...n).map { (c, $0) } }
            ranges.append(first..<requests.count)
        }
        let generated = personaSentences(requests.map { ExtractorPairs.seekerSource(conversations[$0.conversation], firstSeekerTurns: $0.turns) },
                                         progress: progress)
        var annotated = conversations
        for (c, range) in ranges.enumerated() {
            var accumulated: [String] = [], list: [String] = []
            for i in range where requests[i].turns >= 3 {
                for sentence in generated[i] where !accumulated.contains(sentence) { accumulated.append(sentence) }
                list.append(Self.entry(accumulated))
            }
            annotated[c].persona = range.last.map { Self.entry(generated[$0]) } ?? PALTokens.noPersona
            annotated[c].personaList = list
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
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let rows = Array(order[start..<min(start + batchSize, order.count)])
            let batch = Batcher.collate(sources, indices: rows, padId: tokenizer.padId)
            let inputs = Seq2SeqInputs(inputIds: IndexTensor(shape: [rows.count, batch.inputLength], values: batch.inputIds),
                                       attentionMask: IndexTensor(shape: [rows.count, batch.inputLength], values: batch.attentionMask),
                                       decoderInputIds: IndexTensor(shape: [rows.count, 1], values: [Int32](repeating: Int32(model.config.decoderStartTokenId), count: rows.count)))
            let outputs = Generator.generate(model: model, inputs: inputs, config: generation)
            for (row, ids) in zip(rows, outputs) {
                generated[row] = Self.filteredSentences(tokenizer.decode(ids, skipSpecialTokens: false))
            }
            progress(min(start + batchSize, order.count), order.count)
        }
        return generated
    }
}
