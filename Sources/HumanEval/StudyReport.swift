// StudyReport: `paltrain human-eval report study/` — Table 4 from the judgements (per model pair and
// aspect: win / tie / lose with percentages, the two-sided exact sign test with † p < 0.05 and
// ‡ p < 0.1), the persona review (Fleiss' κ and the share of each label), and the participants whom
// attention checks flagged. Written as Markdown, JSON and one SVG bar chart per aspect.
import Foundation
import TextData

public struct StudyReport: Codable, Sendable {
    /// A participant who failed at least one attention check.
    public struct Flagged: Codable, Equatable, Sendable {
        public var participant: String
        public var failed: [String]
        public var checks: Int
    }

    public struct PersonaSummary: Codable, Equatable, Sendable {
        public var items: Int
        public var raters: Int
        /// Ratings of the sampled items (attention checks left out).
        public var ratings: Int
        /// Items with at least `raters` ratings: κ is computed over their first `raters` ratings.
        public var itemsRated: Int
        public var kappa: Double?
        /// Label → percentage of all ratings.
        public var shares: [String: Double]
        /// Label (or "no majority") → percentage of the fully rated items whose majority label it is.
        public var majority: [String: Double]
    }

    public var study: String
    public var pairs: [StudyTally]
    public var personaReview: PersonaSummary?
    public var flagged: [Flagged]
    /// Whether the flagged participants' records were left out.
    public var excludedFlagged: Bool
    /// Lines of the study files that could not be read (cut short by a crash).
    public var unreadableLines: Int

