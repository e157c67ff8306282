// Bad input at the command line gets a clear error (or a count) from the built `paltrain`: numbers
// out of range, CRLF files, bytes that are not UTF-8, ids outside the vocabulary, unreadable inputs
// and unwritable outputs — the outputs refused before any long work starts.
import Foundation
import XCTest

final class BadInputCLITests: XCTestCase {
    private let cli = CLI()
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-badinput-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Runs `arguments`, which must fail with `message` on stderr.
    private func assertRefused(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try cli.run(arguments)
        XCTAssertNotEqual(r.status, 0, "\(arguments) succeeded", file: file, line: line)
        XCTAssertTrue(r.err.contains(message), "\(arguments):\n\(r.err)\n  lacks: \(message)", file: file, line: line)
        XCTAssertFalse(r.err.contains("Fatal error") || r.err.contains("NSCocoaErrorDomain"), r.err, file: file, line: line)
    }

    func testNumbersOutOfRangeAreRefusedByName() throws {
        try assertRefused(["metrics", "--hyps", "x", "--refs", "x", "--ead-vocabulary-size", "0"], "--ead-vocabulary-size must be at least 1, got 0")
        try assertRefused(["eval", "x.h5", "--batch-size", "0"], "--batch-size must be at least 1, got 0")
        try assertRefused(["eval", "x.h5", "--limit=-1"], "--limit is 0 (every example) or a positive count, got -1")
        try assertRefused(["eval", "x.h5", "--seeds", "1,,2"], "--seeds is a comma-separated list of non-negative integers")
        try assertRefused(["eval", "x.h5", "--seeds", "3,3"], "--seeds lists a seed twice")
        try assertRefused(["eval", "x.h5", "--ppl-tokens=-2"], "--ppl-tokens is 0 (full targets) or a positive count, got -2")
        try assertRefused(["persona-test", "x.h5", "--resamples", "10"], "--resamples must be at least 100 for a 95% interval, got 10")
        try assertRefused(["annotate", "--extractor", "x.h5", "--beams", "0"], "--beams must be at least 1")
        try assertRefused(["annotate", "--extractor", "x.h5", "--max-length", "0"], "--max-length must be at least 2")
        try assertRefused(["annotate", "--extractor", "x.h5", "--limit=-1"], "--limit is 0 (every conversation) or a positive count, got -1")
        try assertRefused(["score", "x.h5", "--max-input-length", "0"], "--max-input-length must be at least 1, got 0")
        try assertRefused(["bench", "--repeats", "0"], "--repeats must be at least 1, got 0")
        try assertRefused(["pal", "--stop-after", "0"], "--stop-after must be at least 1 step, got 0")
    }

