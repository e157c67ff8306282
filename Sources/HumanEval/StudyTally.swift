// StudyTally: the counts behind the report and the admin page — per model pair, sessions, turns and
// each aspect's wins, ties and losses for the pair's first model (Table 4's rows).
import Foundation

/// One aspect's judgements for `pair[0]`: wins, ties, losses.
public struct AspectCount: Codable, Equatable, Sendable {
    public var win = 0, tie = 0, lose = 0

    public var total: Int { win + tie + lose }

    /// The two-sided exact sign test, ties excluded.
    public var p: Double { SignTest.pValue(wins: win, losses: lose) }

    /// `count` as a percentage of every judgement of the aspect.
    public func percent(_ count: Int) -> Double { total == 0 ? 0 : 100 * Double(count) / Double(total) }

    public init() {}

    // The JSON report carries the percentages, the p-value and its mark beside the counts.
    private enum CodingKeys: String, CodingKey { case win, tie, lose, winPercent, tiePercent, losePercent, p, mark }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        (win, tie, lose) = (try c.decode(Int.self, forKey: .win), try c.decode(Int.self, forKey: .tie), try c.decode(Int.self, forKey: .lose))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, n) in [(CodingKeys.win, win), (.tie, tie), (.lose, lose)] { try c.encode(n, forKey: key) }
        for (key, n) in [(CodingKeys.winPercent, win), (.tiePercent, tie), (.losePercent, lose)] { try c.encode(percent(n), forKey: key) }
        try c.encode(p, forKey: .p)
        try c.encode(SignTest.mark(p), forKey: .mark)
    }
}

public struct StudyTally: Codable, Equatable, Sendable {
    public var pair: [String]
    public var sessions = 0
    public var judged = 0
    public var turns = 0
    /// Turns the crisis guard answered.
    public var guardedTurns = 0
    /// Keyed by `Aspect.rawValue`.
    public var aspects: [String: AspectCount] = [:]

    public func count(_ aspect: Aspect) -> AspectCount { aspects[aspect.rawValue] ?? AspectCount() }

    /// One tally per pair of `pairs`, then any other pair the records hold, in order of appearance.
    public static func tally(judgements: [JudgementRecord], sessions: [SessionRecord], turns: [TurnRecord], pairs: [[String]] = []) -> [StudyTally] {
        var order = pairs, tallies: [[String]: StudyTally] = [:]
        func touch(_ pair: [String]) {
            if tallies[pair] == nil { tallies[pair] = StudyTally(pair: pair); if !order.contains(pair) { order.append(pair) } }
        }
        pairs.forEach(touch)
        var pairOf: [String: [String]] = [:]
        for session in sessions {
            touch(session.pair)
            tallies[session.pair]!.sessions += 1
            pairOf[session.session] = session.pair
        }
        for turn in turns {
            guard let pair = pairOf[turn.session] else { continue }
            tallies[pair]!.turns += 1
            if turn.crisisGuard != nil { tallies[pair]!.guardedTurns += 1 }
        }
        for judgement in judgements {
            touch(judgement.pair)
            tallies[judgement.pair]!.judged += 1
            for aspect in Aspect.allCases {
                guard let outcome = judgement.outcome(aspect) else { continue }
                var count = tallies[judgement.pair]!.count(aspect)
                if outcome > 0 { count.win += 1 } else if outcome < 0 { count.lose += 1 } else { count.tie += 1 }
                tallies[judgement.pair]!.aspects[aspect.rawValue] = count
            }
        }
        return order.map { tallies[$0]! }
    }
}
