// Where the tests find the real datasets (installed by `make data`) and the shared vocabulary.
import Foundation
import XCTest

enum TestData {
    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `data/<relative>`, failing the test with what to run when it is missing.
    static func file(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = root.appendingPathComponent("data").appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("\(url.path) is missing: run `make data` first", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    /// The BlenderbotSmall-90M tokenizer files: `vocab/blenderbot_small-90M` in the repository
    /// (`make data` copies them there), else `../shared/vocab/blenderbot_small-90M`.
    static var blenderbotSmallVocabulary: URL {
        let local = root.appendingPathComponent("data/vocab/blenderbot_small-90M")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        return root.deletingLastPathComponent().appendingPathComponent("shared/vocab/blenderbot_small-90M")
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
}
