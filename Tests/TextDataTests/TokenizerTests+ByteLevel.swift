// ByteLevelBPETokenizer against HF `tokenizers` (ByteLevel BPE, add_prefix_space=False) and
// transformers' BartTokenizer on a vocabulary HF trained on ESConv: mixed strings id-for-id, decodes,
// and the GPT-2 regex's character classes for every Unicode scalar.
import Foundation
@testable import TextData
import XCTest

extension TokenizerTests {
    func testByteLevelMixedStrings() throws {
        let tok = try Self.byteLevel
        let fixture = try Self.fixture("tokenizer_mixed_cases.json")
        let meta = try XCTUnwrap(fixture["bytelevel"] as? [String: Any])
        XCTAssertEqual(tok.vocabularySize, meta["vocabulary_size"] as? Int)
        XCTAssertEqual([tok.bosId, tok.padId, tok.eosId, tok.unkId, tok.id(of: "<mask>")], [0, 1, 2, 3, 4])
        XCTAssertEqual([tok.id(of: "<persona>"), tok.id(of: "<sep>")], [2000, 2001])
        let cases = try XCTUnwrap(fixture["cases"] as? [[String: Any]])
        var matched = 0, decoded = 0, roundTrips = 0, failures = 0
        for entry in cases {
            let text = try XCTUnwrap(entry["text"] as? String)
            let reference = Self.ids(entry["ids"])
            let ids = tok.encode(text)
            if ids == reference { matched += 1 } else if failures < 10 {
                failures += 1
                XCTFail("\"\(Self.visible(text))\": \(ids.map { tok.token(of: $0) ?? "?" }) != HF \(reference.map { tok.token(of: $0) ?? "?" })")
            }
            XCTAssertEqual(tok.encode(text, addSpecialTokens: true), [0] + reference + [2])
            // Decodes: "decoded" is stored only where HF's decode does not give the text back.
            let hf = entry["decoded"] as? String ?? text
            let hfSkip = entry["decoded_skip"] as? String ?? hf
            let ours = tok.decode(reference, skipSpecialTokens: false)
            if ours == hf, tok.decode(reference, skipSpecialTokens: true) == hfSkip { decoded += 1 } else {
                XCTFail("decode of \"\(Self.visible(text))\": \"\(Self.visible(ours))\" != HF \"\(Self.visible(hf))\"")
            }
            if hf == text {
                XCTAssertEqual(tok.decode(ids, skipSpecialTokens: false), text, "round trip of \"\(Self.visible(text))\"")
                roundTrips += 1
            }
        }
        XCTAssertEqual(matched, cases.count)
        XCTAssertEqual(decoded, cases.count)
        print("Byte-level BPE mixed strings: \(matched)/\(cases.count) id-for-id (tokenizers == BartTokenizer), \(decoded) decodes as HF, \(roundTrips) round trips")
    }

    func testByteLevelRandomIdDecodes() throws {
        // Random ids, including ids no token has and partial UTF-8 sequences (decoded with U+FFFD).
        let tok = try Self.byteLevel
        let random = try XCTUnwrap(Self.fixture("tokenizer_mixed_cases.json")["bytelevel_random_id_decode"] as? [[String: Any]])
        var matched = 0
        for entry in random {
            let ids = Self.ids(entry["ids"])
            let ours = tok.decode(ids, skipSpecialTokens: false), oursSkip = tok.decode(ids, skipSpecialTokens: true)
            XCTAssertEqual(ours, entry["decoded"] as? String, "\(ids)")
            XCTAssertEqual(oursSkip, entry["decoded_skip"] as? String, "\(ids)")
            if ours == entry["decoded"] as? String, oursSkip == entry["decoded_skip"] as? String { matched += 1 }
        }
        print("Byte-level BPE random ids: \(matched)/\(random.count) decodes as HF")
    }

    func testByteLevelESConvRoundTrip() throws {
        let tok = try Self.byteLevel
        let utterances = try Self.esconvUtterances()
        var roundTrips = 0, tokens = 0
        let elapsed = Self.seconds {
            for text in utterances {
                let ids = tok.encode(text)
                tokens += ids.count
                if tok.decode(ids, skipSpecialTokens: false) == text { roundTrips += 1 }
            }
        }
        XCTAssertEqual(roundTrips, utterances.count)
        print("Byte-level BPE ESConv: \(roundTrips)/\(utterances.count) utterances round-trip (\(tokens) tokens, \(String(format: "%.2f", elapsed)) s)")
    }

    func testGPT2PreTokenizationPattern() {
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split("Hello world"), ["Hello", " world"])
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split("it's IT'S we're"), ["it", "'s", " IT", "'", "S", " we", "'re"])
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split("a  b"), ["a", " ", " b"])
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split("a \n b"), ["a", " \n", " b"])
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split("\n\nword"), ["\n", "\n", "word"])
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split("x  "), ["x", "  "])
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split("12abc 3.5!?"), ["12", "abc", " 3", ".", "5", "!?"])
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split("''s"), ["''", "s"])
        XCTAssertEqual(ByteLevelBPEPreTokenizer.split(""), [])
    }

    func testGPT2CharacterClassesEveryScalar() throws {
        let tables = try Self.fixture("tokenizer_unicode_tables.json")
        func expand(_ key: String) throws -> Set<UInt32> {
            var set: Set<UInt32> = []
            for pair in try XCTUnwrap(tables[key] as? [[Int]]) { for v in pair[0]...pair[1] { set.insert(UInt32(v)) } }
            return set
        }
        let letters = try expand("letters"), numbers = try expand("numbers"), spaces = try expand("whitespace")
        var checked = 0, mismatched: [String] = []
        for value in UInt32(0)..<0x110000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected: ByteLevelBPEPreTokenizer.ScalarClass =
                letters.contains(value) ? .letter : numbers.contains(value) ? .number : spaces.contains(value) ? .whitespace : .other
            if ByteLevelBPEPreTokenizer.classify(scalar) != expected, mismatched.count < 50 { mismatched.append(String(value, radix: 16)) }
            checked += 1
        }
        XCTAssertEqual(mismatched, [], "scalars whose \\p{L}/\\p{N}/\\s class differs from tokenizers' Oniguruma")
        print("GPT-2 regex classes: \(checked - mismatched.count)/\(checked) scalars as tokenizers (\\p{L} \(letters.count), \\p{N} \(numbers.count), \\s \(spaces.count))")
    }
}
