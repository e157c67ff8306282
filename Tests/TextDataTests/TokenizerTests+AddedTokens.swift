// Added-token splitting with overlapping tokens: transformers' Trie.split (BlenderbotSmall) and
// tokenizers' leftmost-longest matching (byte-level BPE), on random token sets HF cut.
import Foundation
@testable import TextData
import XCTest

extension TokenizerTests {
    func testAddedTokenSplittingWithOverlappingTokens() throws {
        let cases = try XCTUnwrap(Self.fixture("tokenizer_added_token_cases.json")["cases"] as? [[String: Any]])
        var splits = 0, encodings = 0, total = 0
        for entry in cases {
            let tokens = try XCTUnwrap(entry["tokens"] as? [String])
            let texts = try XCTUnwrap(entry["texts"] as? [String])
            let expectedSplits = try XCTUnwrap(entry["transformers_split"] as? [[String]])
            let expectedIds = try XCTUnwrap(entry["bytelevel_ids"] as? [[Int]])
            let trie = TokenizerAddedTokenTrie(tokens, semantics: .transformers)
            let byteLevel = try ByteLevelBPETokenizer(directory: Self.byteLevelDirectory, addedTokens: ["<persona>", "<sep>"] + tokens)
            for (k, text) in texts.enumerated() {
                total += 1
                let scalars = Array(text.unicodeScalars)
                let pieces = trie.split(scalars).map { String(String.UnicodeScalarView(scalars[$0.range])) }
                if pieces == expectedSplits[k] { splits += 1 } else {
                    XCTFail("tokens \(tokens), \"\(text)\": \(pieces) != transformers \(expectedSplits[k])")
                }
                let ids = byteLevel.encode(text)
                if ids == expectedIds[k].map(Int32.init) { encodings += 1 } else {
                    XCTFail("tokens \(tokens), \"\(text)\": \(ids) != tokenizers \(expectedIds[k])")
                }
            }
        }
        XCTAssertEqual(splits, total)
        XCTAssertEqual(encodings, total)
        // The example in transformers' Trie.split docstring.
        let trie = TokenizerAddedTokenTrie(["[CLS]", "extra_id_1", "extra_id_100"], semantics: .transformers)
        let text = Array("[CLS] This is a extra_id_100".unicodeScalars)
        XCTAssertEqual(trie.split(text).map { String(String.UnicodeScalarView(text[$0.range])) }, ["[CLS]", " This is a ", "extra_id_100"])
        print("Added tokens: \(splits)/\(total) transformers Trie splits, \(encodings)/\(total) tokenizers encodings with overlapping tokens")
    }
}
