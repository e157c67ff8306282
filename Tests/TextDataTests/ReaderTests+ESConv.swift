// ESConv / PESConv reading and writing on the real files: every count SOURCES.md verified, the
// PESConv ↔ ESConv correspondence, the persona-list policy, the original ESConv.json form, round trips.
import Foundation
import XCTest
import TextData

final class ESConvReaderTests: XCTestCase {
    private let splits = ["train", "valid", "test"]

    private func read(_ relative: String, policy: PersonaListPolicy = .strict) throws -> ESConvReadResult {
        try ESConvReader(personaListPolicy: policy).read(try TestData.file(relative))
    }

    // MARK: - ESConv (HF JSON lines)

    func testESConvCountsMatchSources() throws {
        var conversations = 0, utterances = 0
        var strategies: [Strategy: Int] = [:]
        let expected = ["train": (910, 26_648), "valid": (195, 5_678), "test": (195, 6_039)]
        for split in splits {
            let result = try read("esconv/\(split).json")
            let turns = result.conversations.flatMap(\.turns)
            print("esconv/\(split).json: \(result.conversations.count) conversations, \(turns.count) utterances, "
                  + "\(turns.filter { $0.speaker == .supporter }.count) sys / \(turns.filter { $0.speaker == .seeker }.count) usr")
            XCTAssertEqual(result.conversations.count, expected[split]!.0, split)
            XCTAssertEqual(turns.count, expected[split]!.1, split)
            XCTAssertEqual(result.layout, .jsonLines)
            XCTAssertEqual(result.turnForm, .huggingFace)
            XCTAssertEqual(result.skipped.total, 0)
            XCTAssertEqual(result.ignoredTurnFields, [:])
            XCTAssertTrue(turns.allSatisfy { ($0.speaker == .supporter) == ($0.strategy != nil) })
            if split == "train" {
                XCTAssertEqual(turns.filter { $0.speaker == .supporter }.count, 12_759)
                XCTAssertEqual(turns.filter { $0.speaker == .seeker }.count, 13_889)
                let first = result.conversations[0]
                XCTAssertEqual(first.situation, "I am on short term disability and I am afraid I will lose my job if I don't go back soon.")
                XCTAssertEqual(first.turns[1], Turn(speaker: .supporter, text: "Hi, good afternoon.", strategy: .question))
                XCTAssertEqual(first.extra["experience_type"], .string("Current Experience"))
                XCTAssertEqual(Set(first.extra.keys), ["experience_type", "survey_score", "seeker_question1", "seeker_question2",
                                                       "supporter_question1", "supporter_question2"])
                // Nested objects keep their member order.
                guard case .object(let score)? = first.extra["survey_score"], case .object(let seeker) = score[0].1 else {
                    return XCTFail("survey_score is not an object")
                }
                XCTAssertEqual(seeker.map(\.0), ["initial_emotion_intensity", "empathy", "relevance", "final_emotion_intensity"])
            }
            conversations += result.conversations.count
            utterances += turns.count
            for turn in turns { if let strategy = turn.strategy { strategies[strategy, default: 0] += 1 } }
        }
        print("esconv total: \(conversations) conversations, \(utterances) utterances; strategies: "
              + Strategy.allCases.map { "\($0.rawValue) \(strategies[$0] ?? 0)" }.joined(separator: ", "))
        XCTAssertEqual(conversations, 1_300)
        XCTAssertEqual(utterances, 38_365)
        XCTAssertEqual(strategies, [.question: 3801, .others: 3341, .suggestions: 2954, .affirmation: 2827,
                                    .selfDisclosure: 1713, .reflection: 1436, .information: 1215, .restatement: 1089])
    }

    // MARK: - PESConv

    func testPESConvValidTestMatchESConvAndPersonaCounts() throws {
        for (split, entries) in [("valid", 2_566), ("test", 2_753)] {
            let pesconv = try read("pesconv/\(split).txt", policy: .lenient)
            let esconv = try read("esconv/\(split).json")
            let listEntries = pesconv.conversations.reduce(0) { $0 + ($1.personaList?.count ?? 0) }
            print("pesconv/\(split).txt: \(pesconv.conversations.count) conversations, "
                  + "\(pesconv.conversations.flatMap(\.turns).count) utterances, \(listEntries) persona_list entries, "
                  + "\(pesconv.personaListMismatches.count) not seekerTurns − 2: "
                  + pesconv.personaListMismatches.map { "conversation \($0.record) (line \($0.line!)): \($0.entries) entries, \($0.seekerTurns) seeker turns" }
                    .joined(separator: "; ")
                  + "; ignored turn fields \(pesconv.ignoredTurnFields.sorted { $0.key < $1.key })")
            XCTAssertEqual(pesconv.conversations.count, 195)
            XCTAssertEqual(listEntries, entries)
            XCTAssertTrue(pesconv.conversations.allSatisfy { !($0.persona ?? "").isEmpty && !($0.personaList ?? []).isEmpty })
            // Identical turns, situation and labels, row by row.
            XCTAssertEqual(pesconv.conversations.count, esconv.conversations.count)
            for (p, e) in zip(pesconv.conversations, esconv.conversations) {
                XCTAssertEqual(p.turns, e.turns)
                XCTAssertEqual(p.situation, e.situation)
                XCTAssertEqual(p.emotionType, e.emotionType)
                XCTAssertEqual(p.problemType, e.problemType)
            }
            // knowledge/heal are read past, and counted.
            let turns = pesconv.conversations.flatMap(\.turns)
            XCTAssertEqual(pesconv.ignoredTurnFields["knowledge"], turns.filter { $0.speaker == .seeker }.count)
            XCTAssertEqual(pesconv.ignoredTurnFields["heal"], turns.filter { $0.speaker == .supporter }.count)
        }
    }

