// PAL's training examples in text form, built as the reference's inputters/strat.py builds them:
// one example per supporter turn; seeker utterances are prefixed "Persona:", earlier supporter
// utterances "System:" + strategy token (no spaces), the history ends with "System:", and the
// persona is the PESConv persona_list entry of the latest seeker turn ("<input>" before the 3rd).
import Foundation

/// Which supporter turns become examples.
public enum ExampleTurns: String, Codable, CaseIterable, Sendable {
    /// Every supporter turn after the first utterance (the reference's training rule; the default).
    case everySupporterTurn = "every-supporter-turn"
    /// Only supporter turns that follow a seeker turn (the reference's rule for validation and test).
    case afterSeekerTurn = "after-seeker-turn"
}

/// Where an example's persona comes from.
public enum PersonaSource: String, Codable, CaseIterable, Sendable {
    /// PESConv's inferred `persona_list` (the paper's method; the default).
    case inferred
    /// The seeker's raw utterance, as the released reference runs do (its process.py overwrites
    /// persona_list with the seeker texts; PAL-SPEC §11).
    case seekerUtterances = "seeker-utterances"
}

/// One supporter turn to predict, with everything before it, as text.
public struct DialogueExample: Equatable, Sendable {
    /// Index of the conversation in the list the examples were made from, and of the supporter turn in it.
    public var conversation: Int
    public var turn: Int
    /// Formatted earlier utterances, oldest first, ending with `System:`.
    public var history: [String]
    /// The persona text: sentences separated by `<persona>`, or `<input>` when there is none yet.
    public var persona: String
    /// The supporter's (whitespace-normalised) response and its strategy.
    public var response: String
    public var strategy: Strategy

    public init(conversation: Int, turn: Int, history: [String], persona: String, response: String, strategy: Strategy) {
        self.conversation = conversation
        self.turn = turn
        self.history = history
        self.persona = persona
        self.response = response
        self.strategy = strategy
    }
}

public enum DialogueExamples {
    public static let seekerPrefix = "Persona:"
    public static let supporterPrefix = "System:"
    /// How the reference joins utterances of the history.
    public static let utteranceSeparator = "</s> <s>"

    /// The examples of `conversations`, plus a report of anything that needed a fallback.
    /// - Throws: `DataError` when the inferred persona is asked for and a conversation has none.
    public static func make(from conversations: [Conversation], file: String, turns rule: ExampleTurns = .everySupporterTurn,
                            persona source: PersonaSource = .inferred) throws -> (examples: [DialogueExample], report: SkipReport) {
        var examples: [DialogueExample] = []
        var report = SkipReport()
        for (c, conversation) in conversations.enumerated() {
            let personas: [String]
            switch source {
            case .inferred:
                guard let list = conversation.personaList else {
                    throw DataError(file: file, record: c, field: "persona_list",
                                    "no inferred persona: annotate the conversations first (`paltrain annotate`) or use the seeker-utterances persona source")
                }
                personas = list
            case .seekerUtterances:
                personas = conversation.turns.filter { $0.speaker == .seeker }.map(\.text)
            }
            var context: [String] = []
            var seekerTurns = 0
            for (i, turn) in conversation.turns.enumerated() {
                if turn.speaker == .seeker { seekerTurns += 1 }
                if turn.speaker == .supporter, i > 0,
                   rule == .everySupporterTurn || conversation.turns[i - 1].speaker == .seeker,
                   let strategy = turn.strategy {
                    var persona = PALTokens.noPersona
                    if seekerTurns > 2 {
                        let k = seekerTurns - 3
                        if k < personas.count {
                            persona = personas[k]
                        } else if let last = personas.last {
                            persona = last
                            report.skip("persona_list shorter than the seeker turns: used its last entry")
                        }
                    }
                    examples.append(DialogueExample(conversation: c, turn: i, history: context + [supporterPrefix],
                                                    persona: persona, response: turn.text, strategy: strategy))
                }
                context.append(turn.speaker == .seeker ? seekerPrefix + turn.text
                               : supporterPrefix + (turn.strategy?.token ?? "") + turn.text)
            }
        }
        return (examples, report)
    }

    /// The sentences of a persona text (`<persona>`-separated, `<input>` removed, empty ones dropped).
    public static func personaSentences(_ persona: String) -> [String] {
        persona.replacingOccurrences(of: PALTokens.noPersona, with: "")
            .components(separatedBy: PALTokens.persona)
            .map(normalizeWhitespace)
            .filter { !$0.isEmpty }
    }
}
