// BlenderbotSmallTokenizer against transformers' BlenderbotSmallTokenizer with PAL's added tokens:
// every ESConv utterance, PAL-formatted strings, mixed strings, decodes, and CPython's str.lower().
import Foundation
import PythonSemantics
@testable import TextData
import XCTest

extension TokenizerTests {
    func testBlenderbotSmallSpecialIdsAndAddedTokens() throws {
        let tok = try Self.blenderbotSmall
        XCTAssertEqual([tok.padId, tok.bosId, tok.eosId, tok.unkId], [0, 1, 2, 3])
        XCTAssertEqual(tok.vocabularySize, 54956)
        XCTAssertEqual(PALTokens.added.map { tok.id(of: $0) }, (54944...54955).map { Int32($0) })
        XCTAssertEqual(tok.id(of: "__newln__"), 4)
        XCTAssertNil(tok.id(of: "no-such-token"))
        XCTAssertEqual(tok.identity.kind, "blenderbot_small")
        XCTAssertEqual(tok.identity.addedTokens, PALTokens.added)
        XCTAssertEqual(tok.identity.vocabularySHA256.count, 64)
        // The example HF prints: person@@ a@@ __unk__ i ' m feeling anxious . </s> <s> syst@@ em@@ : [Question] why ?
        let ids = tok.encode("Persona:I'm feeling anxious.</s> <s>System:[Question]Why?")
        XCTAssertEqual(ids, [12290, 337, 3, 14, 8, 58, 957, 9033, 5, 54944, 54945, 23005, 813, 106, 54948, 129, 20])
        XCTAssertEqual(tok.tokens(ids).joined(separator: " "),
                       "person@@ a@@ __unk__ i ' m feeling anxious . </s> <s> syst@@ em@@ : [Question] why ?")
        XCTAssertEqual(tok.decode(ids, skipSpecialTokens: false), "persona__unk__ i ' m feeling anxious . </s> <s> system: [Question] why ?")
        XCTAssertEqual(tok.decode(ids, skipSpecialTokens: true), "personai ' m feeling anxious . system: why ?")
        print("BlenderbotSmall: special ids 0-3, 12 added tokens at 54944…54955, HF example matched")
    }

    func testBlenderbotSmallEveryESConvUtterance() throws {
        let tok = try Self.blenderbotSmall
        let utterances = try Self.esconvUtterances()
        let text = try String(contentsOf: TestData.fixtures.appendingPathComponent("tokenizer_blenderbot_esconv_ids.txt"), encoding: .utf8)
        let expected = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            $0.split(separator: " ").map { Int32($0)! }
        }
        XCTAssertEqual(utterances.count, 38365)
        XCTAssertEqual(expected.count, utterances.count, "fixture and data/esconv disagree on the number of utterances")
        var encoded: [[Int32]] = []
        let elapsed = Self.seconds { encoded = utterances.map { tok.encode($0) } }
        var matched = 0, shown = 0
        for (index, (ids, reference)) in zip(encoded, expected).enumerated() {
            if ids == reference {
                matched += 1
            } else if shown < 10 {
                shown += 1
                XCTFail("utterance \(index) \"\(Self.visible(utterances[index]))\": \(ids) != HF \(reference)")
            }
        }
        XCTAssertEqual(matched, utterances.count)
        let tokens = encoded.reduce(0) { $0 + $1.count }
        print("BlenderbotSmall ESConv: \(matched)/\(utterances.count) utterances id-for-id (\(tokens) tokens) in \(String(format: "%.2f", elapsed)) s")

