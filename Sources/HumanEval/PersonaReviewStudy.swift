// PersonaReviewStudy: paper §4.1 — raters read a seeker's utterances and the persona the extractor
// inferred from them and label it Reasonable, Contradictory, Hallucinatory or Other (with a reason).
// A seeded sample of the PESConv conversations; each participant gets the items that have the fewest
// raters so far (never one they have seen), so every item reaches the requested number of raters;
// attention checks are spread among them.
import Foundation
import TextData

/// One persona to judge: the seeker's utterances and the inferred persona sentences.
public struct PersonaItem: Codable, Equatable, Sendable {
    /// 0, 1, … for the sample, then the attention checks.
    public var id: Int
    /// The conversation's index in the personas file (nil for a check).
    public var conversation: Int?
    public var utterances: [String]
    public var persona: [String]
    /// The attention check this item is (nil for a sampled item).
    public var check: String?
    public var answer: PersonaLabel?
}

public final class PersonaReviewStudy {
    public struct Settings: Codable, Equatable, Sendable {
        public var personas: String
        public var sample: Int
        public var raters: Int
        public var itemsPerSession: Int
        public var seed: UInt64

        public init(personas: String, sample: Int, raters: Int, itemsPerSession: Int, seed: UInt64) {
            (self.personas, self.sample, self.raters, self.itemsPerSession, self.seed) = (personas, sample, raters, itemsPerSession, seed)
        }
    }

    /// What the participant's page shows.
    public struct View: Codable, Sendable {
        public var session: String
        public var done: Int
        public var total: Int
        /// The next item to judge, nil when the session is complete.
        public var item: ItemView?
        public var labels: [String]
    }

    public struct ItemView: Codable, Sendable {
        public var id: Int
        public var utterances: [String]
        public var persona: [String]
    }

    public let settings: Settings
    /// The sample, then the attention checks.
    public let items: [PersonaItem]
    private let log: StudyLog
    private var sessions: [String: PersonaSessionRecord] = [:]
    private var ratings: [String: [Int: PersonaRatingRecord]] = [:]
    private var assigned: [Int: Int] = [:]

    /// The study over `items` (sample then checks), resumed from the records already in `log`'s folder.
    public init(settings: Settings, items: [PersonaItem], log: StudyLog) throws {
        self.settings = settings
        self.items = items
        self.log = log
        for record in try StudyLog.read(PersonaSessionRecord.self, from: .personaSessions, in: log.folder).records { remember(record) }
        for rating in try StudyLog.read(PersonaRatingRecord.self, from: .personaRatings, in: log.folder).records where sessions[rating.session] != nil {
            ratings[rating.session, default: [:]][rating.item] = rating
        }
    }

    /// `count` items drawn with `seed` from the conversations of a PESConv file that have a persona
    /// (`persona`, else the last `persona_list` entry), then `checks`.
    public static func items(from conversations: [Conversation], count: Int, seed: UInt64, checks: [AttentionChecks.Persona], file: String) throws -> [PersonaItem] {
        let annotated = conversations.indices.filter { !personaSentences(conversations[$0]).isEmpty }
        guard annotated.count >= count else {
            throw DataError(file: file, "\(annotated.count) conversations have an inferred persona, fewer than --sample \(count)")
        }
        let chosen = DataSplit.shuffledIndices(count: annotated.count, seed: seed).prefix(count).map { annotated[$0] }
        let sample = chosen.enumerated().map { id, c in
            PersonaItem(id: id, conversation: c, utterances: conversations[c].turns.filter { $0.speaker == .seeker }.map(\.text),
                        persona: personaSentences(conversations[c]), check: nil, answer: nil)
        }
        return sample + checks.enumerated().map { k, check in
            PersonaItem(id: count + k, conversation: nil, utterances: check.utterances, persona: check.persona, check: check.id, answer: check.answer)
        }
    }

    private static func personaSentences(_ c: Conversation) -> [String] {
        DialogueExamples.personaSentences(c.persona ?? c.personaList?.last ?? "")
    }

    private func remember(_ record: PersonaSessionRecord) {
        sessions[record.session] = record
        for item in record.items where items[item].check == nil { assigned[item, default: 0] += 1 }
    }

    // MARK: - Requests

    /// The participant's unfinished session, or a new one with the items that have the fewest raters.
    public func start(participant: String) throws -> View {
        if let open = sessions.values.first(where: { $0.participant == participant && next($0) != nil }) { return view(open) }
        let seen = Set(sessions.values.filter { $0.participant == participant }.flatMap(\.items))
        let candidates = items.filter { $0.check == nil && !seen.contains($0.id) && assigned[$0.id, default: 0] < settings.raters }
            .sorted { (assigned[$0.id, default: 0], $0.id) < (assigned[$1.id, default: 0], $1.id) }
            .prefix(settings.itemsPerSession).map(\.id)
        guard !candidates.isEmpty else {
            throw StudyError(.conflict, "every persona has its \(settings.raters) raters\(seen.isEmpty ? "" : " or has been shown to you"): the review is complete, thank you")
        }
        var order = candidates
        let checks = items.filter { $0.check != nil }.map(\.id)
        for (k, check) in checks.enumerated().reversed() { order.insert(check, at: (k + 1) * candidates.count / (checks.count + 1)) }
        let record = PersonaSessionRecord(session: SessionID.make(), participant: participant, items: order, time: timestamp())
        try log.append(record, to: .personaSessions)
        remember(record)
        return view(record)
    }

    /// The page of `session`.
    public func view(session: String) throws -> View { view(try find(session)) }

    /// Records `label` (and `reason`, required for Other) for `item` of `session`.
    public func rate(session: String, item: Int, label: String, reason: String) throws -> View {
        let record = try find(session)
        guard record.items.contains(item) else { throw StudyError(.notFound, "item \(item) is not part of this review session") }
        guard ratings[session]?[item] == nil else { throw StudyError(.conflict, "this persona has been judged already: reload the page to continue") }
        guard let label = PersonaLabel(rawValue: label) else {
            throw StudyError(.badRequest, "choose one of \(PersonaLabel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let reason = normalizeWhitespace(reason)
        guard label != .other || !reason.isEmpty else { throw StudyError(.badRequest, "say why in a few words when you choose Other") }
        guard reason.count <= Limits.commentCharacters else { throw StudyError(.tooLarge, "a reason has at most \(Limits.commentCharacters) characters") }
        let judged = items[item]
        let attention = judged.check.map { AttentionAnswer(check: $0, expected: judged.answer!.rawValue, given: label.rawValue, passed: judged.answer == label) }
        let rating = PersonaRatingRecord(session: session, participant: record.participant, item: item, label: label, reason: reason,
                                         attention: attention, time: timestamp())
        try log.append(rating, to: .personaRatings)
        ratings[session, default: [:]][item] = rating
        return view(record)
    }

    private func find(_ session: String) throws -> PersonaSessionRecord {
        guard let record = sessions[session] else { throw StudyError(.notFound, "no persona-review session \(session.prefix(40)): sign in again") }
        return record
    }

    private func next(_ record: PersonaSessionRecord) -> Int? { record.items.first { ratings[record.session]?[$0] == nil } }

    private func view(_ record: PersonaSessionRecord) -> View {
        View(session: record.session, done: ratings[record.session]?.count ?? 0, total: record.items.count,
             item: next(record).map { ItemView(id: $0, utterances: items[$0].utterances, persona: items[$0].persona) },
             labels: PersonaLabel.allCases.map(\.rawValue))
    }
}
