// A dialogue context read from a JSON line of stdin (`score`, `generate`): what it may hold, and every
// way it can be wrong refused with the line and field, never dropped or emptied silently.
import Foundation
import PAL
import TextData
import XCTest

final class DialogueRequestTests: XCTestCase {
    private func request(_ json: String) throws -> DialogueRequest {
        try DialogueRequest(try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]), line: 7)
    }

    private func assertRefused(_ json: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try request(json), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(message), "\(error)\n  lacks: \(message)", file: file, line: line)
        }
    }

    func testAContextReadsStringsAndTurnObjects() throws {
        let r = try request(#"{"context": [{"speaker": "supporter", "text": " hi ", "strategy": "Question"}, "i  feel sad"], "persona": ["I am a nurse.", " "]}"#)
        XCTAssertEqual(r.turns, [Turn(speaker: .supporter, text: "hi", strategy: .question), Turn(speaker: .seeker, text: "i feel sad")])
        XCTAssertEqual(r.persona, ["I am a nurse."], "blank sentences are not persona")
        XCTAssertEqual(try request(#"{"context": ["hi"], "persona": null}"#).persona, [])
    }

    func testEveryMalformedPartIsRefusedByLineAndField() {
        assertRefused(#"{"context": []}"#, "stdin:7: context: expected a non-empty array of utterances")
        assertRefused(#"{"context": ["hi", "   "]}"#, "stdin:7: context[1]: empty utterance")
        assertRefused(#"{"context": [{"speaker": "seeker", "text": ""}]}"#, "stdin:7: context[0]: empty utterance")
        assertRefused(#"{"context": [{"speaker": "supporter", "text": "hi", "strategy": "Hugging"}]}"#, "stdin:7: context[0].strategy: expected one of")
        assertRefused(#"{"context": ["hi"], "persona": "I like dogs."}"#, "stdin:7: persona: expected an array of sentences (strings)")
        assertRefused(#"{"context": ["hi"], "persona": [1, 2]}"#, "stdin:7: persona: expected an array of sentences")
        XCTAssertThrowsError(try DialogueRequest.strategy(["strategy": 3], line: 2, required: false)) {
            XCTAssertTrue("\($0)".contains("stdin:2: strategy: expected one of"), "\($0)")
        }
        XCTAssertNil(try DialogueRequest.strategy(["strategy": NSNull()], line: 2, required: false))
    }
}
