// LineScorer: what `paltrain score` does with each JSON line of stdin — the text (or, with ids, the
// token ids) built into the model's input format, checked against the model's tables, and scored
// teacher-forced: token count, summed negative log-likelihood, perplexity, the strategy distribution
// at the first decoder step (dialogue models only), and with ids each label's log-probability.
import Foundation
import Models
import NN
import TensorCore
import TextData
import Training

public struct LineScorer {
    public let model: Seq2SeqLM
    /// The model's tokenizer; nil only when scoring ids.
    public let tokenizer: Tokenizer?
    /// Lines hold `input_ids`, `persona_ids`, `labels` instead of text.
    public let readsIds: Bool
    /// Encoder input length for text; longer histories are cut from the left.
    public let maxInputLength: Int
    private let strategyIds: [Int32]

    /// The model at `checkpoint` with the tokenizer it names (or `tokenizerOverride`, which a
    /// checkpoint naming none needs unless `readsIds`); text inputs are cut to `maxInputLength`,
    /// by default the length the model was trained with (`InputLengths`). Targets are scored whole.
    public init(checkpoint: String, data: URL, tokenizerOverride: String?, readsIds: Bool, maxInputLength: Int?) throws {
        let (model, contents) = try ModelCheckpoint.load(URL(fileURLWithPath: checkpoint))
        let lengths = try InputLengths(trained: try ModelCheckpoint.trainedLengths(contents, path: checkpoint), config: model.config,
                                       override: LengthOverride(maxInputLength: maxInputLength), checkpoint: checkpoint)
        var tokenizer: Tokenizer?
        if let reference = TokenizerReference.decode(contents.tokenizer) {
            tokenizer = try TokenizerLoader.load(reference, data: data, override: tokenizerOverride)
        } else if let tokenizerOverride {
            tokenizer = try TokenizerLoader.load(tokenizerOverride, data: data,
                                                 addedTokens: model.config.format == .extractor ? ExtractorPairs.addedTokens : PALTokens.added)
        } else if !readsIds {
            throw DataError(file: checkpoint, "it names no tokenizer: score token ids with --ids, or pass --tokenizer")
        }
        if let tokenizer { try model.config.checkTokenizer(vocabularySize: tokenizer.vocabularySize) }
        self.model = model
        self.tokenizer = tokenizer
        self.readsIds = readsIds
        self.maxInputLength = lengths.limits.maxInputLength
        // Only dialogue models open a reply with a strategy token (an extractor's tokenizer may hold them unused).
        strategyIds = InputFormat.dialogue.contains(model.config.format) ? tokenizer.map { t in Strategy.allCases.compactMap { t.id(of: $0.token) } } ?? [] : []
    }

    /// The scores of stdin line `number` (nil for a blank line).
    public func score(line text: String, number: Int) throws -> [String: Any]? {
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw DataError(file: "stdin", line: number, "expected one JSON object per line")
        }
        let example = readsIds ? try idExample(object, line: number) : try textExample(object, line: number, tokenizer: tokenizer!)
        try model.config.check(example, place: "stdin line \(number)")
        let batch = Batcher.collate([example], indices: [0], padId: Int32(model.config.padTokenId))
        let logProbs = withNoGrad { model(Seq2SeqInputs(batch), context: ForwardContext(training: false)).logSoftmax() }   // (1, T, V)
        let v = model.config.vocabSize
        let labelLogProbs = example.labels.enumerated().map { Double(logProbs.data[$0.offset * v + Int($0.element)]) }
        let nll = -labelLogProbs.reduce(0, +)
        var result: [String: Any] = ["tokens": example.labels.count, "nll": nll, "ppl": Foundation.exp(nll / Double(example.labels.count))]
        if strategyIds.count == Strategy.allCases.count {
            let first = strategyIds.map { Foundation.exp(Double(logProbs.data[Int($0)])) }
            let total = first.reduce(0, +)
            result["strategy_distribution"] = Dictionary(uniqueKeysWithValues: zip(Strategy.allCases.map(\.rawValue), first.map { $0 / total }))
        }
        if readsIds { result["label_logprobs"] = labelLogProbs }
        return result
    }

    /// {"input_ids", "persona_ids"?, "labels"}: the decoder reads [decoder start] + labels[:-1].
    private func idExample(_ object: [String: Any], line: Int) throws -> EncodedExample {
        func idList(_ key: String) throws -> [Int32]? {
            guard let raw = object[key] else { return nil }
            guard let list = raw as? [Int], list.allSatisfy({ Int32(exactly: $0) != nil }) else {
                throw DataError(file: "stdin", line: line, field: key, "expected an array of token ids")
            }
            return list.map(Int32.init)
        }
        guard let input = try idList("input_ids"), !input.isEmpty, let labels = try idList("labels"), !labels.isEmpty else {
            throw DataError(file: "stdin", line: line, "expected non-empty \"input_ids\" and \"labels\"")
        }
        let persona = try idList("persona_ids") ?? []
        if model.personaCoAttention != nil && persona.isEmpty {
            throw DataError(file: "stdin", line: line, field: "persona_ids", "this PAL model needs persona ids")
        }
        return EncodedExample(inputIds: input, personaIds: model.personaCoAttention == nil ? [] : persona,
                              decoderInputIds: [Int32(model.config.decoderStartTokenId)] + labels.dropLast(), labels: labels,
                              strategy: nil, conversation: line - 1, turn: 0)
    }

    /// {"context", "persona", "response", "strategy"} built into the model's input format.
    private func textExample(_ object: [String: Any], line: Int, tokenizer: Tokenizer) throws -> EncodedExample {
        guard let response = object["response"] as? String, !normalizeWhitespace(response).isEmpty else {
            throw DataError(file: "stdin", line: line, field: "response", "expected a non-empty string")
        }
        let request = try DialogueRequest(object, line: line)
        if model.config.format == .extractor {
            let pair = ExtractorPair(source: request.turns.map(\.text).joined(separator: ExtractorPairs.utteranceSeparator),
                                     target: response, dialogue: line - 1, speaker: .first)
            return ExampleEncoder.encode(pair, tokenizer: tokenizer, maxLength: maxInputLength)
        }
        let strategy = try DialogueRequest.strategy(object, line: line, required: true)!
        return try ExampleEncoder.encode(request.example(response: response, strategy: strategy), format: model.config.format,
                                         tokenizer: tokenizer, limits: EncodingLimits(maxInputLength: maxInputLength, maxDecoderLength: 100_000))
    }
}