    func testMetricsReadCRLFAndAFinalLineWithoutNewline() throws {
        let hyps = ["i am sorry to hear that .", "have you talked to your boss about it ?", "that sounds hard"]
        let refs = ["that must be hard for you .", "did you tell your boss ?", "that sounds really hard"]
        func scores(_ separator: String, finalNewline: Bool) throws -> [String: Any] {
            let h = dir.appendingPathComponent("h.txt"), r = dir.appendingPathComponent("r.txt")
            try (hyps.joined(separator: separator) + (finalNewline ? separator : "")).write(to: h, atomically: true, encoding: .utf8)
            try (refs.joined(separator: separator) + (finalNewline ? separator : "")).write(to: r, atomically: true, encoding: .utf8)
            let run = try cli.run(["metrics", "--hyps", h.path, "--refs", r.path, "--json"])
            XCTAssertEqual(run.status, 0, run.err)
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], run.out)
        }
        let lf = try scores("\n", finalNewline: true)
        XCTAssertEqual(lf["responses"] as? Int, 3)
        for (separator, finalNewline) in [("\r\n", true), ("\r\n", false), ("\n", false)] {
            let other = try scores(separator, finalNewline: finalNewline)
            for column in ["responses", "B-2", "B-4", "D-2", "R-L"] {
                XCTAssertEqual("\(other[column] ?? "none")", "\(lf[column] ?? "none")", "\(column) with \(separator.debugDescription), final newline \(finalNewline)")
            }
        }
        let empty = dir.appendingPathComponent("empty.txt")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        try assertRefused(["metrics", "--hyps", empty.path, "--refs", empty.path], "\(empty.path) holds no line")
        try assertRefused(["metrics", "--hyps", dir.path, "--refs", empty.path], "\(dir.path): is a folder: give the path of a file")
        let latin1 = dir.appendingPathComponent("latin1.txt")
        try Data("ok\ncaf".utf8 + [0xE9] + Data("\n".utf8)).write(to: latin1)
        try assertRefused(["metrics", "--hyps", latin1.path, "--refs", latin1.path], "\(latin1.path):2: byte 0xE9 at column 4 is not UTF-8")
    }

    func testStdinThatIsNotUTF8IsCountedAndIdsOutsideTheVocabularyRefused() throws {
        let r = try cli.run(["tokenize"], inputData: Data("i feel".utf8 + [0xFF, 0xFE] + Data(" sad\r\nok\n".utf8)))
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("stdin:1: 2 byte sequences not UTF-8, read as U+FFFD"), r.err)
        XCTAssertFalse(r.err.contains("stdin:2"), "the second line is UTF-8: \(r.err)")
        XCTAssertEqual(r.out.split(separator: "\n").count, 2, "CRLF ends a line: \(r.out)")
        let decoded = try cli.run(["tokenize", "--decode"], input: "[5, 6]\n[14, 99999999]\n")
        XCTAssertNotEqual(decoded.status, 0)
        XCTAssertTrue(decoded.err.contains("stdin:2: [1]: id 99999999 is outside this tokenizer's vocabulary 0..<54956"), decoded.err)
    }

    func testUnreadableInputsAndUnwritableOutputsAreNamed() throws {
        let file = dir.appendingPathComponent("a-file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        // Outputs are checked before the checkpoints (which do not exist here) are even read.
        try assertRefused(["eval", "missing.h5", "--output", file.path], "\(file.path): is a file, not a folder: remove it or choose another path")
        try assertRefused(["eval", "missing.h5", "--output", file.path + "/table"], "\(file.path) is a file, not a folder: check the path")
        try assertRefused(["pal", "--output", file.path + "/run"], "\(file.path) is a file, not a folder: check the path")
        try assertRefused(["bench", "--json", dir.path + "/no/bench.json"], "its folder \(dir.path)/no does not exist")
        try assertRefused(["import", "missing-folder", "-o", dir.path], "\(dir.path): is a folder: give the path of a file to write")
        // A PESConv path that is a folder, and a run folder without a log.
        try assertRefused(["eval", "missing.h5", "--pesconv", dir.path], "\(dir.path): is a folder: give the path of a file")
        try assertRefused(["plot", dir.path], "\(dir.path)/log.jsonl: no such file: check the path")
        // A Foundation file error that no reader wraps (here nltk's tables) is still said in words.
        let table = dir.appendingPathComponent("nltk_data/tokenizers/punkt_tab/english/abbrev_types.txt")
        try FileManager.default.createDirectory(at: table, withIntermediateDirectories: true)
        try assertRefused(["metrics", "--hyps", file.path, "--refs", file.path, "--data", dir.path], "\(table.path): is a folder: give the path of a file")
    }

    /// An extractor opens no reply with a strategy, even when its tokenizer (a learned vocabulary shared
    /// by every stage) holds the strategy tokens: `score` prints no strategy distribution for it.
    func testScoreOnAnExtractorPrintsNoStrategies() throws {
        let tokenizer = dir.appendingPathComponent("bpe").path, checkpoint = dir.appendingPathComponent("extractor.h5").path
        XCTAssertEqual(try cli.run(["tokenizer", "train", "--vocab-size", "300", "-o", tokenizer]).status, 0)
        XCTAssertEqual(try cli.run(["import", CLI.root.appendingPathComponent("Tests/ModelsTests/Fixtures/bart").path, "-o", checkpoint]).status, 0)
        let r = try cli.run(["score", checkpoint, "--tokenizer", tokenizer], input: #"{"context": ["i feel sad"], "persona": [], "response": "i am sad"}"# + "\n")
        XCTAssertEqual(r.status, 0, r.err)
        let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], r.out)
        XCTAssertNotNil(result["nll"])
        XCTAssertNil(result["strategy_distribution"], r.out)
    }

    func testPlotCountsTheLogLinesItCannotRead() throws {
        let log = [#"{"step": 0, "valid_loss": 5.0}"#, #"{"step": 1, "loss": 6.0}"#, "not json", #"{"step": 2}"#, #"{"step": 2, "loss": 5.5}"#]
        try log.joined(separator: "\r\n").write(to: dir.appendingPathComponent("log.jsonl"), atomically: true, encoding: .utf8)
        let r = try cli.run(["plot", dir.path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("left out 2 log line(s) that are not a JSON object with a step and a loss (lines 3, 4)"), r.out)
        let svg = try String(contentsOf: dir.appendingPathComponent("loss.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("<circle"), "the validation point of a CRLF log is drawn")
    }
}
