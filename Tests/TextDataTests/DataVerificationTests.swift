// Data that differ from data/manifest.sha256: a corpus loaded from edited ESConv files says so, keeps
// to file order when the counts are not the published ones, counts repeated conversations, and
// refuses to call any split of them the paper's.
import Foundation
import TextData
import XCTest

final class DataVerificationTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-verify-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("esconv"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A data folder like `data/`: the real manifest and PESConv, and the ESConv files after `edit`
    /// (file name → its lines → the lines to write).
    private func dataFolder(editing edit: [String: ([String]) -> [String]] = [:]) throws -> URL {
        let fm = FileManager.default
        for name in [DataManifest.fileName, "pesconv"] {
            try fm.createSymbolicLink(at: folder.appendingPathComponent(name), withDestinationURL: TestData.file(name))
        }
        for part in ["train", "valid", "test"] {
            let source = try TestData.file("esconv/\(part).json"), copy = folder.appendingPathComponent("esconv/\(part).json")
            guard let edit = edit[part] else {
                try fm.createSymbolicLink(at: copy, withDestinationURL: source)
                continue
            }
            let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n").map(String.init)
            try edit(lines).joined(separator: "\n").write(to: copy, atomically: true, encoding: .utf8)
        }
        return folder
    }

    func testThePublishedFilesGiveThePapersSplit() throws {
        let corpus = try ESConvCorpus.load(data: dataFolder())
        XCTAssertEqual(corpus.verification, .matchesManifest)
        XCTAssertEqual(try corpus.papersSplit(), DataSplit.pal(count: 1300))
        XCTAssertFalse(corpus.notes.contains { $0.contains("manifest") || $0.contains("repeats") || $0.contains("file order") }, "\(corpus.notes)")
    }

    func testADeletedLineIsReportedAndThePapersSplitRefused() throws {
        let corpus = try ESConvCorpus.load(data: dataFolder(editing: ["train": { Array($0.dropFirst()) }]))
        XCTAssertEqual(corpus.conversations.count, 1299)
        XCTAssertEqual(corpus.verification, .differs(["esconv/train.json"], manifest: folder.appendingPathComponent(DataManifest.fileName).path))
        XCTAssertTrue(corpus.notes.contains { $0.hasPrefix("esconv/train.json differs from") && $0.contains("no split of it is the paper's") }, "\(corpus.notes)")
        XCTAssertTrue(corpus.notes.contains { $0.contains("1299 × conversations in file order") && $0.contains("909/195/195") }, "\(corpus.notes)")
        XCTAssertThrowsError(try corpus.papersSplit()) { error in
            XCTAssertTrue("\(error)".contains("esconv/train.json differs from it, and the paper's split is defined on the published data only"), "\(error)")
            XCTAssertTrue("\(error)".contains("`seed-13`"), "\(error)")
        }
        XCTAssertEqual(corpus.split(seed: 13), DataSplit.pal(count: 1299, seed: 13), "a seeded split of these data is still there to ask for")
    }

    func testAShortValidationFileIsReportedNotATrap() throws {
        let corpus = try ESConvCorpus.load(data: dataFolder(editing: ["valid": { Array($0.dropLast()) }]))
        XCTAssertEqual(corpus.conversations.count, 1299)
        XCTAssertTrue(corpus.notes.contains { $0.contains("910/194/195") }, "\(corpus.notes)")
    }

    func testARepeatedConversationIsCounted() throws {
        let corpus = try ESConvCorpus.load(data: dataFolder(editing: ["train": { [$0[0]] + $0 }, "test": { $0 + [$0[4]] }]))
        XCTAssertEqual(corpus.conversations.count, 1302)
        XCTAssertTrue(corpus.notes.contains {
            $0.hasPrefix("2 × kept: a conversation that repeats an earlier one word for word")
                && $0.contains("esconv/train.json #2 = esconv/train.json #1") && $0.contains("esconv/test.json #196 = esconv/test.json #5")
        }, "\(corpus.notes)")
        XCTAssertEqual(corpus.verification, .differs(["esconv/test.json", "esconv/train.json"], manifest: folder.appendingPathComponent(DataManifest.fileName).path))
    }

    func testWithoutAManifestNothingIsCalledThePapersSplit() throws {
        let data = try dataFolder()
        try FileManager.default.removeItem(at: data.appendingPathComponent(DataManifest.fileName))
        let corpus = try ESConvCorpus.load(data: data)
        XCTAssertEqual(corpus.verification, .noManifest(data.appendingPathComponent(DataManifest.fileName).path))
        XCTAssertThrowsError(try corpus.papersSplit()) { XCTAssertTrue("\($0)".contains("missing, so the data cannot be checked"), "\($0)") }
    }

    func testAMalformedManifestLineIsLocated() throws {
        try "0123  esconv/train.json\n".write(to: folder.appendingPathComponent(DataManifest.fileName), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DataManifest.load(data: folder)) { error in
            XCTAssertTrue("\(error)".contains("manifest.sha256:1: expected `<sha256 in 64 hex digits>  <path>`"), "\(error)")
        }
    }
}
