// PERSONA-CHAT dialogues as every PERSONA-CHAT reader returns them: the utterances in speaking order and
// the persona sentences of both speakers, either of which may be unknown in a given source.

/// Which speaker of a PERSONA-CHAT dialogue: `first` opens the dialogue (ParlAI's "partner"), `second`
/// answers (ParlAI's "your persona").
public enum PersonaChatSpeaker: Int, Codable, Sendable, CaseIterable {
    case first = 0
    case second = 1

    /// The other speaker.
    public var other: PersonaChatSpeaker { self == .first ? .second : .first }
}

/// One utterance of a PERSONA-CHAT dialogue.
public struct PersonaChatUtterance: Equatable, Sendable {
    public var speaker: PersonaChatSpeaker
    public var text: String

    public init(speaker: PersonaChatSpeaker, text: String) {
        self.speaker = speaker
        self.text = text
    }
}

/// A PERSONA-CHAT dialogue: utterances in order and each speaker's persona sentences.
public struct PersonaChatDialogue: Equatable, Sendable {
    /// In speaking order; empty when the source gives personas only.
    public var utterances: [PersonaChatUtterance]
    /// The first speaker's persona sentences; empty when the source does not give them.
    public var firstPersona: [String]
    /// The second speaker's persona sentences; empty when the source does not give them.
    public var secondPersona: [String]
    /// Where the dialogue comes from: `<file or folder name>#<0-based dialogue index in it>`.
    public var sourceID: String

    public init(utterances: [PersonaChatUtterance], firstPersona: [String], secondPersona: [String], sourceID: String) {
        self.utterances = utterances
        self.firstPersona = firstPersona
        self.secondPersona = secondPersona
        self.sourceID = sourceID
    }

    /// The persona sentences of `speaker`.
    public func persona(of speaker: PersonaChatSpeaker) -> [String] {
        speaker == .first ? firstPersona : secondPersona
    }

    /// The texts `speaker` says, in order.
    public func utterances(of speaker: PersonaChatSpeaker) -> [String] {
        utterances.filter { $0.speaker == speaker }.map(\.text)
    }
}

/// What a PERSONA-CHAT reader found: the dialogues, and what it left out with the reasons.
public struct PersonaChatReadResult: Sendable {
    public var dialogues: [PersonaChatDialogue]
    public var skipped: SkipReport

    public init(dialogues: [PersonaChatDialogue], skipped: SkipReport = SkipReport()) {
        self.dialogues = dialogues
        self.skipped = skipped
    }

    /// All utterances of all dialogues.
    public var utteranceCount: Int { dialogues.reduce(0) { $0 + $1.utterances.count } }
}