        // HF decodes of a sample.
        let cases = try Self.fixture("tokenizer_blenderbot_cases.json")
        let sample = try XCTUnwrap(cases["esconv_decode_sample"] as? [[String: Any]])
        var decoded = 0
        for entry in sample {
            let index = try XCTUnwrap(entry["index"] as? Int)
            XCTAssertEqual(tok.decode(encoded[index], skipSpecialTokens: false), entry["decoded"] as? String, "utterance \(index)")
            XCTAssertEqual(tok.decode(encoded[index], skipSpecialTokens: true), entry["decoded_skip"] as? String, "utterance \(index)")
            decoded += 1
        }
        print("BlenderbotSmall ESConv decode: \(decoded) sampled utterances decode as HF (with and without special tokens)")
    }

    func testBlenderbotSmallPALFormattedStrings() throws {
        let tok = try Self.blenderbotSmall
        let cases = try Self.fixture("tokenizer_blenderbot_cases.json")
        let pal = try XCTUnwrap(cases["pal"] as? [[String: Any]])
        XCTAssertGreaterThan(pal.count, 300)
        var matched = 0, decoded = 0
        for entry in pal {
            let text = try XCTUnwrap(entry["text"] as? String)
            let ids = tok.encode(text)
            if ids == Self.ids(entry["ids"]) { matched += 1 } else {
                XCTFail("\"\(Self.visible(text))\": \(ids) != HF \(Self.ids(entry["ids"]))")
            }
            let reference = Self.ids(entry["ids"])
            if tok.decode(reference, skipSpecialTokens: false) == entry["decoded"] as? String,
               tok.decode(reference, skipSpecialTokens: true) == entry["decoded_skip"] as? String {
                decoded += 1
            } else {
                XCTFail("decode of \"\(Self.visible(text))\": \(tok.decode(reference, skipSpecialTokens: false)) != HF \(entry["decoded"] ?? "")")
            }
        }
        XCTAssertEqual(matched, pal.count)
        print("BlenderbotSmall PAL strings: \(matched)/\(pal.count) id-for-id, \(decoded)/\(pal.count) decodes")
    }

    func testBlenderbotSmallMixedStringsAndRandomIds() throws {
        let tok = try Self.blenderbotSmall
        let mixed = try XCTUnwrap(Self.fixture("tokenizer_mixed_cases.json")["cases"] as? [[String: Any]])
        var matched = 0, decoded = 0, failures = 0
        for entry in mixed {
            let text = try XCTUnwrap(entry["text"] as? String)
            let reference = Self.ids(entry["blenderbot_ids"])
            let ids = tok.encode(text)
            if ids == reference { matched += 1 } else if failures < 10 {
                failures += 1
                XCTFail("\"\(Self.visible(text))\": \(tok.tokens(ids)) != HF \(tok.tokens(reference))")
            }
            let hf = try XCTUnwrap(entry["blenderbot_decoded"] as? String)
            let hfSkip = entry["blenderbot_decoded_skip"] as? String ?? hf
            if tok.decode(reference, skipSpecialTokens: false) == hf, tok.decode(reference, skipSpecialTokens: true) == hfSkip {
                decoded += 1
            } else {
                XCTFail("decode of \(reference): \"\(Self.visible(tok.decode(reference, skipSpecialTokens: false)))\" != HF \"\(Self.visible(hf))\"")
            }
        }
        XCTAssertEqual(matched, mixed.count)
        XCTAssertEqual(decoded, mixed.count)

        let random = try XCTUnwrap(Self.fixture("tokenizer_blenderbot_cases.json")["random_id_decode"] as? [[String: Any]])
        var randomDecoded = 0
        for entry in random {
            let ids = Self.ids(entry["ids"])
            XCTAssertEqual(tok.decode(ids, skipSpecialTokens: false), entry["decoded"] as? String, "\(ids)")
            XCTAssertEqual(tok.decode(ids, skipSpecialTokens: true), entry["decoded_skip"] as? String, "\(ids)")
            if tok.decode(ids, skipSpecialTokens: false) == entry["decoded"] as? String { randomDecoded += 1 }
        }
        print("BlenderbotSmall mixed strings: \(matched)/\(mixed.count) id-for-id, \(decoded)/\(mixed.count) decodes; random ids: \(randomDecoded)/\(random.count) decodes")
    }

    func testBlenderbotSmallDecodeRoundTripsWhereHFDoes() throws {
        // HF's decode lower-cases and spaces out punctuation, so decode(encode(x)) == x only for text
        // already in that form; for those, ours must round-trip too, and for the rest it must equal HF.
        let tok = try Self.blenderbotSmall
        let pal = try XCTUnwrap(Self.fixture("tokenizer_blenderbot_cases.json")["pal"] as? [[String: Any]])
        var roundTrips = 0
        for entry in pal {
            let text = try XCTUnwrap(entry["text"] as? String)
            let hf = try XCTUnwrap(entry["decoded"] as? String)
            let ours = tok.decode(tok.encode(text), skipSpecialTokens: false)
            XCTAssertEqual(ours, hf)
            if hf == text { roundTrips += 1; XCTAssertEqual(ours, text) }
        }
        for text in ["i ' m fine . </s> <s> thanks !", "hello world", "[Question] how are you ?", "<persona> i like dogs . <input>"] {
            XCTAssertEqual(tok.decode(tok.encode(text), skipSpecialTokens: false), text)
            roundTrips += 1
        }
        print("BlenderbotSmall round trips: \(roundTrips) texts in HF's normal form round-trip; all \(pal.count) PAL decodes equal HF's")
    }

    func testPythonLowercaseEveryScalar() throws {
        let tables = try Self.fixture("tokenizer_unicode_tables.json")
        let lower = try XCTUnwrap(tables["python_lower"] as? [[Int]])
        var expected: [UInt32: [UInt32]] = [:]
        for row in lower { expected[UInt32(row[0])] = row.dropFirst().map(UInt32.init) }
        var checked = 0, mismatched: [String] = []
        for value in UInt32(0)..<0x110000 {
            guard let scalar = Unicode.Scalar(value), scalar != "\u{3A3}" else { continue }  // Σ depends on context
            let ours = PythonText.lowercased([scalar][...]).map(\.value)
            if ours != (expected[value] ?? [value]) { mismatched.append(String(value, radix: 16)) }
            checked += 1
        }
        XCTAssertEqual(mismatched, [], "scalars whose lowercasing differs from CPython \(tables["python"] ?? "")")
        // Final sigma, as CPython: 'ΣΑΣ' → 'σας', 'Σ' → 'σ', 'aΣ b' → 'aς b', 'ΑΣ,' → 'ας,', "aΣ'" → "aς'", 'Σa' → 'σa'
        let lowered = { (s: String) in String(String.UnicodeScalarView(PythonText.lowercased(Array(s.unicodeScalars)[...]))) }
        XCTAssertEqual(lowered("ΣΑΣ"), "σας")
        XCTAssertEqual(lowered("Σ"), "σ")
        XCTAssertEqual(lowered("aΣ b"), "aς b")
        XCTAssertEqual(lowered("ΑΣ,"), "ας,")
        XCTAssertEqual(lowered("aΣ'"), "aς'")  // U+0027 is case-ignorable: the context looks past it
        XCTAssertEqual(lowered("Σa"), "σa")
        print("Python str.lower(): \(checked - mismatched.count)/\(checked) scalars as CPython \(tables["python"] ?? ""), final sigma in context")
    }
}
