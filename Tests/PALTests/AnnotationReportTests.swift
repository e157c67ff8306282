// The copy baseline on a crafted conversation (first-person sentences only, lower-cased, nltk's
// sentences, in order, each once, entry k from seeker utterances 1…k+3), and the annotation report:
// agreement on PAL's test conversations only, apart from the validation ones, with distinct counts.
import Evaluation
import Foundation
import PAL
import TextData
import XCTest

final class AnnotationReportTests: XCTestCase {
    /// nltk's English tokenizer over the installed data/nltk_data (`make data`).
    static func tokenizer() throws -> NLTKTokenizer {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/nltk_data")
        guard FileManager.default.fileExists(atPath: folder.path) else { throw XCTSkip("no installed data: run `make data`") }
        return try NLTKTokenizer(nltkData: folder)
    }

    static func conversation(_ seeker: [String], personaList: [String]? = nil, tag: String = "") -> Conversation {
        Conversation(emotionType: "anxiety", problemType: "job crisis", situation: "s\(tag)",
                     turns: seeker.flatMap { [Turn(speaker: .seeker, text: $0), Turn(speaker: .supporter, text: "I see.", strategy: .others)] },
                     personaList: personaList)
    }

    func testFirstPersonWords() {
        for yes in ["I lost my job.", "it hurts me", "Im tired", "I've tried", "i'd like that", "I’ll go", "by myself", "MY dog"] {
            XCTAssertTrue(CopyBaseline.isFirstPerson(yes), yes)
        }
        for no in ["Hello there.", "You are kind.", "We went home.", "That one is mine.", "Thanks!", "he is ill, his id card is gone", "Imagine!"] {
            XCTAssertFalse(CopyBaseline.isFirstPerson(no), no)
        }
    }

    func testCopyBaselineOnACraftedConversation() throws {
        let nltk = try Self.tokenizer()
        let conversation = Self.conversation([
            "Hi there.",                                                   // no first person
            "I lost my job last week. It was awful. Dr. Smith told me so.", // 2 of 3 sentences
            "Thank you.",
            "I lost my job last week. And my wife left.",                   // a repeat, then a new one
            "You are kind.",
        ])
        let (persona, list) = CopyBaseline.personas(conversation, tokenizer: nltk)
        let a = "i lost my job last week.", b = "dr. smith told me so.", c = "and my wife left."
        XCTAssertEqual(list, [
            "<persona> \(a) <persona> \(b) <input>",              // utterances 1…3
            "<persona> \(a) <persona> \(b) <persona> \(c) <input>", // 1…4
            "<persona> \(a) <persona> \(b) <persona> \(c) <input>", // 1…5
        ])
        XCTAssertEqual(persona, list.last)
        let early = CopyBaseline.personas(Self.conversation(["Hello.", "Nice to meet you.", "Thanks."]), tokenizer: nltk)
        XCTAssertEqual(early.personaList, ["<input>"], "no first-person sentence yet: an empty entry")
    }

    func testAgreementIsMeasuredOnTestConversationsOnly() throws {
        let nltk = try Self.tokenizer()
        // 30 conversations with published entries; ours equals the published ones on the test
        // conversations and says something unrelated on the validation ones.
        let published = (0..<30).map { i in
            Self.conversation(["hello", "i work as a nurse \(i).", "my cat is called tom.", "i like tea."],
                              personaList: ["<persona> i am a nurse \(i). <input>", "<persona> i am a nurse \(i). <persona> i have a cat. <input>"], tag: "\(i)")
        }
        let split = DataSplit.pal(count: published.count)
        var ours = published
        for i in split.valid { ours[i].personaList = ["<persona> purple elephants dance. <input>", "<input>"] }
        for i in split.train { ours[i].personaList = nil; ours[i].persona = nil }
        let report = AnnotationReport.make(ours: ours, published: published, split: split, tokenizer: nltk)
        XCTAssertEqual(report.test.conversations, split.test.count)
        XCTAssertEqual(report.valid.conversations, split.valid.count)
        XCTAssertEqual(report.test.ours.overall.pairs, 2 * split.test.count)
        XCTAssertEqual(report.test.ours.overall.bleu2, 100, accuracy: 1e-9, "identical to the published entries on test")
        XCTAssertEqual(report.test.ours.overall.rougeL, 100, accuracy: 1e-9)
        XCTAssertLessThan(report.valid.ours.overall.rougeL, 10, "validation figures are their own")
        XCTAssertGreaterThan(report.test.copy.overall.rougeL, 0, "the copy baseline shares words with the published entries")
        XCTAssertLessThan(report.test.copy.overall.rougeL, 100)
        // Distinct sentences: per test conversation "i am a nurse i." and "i have a cat." (shared).
        XCTAssertEqual(report.test.distinctOurs, split.test.count + 1)
        XCTAssertEqual(report.test.distinctPublished, split.test.count + 1)
        XCTAssertEqual(report.valid.distinctOurs, 1)
        XCTAssertEqual(report.distinctOverall, split.test.count + 2, "train conversations without ours are not counted")
        XCTAssertEqual(report.annotatedConversations, split.test.count + split.valid.count)
        let text = report.text()
        XCTAssertTrue(text.contains("\(split.test.count) TEST conversations"), text)
        XCTAssertTrue(text.contains("copy BLEU-2"), text)

        // Changing ours on a test conversation moves the test figures; on a train one, nothing.
        var worse = ours
        worse[split.test[0]].personaList = ["<persona> purple elephants dance. <input>", "<input>"]
        XCTAssertLessThan(AnnotationReport.make(ours: worse, published: published, split: split, tokenizer: nltk).test.ours.overall.rougeL, 100)
        var trainOnly = ours
        trainOnly[split.train[0]].personaList = ["<persona> something else entirely. <input>", "<input>"]
        let unchanged = AnnotationReport.make(ours: trainOnly, published: published, split: split, tokenizer: nltk)
        XCTAssertEqual(unchanged.test.ours.overall.bleu2, 100, accuracy: 1e-9)
        XCTAssertEqual(unchanged.test.conversations, split.test.count, "a train conversation is in neither part")
    }
}
