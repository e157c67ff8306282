// The chat's crisis guard (PAL-SPEC §10): crisis language is recognised in the ways people write it,
// everyday sentences pass, user patterns extend the built-in ones, and bad configuration is named.
import Foundation
import TextData
import XCTest

final class CrisisGuardTests: XCTestCase {
    func testRecognisesCrisisLanguage() throws {
        let guardrail = try CrisisGuard()
        for message in ["I've been thinking about suicide.", "Sometimes I feel SUICIDAL", "i want to kill myself",
                        "I just want to end my life", "I've been cutting myself again", "I don’t want to live anymore",
                        "honestly I wanna die", "everyone would be better off if I was gone, I'd be better off dead",
                        "I took an overdose last year", "I keep hurting myself", "thinking of self-harm", "there's no reason to live"] {
            XCTAssertNotNil(guardrail.match(message), message)
        }
        for message in ["My job is killing me with stress.", "I could die of embarrassment, haha", "I cut my hair short",
                        "I hurt my knee playing football", "I'm so tired of my life being boring", "My cat died last week."] {
            XCTAssertNil(guardrail.match(message), message)
        }
        XCTAssertEqual(guardrail.match("Part of me wants to kill myself"), "kill myself")
    }

    func testUserPatternsAndMessageFromFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crisis-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let patterns = dir.appendingPathComponent("patterns.txt"), message = dir.appendingPathComponent("message.txt")
        try "# local phrasing\n\n\\bunalive\\b\n".write(to: patterns, atomically: true, encoding: .utf8)
        try "Call 112 now.\n".write(to: message, atomically: true, encoding: .utf8)
        let guardrail = try CrisisGuard.load(patternsFile: patterns, messageFile: message)
        XCTAssertEqual(guardrail.message, "Call 112 now.")
        XCTAssertEqual(guardrail.match("I want to unalive"), "unalive")
        XCTAssertNotNil(guardrail.match("suicide"), "the built-in patterns stay")

        try "ok\n(unclosed\n".write(to: patterns, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CrisisGuard.load(patternsFile: patterns, messageFile: nil)) { error in
            XCTAssertEqual("\(error)", "\(patterns.path):2: (unclosed is not a valid regular expression; fix or remove it")
        }
        try "  \n".write(to: message, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CrisisGuard.load(patternsFile: nil, messageFile: message)) { error in
            XCTAssertTrue("\(error)".contains("the crisis message is empty"), "\(error)")
        }
    }
}
