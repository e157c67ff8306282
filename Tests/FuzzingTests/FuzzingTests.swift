// The fuzz harness in the test suite: each reader of outside files (JSON, ESConv, PESConv, recipes,
// safetensors, checkpoint configs) on mutated inputs for a few seconds, and the harness's own checks.
// PALTRAIN_FUZZ_SECONDS sets the seconds per target (default 3), PALTRAIN_FUZZ_SEED the seed (default
// fixed, so every run tries the same inputs first); docs/testing.md says how to run long and replay.
import Foundation
@testable import Fuzzing
import JSON
import TextData
import XCTest

final class FuzzingTests: XCTestCase {
    private static let environment = ProcessInfo.processInfo.environment
    private static let seconds = environment["PALTRAIN_FUZZ_SECONDS"].flatMap(Double.init) ?? 3
    private static let seed = environment["PALTRAIN_FUZZ_SEED"].flatMap(UInt64.init) ?? 14

    /// Fuzzes `target` for the configured time: no input may break the property, and the mutations
    /// must reach both outcomes (values and errors), or they are not exploring the reader.
    private func fuzz(_ target: FuzzTarget, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-fuzz-tests-\(getpid())/\(target.rawValue)")
        let report = try FuzzSession.run(target, budget: FuzzBudget(seed: Self.seed, seconds: Self.seconds), directory: directory) { print($0) }
        XCTAssertTrue(report.violations.isEmpty, report.violations.map {
            "iteration \($0.iteration) of seed \(report.seed): \($0.problem.prefix(1000))\n  kept in \($0.file.path); replay: paltrain-fuzz replay \(target.rawValue) \($0.file.path)"
        }.joined(separator: "\n"), file: file, line: line)
        XCTAssertGreaterThan(report.accepted, 0, "no mutated input was accepted", file: file, line: line)
        XCTAssertGreaterThan(report.rejected, 0, "no mutated input was rejected", file: file, line: line)
        if report.violations.isEmpty { try? FileManager.default.removeItem(at: directory) }
    }

    func testJSONReader() throws { try fuzz(.json) }
    func testESConvReader() throws { try fuzz(.esconv) }
    func testPESConvReader() throws { try fuzz(.pesconv) }
    func testRecipeLoader() throws { try fuzz(.recipe) }
    func testSafeTensorsReader() throws { try fuzz(.safetensors) }
    func testCheckpointConfig() throws { try fuzz(.config) }

    // MARK: - The harness itself

    func testSameSeedSameInputs() {
        for target in FuzzTarget.allCases {
            let seeds = target.seeds
            func inputs(_ seed: UInt64) -> [[UInt8]] {
                var mutator = Mutator(seed: seed, grammar: target.grammar)
                return (0..<50).map { mutator.mutate(seeds[$0 % seeds.count], other: seeds[($0 + 1) % seeds.count]) }
            }
            XCTAssertEqual(inputs(7), inputs(7), "\(target): a seed replays its inputs")
            XCTAssertNotEqual(inputs(7), inputs(8), "\(target): another seed, other inputs")
        }
    }

    /// What counts as a clear error: the reader's own type, naming the file, not dumping internals.
    func testUnclearErrorsAreViolations() throws {
        let file = URL(fileURLWithPath: "/tmp/input.json")
        XCTAssertEqual(try FuzzTarget.message(of: DataError(file: file.path, "bad"), names: file), "\(file.path): bad")
        XCTAssertThrowsError(try FuzzTarget.message(of: DataError(file: "elsewhere", "bad"), names: file)) {
            XCTAssertTrue("\($0)".contains("does not name the file"), "\($0)")
        }
        let dump = "\(DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "x")))"
        XCTAssertThrowsError(try FuzzTarget.message(of: DataError(file: file.path, dump), names: file)) {
            XCTAssertTrue("\($0)".contains("instead of saying what is wrong"), "\($0)")
        }
    }

    /// Inputs that reach the same check share a signature whatever their numbers and quoted names.
    func testOutcomesGroupByTheShapeOfTheirMessage() {
        func signature(_ message: String) -> String { FuzzOutcome(accepted: false, detail: message).signature }
        XCTAssertEqual(signature("f.jsonl:12: conversation 11, dialog[3].strategy: unknown strategy \"Hug\""),
                       "rejected: f.jsonl:#: conversation #, dialog[#].strategy: unknown strategy \"\"")
        XCTAssertEqual(signature("lone UTF-16 surrogate \\uD83D cannot be represented"), signature("lone UTF-16 surrogate \\uDC00 cannot be represented"))
        XCTAssertNotEqual(signature("missing field: expected \"situation\""), signature("expected a string, found an array"))
        XCTAssertEqual(signature("found '\"' | 2 conversations"), "rejected: found '' | # conversations", "a quote inside the other kind")
        XCTAssertEqual(signature("vocab_size: 1.5 cannot be read: write a finite number of the key's type"),
                       "rejected: vocab_size: #.# cannot be read: write a finite number of the key's type")
    }

    func testReplayReadsAKeptInput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-fuzz-replay-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.jsonl"), bad = directory.appendingPathComponent("bad.jsonl")
        try Data(FuzzTarget.esconv.seeds[1]).write(to: good)
        try Data("{\"dialog\": 1}\n".utf8).write(to: bad)
        XCTAssertEqual(try FuzzSession.replay(.esconv, file: good), "accepted: 2 conversations (JSON lines), 0 skipped")
        XCTAssertEqual(try FuzzSession.replay(.esconv, file: bad),
                       "rejected: \(bad.path):1: conversation 0, emotion_type: missing field: expected \"emotion_type\" with a string")
    }
}
