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

/// PAL examples as ids against the reference's construction run through HF's tokenizer
/// (Fixtures/pal_examples.json, written by scripts/make_example_fixtures.py).
final class EncodedExampleParityTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable {
            struct Row: Decodable { var conversation, turn: Int; var input_ids, persona_ids, decoder_input_ids, labels: [Int32] }
            var rule: String
            var max_input_length, max_decoder_length: Int
            var examples: [Row]
        }
        struct ExtractorRow: Decodable { var source, target: String; var input_ids, labels, decoder_input_ids: [Int32] }
        var conversations: Int
        var cases: [Case]
        var extractor: [ExtractorRow]
    }

    func testExtractorPairsMatchTheReference() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TestData.fixtures.appendingPathComponent("pal_examples.json")))
        let dialogues = try PersonaChatReader.readCSV(TestData.file("personachat/valid.csv")).dialogues
        let pairs = ExtractorPairs.make(from: Array(dialogues.prefix(fixture.extractor.count / 2))).pairs
        let tokenizer = try ByteLevelBPETokenizer(directory: TestData.fixtures.appendingPathComponent("tokenizer_bytelevel_esconv2000"),
                                                  addedTokens: ExtractorPairs.addedTokens)
        XCTAssertEqual(pairs.count, fixture.extractor.count)
        for (pair, want) in zip(pairs, fixture.extractor) {
            XCTAssertEqual(pair.source, want.source, "source text, as process_bart_df.py joins it")
            XCTAssertEqual(pair.target, want.target)
            let got = ExampleEncoder.encode(pair, tokenizer: tokenizer)
            XCTAssertEqual(got.inputIds, want.input_ids)
            XCTAssertEqual(got.labels, want.labels)
            XCTAssertEqual(got.decoderInputIds, want.decoder_input_ids)
        }
        XCTAssertTrue(fixture.extractor.contains { $0.input_ids.count == 128 }, "the fixture exercises truncation")
    }

    func testIdsMatchTheReferenceConstruction() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TestData.fixtures.appendingPathComponent("pal_examples.json")))
        let conversations = try ESConvReader().read(TestData.file("pesconv/valid.txt")).conversations.prefix(fixture.conversations)
        let tokenizer = try BlenderbotSmallTokenizer(directory: TestData.blenderbotSmallVocabulary, addedTokens: PALTokens.added)
        var matched = 0
        for c in fixture.cases {
            let rule = try XCTUnwrap(ExampleTurns(rawValue: c.rule))
            let examples = try DialogueExamples.make(from: Array(conversations), file: "valid.txt", turns: rule).examples
            XCTAssertEqual(examples.count, c.examples.count, "\(c.rule): example count")
            let limits = EncodingLimits(maxInputLength: c.max_input_length, maxDecoderLength: c.max_decoder_length)
            for (example, want) in zip(examples, c.examples) {
                let got = try ExampleEncoder.encode(example, format: .pal, tokenizer: tokenizer, limits: limits)
                XCTAssertEqual([got.conversation, got.turn], [want.conversation, want.turn])
                XCTAssertEqual(got.inputIds, want.input_ids, "input ids, \(c.rule) \(c.max_input_length), turn \(want.turn)")
                XCTAssertEqual(got.personaIds, want.persona_ids)
                XCTAssertEqual(got.decoderInputIds, want.decoder_input_ids)
                XCTAssertEqual(got.labels, want.labels)
                if got.inputIds == want.input_ids && got.personaIds == want.persona_ids && got.labels == want.labels { matched += 1 }
            }
        }
        print("PAL examples: \(matched) of \(fixture.cases.map(\.examples.count).reduce(0, +)) match the reference construction id for id")
    }

    func testVariants() throws {
        let tokenizer = try BlenderbotSmallTokenizer(directory: TestData.blenderbotSmallVocabulary, addedTokens: PALTokens.added)
        let example = DialogueExample(conversation: 0, turn: 3, history: ["Persona:I lost my job.", "System:[Question]When?", "Persona:Today.", "System:"],
                                      persona: "<persona> i lost my job. <input>", response: "That is hard.", strategy: .reflection)
        let joint = try ExampleEncoder.encode(example, format: .joint, tokenizer: tokenizer)
        XCTAssertTrue(joint.personaIds.isEmpty)
        XCTAssertEqual(joint.labels.first, tokenizer.id(of: "[Reflection of feelings]"))
        XCTAssertEqual(joint.labels.last, tokenizer.eosId)
        XCTAssertEqual(joint.decoderInputIds, [tokenizer.bosId] + joint.labels.dropLast())
        let prompt = try ExampleEncoder.encode(example, format: .hardPrompt, tokenizer: tokenizer, limits: EncodingLimits(maxInputLength: 24))
        let text = tokenizer.decode(prompt.inputIds, skipSpecialTokens: false)
        XCTAssertTrue(text.hasPrefix("persona: i lost my job . dialogue history: "), text)
        XCTAssertTrue(text.hasSuffix(" today . response:"), "history is cut from the left, persona and markers are kept: \(text)")
        XCTAssertFalse(text.contains("[Question]"), "the oldest utterances went first")
        XCTAssertLessThanOrEqual(prompt.inputIds.count, 24)
        let bare = try BlenderbotSmallTokenizer(directory: TestData.blenderbotSmallVocabulary)
        XCTAssertThrowsError(try ExampleEncoder.encode(example, format: .pal, tokenizer: bare)) { error in
            XCTAssertTrue("\(error)".contains("load it with PAL's added tokens"), "\(error)")
        }
    }
}
