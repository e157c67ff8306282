// PairwiseStudy: paper §4.5 — a participant role-plays the seeker of a test-split ESConv situation
// and chats with two anonymous systems side by side, then judges six aspects left / right / tie.
// Each session gets the next model pair and situation in turn and a random left/right order, all
// recorded. The same message goes to both systems; each side's ChatSession meets the crisis guard
// before its model runs (the `chat` command's guard, so a flagged message gets the fixed reply on
// both sides and no model answers it). Every turn and judgement is on disk before it is answered.
import Foundation
import Models
import PAL
import TextData

public final class PairwiseStudy {
    /// A model under study: the name participants never see, and its checkpoint.
    public struct System: Codable, Equatable, Sendable {
        public var name: String
        public var checkpoint: String

        public init(name: String, checkpoint: String) {
            (self.name, self.checkpoint) = (name, checkpoint)
        }
    }

    public struct Settings: Codable, Equatable, Sendable {
        public var systems: [System]
        public var minTurns: Int
        public var maxMessageCharacters: Int
        public var showPersona: Bool
        public var showStrategy: Bool
        /// Orders the situations; sampling seeds are this plus the session's number.
        public var seed: UInt64

        public init(systems: [System], minTurns: Int, maxMessageCharacters: Int, showPersona: Bool, showStrategy: Bool, seed: UInt64) {
            (self.systems, self.minTurns, self.maxMessageCharacters) = (systems, minTurns, maxMessageCharacters)
            (self.showPersona, self.showStrategy, self.seed) = (showPersona, showStrategy, seed)
        }

        /// Every pair of systems in command-line order: (A, B), (A, C), (B, C), …
        public var pairs: [[String]] {
            systems.indices.flatMap { i in systems.indices.filter { $0 > i }.map { [systems[i].name, systems[$0].name] } }
        }
    }

    /// What the models need: each system's loaded model, the extractor, the guard, the decoding.
    public struct Runtime {
        public var models: [String: DialogueModel]
        public var annotator: Annotator?
        public var guardrail: CrisisGuard
        public var control: StrategyControl
        /// The decoding of `model`'s reply at sampling offset n.
        public var decoding: (_ model: DialogueModel, _ offset: UInt64) -> GenerationConfig

        public init(models: [String: DialogueModel], annotator: Annotator?, guardrail: CrisisGuard, control: StrategyControl,
                    decoding: @escaping (DialogueModel, UInt64) -> GenerationConfig) {
            (self.models, self.annotator, self.guardrail, self.control, self.decoding) = (models, annotator, guardrail, control, decoding)
        }
    }

    // MARK: - What the participant's page gets (no model names)

    public struct View: Codable, Sendable {
        public var session: String
        public var situation: Situation
        public var minTurns: Int
        public var maxMessageCharacters: Int
        public var turns: [TurnView]
        public var judged: Bool
        public var aspects: [Question]
        public var checks: [Question]
    }

    public struct Question: Codable, Sendable {
        public var id: String
        public var title: String
        public var question: String
    }

    public struct TurnView: Codable, Sendable {
        public var turn: Int
        public var message: String
        public var left: ReplyView
        public var right: ReplyView
        public var guarded: Bool
    }

    public struct ReplyView: Codable, Sendable {
        public var reply: String
        public var strategy: String?
        public var persona: [String]?
    }

    // MARK: - State

    private struct Live {
        var record: SessionRecord
        var ordinal: Int
        var left: ChatSession
        var right: ChatSession
        var turns: [TurnRecord] = []
        var judgement: JudgementRecord?
    }

    public let settings: Settings
    private let runtime: Runtime
    private let situations: [Situation]
    private let checks: [AttentionChecks.Pairwise]
    private let log: StudyLog
    private var sessions: [String: Live] = [:]

