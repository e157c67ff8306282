// Tokenizer tests: BlenderbotSmall and byte-level BPE against ids and decodes that HuggingFace
// produced (scripts/make_tokenizer_fixtures.py), the trainer, and SHA-256. Shared helpers live here.
import Foundation
@testable import TextData
import XCTest

final class TokenizerTests: XCTestCase {
    // MARK: - Fixtures and data

    /// A JSON fixture under Fixtures/, as a dictionary.
    static func fixture(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: TestData.fixtures.appendingPathComponent(name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name) is not a JSON object")
    }

    /// Every ESConv utterance of data/esconv/{train,valid,test}.json in file and turn order.
    static func esconvUtterances() throws -> [String] {
        var out: [String] = []
        for split in ["train", "valid", "test"] {
            let text = try String(contentsOf: TestData.file("esconv/\(split).json"), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.isEmpty {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let dialog = try XCTUnwrap(object["dialog"] as? [[String: Any]])
                out += try dialog.map { try XCTUnwrap($0["text"] as? String) }
            }
        }
        return out
    }

    static func ids(_ value: Any?) -> [Int32] { (value as? [Int] ?? []).map(Int32.init) }

    /// Shows a string with its invisible scalars escaped, for failure messages.
    static func visible(_ text: String) -> String {
        text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
    }

    static var blenderbotSmall: BlenderbotSmallTokenizer {
        get throws { try BlenderbotSmallTokenizer(directory: TestData.blenderbotSmallVocabulary, addedTokens: PALTokens.added) }
    }

    static var byteLevelDirectory: URL { TestData.fixtures.appendingPathComponent("tokenizer_bytelevel_esconv2000") }

    static var byteLevel: ByteLevelBPETokenizer {
        get throws { try ByteLevelBPETokenizer(directory: byteLevelDirectory, addedTokens: ["<persona>", "<sep>"]) }
    }

    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    // MARK: - SHA-256

    func testSHA256KnownDigests() throws {
        // FIPS 180-4 examples and `printf … | sha256sum`.
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex("The quick brown fox jumps over the lazy dog"),
                       "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Lengths around the 55/56/64-byte padding boundaries.
        for n in [55, 56, 63, 64, 65, 119, 120] {
            let digest = SHA256.hex(String(repeating: "x", count: n))
            XCTAssertEqual(digest.count, 64)
            XCTAssertEqual(digest, Self.referenceSHA256[n], "sha256 of \(n) × \"x\"")
        }
        // sha256sum vocab/blenderbot_small-90M/merges.txt
        let merges = "28a5efe0c1e1d9d6150de4855d497c3a887022a172af149a55d7d7d9c5b464b4"
        XCTAssertEqual(try SHA256.hex(contentsOf: TestData.blenderbotSmallVocabulary.appendingPathComponent("merges.txt")), merges)
        XCTAssertEqual(try Self.blenderbotSmall.identity.mergesSHA256, merges)
        print("SHA256: 5 known digests, 7 padding-boundary lengths, merges.txt matched")
    }

    /// python3 -c 'import hashlib; [print(n, hashlib.sha256(b"x" * n).hexdigest()) for n in (55,56,63,64,65,119,120)]'
    static let referenceSHA256: [Int: String] = [
        55: "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072",
        56: "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e",
        63: "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2",
        64: "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c",
        65: "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9",
        119: "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c",
        120: "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98",
    ]
}
