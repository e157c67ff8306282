// Examples as token ids for each model variant, following the reference's featurize(): the history
// is tokenised as one text joined by "</s> <s>" and cut from the left; the target is the strategy
// token, the response and eos, cut to max decoder length + 1; decoder input = bos + target[:-1].
import Foundation

/// How a model's inputs are built (PAL-SPEC §3-5): a checkpoint config's `paltrain_input_format`,
/// a recipe's `variant` and the CLI's `--variant` and `--format`.
public enum InputFormat: String, Codable, CaseIterable, Sendable {
    /// Dialogue and persona encoded separately and mixed by co-attention.
    case pal
    /// Blenderbot-Joint: the dialogue only.
    case joint
    /// Persona in the text: `Persona: {persona} \n Dialogue history: {context} \n Response: `.
    case hardPrompt = "hard-prompt"
    /// The persona extractor (BART): seeker utterances in, persona sentences out.
    case extractor

    /// The formats of models that reply in a dialogue (PAL and the baselines).
    public static let dialogue: [InputFormat] = [.pal, .joint, .hardPrompt]
}

/// Length limits, in tokens; a checkpoint records those its model was trained with (`input_lengths`).
public struct EncodingLimits: Codable, Equatable, Sendable {
    /// Encoder input (the reference's max_input_length; 512 in its run script).
    public var maxInputLength: Int
    /// Decoder length: targets keep at most maxDecoderLength + 1 tokens, as the reference does (50).
    public var maxDecoderLength: Int
    /// Persona tokens beyond this are cut from the left, keeping the newest sentences (the reference
    /// does not cut, and fails beyond the position table).
    public var maxPersonaLength: Int

    public init(maxInputLength: Int = 512, maxDecoderLength: Int = 50, maxPersonaLength: Int = 512) {
        self.maxInputLength = maxInputLength
        self.maxDecoderLength = maxDecoderLength
        self.maxPersonaLength = maxPersonaLength
    }

    enum CodingKeys: String, CodingKey {
        case maxInputLength = "max_input_length", maxDecoderLength = "max_decoder_length", maxPersonaLength = "max_persona_length"
    }
}

extension EncodingLimits {
    /// The JSON a checkpoint's `input_lengths` attribute and an export's `paltrain_input_lengths.json` hold (keys sorted).
    public func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Three integers always encode.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// What `jsonString()` writes, for error messages.
    public static let jsonShape = #"{"max_input_length": N, "max_decoder_length": N, "max_persona_length": N}"#

    /// Lengths from `jsonString()`'s form; throws Foundation's `DecodingError` when `json` is not that.
    public static func decode(json: Data) throws -> EncodingLimits {
        try JSONDecoder().decode(EncodingLimits.self, from: json)
    }
}

/// One example as ids.
public struct EncodedExample: Equatable, Sendable {
    public var inputIds: [Int32]
    /// Empty for variants without a separate persona input.
    public var personaIds: [Int32]
    public var decoderInputIds: [Int32]
    public var labels: [Int32]
    /// The gold strategy (nil for persona-extractor examples).
    public var strategy: Strategy?
    /// Where the example comes from: conversation (or dialogue) index and turn (or speaker).
    public var conversation: Int
    public var turn: Int

    public init(inputIds: [Int32], personaIds: [Int32], decoderInputIds: [Int32], labels: [Int32],
                strategy: Strategy?, conversation: Int, turn: Int) {
        self.inputIds = inputIds
        self.personaIds = personaIds
        self.decoderInputIds = decoderInputIds
        self.labels = labels
        self.strategy = strategy
        self.conversation = conversation
        self.turn = turn
    }

    /// The reference's bucketing length: encoder input plus decoder input.
    public var length: Int { inputIds.count + decoderInputIds.count }
}

public enum ExampleEncoder {
    /// Encodes `example` for a dialogue model of `format`.
    /// - Throws: `DataError` when the tokenizer lacks PAL's added tokens, or `format` is not a dialogue format.
    public static func encode(_ example: DialogueExample, format: InputFormat, tokenizer: Tokenizer,
                              limits: EncodingLimits = EncodingLimits()) throws -> EncodedExample {
        guard let strategyId = tokenizer.id(of: example.strategy.token) else {
            throw DataError(file: "tokenizer", field: example.strategy.token,
                            "the tokenizer has no strategy tokens: load it with PAL's added tokens (\(PALTokens.added.joined(separator: " ")))")
        }
        let history = example.history.joined(separator: DialogueExamples.utteranceSeparator)
        var input: [Int32], persona: [Int32] = []
        switch format {
        case .extractor:
            throw DataError(file: "examples", "a persona extractor reads seeker utterances (ExtractorPair), not dialogue examples")
        case .pal:
            input = Array(tokenizer.encode(history).suffix(limits.maxInputLength))
            persona = Array(tokenizer.encode(example.persona).suffix(limits.maxPersonaLength))
        case .joint:
            input = Array(tokenizer.encode(history).suffix(limits.maxInputLength))
        case .hardPrompt:
            // Persona and markers are kept whole; only the dialogue history is cut (from the left).
            let sentences = DialogueExamples.personaSentences(example.persona).joined(separator: " ")
            let prefix = tokenizer.encode("Persona: \(sentences) \n Dialogue history: ")
            let suffix = tokenizer.encode(" \n Response: ")
            let context = tokenizer.encode(example.history.dropLast().joined(separator: DialogueExamples.utteranceSeparator))
            input = prefix + context.suffix(max(0, limits.maxInputLength - prefix.count - suffix.count)) + suffix
        }
        let labels = Array(([strategyId] + tokenizer.encode(example.response) + [tokenizer.eosId]).prefix(limits.maxDecoderLength + 1))
        return EncodedExample(inputIds: input, personaIds: persona, decoderInputIds: [tokenizer.bosId] + labels.dropLast(),
                              labels: labels, strategy: example.strategy, conversation: example.conversation, turn: example.turn)
    }

    /// A persona-extractor pair as BART ids, the way the reference's train_bart.py encodes it
    /// (BartTokenizer with add_prefix_space, truncated to `maxLength` with `<s>` and `</s>` kept);
    /// the decoder starts from eos, BART's decoder start token.
    public static func encode(_ pair: ExtractorPair, tokenizer: Tokenizer, maxLength: Int = 128) -> EncodedExample {
        func ids(_ text: String) -> [Int32] {
            let spaced = text.first.map { $0.isWhitespace } ?? true ? text : " " + text
            return [tokenizer.bosId] + tokenizer.encode(spaced).prefix(max(0, maxLength - 2)) + [tokenizer.eosId]
        }
        let labels = ids(pair.target)
        return EncodedExample(inputIds: ids(pair.source), personaIds: [], decoderInputIds: [tokenizer.eosId] + labels.dropLast(),
                              labels: labels, strategy: nil, conversation: pair.dialogue, turn: pair.speaker.rawValue)
    }
}
