// Bad input: each hand-made file in Fixtures/bad must fail with a DataError whose text names the file, the
// line or record, the field, and what was expected.
import Foundation
import XCTest
import TextData

final class BadInputReaderTests: XCTestCase {
    private func bad(_ name: String) -> URL { TestData.fixtures.appendingPathComponent("bad").appendingPathComponent(name) }

    /// Runs `body`, which must throw a DataError whose description contains every one of `parts`.
    private func assertDataError(_ body: @autoclosure () throws -> Any, contains parts: [String],
                                 file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("no error; expected one containing \(parts)", file: file, line: line)
        } catch let error as DataError {
            let message = String(describing: error)
            print("bad input → \(message)")
            for part in parts {
                XCTAssertTrue(message.contains(part), "\(message)\n  lacks: \(part)", file: file, line: line)
            }
        } catch {
            XCTFail("\(error) is not a DataError", file: file, line: line)
        }
    }

    private func readESConv(_ name: String, policy: PersonaListPolicy = .strict) throws -> ESConvReadResult {
        try ESConvReader(personaListPolicy: policy).read(bad(name))
    }

    // MARK: - ESConv / PESConv

    func testMalformedJSONLine() {
        assertDataError(try readESConv("malformed.jsonl"), contains: [
            "malformed.jsonl:2: conversation 1: malformed JSON at column 58: expected ',' or '}' after an object member, found '\"'",
        ])
    }

    func testTruncatedJSONArray() {
        assertDataError(try readESConv("truncated-array.json"), contains: [
            "truncated-array.json:5: malformed JSON at column 1: expected ',' or ']' after an array element, found the end of the input",
        ])
    }

    func testSupporterWithoutStrategy() {
        assertDataError(try readESConv("supporter-without-strategy.jsonl"), contains: [
            "supporter-without-strategy.jsonl:2: conversation 1, dialog[1].strategy: supporter (\"sys\") turn without a strategy: expected one of ",
            Strategy.labelList,
        ])
    }

    func testUnknownStrategyListsTheEight() {
        assertDataError(try readESConv("unknown-strategy.jsonl"),
                        contains: ["unknown-strategy.jsonl:1: conversation 0, dialog[3].strategy: unknown strategy \"Direct Guidance\": expected one of "]
                            + Strategy.allCases.map { "\"\($0.rawValue)\"" })
    }

    func testEmptyUtterance() {
        assertDataError(try readESConv("empty-utterance.jsonl"), contains: [
            "empty-utterance.jsonl:1: conversation 0, dialog[2].text: empty utterance: expected non-empty text",
        ])
    }

    func testPersonaListCountMismatch() throws {
        assertDataError(try readESConv("persona-list-mismatch.jsonl"), contains: [
            "persona-list-mismatch.jsonl:1: conversation 0, persona_list: 3 entries, expected 2 (4 seeker turns − 2",
            "\"Worried about my job\"",
        ])
        // The lenient policy keeps it and reports it; skipMismatched leaves it out and counts it.
        let lenient = try readESConv("persona-list-mismatch.jsonl", policy: .lenient)
        XCTAssertEqual(lenient.conversations.count, 1)
        XCTAssertEqual(lenient.personaListMismatches.map(\.entries), [3])
        let skipping = try readESConv("persona-list-mismatch.jsonl", policy: .skipMismatched)
        XCTAssertEqual(skipping.conversations.count, 0)
        XCTAssertEqual(skipping.skipped.total, 1)
    }

    func testMissingFieldAndUnknownSpeaker() {
        assertDataError(try readESConv("missing-situation.jsonl"), contains: [
            "missing-situation.jsonl:1: conversation 0, situation: missing field: expected \"situation\" with a string",
        ])
        assertDataError(try readESConv("unknown-speaker.jsonl"), contains: [
            "unknown-speaker.jsonl:1: conversation 0, dialog[0].speaker: unknown speaker \"user\": expected \"usr\" (seeker) or \"sys\" (supporter) in the HF form",
        ])
    }

    func testOriginalFormWithOldStrategyName() {
        assertDataError(try readESConv("old-strategy-names.json"), contains: [
            "old-strategy-names.json: conversation 0, dialog[1].annotation.strategy: unknown strategy \"Questions\": expected one of ",
            Strategy.labelList,
        ])
    }

    func testFailedESConvOldSchema() throws {
        assertDataError(try ESConvReader().read(try TestData.file("esconv/FailedESConv.json")), contains: [
            "FailedESConv.json: conversation 0, dialog[0].speaker: unknown speaker \"speaker\": expected \"seeker\" (seeker) or \"supporter\" (supporter)",
            "FailedESConv.json, the separate release of failed conversations, which is not ESConv",
        ])
    }

    // MARK: - PERSONA-CHAT

    func testBadParlAILines() {
        assertDataError(try PersonaChatReader.readParlAI(bad("parlai-missing-tab.txt")), contains: [
            "parlai-missing-tab.txt:4: dialogue 0, utterance: expected 'utterance<TAB>reply'",
            "found no tab in \"i am ! i like canning .\"",
        ])
        assertDataError(try PersonaChatReader.readParlAI(bad("parlai-bad-numbering.txt")), contains: [
            "parlai-bad-numbering.txt:3: dialogue 0: line number 4: expected 3 (the next line of this dialogue) or 1 (a new dialogue)",
        ])
        assertDataError(try PersonaChatReader.readParlAI(bad("parlai-late-persona.txt")), contains: [
            "parlai-late-persona.txt:3: dialogue 0, persona: persona line after the dialogue's utterances",
        ])
        assertDataError(try PersonaChatReader.parseParlAI("your persona: i surf.\n", file: "no-number.txt"), contains: [
            "no-number.txt:1: dialogue 0: expected a line number first",
        ])
    }

    func testBadPersonaChatCSVXpersonaAndJwlyn() {
        assertDataError(try PersonaChatReader.readCSV(bad("csv-unterminated-quote.csv")), contains: [
            "csv-unterminated-quote.csv:3: unterminated quoted field: expected a closing '\"'",
        ])
        assertDataError(try PersonaChatReader.readXpersona(bad("xpersona-late-silence.json")), contains: [
            "xpersona-late-silence.json: dialogue 0, dialogue[1][0]: __SILENCE__ here: expected it only as the first user utterance",
        ])
        assertDataError(try PersonaChatReader.readPersonaLists(bad("jwlyn-unterminated.txt")), contains: [
            "jwlyn-unterminated.txt:2: not a Python list of strings at column 22: unterminated string: expected a closing \"'\" on the same line",
        ])
    }
}
