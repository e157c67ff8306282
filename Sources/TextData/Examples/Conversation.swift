// Conversations as every reader returns them: ESConv turns with speaker, text and strategy, plus the
// PESConv persona fields when present. Fields the toolkit does not use are kept verbatim in `extra`
// so that writing a conversation back out loses nothing.
import JSON

/// Who speaks a turn.
public enum Speaker: String, Codable, Sendable {
    case seeker, supporter
}

/// One utterance of a conversation.
public struct Turn: Equatable, Sendable {
    public var speaker: Speaker
    /// Whitespace-normalised text.
    public var text: String
    /// The supporter's strategy; nil for seeker turns.
    public var strategy: Strategy?

    public init(speaker: Speaker, text: String, strategy: Strategy? = nil) {
        self.speaker = speaker
        self.text = text
        self.strategy = strategy
    }
}

/// An ESConv conversation, with PESConv's persona annotations when they exist.
public struct Conversation: Equatable, Sendable {
    public var emotionType: String
    public var problemType: String
    public var situation: String
    public var turns: [Turn]
    /// PESConv: persona inferred from the whole conversation (sentences separated by `<persona>`).
    public var persona: String?
    /// PESConv: entry k is the persona inferred from seeker utterances 1…k+3 (k = 0 for the 3rd seeker turn).
    public var personaList: [String]?
    /// Top-level fields this toolkit does not interpret (survey scores, experience type …), kept for writing back.
    public var extra: [String: JSONValue]

    public init(emotionType: String, problemType: String, situation: String, turns: [Turn],
                persona: String? = nil, personaList: [String]? = nil, extra: [String: JSONValue] = [:]) {
        self.emotionType = emotionType
        self.problemType = problemType
        self.situation = situation
        self.turns = turns
        self.persona = persona
        self.personaList = personaList
        self.extra = extra
    }

    /// The number of seeker turns.
    public var seekerTurnCount: Int { turns.filter { $0.speaker == .seeker }.count }
}

/// `' '.join(s.strip().split())`: the reference's whitespace normalisation.
public func normalizeWhitespace(_ s: String) -> String {
    s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}
