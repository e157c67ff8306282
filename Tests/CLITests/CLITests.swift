// End-to-end runs of the `paltrain` executable on the real data (after `make data`): what a user
// types, what they see, and the exit status.
import Foundation
import XCTest

final class CLITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `paltrain arguments` in the repository root with `input` on stdin.
    private func paltrain(_ arguments: [String], input: String = "") throws -> (status: Int32, out: String, err: String) {
        // The test bundle runs as an executable in the build folder, beside `paltrain`.
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("paltrain")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func testDataStatsReportsThePapersSplit() throws {
        let r = try paltrain(["data", "stats"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("1300 conversations, 38365 utterances"), r.out)
        XCTAssertTrue(r.out.contains("conversations                          910     260     130"), r.out)
        XCTAssertTrue(r.out.contains("examples, every-supporter-turn       12271    3549    1873"), r.out)
        XCTAssertTrue(r.out.contains("valid: valid.csv: 1000 dialogues, 15602 utterances, 2000 pairs"), r.out)
        let other = try paltrain(["data", "stats", "--split", "seed-7"])
        XCTAssertEqual(other.status, 0, other.err)
        XCTAssertFalse(other.out.contains("examples, every-supporter-turn       12271    3549    1873"), "another seed, another split")
        let bad = try paltrain(["data", "stats", "--split", "half"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("--split must be `default` or `seed-N`"), bad.err)
    }

    func testTokenizeRoundTripsAndReportsBadLines() throws {
        let text = "i'm feeling anxious.</s> <s>System:[Question]Why?"
        let encoded = try paltrain(["tokenize"], input: text + "\n")
        XCTAssertEqual(encoded.status, 0, encoded.err)
        XCTAssertEqual(encoded.out, "[14,8,58,957,9033,5,54944,54945,23005,813,106,54948,129,20]\n", "HF's ids")
        let decoded = try paltrain(["tokenize", "--decode"], input: encoded.out)
        XCTAssertEqual(decoded.out, "i ' m feeling anxious . </s> <s> system: [Question] why ?\n")
        let bad = try paltrain(["tokenize", "--decode"], input: "[1,2]\nnot ids\n")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("stdin:2: expected a JSON array of integer ids"), bad.err)
        let missing = try paltrain(["tokenize", "--tokenizer", "/nonexistent"], input: "x\n")
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("/nonexistent: no tokenizer here"), missing.err)
    }

    func testTrainedTokenizerLoadsAndRoundTrips() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-bpe-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = try paltrain(["tokenizer", "train", "--vocab-size", "1000", "-o", dir.path])
        XCTAssertEqual(train.status, 0, train.err)
        XCTAssertTrue(train.out.hasPrefix("learned 1000 tokens"), train.out)
        let text = "I feel lonely since my dog died 😢 <persona> i have a dog. [Reflection of feelings]"
        let ids = try paltrain(["tokenize", "--tokenizer", dir.path], input: text + "\n")
        XCTAssertEqual(ids.status, 0, ids.err)
        XCTAssertTrue(ids.out.contains(",5,") || ids.out.hasPrefix("[5,"), "<persona> is one special token (id 5): \(ids.out)")
        let back = try paltrain(["tokenize", "--tokenizer", dir.path, "--decode"], input: ids.out)
        XCTAssertEqual(back.out, text + "\n")
    }
}
