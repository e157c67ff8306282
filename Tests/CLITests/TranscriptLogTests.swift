// The chat transcript on a full disk or an unwritable path: a clear error naming the file, not a trap.
@testable import paltrain
import Foundation
import TextData
import XCTest

final class TranscriptLogTests: XCTestCase {
    func testAFullDiskIsAnErrorNotATrap() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full on this system") }
        let log = try TranscriptLog(path: "/dev/full")
        XCTAssertThrowsError(try log.append(["message": "hello", "reply": "hi"])) { error in
            XCTAssertEqual("\(error)", "/dev/full: no space left on the device: free some space or choose another disk")
        }
    }

    func testAnUnwritablePathIsRefusedAtTheStart() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-transcript-\(getpid())")
        try "{}\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertThrowsError(try TranscriptLog(path: file.path + "/transcript.jsonl")) { error in
            XCTAssertTrue("\(error)".contains("is a file, not a folder"), "\(error)")
        }
        let log = try TranscriptLog(path: file.path)
        try log.append(["message": "hello"])
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "{}", "appended after what was there")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines.last?.contains("\"message\":\"hello\"") == true, "\(lines)")
    }
}
