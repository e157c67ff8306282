// Persona-extractor training pairs (PAL-SPEC §1, §3): per PERSONA-CHAT dialogue and speaker, the
// source is that speaker's utterances joined with " <sep> " and the target that speaker's persona
// sentences joined with " <persona> ". ParlAI's "your persona" speaker (the second) comes first,
// as in the reference's process_bart_df.py. The reference also appends a literal " </s>" to both
// texts, on top of the tokenizer's own eos; we leave it out (the tokenizer adds eos once).

/// One source → persona pair.
public struct ExtractorPair: Equatable, Sendable {
    public var source: String
    public var target: String
    /// Index of the dialogue in the input list, and whose persona this is.
    public var dialogue: Int
    public var speaker: PersonaChatSpeaker

    public init(source: String, target: String, dialogue: Int, speaker: PersonaChatSpeaker) {
        self.source = source
        self.target = target
        self.dialogue = dialogue
        self.speaker = speaker
    }
}

public enum ExtractorPairs {
    public static let utteranceSeparator = " <sep> "
    public static let personaSeparator = " <persona> "
    /// The tokens the extractor adds to BART's vocabulary.
    public static let addedTokens = ["<persona>", "<sep>"]

    /// Two pairs per dialogue (second speaker, then first); a speaker without utterances or without
    /// a known persona gives no pair, counted in the report.
    public static func make(from dialogues: [PersonaChatDialogue]) -> (pairs: [ExtractorPair], report: SkipReport) {
        var pairs: [ExtractorPair] = []
        var report = SkipReport()
        for (d, dialogue) in dialogues.enumerated() {
            for speaker in [PersonaChatSpeaker.second, .first] {
                let said = dialogue.utterances(of: speaker), persona = dialogue.persona(of: speaker)
                if said.isEmpty { report.skip("no pair: a speaker without utterances (persona-only source)"); continue }
                if persona.isEmpty { report.skip("no pair: a speaker whose persona the source does not give"); continue }
                pairs.append(ExtractorPair(source: said.joined(separator: utteranceSeparator),
                                           target: persona.joined(separator: personaSeparator), dialogue: d, speaker: speaker))
            }
        }
        return (pairs, report)
    }

    /// The extractor's input for ESConv annotation: the seeker's first `count` utterances joined with
    /// " <sep> " (only the seeker's own words: giving both sides confuses whose persona it is).
    public static func seekerSource(_ conversation: Conversation, firstSeekerTurns count: Int) -> String {
        conversation.turns.filter { $0.speaker == .seeker }.prefix(count).map(\.text).joined(separator: utteranceSeparator)
    }
}
