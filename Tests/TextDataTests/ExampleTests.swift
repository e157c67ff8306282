// PAL examples on the real data: the corpus in ESConv.json order with PESConv attached, example
// counts per split checked against counts taken straight from the raw files, and the text form.
import Foundation
import TextData
import XCTest

final class ExampleTests: XCTestCase {
    private static var cachedCorpus: ESConvCorpus?

    private func corpus() throws -> ESConvCorpus {
        if let c = Self.cachedCorpus { return c }
        _ = try TestData.file("esconv/train.json")
        let c = try ESConvCorpus.load(data: TestData.root.appendingPathComponent("data"))
        Self.cachedCorpus = c
        return c
    }

    /// Supporter turns that become examples, counted from the raw HF files with JSONSerialization.
    private func rawCounts(_ rows: [(String, Int)]) throws -> (every: Int, afterSeeker: Int) {
        var files: [String: [[String: Any]]] = [:]
        for name in Set(rows.map(\.0)) {
            let text = try String(contentsOf: TestData.file("esconv/\(name).json"), encoding: .utf8)
            files[name] = try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        }
        var every = 0, after = 0
        for (name, row) in rows {
            let speakers = (files[name]![row]["dialog"] as! [[String: Any]]).map { $0["speaker"] as! String }
            for i in 1..<speakers.count where speakers[i] == "sys" {
                every += 1
                if speakers[i - 1] == "usr" { after += 1 }
            }
        }
        return (every, after)
    }

    func testExampleCountsPerSplitMatchTheRawFiles() throws {
        let corpus = try corpus()
        XCTAssertEqual(corpus.conversations.count, 1300)
        let (train, valid, test) = corpus.parts(DataSplit.pal(count: 1300))
        // Where PAL's parts sit in the HF files (SOURCES.md): train = train.json; valid = valid[0:130] + test[65:195];
        // test = valid[130:195] + test[0:65].
        let rows: [String: [(String, Int)]] = [
            "train": (0..<910).map { ("train", $0) },
            "valid": (0..<130).map { ("valid", $0) } + (65..<195).map { ("test", $0) },
            "test": (130..<195).map { ("valid", $0) } + (0..<65).map { ("test", $0) },
        ]
        for (name, part) in [("train", train), ("valid", valid), ("test", test)] {
            let raw = try rawCounts(rows[name]!)
            let every = try DialogueExamples.make(from: part, file: name, persona: .seekerUtterances).examples.count
            let after = try DialogueExamples.make(from: part, file: name, turns: .afterSeekerTurn, persona: .seekerUtterances).examples.count
            XCTAssertEqual(every, raw.every, "\(name): examples, every supporter turn")
            XCTAssertEqual(after, raw.afterSeeker, "\(name): examples, supporter turns after a seeker turn")
            print("\(name): \(part.count) conversations, \(every) examples (\(after) after a seeker turn)")
        }
    }

    func testPublishedPersonasAttachToAllValidAndTestConversations() throws {
        let corpus = try corpus()
        let (train, valid, test) = corpus.parts(DataSplit.pal(count: 1300))
        XCTAssertTrue((valid + test).allSatisfy { $0.personaList != nil }, "PESConv covers PAL's valid and test")
        XCTAssertTrue(train.allSatisfy { $0.personaList == nil }, "no published annotations for train")
        XCTAssertEqual(corpus.report.lines, ["1 × kept from test.txt with a persona_list length other than seeker turns − 2 (turns past its end reuse its last entry)"])
        XCTAssertThrowsError(try DialogueExamples.make(from: train, file: "train")) { error in
            XCTAssertTrue("\(error)".contains("no inferred persona: annotate the conversations first"), "\(error)")
        }
        // The short persona_list (HF test row 188, in PAL's valid part) ends in seeker turns, so no
        // supporter turn needs its missing entry.
        XCTAssertEqual(try DialogueExamples.make(from: valid, file: "valid").report.total, 0)
        let (examples, report) = try DialogueExamples.make(from: test, file: "test")
        XCTAssertEqual(report.total, 0)
        let withPersona = examples.filter { $0.persona != PALTokens.noPersona }
        XCTAssertTrue(withPersona.allSatisfy { $0.persona.hasPrefix("<persona>") })
        print("test: \(examples.count) PAL examples, \(withPersona.count) with an inferred persona")
    }

    func testTextFormFollowsTheReference() throws {
        let c = Conversation(emotionType: "sadness", problemType: "breakup", situation: "s", turns: [
            Turn(speaker: .seeker, text: "Hi."), Turn(speaker: .supporter, text: "Hello, how are you?", strategy: .question),
            Turn(speaker: .supporter, text: "I am here.", strategy: .others), Turn(speaker: .seeker, text: "Sad."),
            Turn(speaker: .seeker, text: "Very sad."), Turn(speaker: .supporter, text: "I see.", strategy: .reflection),
        ], personaList: ["<persona> i am sad. <input>"])
        let (every, _) = try DialogueExamples.make(from: [c], file: "t")
        XCTAssertEqual(every.map(\.turn), [1, 2, 5])
        XCTAssertEqual(every[1].history, ["Persona:Hi.", "System:[Question]Hello, how are you?", "System:"])
        XCTAssertEqual(every[2].persona, "<persona> i am sad. <input>", "3rd seeker turn: persona_list[0]")
        XCTAssertEqual(every[0].persona, "<input>")
        let (after, _) = try DialogueExamples.make(from: [c], file: "t", turns: .afterSeekerTurn)
        XCTAssertEqual(after.map(\.turn), [1, 5])
        let (raw, _) = try DialogueExamples.make(from: [c], file: "t", persona: .seekerUtterances)
        XCTAssertEqual(raw[2].persona, "Hi.", "the reference quirk: persona_list[k] is the k-th seeker utterance")
        var short = c
        short.turns += [Turn(speaker: .seeker, text: "Still sad."), Turn(speaker: .supporter, text: "Oh.", strategy: .others)]
        let (fallback, report) = try DialogueExamples.make(from: [short], file: "t")
        XCTAssertEqual(fallback.last?.persona, "<persona> i am sad. <input>", "a missing entry reuses the last one")
        XCTAssertEqual(report.total, 1, "and the fallback is reported")
        XCTAssertEqual(DialogueExamples.personaSentences("<persona> i am sad. <persona> i like tea <input>"), ["i am sad.", "i like tea"])
    }
}