    func testPersonaListPolicyOnTheRealMinusThreeConversation() throws {
        // valid.txt follows the strict rule everywhere.
        XCTAssertEqual(try read("pesconv/valid.txt").personaListMismatches.count, 0)
        // test.txt has exactly one conversation with seekerTurns − 3 entries: strict mode names it.
        XCTAssertThrowsError(try read("pesconv/test.txt")) { error in
            let message = String(describing: error)
            print("strict pesconv/test.txt: \(message)")
            for part in ["pesconv/test.txt:189:", "conversation 188", "persona_list", "11 entries, expected 12",
                         "14 seeker turns", "Anxiety about losing my job", "PersonaListPolicy.lenient"] {
                XCTAssertTrue(message.contains(part), "\(message) lacks \(part)")
            }
        }
        let lenient = try read("pesconv/test.txt", policy: .lenient)
        XCTAssertEqual(lenient.personaListMismatches,
                       [PersonaListMismatch(record: 188, line: 189, situation: "Anxiety about losing my job",
                                            seekerTurns: 14, entries: 11)])
        XCTAssertEqual(lenient.personaListMismatches[0].expected, 12)
        XCTAssertEqual(lenient.skipped.total, 0)
        let skipping = try read("pesconv/test.txt", policy: .skipMismatched)
        print("skipMismatched pesconv/test.txt: \(skipping.conversations.count) conversations; \(skipping.skipped.lines)")
        XCTAssertEqual(skipping.conversations.count, 194)
        XCTAssertEqual(skipping.skipped.total, 1)
        XCTAssertFalse(skipping.conversations.contains { $0.situation == "Anxiety about losing my job" && $0.seekerTurnCount == 14 })
    }

