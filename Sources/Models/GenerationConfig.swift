// GenerationConfig: how `Generator` decodes (greedy, sampling, beam search) and which of
// HuggingFace's logits processors it applies, with HF's `generation_config.json` key names and HF's
// defaults for keys a file leaves out. Token ids left nil come from the model's `Seq2SeqConfig`.
import Foundation

/// HF's `early_stopping`: `true` stops a batch row once `numBeams` hypotheses are finished, `false`
/// when the best running beam (scored at the current length) can no longer beat the worst
/// finished one, `never` when no running beam can (scored at `maxLength` for a positive penalty).
public enum EarlyStopping: Equatable, Sendable, Codable {
    case `true`, `false`, never

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let flag = try? c.decode(Bool.self) {
            self = flag ? .true : .false
        } else if let word = try? c.decode(String.self), word == "never" {
            self = .never
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "early_stopping must be true, false or \"never\"")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .true: try c.encode(true)
        case .false: try c.encode(false)
        case .never: try c.encode("never")
        }
    }
}

/// Decoding settings; every field means what the HF `GenerationConfig` field of the same key means.
public struct GenerationConfig: Codable, Equatable, Sendable {
    /// Longest decoder sequence, the start token (and any forced tokens) included (HF `max_length`).
    public var maxLength: Int = 20
    /// End-of-sequence is banned while the sequence (start token included) is shorter (HF `min_length`).
    public var minLength: Int = 0
    /// 1: greedy or sampling; more: beam search.
    public var numBeams: Int = 1
    /// Beam scores are sum log-probabilities / (generated length)^lengthPenalty.
    public var lengthPenalty: Double = 1
    public var earlyStopping: EarlyStopping = .false
    public var doSample: Bool = false
    /// 0 turns top-k off.
    public var topK: Int = 50
    /// 1 turns top-p off.
    public var topP: Double = 1
    public var temperature: Float = 1
    /// 1 turns it off; > 1 divides positive (multiplies negative) logits of tokens already decoded.
    public var repetitionPenalty: Float = 1
    /// 0 turns it off; otherwise no n-gram of this size occurs twice in a decoder sequence.
    public var noRepeatNgramSize: Int = 0
    /// Token sequences that may not be generated (HF `bad_words_ids`); a single-token entry bans the
    /// token outright. As in HF, a single-token entry equal to end-of-sequence is ignored.
    public var badWordsIds: [[Int32]] = []
    /// Forced as the first generated token when set (HF `forced_bos_token_id`).
    public var forcedBosTokenId: Int? = nil
    /// Forced as the last token when `maxLength` is reached (HF `forced_eos_token_id`).
    public var forcedEosTokenId: Int? = nil
    /// nil: the model config's.
    public var decoderStartTokenId: Int? = nil
    /// nil: the model config's.
    public var eosTokenId: Int? = nil
    /// nil: the model config's.
    public var padTokenId: Int? = nil
    /// paltrain: seeds the `RandomGenerator` that sampling draws from (sampling does not reproduce torch's draws).
    public var seed: UInt64 = 0

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxLength = "max_length", minLength = "min_length", numBeams = "num_beams", lengthPenalty = "length_penalty"
        case earlyStopping = "early_stopping", doSample = "do_sample", topK = "top_k", topP = "top_p", temperature
        case repetitionPenalty = "repetition_penalty", noRepeatNgramSize = "no_repeat_ngram_size", badWordsIds = "bad_words_ids"
        case forcedBosTokenId = "forced_bos_token_id", forcedEosTokenId = "forced_eos_token_id"
        case decoderStartTokenId = "decoder_start_token_id", eosTokenId = "eos_token_id", padTokenId = "pad_token_id"
        case seed = "paltrain_seed"
    }

    /// Every key a config file (or an override) may set, HF's names.
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// This config with `overrides` (HF key → JSON value: a number, true/false, "never", a list)
    /// applied, checked as a config file is; an unknown key is an error that lists the known ones.
    public func overriding(_ overrides: [String: Any]) throws -> GenerationConfig {
        if let unknown = overrides.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "unknown generation key \(unknown) (known: \(Self.keys.sorted().joined(separator: ", ")))"))
        }
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as? [String: Any] ?? [:]
        for (key, value) in overrides { object[key] = value }
        return try Self.decode(json: JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]))
    }

    /// The keys that set how to decode, as opposed to which token ids to use.
    static let decodingKeys: [CodingKeys] = [.maxLength, .minLength, .numBeams, .lengthPenalty, .earlyStopping, .doSample, .topK, .topP,
                                             .temperature, .repetitionPenalty, .noRepeatNgramSize, .badWordsIds, .forcedBosTokenId,
                                             .forcedEosTokenId]

    /// HF's defaults (greedy, max length 20); token ids from the model.
    public init() {}

    public init(maxLength: Int = 20, minLength: Int = 0, numBeams: Int = 1, lengthPenalty: Double = 1,
                earlyStopping: EarlyStopping = .false, doSample: Bool = false, topK: Int = 50, topP: Double = 1,
                temperature: Float = 1, repetitionPenalty: Float = 1, noRepeatNgramSize: Int = 0,
                bannedTokenIds: [Int32] = [], seed: UInt64 = 0) {
        self.maxLength = maxLength
        self.minLength = minLength
        self.numBeams = numBeams
        self.lengthPenalty = lengthPenalty
        self.earlyStopping = earlyStopping
        self.doSample = doSample
        self.topK = topK
        self.topP = topP
        self.temperature = temperature
        self.repetitionPenalty = repetitionPenalty
        self.noRepeatNgramSize = noRepeatNgramSize
        self.badWordsIds = bannedTokenIds.map { [$0] }
        self.seed = seed
    }

    /// Response tokens PAL's reference decodes at most (its `max_length` 50).
    public static let palResponseTokens = 50

    /// PAL's response decoding (PAL-SPEC §6): sampling with top-k 10, top-p 0.9, temperature 0.5,
    /// repetition penalty 1.03, min length 10, `banned` (the strategy and other added tokens) never
    /// generated after the first token. The reference's `max_length` 50 counts response tokens only:
    /// it adds the length of its start + strategy prefix, so `max_length` here (which counts the start
    /// token and the strategy, as HF's does) is 52. Its `min_length` 10 is passed to HF unchanged, so
    /// it counts the prefix, as here.
    public static func palResponse(banned: [Int32], seed: UInt64 = 0) -> GenerationConfig {
        GenerationConfig(maxLength: 2 + palResponseTokens, minLength: 10, doSample: true, topK: 10, topP: 0.9, temperature: 0.5,
                         repetitionPenalty: 1.03, bannedTokenIds: banned, seed: seed)
    }

    /// Single tokens that may never be generated (the single-token entries of `badWordsIds`).
    public var bannedTokenIds: [Int32] {
        get { badWordsIds.filter { $0.count == 1 }.map { $0[0] } }
        set { badWordsIds = badWordsIds.filter { $0.count != 1 } + newValue.map { [$0] } }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T { try c.decodeIfPresent(T.self, forKey: key) ?? fallback }
        maxLength = try value(.maxLength, 20)
        minLength = try value(.minLength, 0)
        numBeams = try value(.numBeams, 1)
        lengthPenalty = try value(.lengthPenalty, 1)
        earlyStopping = try value(.earlyStopping, .false)
        doSample = try value(.doSample, false)
        // HF writes null for a processor that is off; a missing key takes HF's default.
        func orOff<T: Decodable>(_ key: CodingKeys, _ fallback: T, off: T) throws -> T {
            guard c.contains(key) else { return fallback }
            return try c.decodeIfPresent(T.self, forKey: key) ?? off
        }
        topK = try orOff(.topK, 50, off: 0)
        topP = try orOff(.topP, 1, off: 1)
        temperature = try orOff(.temperature, 1, off: 1)
        repetitionPenalty = try orOff(.repetitionPenalty, 1, off: 1)
        noRepeatNgramSize = try orOff(.noRepeatNgramSize, 0, off: 0)
        badWordsIds = try orOff(.badWordsIds, [], off: [])
        forcedBosTokenId = try c.decodeIfPresent(Int.self, forKey: .forcedBosTokenId)
        forcedEosTokenId = try Self.singleToken(c, .forcedEosTokenId)
        decoderStartTokenId = try c.decodeIfPresent(Int.self, forKey: .decoderStartTokenId)
        eosTokenId = try Self.singleToken(c, .eosTokenId)
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        seed = try value(.seed, 0)
        try validate()
    }

    /// HF allows a list of end-of-sequence ids; paltrain decodes with one.
    private static func singleToken(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int? {
        if let one = try? c.decodeIfPresent(Int.self, forKey: key) { return one }
        guard let list = try c.decodeIfPresent([Int].self, forKey: key) else { return nil }
        guard list.count == 1 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.stringValue) \(list): paltrain decodes with one end-of-sequence id")
        }
        return list[0]
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxLength, forKey: .maxLength)
        try c.encode(minLength, forKey: .minLength)
        try c.encode(numBeams, forKey: .numBeams)
        try c.encode(lengthPenalty, forKey: .lengthPenalty)
        try c.encode(earlyStopping, forKey: .earlyStopping)
        try c.encode(doSample, forKey: .doSample)
        try c.encode(topK, forKey: .topK)
        try c.encode(topP, forKey: .topP)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(repetitionPenalty, forKey: .repetitionPenalty)
        try c.encode(noRepeatNgramSize, forKey: .noRepeatNgramSize)
        if !badWordsIds.isEmpty { try c.encode(badWordsIds, forKey: .badWordsIds) }
        try c.encodeIfPresent(forcedBosTokenId, forKey: .forcedBosTokenId)
        try c.encodeIfPresent(forcedEosTokenId, forKey: .forcedEosTokenId)
        try c.encodeIfPresent(decoderStartTokenId, forKey: .decoderStartTokenId)
        try c.encodeIfPresent(eosTokenId, forKey: .eosTokenId)
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encode(seed, forKey: .seed)
    }

    /// A config from HF `generation_config.json` or `config.json` keys (others are ignored).
    public static func decode(json: Data) throws -> GenerationConfig { try JSONDecoder().decode(GenerationConfig.self, from: json) }

    /// Throws, naming every bad setting, when the settings cannot be decoded with.
    public func validate() throws {
        var problems: [String] = []
        if maxLength < 2 { problems.append("max_length \(maxLength) leaves no room after the start token (use ≥ 2)") }
        if minLength < 0 { problems.append("min_length \(minLength) is negative") }
        if numBeams < 1 { problems.append("num_beams \(numBeams) (use ≥ 1)") }
        if doSample && numBeams > 1 { problems.append("do_sample with num_beams \(numBeams) (beam sampling is not implemented; use num_beams 1)") }
        if topK < 0 { problems.append("top_k \(topK) is negative (0 turns it off)") }
        if !(topP > 0 && topP <= 1) { problems.append("top_p \(topP) outside (0, 1]") }
        if !(temperature > 0) { problems.append("temperature \(temperature) (use > 0; greedy decoding is do_sample false)") }
        if !(repetitionPenalty > 0) { problems.append("repetition_penalty \(repetitionPenalty) (use > 0; 1 is off)") }
        if noRepeatNgramSize < 0 { problems.append("no_repeat_ngram_size \(noRepeatNgramSize) is negative") }
        if badWordsIds.contains(where: { $0.isEmpty || $0.contains { $0 < 0 } }) { problems.append("bad_words_ids has an empty entry or a negative id") }
        if !problems.isEmpty {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unusable generation config: " + problems.joined(separator: "; ")))
        }
    }
}

/// A `GenerationConfig` with its token ids filled in from a model config.
public struct ResolvedGenerationConfig: Sendable {
    public var settings: GenerationConfig
    public var decoderStartTokenId: Int32
    public var eosTokenId: Int32
    public var padTokenId: Int32

    /// `settings` for `model`, with `maxLength` (and `minLength`) capped where the model's position
    /// table ends: a sequence of maxPositionEmbeddings + 1 ids feeds the decoder every position once
    /// (its last id is never fed back), and one more would read past the table.
    public init(_ settings: GenerationConfig, model: Seq2SeqConfig) {
        var settings = settings
        settings.maxLength = min(settings.maxLength, model.maxPositionEmbeddings + 1)
        settings.minLength = min(settings.minLength, settings.maxLength)
        self.settings = settings
        decoderStartTokenId = Int32(settings.decoderStartTokenId ?? model.decoderStartTokenId)
        eosTokenId = Int32(settings.eosTokenId ?? model.eosTokenId)
        padTokenId = Int32(settings.padTokenId ?? model.padTokenId)
    }
}