    /// The study over `situations`, resumed from the records already in `log`'s folder (conversations
    /// continue where they stopped; a session of a model not in `settings` is an error).
    public init(settings: Settings, runtime: Runtime, situations: [Situation], checks: [AttentionChecks.Pairwise], log: StudyLog) throws {
        precondition(!situations.isEmpty && settings.systems.count >= 2, "PairwiseStudy: needs situations and two systems")
        (self.settings, self.runtime, self.situations, self.checks, self.log) = (settings, runtime, situations, checks, log)
        for record in try StudyLog.read(SessionRecord.self, from: .sessions, in: log.folder).records {
            sessions[record.session] = try live(record, ordinal: sessions.count)
        }
        for turn in try StudyLog.read(TurnRecord.self, from: .turns, in: log.folder).records { sessions[turn.session]?.turns.append(turn) }
        for judgement in try StudyLog.read(JudgementRecord.self, from: .judgements, in: log.folder).records where sessions[judgement.session]?.judgement == nil {
            sessions[judgement.session]?.judgement = judgement
        }
        for (id, session) in sessions {
            sessions[id]!.left.resume(turns: Self.conversation(session.turns, side: \.left), persona: session.turns.last?.left.persona ?? [],
                                      replies: session.turns.filter { $0.crisisGuard == nil }.count)
            sessions[id]!.right.resume(turns: Self.conversation(session.turns, side: \.right), persona: session.turns.last?.right.persona ?? [],
                                       replies: session.turns.filter { $0.crisisGuard == nil }.count)
        }
    }

    /// The test split's situations (PAL's split of the published data), in the order `seed` shuffles them.
    public static func situations(data: URL, seed: UInt64) throws -> [Situation] {
        let corpus = try ESConvCorpus.load(data: data)
        let test = try corpus.papersSplit().test
        return DataSplit.shuffledIndices(count: test.count, seed: seed).map { i in
            let c = corpus.conversations[test[i]]
            return Situation(conversation: test[i], emotionType: c.emotionType, problemType: c.problemType, situation: c.situation)
        }
    }

    private func live(_ record: SessionRecord, ordinal: Int) throws -> Live {
        func chat(_ name: String) throws -> ChatSession {
            guard let model = runtime.models[name] else {
                throw StudyError(.storage, "\(log.folder.path): session \(record.session) is with model \(name), which this server does not load; start it with the study's models")
            }
            let offset = settings.seed &+ UInt64(ordinal) &* 10_000
            return ChatSession(dialogue: model, annotator: runtime.annotator, guardrail: runtime.guardrail, control: runtime.control) { [runtime] in
                runtime.decoding(model, offset &+ $0)
            }
        }
        return Live(record: record, ordinal: ordinal, left: try chat(record.left), right: try chat(record.right))
    }

    private static func conversation(_ turns: [TurnRecord], side: KeyPath<TurnRecord, SystemReply>) -> [Turn] {
        turns.flatMap { t in
            [Turn(speaker: .seeker, text: t.message),
             Turn(speaker: .supporter, text: t[keyPath: side].reply, strategy: t[keyPath: side].strategy.flatMap(Strategy.init(rawValue:)) ?? .information)]
        }
    }

    // MARK: - Requests

    /// The participant's unjudged session, or a new one: the next pair and situation in turn, left and right at random.
    public func start(participant: String) throws -> View {
        if let open = sessions.values.filter({ $0.record.participant == participant && $0.judgement == nil }).min(by: { $0.ordinal < $1.ordinal }) {
            return view(open)
        }
        let ordinal = sessions.count, pair = settings.pairs[ordinal % settings.pairs.count]
        let swap = Bool.random()
        let record = SessionRecord(session: SessionID.make(), participant: participant, pair: pair, left: swap ? pair[1] : pair[0],
                                   right: swap ? pair[0] : pair[1], situation: situations[ordinal % situations.count], time: timestamp())
        let session = try live(record, ordinal: ordinal)
        try log.append(record, to: .sessions)
        sessions[record.session] = session
        return view(session)
    }

    /// The page of `session`.
    public func view(session: String) throws -> View { view(try find(session)) }