    func testSampleJSONArrayInPALForm() throws {
        // PAL's process.py overwrote persona_list with the raw seeker utterances: strict mode refuses it.
        XCTAssertThrowsError(try read("pesconv/sample.json")) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("sample.json: conversation 0, persona_list: 14 entries, expected 12"), message)
            XCTAssertNil((error as? DataError)?.line)
            XCTAssertEqual((error as? DataError)?.record, 0)
        }
        let sample = try read("pesconv/sample.json", policy: .lenient)
        let train = try read("esconv/train.json")
        print("pesconv/sample.json: \(sample.conversations.count) conversations, layout \(sample.layout.rawValue), "
              + "\(sample.personaListMismatches.count) persona lists of seekerTurns entries")
        XCTAssertEqual(sample.conversations.count, 10)
        XCTAssertEqual(sample.layout, .jsonArray)
        XCTAssertEqual(sample.turnForm, .huggingFace)
        XCTAssertEqual(sample.personaListMismatches.count, 10)
        for (index, conversation) in sample.conversations.enumerated() {
            XCTAssertEqual(conversation.turns, train.conversations[index].turns)
            XCTAssertEqual(conversation.situation, train.conversations[index].situation)
            XCTAssertEqual(conversation.personaList, conversation.turns.filter { $0.speaker == .seeker }.map(\.text))
            XCTAssertTrue(conversation.persona!.hasPrefix("<persona> "))
        }
        let personaSentences = sample.conversations.reduce(0) {
            $0 + $1.persona!.components(separatedBy: "<persona>").dropFirst().count
        }
        XCTAssertEqual(personaSentences, 46)
    }

    // MARK: - The original ESConv.json form

    func testFailedESConvIsRejectedButItsSchemaReadsOnceRenamed() throws {
        let url = try TestData.file("esconv/FailedESConv.json")
        XCTAssertThrowsError(try ESConvReader().read(url)) { error in
            let message = String(describing: error)
            print("FailedESConv.json: \(message)")
            for part in ["FailedESConv.json: conversation 0, dialog[0].speaker", "unknown speaker \"speaker\"",
                         "expected \"seeker\"", "\"supporter\"", "ESConv.json form", "which is not ESConv"] {
                XCTAssertTrue(message.contains(part), "\(message) lacks \(part)")
            }
        }
        // With ESConv's speaker and strategy names, the same file is a real sample of the original form.
        var text = try String(contentsOf: url, encoding: .utf8)
        let renames = [("\"speaker\": \"speaker\"", "\"speaker\": \"seeker\""),
                       ("\"speaker\": \"listener\"", "\"speaker\": \"supporter\""),
                       ("\"strategy\": \"Questions\"", "\"strategy\": \"Question\""),
                       ("\"strategy\": \"Other\"", "\"strategy\": \"Others\""),
                       ("\"strategy\": \"Direct Guidance\"", "\"strategy\": \"Providing Suggestions\""),
                       ("\"strategy\": \"Approval and Reassurance\"", "\"strategy\": \"Affirmation and Reassurance\""),
                       ("\"strategy\": \"Restatement\"", "\"strategy\": \"Restatement or Paraphrasing\"")]
        for (old, new) in renames { text = text.replacingOccurrences(of: old, with: new) }
        let result = try ESConvReader().read(data: Data(text.utf8), file: "FailedESConv (renamed)")
        let turns = result.conversations.flatMap(\.turns)
        print("FailedESConv.json renamed: \(result.conversations.count) conversations, \(turns.count) utterances, "
              + "ignored \(result.ignoredTurnFields)")
        XCTAssertEqual(result.layout, .jsonArray)
        XCTAssertEqual(result.turnForm, .original)
        XCTAssertEqual(result.conversations.count, 196)
        XCTAssertEqual(turns.count, 5_230)
        XCTAssertEqual(turns.filter { $0.speaker == .supporter }.count, 2_377)
        XCTAssertEqual(result.ignoredTurnFields, ["annotation.feedback": 987])
        // content "Hey there\n" is whitespace-normalised.
        XCTAssertEqual(result.conversations[0].turns[0], Turn(speaker: .seeker, text: "Hey there"))
        XCTAssertEqual(result.conversations[0].turns[2], Turn(speaker: .supporter, text: "hi", strategy: .others))
        XCTAssertEqual(result.conversations[0].extra["experience_type"], .string("Current Experience"))
    }

    // MARK: - Writing

    func testRoundTripReadWriteRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (relative, policy) in [("esconv/train.json", PersonaListPolicy.strict), ("pesconv/valid.txt", .strict),
                                   ("pesconv/test.txt", .lenient), ("pesconv/sample.json", .lenient)] {
            let original = try read(relative, policy: policy)
            let out = directory.appendingPathComponent((relative as NSString).lastPathComponent + ".jsonl")
            try PESConvWriter.write(original.conversations, to: out)
            let again = try ESConvReader(personaListPolicy: policy).read(out)
            XCTAssertEqual(again.conversations, original.conversations, relative)
            XCTAssertEqual(again.layout, .jsonLines)
            XCTAssertEqual(again.ignoredTurnFields, [:])
            let text = try String(contentsOf: out, encoding: .utf8)
            XCTAssertTrue(text.hasSuffix("}\n"))
            XCTAssertEqual(text.split(separator: "\n").count, original.conversations.count)
            print("round trip \(relative): \(again.conversations.count) conversations equal after write → read")
        }
        // Only the written files remain: the temporary files were renamed.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }, [])
    }

    func testWriterSpellsLikePythonJSONDumps() throws {
        let conversation = Conversation(
            emotionType: "anxiety", problemType: "job crisis", situation: "Caf\u{e9} \u{1F600} \"quoted\" back\\slash\u{7F}",
            turns: [Turn(speaker: .seeker, text: "Hi"), Turn(speaker: .supporter, text: "Hello", strategy: .question)],
            persona: "<persona> i am. <input>", personaList: [],
            extra: ["zeta": .number(1.5), "survey_score": .object([("b", .number(5)), ("a", .null)]),
                    "experience_type": .string("Current Experience"), "flag": .bool(true)])
        let line = try PESConvWriter.jsonLine(for: conversation)
        // json.dumps({...}) of the same dict, members in the writer's order.
        XCTAssertEqual(line, #"{"emotion_type": "anxiety", "problem_type": "job crisis", "# +
            #""situation": "Caf\u00e9 \ud83d\ude00 \"quoted\" back\\slash\u007f", "# +
            #""dialog": [{"text": "Hi", "speaker": "usr"}, {"text": "Hello", "speaker": "sys", "strategy": "Question"}], "# +
            #""persona": "<persona> i am. <input>", "persona_list": [], "# +
            #""experience_type": "Current Experience", "survey_score": {"b": 5, "a": null}, "flag": true, "zeta": 1.5}"#)
        let back = try ESConvReader().read(data: Data(line.utf8), file: "line")
        XCTAssertEqual(back.conversations, [conversation])

        var clash = conversation
        clash.extra["dialog"] = .null
        XCTAssertThrowsError(try PESConvWriter.jsonLine(for: clash)) { error in
            XCTAssertTrue(String(describing: error).contains("extra member \"dialog\" collides"), "\(error)")
        }
    }
}
