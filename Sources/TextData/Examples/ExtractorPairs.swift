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

// MARK: - In-domain pairs: the published PESConv of PAL's validation conversations

extension ExtractorPairs {
    /// Every `holdoutEvery`-th validation conversation (the 1st, the 11th, … in split order) is
    /// held out of the in-domain pairs to measure validation loss on.
    public static let defaultHoldoutEvery = 10

    /// In-domain extractor pairs from the published PESConv annotations of the VALIDATION part of
    /// `split` (never its test part, whose agreement `paltrain annotate` reports): for entry k of a
    /// conversation's `persona_list`, source = seeker utterances 1…k+3 joined with " <sep> ", target =
    /// that entry's sentences joined with " <persona> " (empty when the entry has none). Every
    /// `holdoutEvery`-th validation conversation goes to `valid`; `dialogue` is the conversation's index in
    /// `conversations` (ESConv.json order).
    public static func publishedValidation(_ conversations: [Conversation], split: DataSplit,
                                           holdoutEvery: Int = defaultHoldoutEvery)
        -> (train: [ExtractorPair], valid: [ExtractorPair], report: SkipReport) {
        precondition(holdoutEvery > 0, "holdoutEvery must be positive")
        var train: [ExtractorPair] = [], valid: [ExtractorPair] = []
        var report = SkipReport()
        let test = Set(split.test)
        for (position, index) in split.valid.enumerated() {
            precondition(!test.contains(index), "conversation \(index) is in both the validation and the test part")
            let conversation = conversations[index]
            guard conversation.personaList != nil else {
                report.skip("no pair: a validation conversation without a published persona_list")
                continue
            }
            let pairs = entryPairs(conversation, index: index, report: &report)
            if position % holdoutEvery == 0 { valid += pairs } else { train += pairs }
        }
        return (train, valid, report)
    }

    /// One pair per entry k of `conversation`'s `persona_list` (the annotation's unit): source = seeker
    /// utterances 1…k+3 joined with " <sep> ", target = the entry's sentences joined with " <persona> "
    /// (empty when the entry has none); `index` is the conversation's index in ESConv.json order.
    public static func entryPairs(_ conversation: Conversation, index: Int, report: inout SkipReport) -> [ExtractorPair] {
        var pairs: [ExtractorPair] = []
        for (k, entry) in (conversation.personaList ?? []).enumerated() {
            guard k + 3 <= conversation.seekerTurnCount else { report.skip("no pair: a persona_list entry past the conversation's seeker turns"); continue }
            let sentences = DialogueExamples.personaSentences(entry)
            if sentences.isEmpty { report.skip("kept: an entry with no persona sentence (target: nothing)") }
            pairs.append(ExtractorPair(source: seekerSource(conversation, firstSeekerTurns: k + 3),
                                       target: sentences.joined(separator: personaSeparator), dialogue: index, speaker: .first))
        }
        return pairs
    }
}