    /// Both systems' replies to the seeker's `message`, recorded before they are returned.
    public func send(session id: String, message: String) throws -> TurnView {
        var session = try find(id)
        guard session.judgement == nil else { throw StudyError(.conflict, "this conversation has been judged already: it is closed") }
        let message = normalizeWhitespace(message)
        guard !message.isEmpty else { throw StudyError(.badRequest, "type a message first") }
        guard message.count <= settings.maxMessageCharacters else {
            throw StudyError(.tooLarge, "a message has at most \(settings.maxMessageCharacters) characters (this one has \(message.count)): shorten it")
        }
        var guardFlag: CrisisFlag?
        func answer(_ chat: inout ChatSession, model: String) throws -> SystemReply {
            switch try chat.answer(message) {
            case .guarded(let flag, let reply):
                guardFlag = flag
                return SystemReply(model: model, reply: reply, strategy: nil, persona: nil)
            case .generated(let reply):
                return SystemReply(model: model, reply: reply.response, strategy: reply.strategy?.rawValue, persona: chat.readsPersona ? chat.persona : nil)
            }
        }
        let turn: TurnRecord
        do {
            let leftReply = try answer(&session.left, model: session.record.left), rightReply = try answer(&session.right, model: session.record.right)
            turn = TurnRecord(session: id, turn: session.turns.count + 1, message: message, left: leftReply, right: rightReply,
                              crisisGuard: guardFlag.map(\.source), time: timestamp())
            try log.append(turn, to: .turns)
        } catch {
            // Nothing recorded, and `sessions` still holds the conversations as they were: the participant can send again.
            throw error is StudyError ? error : StudyError(.badRequest, "the systems could not answer this message: \(error)")
        }
        session.turns.append(turn)
        sessions[id] = session
        return turnView(turn)
    }

    /// Records the participant's `verdicts` (aspect → left|right|tie, all six), their answers to the
    /// attention checks (check id → left|right|tie) and `comment`; a session is judged once.
    public func judge(session id: String, verdicts: [String: String], attention: [String: String], comment: String) throws -> View {
        let session = try find(id)
        guard session.judgement == nil else { throw StudyError(.conflict, "this conversation has been judged already: a second judgement is not recorded") }
        guard session.turns.count >= settings.minTurns else {
            throw StudyError(.badRequest, "chat for at least \(settings.minTurns) turns before judging (\(session.turns.count) so far)")
        }
        func verdict(_ value: String?, _ what: String) throws -> Verdict {
            guard let verdict = value.flatMap(Verdict.init(rawValue:)) else { throw StudyError(.badRequest, "choose left, right or tie for \(what)") }
            return verdict
        }
        var chosen: [String: Verdict] = [:]
        for aspect in Aspect.allCases { chosen[aspect.rawValue] = try verdict(verdicts[aspect.rawValue], aspect.title) }
        let answers = try checks.map { check -> AttentionAnswer in
            let given = try verdict(attention[check.id], "every row")
            return AttentionAnswer(check: check.id, expected: check.answer.rawValue, given: given.rawValue, passed: given == check.answer)
        }
        let comment = normalizeWhitespace(comment)
        guard comment.count <= Limits.commentCharacters else { throw StudyError(.tooLarge, "a comment has at most \(Limits.commentCharacters) characters") }
        let record = JudgementRecord(session: id, participant: session.record.participant, pair: session.record.pair, left: session.record.left,
                                     right: session.record.right, verdicts: chosen, attention: answers, comment: comment, time: timestamp())
        try log.append(record, to: .judgements)
        sessions[id]!.judgement = record
        return view(sessions[id]!)
    }

    private func find(_ id: String) throws -> Live {
        guard let session = sessions[id] else { throw StudyError(.notFound, "no chat session \(id.prefix(40)): sign in again with your participant ID") }
        return session
    }

    private func view(_ session: Live) -> View {
        View(session: session.record.session, situation: session.record.situation, minTurns: settings.minTurns,
             maxMessageCharacters: settings.maxMessageCharacters, turns: session.turns.map(turnView), judged: session.judgement != nil,
             aspects: Aspect.allCases.map { Question(id: $0.rawValue, title: $0.title, question: $0.question) },
             checks: checks.map { Question(id: $0.id, title: "Check", question: $0.question) })
    }

    private func turnView(_ turn: TurnRecord) -> TurnView {
        func reply(_ r: SystemReply) -> ReplyView {
            ReplyView(reply: r.reply, strategy: settings.showStrategy ? r.strategy : nil, persona: settings.showPersona ? r.persona : nil)
        }
        return TurnView(turn: turn.turn, message: turn.message, left: reply(turn.left), right: reply(turn.right), guarded: turn.crisisGuard != nil)
    }
}