    /// The report of the study in `folder`; `excludeFlagged` leaves out every record of a flagged participant.
    public static func make(folder: URL, excludeFlagged: Bool = false) throws -> StudyReport {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(StudyFile.sessions.rawValue).path)
                || FileManager.default.fileExists(atPath: folder.appendingPathComponent(StudyFile.personaSessions.rawValue).path) else {
            throw FileError(path: folder.path, "holds no study (sessions.jsonl or persona-sessions.jsonl): name the --study folder of `paltrain human-eval serve`")
        }
        let manifest = try StudyManifest.read(folder: folder)
        let sessions = try StudyLog.read(SessionRecord.self, from: .sessions, in: folder)
        let turns = try StudyLog.read(TurnRecord.self, from: .turns, in: folder)
        let judgements = try StudyLog.read(JudgementRecord.self, from: .judgements, in: folder)
        let ratings = try StudyLog.read(PersonaRatingRecord.self, from: .personaRatings, in: folder)
        var checksOf: [String: (failed: [String], checks: Int)] = [:]
        for answer in judgements.records.flatMap({ j in j.attention.map { (j.participant, $0) } }) + ratings.records.compactMap({ r in r.attention.map { (r.participant, $0) } }) {
            checksOf[answer.0, default: ([], 0)].checks += 1
            if !answer.1.passed { checksOf[answer.0]!.failed.append(answer.1.check) }
        }
        let flagged = checksOf.filter { !$0.value.failed.isEmpty }.map { Flagged(participant: $0.key, failed: $0.value.failed, checks: $0.value.checks) }
            .sorted { $0.participant < $1.participant }
        let dropped = excludeFlagged ? Set(flagged.map(\.participant)) : []
        let kept = Set(sessions.records.filter { !dropped.contains($0.participant) }.map(\.session))
        var seen = Set<String>()
        let firstJudgements = judgements.records.filter { kept.contains($0.session) && seen.insert($0.session).inserted }
        let pairs = StudyTally.tally(judgements: firstJudgements, sessions: sessions.records.filter { kept.contains($0.session) },
                                     turns: turns.records.filter { kept.contains($0.session) }, pairs: manifest?.pairwise?.pairs ?? [])
        let sampled = ratings.records.filter { $0.attention == nil && !dropped.contains($0.participant) }
        // Without study.json, the items seen and the most ratings any item has stand in for the settings.
        let review = manifest?.personaReview.map { summary(sampled, items: $0.sample, raters: $0.raters) }
            ?? (sampled.isEmpty ? nil : summary(sampled, items: Set(sampled.map(\.item)).count,
                                                raters: Dictionary(grouping: sampled, by: \.item).values.map(\.count).max()!))
        return StudyReport(study: folder.path, pairs: pairs, personaReview: review, flagged: flagged, excludedFlagged: excludeFlagged,
                           unreadableLines: sessions.unreadable + turns.unreadable + judgements.unreadable + ratings.unreadable)
    }

    static func summary(_ ratings: [PersonaRatingRecord], items: Int, raters: Int) -> PersonaSummary {
        let labels = PersonaLabel.allCases
        var perItem: [Int: [PersonaLabel]] = [:]
        for rating in ratings { perItem[rating.item, default: []].append(rating.label) }
        let full = perItem.keys.sorted().compactMap { perItem[$0]!.count >= raters ? Array(perItem[$0]!.prefix(raters)) : nil }
        let table = full.map { chosen in labels.map { label in chosen.filter { $0 == label }.count } }
        let kappa = table.count >= 2 && raters >= 2 ? FleissKappa.kappa(table) : .nan
        var shares: [String: Double] = [:], majority: [String: Double] = [:]
        for label in labels { shares[label.rawValue] = ratings.isEmpty ? 0 : 100 * Double(ratings.filter { $0.label == label }.count) / Double(ratings.count) }
        for row in table {
            let top = row.max()!, winners = labels.indices.filter { row[$0] == top }
            let key = winners.count == 1 && 2 * top > raters ? labels[winners[0]].rawValue : "no majority"
            majority[key, default: 0] += 100 / Double(table.count)
        }
        return PersonaSummary(items: items, raters: raters, ratings: ratings.count, itemsRated: full.count, kappa: kappa.isNaN ? nil : kappa,
                              shares: shares, majority: majority)
    }

    // MARK: - Markdown

    public var markdown: String {
        var out = "# Human evaluation\n\nStudy `\(study)`"
        let judged = pairs.reduce(0) { $0 + $1.judged }
        out += ": \(pairs.reduce(0) { $0 + $1.sessions }) chat sessions started, \(judged) judged, \(pairs.reduce(0) { $0 + $1.turns }) turns "
            + "(\(pairs.reduce(0) { $0 + $1.guardedTurns }) answered by the crisis guard).\n"
        out += flagged.isEmpty ? "No participant failed an attention check.\n"
            : "\(flagged.count) participant\(flagged.count == 1 ? "" : "s") failed attention checks (listed below): "
              + (excludedFlagged ? "their records are left out of every count.\n" : "their records are counted (`--exclude-flagged` leaves them out).\n")
        if unreadableLines > 0 { out += "\(unreadableLines) unreadable line\(unreadableLines == 1 ? "" : "s") (cut short by a crash) skipped.\n" }
        for tally in pairs {
            let (a, b) = (tally.pair[0], tally.pair[1])
            out += "\n## \(a) vs \(b)\n\n\(tally.judged) judged session\(tally.judged == 1 ? "" : "s") of \(tally.sessions), \(tally.turns) turns.\n\n"
            out += "| Aspect | \(a) wins | Tie | \(b) wins | p (sign test) |\n|---|---:|---:|---:|---:|\n"
            for aspect in Aspect.allCases {
                let c = tally.count(aspect), mark = SignTest.mark(c.p)
                func cell(_ n: Int, leads: Bool) -> String { "\(n) (\(String(format: "%.1f", c.percent(n)))%)" + (leads ? mark : "") }
                out += "| \(aspect.title) | \(cell(c.win, leads: c.win > c.lose)) | \(cell(c.tie, leads: false)) | \(cell(c.lose, leads: c.lose > c.win)) | \(Self.format(c.p)) |\n"
            }
        }
        if !pairs.isEmpty { out += "\n† p < 0.05, ‡ p < 0.1: two-sided exact sign test on wins against losses, ties excluded; the mark is on the side that leads.\n" }
        if let review = personaReview {
            out += "\n## Persona review\n\n\(review.items) sampled personas, \(review.raters) raters each requested; \(review.ratings) ratings; "
                + "\(review.itemsRated) personas with \(review.raters) raters.\n"
            out += "Fleiss' κ = " + (review.kappa.map { String(format: "%.3f", $0) } ?? "n/a (fewer than two fully rated personas, or one label only)")
                + " over those personas' first \(review.raters) ratings.\n\n| Label | share of ratings | share of personas (majority) |\n|---|---:|---:|\n"
            for label in PersonaLabel.allCases.map(\.rawValue) + ["no majority"] {
                let share = review.shares[label].map { String(format: "%.1f%%", $0) } ?? ""
                out += "| \(label) | \(share) | \(String(format: "%.1f%%", review.majority[label] ?? 0)) |\n"
            }
        }
        if !flagged.isEmpty {
            out += "\n## Flagged by attention checks\n\n| Participant | failed | of checks |\n|---|---|---:|\n"
            for f in flagged { out += "| \(f.participant) | \(f.failed.joined(separator: ", ")) | \(f.checks) |\n" }
        }
        return out
    }

    /// A p-value for a table: 4 significant digits, scientific below 0.0001.
    static func format(_ p: Double) -> String { p < 1e-4 ? String(format: "%.2e", p) : String(format: "%.4f", p) }

    // MARK: - Files

    /// Writes report.md, report.json and one SVG per aspect into `folder`; returns their paths.
    public func write(to folder: URL) throws -> [URL] {
        try FileAccess.createFolder(folder)
        var files: [(String, String)] = [("report.md", markdown), ("report.json", String(decoding: try StudyLog.makeEncoder(pretty: true).encode(self), as: UTF8.self) + "\n")]
        if !pairs.isEmpty { files += Aspect.allCases.map { ("\($0.rawValue).svg", StudyChart.svg(aspect: $0, pairs: pairs)) } }
        return try files.map { name, text in
            let url = folder.appendingPathComponent(name)
            try FileAccess.write(text, to: url)
            return url
        }
    }
}
