// Reading and writing text files the one shared way: CRLF and a missing final newline split like "\n"
// files, bytes that are not UTF-8 are located or counted, and file-system errors name the path and
// say what to do instead of Foundation's numbered codes.
import Foundation
import TextData
import XCTest

final class TextFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-textfile-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    // MARK: - Lines

    func testCRLFAndAMissingFinalNewlineSplitLikeLF() {
        for text in ["a b\nc\n\nd\n", "a b\r\nc\r\n\r\nd\r\n", "a b\nc\r\n\nd"] {
            XCTAssertEqual(TextLines.split(text), ["a b", "c", "", "d"], text.debugDescription)
        }
        XCTAssertEqual(TextLines.split(""), [])
        XCTAssertEqual(TextLines.split("\n"), [""])
    }

    /// Each line-oriented reader reads a CRLF file, with or without a final newline, as it reads the LF file.
    func testLineReadersReadCRLFFiles() throws {
        func variants(_ lines: [String]) -> [String] { [lines.joined(separator: "\n") + "\n", lines.joined(separator: "\r\n") + "\r\n", lines.joined(separator: "\r\n")] }

        let esconv = try String(contentsOf: TestData.file("esconv/valid.json"), encoding: .utf8).split(separator: "\n").prefix(3).map(String.init)
        let conversations = try variants(esconv).map { try ESConvReader().read(data: Data($0.utf8), file: "valid.json").conversations }
        XCTAssertEqual(conversations[0].count, 3)
        for other in conversations.dropFirst() { XCTAssertEqual(other, conversations[0]) }

        for (index, text) in variants(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world"]).enumerated() {
            let url = folder.appendingPathComponent("vocab-\(index).txt")
            try text.write(to: url, atomically: true, encoding: .utf8)
            let tokenizer = try WordPieceTokenizer(vocabularyFile: url)
            XCTAssertEqual(tokenizer.vocabularySize, 6, text.debugDescription)
            XCTAssertEqual(tokenizer.encode("hello world"), [4, 5], text.debugDescription)
        }
    }

    /// vocab.json ids number its entries: one outside 0 up to the count is refused by token, not a trap
    /// (a negative index) or a table of billions of entries.
    func testVocabularyIdsOutsideTheEntriesAreRefused() throws {
        try "#version: 0.2\na b\n".write(to: folder.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        for (id, shown) in [("-1", "-1"), ("2000000000", "2000000000"), ("1.5", "1.5")] {
            try #"{"a": 0, "b": 1, "ab": \#(id)}"#.write(to: folder.appendingPathComponent("vocab.json"), atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try ByteLevelBPETokenizer(directory: folder)) { error in
                XCTAssertTrue("\(error)".contains("vocab.json: ab: the id is \(shown); expected a JSON object of token → integer id from 0 to 2"), "\(error)")
            }
        }
    }

    func testAFileThatIsNotUTF8IsRefusedWithItsLineAndColumn() throws {
        let url = folder.appendingPathComponent("bad.txt")
        try Data("fine\nab".utf8 + [0xFF] + Data("c\n".utf8)).write(to: url)
        XCTAssertThrowsError(try TextLines.text(of: url)) { error in
            XCTAssertEqual("\(error)", "\(url.path):2: byte 0xFF at column 3 is not UTF-8: save the file as UTF-8 text")
        }
        try Data([0xEF, 0xBB, 0xBF] + Array("héllo\n".utf8)).write(to: url)
        XCTAssertEqual(try TextLines.text(of: url), "héllo\n", "a byte-order mark is not content")
    }

    func testInvalidSequencesAreCountedWhenRepaired() {
        XCTAssertEqual(TextLines.decodeCountingInvalid(Array("héllo".utf8)).invalidSequences, 0)
        let repaired = TextLines.decodeCountingInvalid([0x61, 0xFF, 0x62, 0xC3, 0x63])
        XCTAssertEqual(repaired.text, "a\u{FFFD}b\u{FFFD}c")
        XCTAssertEqual(repaired.invalidSequences, 2)
    }

    // MARK: - File-system errors

    func testReadErrorsNameThePathAndWhatIsWrong() throws {
        let missing = folder.appendingPathComponent("missing.json")
        XCTAssertThrowsError(try FileAccess.read(missing)) {
            XCTAssertEqual("\($0)", "\(missing.path): no such file: check the path (and the working directory)")
        }
        XCTAssertThrowsError(try FileAccess.read(folder)) { XCTAssertEqual("\($0)", "\(self.folder.path): is a folder: give the path of a file") }
    }

    func testOutputsAreCheckedBeforeTheWork() throws {
        let file = folder.appendingPathComponent("file.txt")
        try FileAccess.write("x", to: file)
        // A folder where a file is wanted, a file where a folder is wanted, a folder that is missing or under a file.
        XCTAssertThrowsError(try FileAccess.checkOutputFile(folder)) { XCTAssertTrue("\($0)".hasSuffix(": is a folder: give the path of a file to write"), "\($0)") }
        XCTAssertThrowsError(try FileAccess.checkOutputFolder(file)) {
            XCTAssertEqual("\($0)", "\(file.path): is a file, not a folder: remove it or choose another path")
        }
        XCTAssertThrowsError(try FileAccess.checkOutputFile(folder.appendingPathComponent("no/such/out.json"))) {
            XCTAssertTrue("\($0)".contains("its folder \(self.folder.path)/no/such does not exist: create it or choose another path"), "\($0)")
        }
        XCTAssertThrowsError(try FileAccess.checkOutputFolder(file.appendingPathComponent("runs/one"))) {
            XCTAssertEqual("\($0)", "\(file.path)/runs/one: \(file.path) is a file, not a folder: check the path")
        }
        XCTAssertThrowsError(try FileAccess.createFolder(file.appendingPathComponent("run"))) {
            XCTAssertTrue("\($0)".hasSuffix("run: a part of the path is a file, not a folder: check the path"), "\($0)")
        }
        let run = folder.appendingPathComponent("runs/one")
        try FileAccess.checkOutputFolder(run)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path), "checking creates nothing")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["file.txt"], "the write check leaves nothing behind")
        try FileAccess.createFolder(run)
        try FileAccess.checkOutputFile(run.appendingPathComponent("metrics.json"))
    }

    func testAFullDiskIsSaidInWords() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full on this system") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        do {
            try handle.write(contentsOf: Data("x".utf8))
            XCTFail("/dev/full accepted a write")
        } catch {
            XCTAssertEqual("\(FileAccess.explained(error, path: "/dev/full", writing: true))",
                           "/dev/full: no space left on the device: free some space or choose another disk")
        }
        let foreign = DataError(file: "x", "not a file-system error")
        XCTAssertEqual("\(FileAccess.explained(foreign, path: "x", writing: true))", "\(foreign)", "other errors pass through")
    }
}
