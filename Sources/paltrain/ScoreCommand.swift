// `paltrain score <checkpoint>`: teacher-forced scores of targets read as JSON lines on stdin —
// token count, summed negative log-likelihood, perplexity, the strategy distribution at the first
// decoder step, and with --ids the log-probability of every label — to rank candidate replies or
// to check our numbers against another implementation without a tokenizer in between.
import ArgumentParser
import Foundation
import Models
import NN
import PAL
import TensorCore
import TextData
import Training

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score targets read as JSON lines on stdin: {\"context\": [...], \"persona\": [...], \"response\": \"...\", \"strategy\": \"...\"}, or with --ids {\"input_ids\", \"persona_ids\", \"labels\"}.")

    @Argument(help: "The checkpoint (from paltrain import or training).")
    var checkpoint: String

    @Flag(help: "Read token ids instead of text, and write each label's log-probability.")
    var ids = false

    @Option(help: "The tokenizer folder, when it is no longer where the checkpoint was made.")
    var tokenizer: String?

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    @Option(help: "Encoder input length; longer histories are cut from the left (default: 512, or the model's position table when shorter).")
    var maxInputLength: Int?

    func run() throws {
        let (model, contents) = try ModelCheckpoint.load(URL(fileURLWithPath: checkpoint))
        let format = model.config.format
        let dataURL = URL(fileURLWithPath: data)
        var tok: Tokenizer?
        if let reference = TokenizerReference.decode(contents.tokenizer) {
            tok = try TokenizerLoader.load(reference, data: dataURL, override: tokenizer)
            try model.config.checkTokenizer(vocabularySize: tok!.vocabularySize)
        } else if let tokenizer {
            tok = try TokenizerLoader.load(tokenizer, data: dataURL, addedTokens: format == .extractor ? ExtractorPairs.addedTokens : PALTokens.added)
            try model.config.checkTokenizer(vocabularySize: tok!.vocabularySize)
        } else if !ids {
            throw ValidationError("\(checkpoint) names no tokenizer: score token ids with --ids, or pass --tokenizer")
        }
        let strategyIds = tok.map { t in Strategy.allCases.compactMap { t.id(of: $0.token) } } ?? []
        let context = ForwardContext(training: false)
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DataError(file: "stdin", line: lineNumber, "expected one JSON object per line")
            }
            let example = ids ? try idExample(object, line: lineNumber, model: model)
                : try textExample(object, line: lineNumber, tokenizer: tok!, format: format,
                                  maxInputLength: maxInputLength ?? min(512, model.config.maxPositionEmbeddings))
            try model.config.check(example, place: "stdin line \(lineNumber)")
            let batch = Batcher.collate([example], indices: [0], padId: Int32(model.config.padTokenId))
            let logProbs = withNoGrad { model(Seq2SeqInputs(batch), context: context).logSoftmax() }   // (1, T, V)
            let v = model.config.vocabSize
            let labelLogProbs = example.labels.enumerated().map { Double(logProbs.data[$0.offset * v + Int($0.element)]) }
            let nll = -labelLogProbs.reduce(0, +)
            var result: [String: Any] = ["tokens": example.labels.count, "nll": nll, "ppl": Foundation.exp(nll / Double(example.labels.count))]
            if strategyIds.count == Strategy.allCases.count {
                let first = strategyIds.map { Foundation.exp(Double(logProbs.data[Int($0)])) }
                let total = first.reduce(0, +)
                result["strategy_distribution"] = Dictionary(uniqueKeysWithValues: zip(Strategy.allCases.map(\.rawValue), first.map { $0 / total }))
            }
            if ids { result["label_logprobs"] = labelLogProbs }
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        }
    }

    /// {"input_ids", "persona_ids"?, "labels"}: the decoder reads [decoder start] + labels[:-1].
    private func idExample(_ object: [String: Any], line: Int, model: Seq2SeqLM) throws -> EncodedExample {
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
    private func textExample(_ object: [String: Any], line: Int, tokenizer: Tokenizer, format: InputFormat, maxInputLength: Int) throws -> EncodedExample {
        guard let response = object["response"] as? String, !response.isEmpty else {
            throw DataError(file: "stdin", line: line, field: "response", "expected a non-empty string")
        }
        let request = try DialogueRequest(object, line: line)
        if format == .extractor {
            let pair = ExtractorPair(source: request.turns.map(\.text).joined(separator: ExtractorPairs.utteranceSeparator),
                                     target: response, dialogue: line - 1, speaker: .first)
            return ExampleEncoder.encode(pair, tokenizer: tokenizer, maxLength: maxInputLength)
        }
        let strategy = try DialogueRequest.strategy(object, line: line, required: true)!
        return try ExampleEncoder.encode(request.example(response: response, strategy: strategy), format: format,
                                         tokenizer: tokenizer, limits: EncodingLimits(maxInputLength: maxInputLength, maxDecoderLength: 100_000))
    }
}
