// Where the evaluation tests find their fixtures, the Punkt tables and the ESConv data.
import Evaluation
import Foundation
import XCTest

enum TestData {
    /// Fixtures/ next to this file (made by scripts/make_metric_fixtures.py).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The `data/` folder: `$PALTRAIN_DATA` if set, else the first `data/` holding `nltk_data` found
    /// walking up from this file, else /work/main/data.
    static let dataDirectory: URL = {
        let manager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["PALTRAIN_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("data")
            if manager.fileExists(atPath: candidate.appendingPathComponent("nltk_data").path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/work/main/data")
    }()

    /// `data/<relative>`, failing the test with what to run when it is missing.
    static func file(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = dataDirectory.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("\(url.path) is missing: run `make data` (scripts/install-data.sh) first", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    /// The English tokenizer over `data/nltk_data`, loaded once.
    static func tokenizer(file: StaticString = #filePath, line: UInt = #line) throws -> NLTKTokenizer {
        if let cached = cachedTokenizer { return cached }
        let made = try NLTKTokenizer(nltkData: try self.file("nltk_data", file: file, line: line))
        cachedTokenizer = made
        return made
    }

    nonisolated(unsafe) private static var cachedTokenizer: NLTKTokenizer?

    /// Every ESConv utterance of data/esconv/{train,valid,test}.json in file and turn order.
    static func esconvUtterances() throws -> [String] {
        var out: [String] = []
        for split in ["train", "valid", "test"] {
            let text = try String(contentsOf: file("esconv/\(split).json"), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.isEmpty {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let dialog = try XCTUnwrap(object["dialog"] as? [[String: Any]])
                out += try dialog.map { try XCTUnwrap($0["text"] as? String) }
            }
        }
        return out
    }

    /// A JSON fixture.
    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// `text` with invisible and non-ASCII scalars escaped, for failure messages.
    static func visible(_ text: String) -> String {
        text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
    }

    /// Code-point equality of token lists (Swift's `==` on strings is canonical equivalence).
    static func same(_ a: [String], _ b: [String]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Array($0.unicodeScalars) == Array($1.unicodeScalars) }
    }
}
