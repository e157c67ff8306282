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

    /// HF's defaults (greedy, max length 20; token ids from the model), with the settings given changed.
    public init(maxLength: Int? = nil, minLength: Int? = nil, numBeams: Int? = nil, lengthPenalty: Double? = nil,
                earlyStopping: EarlyStopping? = nil, doSample: Bool? = nil, topK: Int? = nil, topP: Double? = nil,
                temperature: Float? = nil, repetitionPenalty: Float? = nil, noRepeatNgramSize: Int? = nil,
                bannedTokenIds: [Int32] = [], seed: UInt64? = nil) {
        if let maxLength { self.maxLength = maxLength }
        if let minLength { self.minLength = minLength }
        if let numBeams { self.numBeams = numBeams }
        if let lengthPenalty { self.lengthPenalty = lengthPenalty }
        if let earlyStopping { self.earlyStopping = earlyStopping }
        if let doSample { self.doSample = doSample }
        if let topK { self.topK = topK }
        if let topP { self.topP = topP }
        if let temperature { self.temperature = temperature }
        if let repetitionPenalty { self.repetitionPenalty = repetitionPenalty }
        if let noRepeatNgramSize { self.noRepeatNgramSize = noRepeatNgramSize }
        badWordsIds = bannedTokenIds.map { [$0] }
        if let seed { self.seed = seed }
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

    /// Every token id these settings name, with its HF key (for checks against a vocabulary).
    public var tokenIds: [(key: String, id: Int)] {
        let single: [(String, Int?)] = [("forced_bos_token_id", forcedBosTokenId), ("forced_eos_token_id", forcedEosTokenId),
                                        ("decoder_start_token_id", decoderStartTokenId), ("eos_token_id", eosTokenId),
                                        ("pad_token_id", padTokenId)]
        return single.compactMap { key, id in id.map { (key, $0) } } + badWordsIds.joined().map { ("bad_words_ids", Int($0)) }
    }

    /// Single tokens that may never be generated (the single-token entries of `badWordsIds`).
    public var bannedTokenIds: [Int32] {
        get { badWordsIds.filter { $0.count == 1 }.map { $0[0] } }
        set { badWordsIds = badWordsIds.filter { $0.count != 1 } + newValue.map { [$0] } }
    }

    /// Each key with its property: a missing key keeps the property's default (declared above).
    static let fields: [ConfigField<GenerationConfig, CodingKeys>] = [
        .init(.maxLength, \.maxLength), .init(.minLength, \.minLength), .init(.numBeams, \.numBeams),
        .init(.lengthPenalty, \.lengthPenalty), .init(.earlyStopping, \.earlyStopping), .init(.doSample, \.doSample),
        // HF writes null for a processor that is off.
        .init(.topK, \.topK, nullMeans: 0), .init(.topP, \.topP, nullMeans: 1), .init(.temperature, \.temperature, nullMeans: 1),
        .init(.repetitionPenalty, \.repetitionPenalty, nullMeans: 1), .init(.noRepeatNgramSize, \.noRepeatNgramSize, nullMeans: 0),
        .init(decode: { c, config in
            if c.contains(.badWordsIds) { config.badWordsIds = try c.decodeIfPresent([[Int32]].self, forKey: .badWordsIds) ?? [] }
        }, encode: { config, c in if !config.badWordsIds.isEmpty { try c.encode(config.badWordsIds, forKey: .badWordsIds) } }),
        .init(.forcedBosTokenId, \.forcedBosTokenId), singleToken(.forcedEosTokenId, \.forcedEosTokenId),
        .init(.decoderStartTokenId, \.decoderStartTokenId), singleToken(.eosTokenId, \.eosTokenId), .init(.padTokenId, \.padTokenId),
        .init(.seed, \.seed),
    ]

    public init(from decoder: Decoder) throws {
        self.init()
        try Self.fields.decode(try decoder.container(keyedBy: CodingKeys.self), into: &self)
        try validate()
    }

    /// An end-of-sequence id: HF allows a list of them; paltrain decodes with one.
    private static func singleToken(_ key: CodingKeys, _ path: WritableKeyPath<GenerationConfig, Int?>) -> ConfigField<GenerationConfig, CodingKeys> {
        ConfigField(decode: { c, config in
            if let one = try? c.decodeIfPresent(Int.self, forKey: key) {
                config[keyPath: path] = one
                return
            }
            guard let list = try c.decodeIfPresent([Int].self, forKey: key) else { return }
            guard list.count == 1 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.stringValue) \(list): paltrain decodes with one end-of-sequence id")
            }
            config[keyPath: path] = list[0]
        }, encode: { config, c in try c.encodeIfPresent(config[keyPath: path], forKey: key) })
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try Self.fields.encode(self, into: &c)
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
