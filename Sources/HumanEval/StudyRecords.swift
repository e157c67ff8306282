// StudyRecords: what a human-evaluation study writes, one JSON object per line of a `study/*.jsonl`
// file (paper §4.5 pairwise chats and their six judged aspects; §4.1 persona review). Participants
// appear only as pseudonyms (Pseudonymizer); the left/right assignment is in every record.
import Foundation

/// The six aspects of the paper's Table 4, in its order.
public enum Aspect: String, Codable, CaseIterable, Sendable {
    case coherence, identification, comforting, suggestion, informativeness, overall

    public var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    /// The question the participant answers (after ESConv's and the paper's definitions).
    public var question: String {
        switch self {
        case .coherence: return "Which supporter's replies are more coherent and relevant to what you said?"
        case .identification: return "Which supporter explored your situation more deeply to understand your problem?"
        case .comforting: return "Which supporter was better at comforting you?"
        case .suggestion: return "Which supporter gave more helpful suggestions for your problem?"
        case .informativeness: return "Which supporter's replies are more informative and specific?"
        case .overall: return "Which supporter would you rather talk to, overall?"
        }
    }
}

/// A judgement of one aspect: the left system is better, the right one, or neither.
public enum Verdict: String, Codable, CaseIterable, Sendable {
    case left, right, tie
}

/// The persona review's four labels (paper §4.1).
public enum PersonaLabel: String, Codable, CaseIterable, Sendable {
    case reasonable = "Reasonable", contradictory = "Contradictory", hallucinatory = "Hallucinatory", other = "Other"
}

/// The test-split conversation a participant role-plays: its situation, emotion and problem type.
public struct Situation: Codable, Equatable, Sendable {
    /// The conversation's index in ESConv.json order.
    public var conversation: Int
    public var emotionType: String
    public var problemType: String
    public var situation: String
}

/// One pairwise session: who (pseudonym), which two models in which order, on which situation.
public struct SessionRecord: Codable, Equatable, Sendable {
    public var session: String
    public var participant: String
    /// The model pair in canonical order (as named on the command line): wins count for `pair[0]`.
    public var pair: [String]
    public var left: String
    public var right: String
    public var situation: Situation
    public var time: String
}

/// One system's answer to a seeker message.
public struct SystemReply: Codable, Equatable, Sendable {
    public var model: String
    public var reply: String
    /// Nil when the crisis guard answered.
    public var strategy: String?
    /// The persona the system read (nil for Joint and for a guarded reply).
    public var persona: [String]?
}

/// One seeker message and both systems' replies.
public struct TurnRecord: Codable, Equatable, Sendable {
    public var session: String
    /// 1, 2, … within the session.
    public var turn: Int
    public var message: String
    public var left: SystemReply
    public var right: SystemReply
    /// Why the crisis guard answered instead of both models (layer and category), or nil.
    public var crisisGuard: String?
    public var time: String
}

/// A participant's answer to one attention check.
public struct AttentionAnswer: Codable, Equatable, Sendable {
    public var check: String
    public var expected: String
    public var given: String
    public var passed: Bool
}

/// The end of a pairwise session: a verdict per aspect, the attention checks, a comment.
public struct JudgementRecord: Codable, Equatable, Sendable {
    public var session: String
    public var participant: String
    public var pair: [String]
    public var left: String
    public var right: String
    public var verdicts: [String: Verdict]
    public var attention: [AttentionAnswer]
    public var comment: String
    public var time: String

    /// The aspect's verdict from `pair[0]`'s side: +1 a win, 0 a tie, −1 a loss (nil when not judged).
    public func outcome(_ aspect: Aspect) -> Int? {
        guard let verdict = verdicts[aspect.rawValue] else { return nil }
        switch verdict {
        case .tie: return 0
        case .left: return left == pair[0] ? 1 : -1
        case .right: return right == pair[0] ? 1 : -1
        }
    }
}

/// A persona-review session: the items given to one participant, in order.
public struct PersonaSessionRecord: Codable, Equatable, Sendable {
    public var session: String
    public var participant: String
    /// Item ids (attention checks included).
    public var items: [Int]
    public var time: String
}

/// One persona judged.
public struct PersonaRatingRecord: Codable, Equatable, Sendable {
    public var session: String
    public var participant: String
    public var item: Int
    public var label: PersonaLabel
    public var reason: String
    /// Set for an attention-check item.
    public var attention: AttentionAnswer?
    public var time: String
}

/// The `study/` files, one per kind of record.
public enum StudyFile: String, CaseIterable, Sendable {
    case sessions = "sessions.jsonl"
    case turns = "turns.jsonl"
    case judgements = "judgements.jsonl"
    case personaSessions = "persona-sessions.jsonl"
    case personaRatings = "persona-ratings.jsonl"
}

/// The time of a record, ISO 8601 in UTC.
func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }
