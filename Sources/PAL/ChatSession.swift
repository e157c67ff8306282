// ChatSession: one conversation with a dialogue model as `paltrain chat` holds it. Each seeker message
// meets the crisis guard first (PAL-SPEC §10: crisis language gets a fixed reply pointing to human
// help, never a generated one), then the persona the extractor infers from the seeker's messages
// (from the 3rd on, as in PESConv), the strategy chosen at the first decoder step, and the reply.
import Foundation
import Models
import TextData

public struct ChatSession {
    public let dialogue: DialogueModel
    /// Infers the persona; nil runs PAL with an empty one.
    public let annotator: Annotator?
    public let guardrail: CrisisGuard
    public let control: StrategyControl
    /// The decoding settings of reply n (n = 0, 1, …), e.g. sampling from seed + n.
    public let decoding: (_ reply: UInt64) -> GenerationConfig
    public private(set) var turns: [Turn] = []
    /// The persona sentences inferred so far, each once.
    public private(set) var persona: [String] = []
    private var replies: UInt64 = 0

    /// What the session answered.
    public enum Answer {
        /// The crisis guard flagged the message: `reply` is the fixed message, not generated.
        case guarded(flag: CrisisFlag, reply: String)
        case generated(DialogueModel.Reply)
    }

    public init(dialogue: DialogueModel, annotator: Annotator?, guardrail: CrisisGuard, control: StrategyControl,
                decoding: @escaping (_ reply: UInt64) -> GenerationConfig) {
        self.dialogue = dialogue
        self.annotator = dialogue.format == .joint ? nil : annotator
        self.guardrail = guardrail
        self.control = control
        self.decoding = decoding
    }

    /// Whether the model reads a persona at all (Joint does not).
    public var readsPersona: Bool { dialogue.format != .joint }

    /// How many seeker messages the conversation holds.
    public var seekerMessages: Int { turns.filter { $0.speaker == .seeker }.count }

    /// Starts a new conversation.
    public mutating func reset() {
        (turns, persona) = ([], [])
    }

    /// Continues a conversation kept elsewhere (a study resumed after a restart): its `turns`, the
    /// `persona` inferred so far, and the number of generated `replies` (the next one samples from that offset).
    public mutating func resume(turns: [Turn], persona: [String], replies: Int) {
        (self.turns, self.persona, self.replies) = (turns, persona, UInt64(replies))
    }

    /// The answer to the seeker's `message` (whitespace-normalised, not empty).
    public mutating func answer(_ message: String) throws -> Answer {
        turns.append(Turn(speaker: .seeker, text: message))
        if let flag = guardrail.check(message) {
            turns.append(Turn(speaker: .supporter, text: guardrail.message, strategy: .information))
            return .guarded(flag: flag, reply: guardrail.message)
        }
        let seeker = turns.filter { $0.speaker == .seeker }.map(\.text)
        if let annotator, seeker.count >= 3 {
            let inferred = annotator.personaSentences([seeker.joined(separator: ExtractorPairs.utteranceSeparator)])[0]
            for sentence in inferred where !persona.contains(sentence) { persona.append(sentence) }
        }
        let reply = try dialogue.reply(to: DialogueRequest(turns: turns, persona: persona), strategy: nil, control: control, config: decoding(replies))
        replies += 1
        turns.append(Turn(speaker: .supporter, text: reply.response, strategy: reply.strategy))
        return .generated(reply)
    }
}
