// The study's records and report without a server: left/right mapped back to the model pair, ties,
// flagged participants kept or left out, Fleiss' κ over the first raters of each persona, a line cut
// short by a crash skipped, the persona review's assignment reaching every item's raters, SVG escaping.
import Foundation
@testable import HumanEval
import TextData
import XCTest

final class StudyReportTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-study-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func judgement(_ session: String, participant: String, left: String, verdict: Verdict, passed: Bool = true) -> JudgementRecord {
        JudgementRecord(session: session, participant: participant, pair: ["PAL", "Joint"], left: left, right: left == "PAL" ? "Joint" : "PAL",
                        verdicts: Dictionary(uniqueKeysWithValues: Aspect.allCases.map { ($0.rawValue, verdict) }),
                        attention: [AttentionAnswer(check: "choose-tie", expected: "tie", given: passed ? "tie" : "left", passed: passed)], comment: "", time: "t")
    }

    func testReportMapsSidesToThePairAndFlagsWithoutDropping() throws {
        let log = try StudyLog(folder: folder)
        let situation = Situation(conversation: 1, emotionType: "anxiety", problemType: "job crisis", situation: "s")
        // PAL on the left and chosen, PAL on the right and chosen, a tie, and Joint chosen by a participant who failed the check.
        let plan: [(String, Verdict, Bool)] = [("PAL", .left, true), ("Joint", .right, true), ("PAL", .tie, true), ("PAL", .right, false)]
        for (i, (left, verdict, passed)) in plan.enumerated() {
            try log.append(SessionRecord(session: "s\(i)", participant: "p-\(i)", pair: ["PAL", "Joint"], left: left,
                                         right: left == "PAL" ? "Joint" : "PAL", situation: situation, time: "t"), to: .sessions)
            try log.append(judgement("s\(i)", participant: "p-\(i)", left: left, verdict: verdict, passed: passed), to: .judgements)
        }
        try log.append(judgement("s0", participant: "p-0", left: "PAL", verdict: .right), to: .judgements)   // a second one is not counted
        let report = try StudyReport.make(folder: folder)
        let overall = report.pairs[0].count(.overall)
        XCTAssertEqual([overall.win, overall.tie, overall.lose], [2, 1, 1])
        XCTAssertEqual(report.flagged.map(\.participant), ["p-3"])
        XCTAssertTrue(report.markdown.contains("| Overall | 2 (50.0%) | 1 (25.0%) | 1 (25.0%) | 1.0000 |"), report.markdown)
        XCTAssertTrue(report.markdown.contains("their records are counted"), report.markdown)
        let strict = try StudyReport.make(folder: folder, excludeFlagged: true)
        XCTAssertEqual(strict.pairs[0].count(.overall).lose, 0, "--exclude-flagged leaves out p-3's judgement")
        XCTAssertEqual(strict.flagged.map(\.participant), ["p-3"], "and still lists p-3")

        let files = try report.write(to: folder.appendingPathComponent("report"))
        XCTAssertEqual(files.map(\.lastPathComponent), ["report.md", "report.json"] + Aspect.allCases.map { "\($0.rawValue).svg" })
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: files[1])) as? [String: Any])
        let aspects = try XCTUnwrap(((json["pairs"] as? [[String: Any]])?.first?["aspects"]) as? [String: [String: Any]])
        XCTAssertEqual(aspects["overall"]?["win_percent"] as? Double, 50)
        XCTAssertEqual(aspects["overall"]?["p"] as? Double, 1)
    }

    func testALineCutShortByACrashIsSkippedAndTheNextRecordStartsOnItsOwnLine() throws {
        var log: StudyLog? = try StudyLog(folder: folder)
        try log!.append(judgement("s0", participant: "p", left: "PAL", verdict: .left), to: .judgements)
        log = nil
        let file = folder.appendingPathComponent(StudyFile.judgements.rawValue)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"session\":\"s1\",\"partic".utf8))   // the crash
        try handle.close()
        log = try StudyLog(folder: folder)
        try log!.append(judgement("s2", participant: "p", left: "PAL", verdict: .left), to: .judgements)
        let read = try StudyLog.read(JudgementRecord.self, from: .judgements, in: folder)
        XCTAssertEqual(read.records.map(\.session), ["s0", "s2"])
        XCTAssertEqual(read.unreadable, 1)
    }

    func testPersonaReviewGivesEveryItemItsRatersAndKappaUsesThem() throws {
        let log = try StudyLog(folder: folder)
        let conversations = (0..<12).map { i in
            Conversation(emotionType: "e", problemType: "p", situation: "s\(i)", turns: [Turn(speaker: .seeker, text: "I have a cat number \(i).")],
                         persona: "<persona> I have a cat. <input>")
        }
        let settings = PersonaReviewStudy.Settings(personas: "x", sample: 10, raters: 3, itemsPerSession: 4, seed: 1)
        let items = try PersonaReviewStudy.items(from: conversations, count: 10, seed: 1, checks: AttentionChecks.builtIn.persona, file: "x")
        let study = try PersonaReviewStudy(settings: settings, items: items, log: log)
        var rater = 0
        while let view = try? study.start(participant: "p-\(rater)") {
            var current = view
            while let item = current.item {
                let label = items[item.id].answer?.rawValue ?? (item.id % 3 == 0 ? "Contradictory" : "Reasonable")
                current = try study.rate(session: view.session, item: item.id, label: label, reason: "")
            }
            XCTAssertThrowsError(try study.rate(session: view.session, item: view.item!.id, label: "Reasonable", reason: ""), "judged once")
            rater += 1
        }
        XCTAssertEqual(rater, 8, "10 items × 3 raters in sessions of at most 4 items, never the same item twice to one rater")
        let report = try StudyReport.make(folder: folder)
        let review = try XCTUnwrap(report.personaReview)
        XCTAssertEqual([review.items, review.itemsRated, review.ratings], [10, 10, 30])
        XCTAssertEqual(review.kappa ?? .nan, 1, accuracy: 1e-12, "the same label from every rater")
        XCTAssertTrue(report.flagged.isEmpty)
        XCTAssertThrowsError(try study.rate(session: "nope", item: 0, label: "Reasonable", reason: ""))
    }

    func testChartEscapesModelNames() {
        var tally = StudyTally(pair: ["<a>", "B&B"])
        tally.aspects["overall"] = AspectCount()
        let svg = StudyChart.svg(aspect: .overall, pairs: [tally])
        XCTAssertTrue(svg.contains("&lt;a&gt; vs B&amp;B"), svg)
        XCTAssertFalse(svg.contains("<a>"))
    }
}
