// ByteLevelBPETrainer: learns exactly the requested vocabulary size from ESConv, deterministically,
// and the tokenizer loaded from its files round-trips text.
import Foundation
@testable import TextData
import XCTest

extension TokenizerTests {
    func testTrainerLearnsRequestedSizeAndRoundTrips() throws {
        let utterances = try Self.esconvUtterances()
        let trainer = ByteLevelBPETrainer(vocabularySize: 2000, extraSpecialTokens: ["<mask>", "<persona>"])
        var result = ByteLevelBPETrainer.Result(tokens: [], merges: [])
        let elapsed = Self.seconds { result = trainer.train(utterances) }
        XCTAssertEqual(result.tokens.count, 2000)
        XCTAssertEqual(Array(result.tokens.prefix(6)), ["<s>", "<pad>", "</s>", "<unk>", "<mask>", "<persona>"])
        XCTAssertEqual(result.merges.count, 2000 - 6 - 256)
        XCTAssertEqual(Set(result.tokens.map { BPEExactString($0) }).count, 2000, "tokens are distinct")
        // The first merge is the most frequent pair of ESConv: " t" (Ġ t), as HF's trainer finds too.
        XCTAssertEqual(result.merges.first, .init(left: "Ġ", right: "t"))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-bpe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try result.write(to: directory)
        let tok = try ByteLevelBPETokenizer(directory: directory, specialTokens: ["<s>", "<pad>", "</s>", "<unk>", "<mask>", "<persona>"])
        XCTAssertEqual(tok.vocabularySize, 2000)
        XCTAssertEqual([tok.bosId, tok.padId, tok.eosId, tok.unkId], [0, 1, 2, 3])
        var roundTrips = 0, tokens = 0
        for text in utterances {
            let ids = tok.encode(text)
            tokens += ids.count
            if tok.decode(ids, skipSpecialTokens: false) == text { roundTrips += 1 }
        }
        XCTAssertEqual(roundTrips, utterances.count)
        let mixed = try XCTUnwrap(Self.fixture("tokenizer_mixed_cases.json")["cases"] as? [[String: Any]]).compactMap { $0["text"] as? String }
        let mixedRoundTrips = mixed.filter { tok.decode(tok.encode($0), skipSpecialTokens: false) == $0 }.count
        XCTAssertEqual(mixedRoundTrips, mixed.count)
        // Learned merges compress: fewer tokens than UTF-8 bytes.
        let bytes = utterances.reduce(0) { $0 + $1.utf8.count }
        XCTAssertLessThan(tokens, bytes / 2)
        print("BPE trainer: 2000-entry vocabulary (\(result.merges.count) merges) from \(utterances.count) utterances in \(String(format: "%.2f", elapsed)) s; "
            + "\(roundTrips)/\(utterances.count) utterances and \(mixedRoundTrips)/\(mixed.count) mixed strings round-trip; \(tokens) tokens for \(bytes) bytes")
    }

    func testTrainerIsDeterministicAndStopsAtMinimumFrequency() throws {
        let utterances = Array(try Self.esconvUtterances().prefix(3000))
        let trainer = ByteLevelBPETrainer(vocabularySize: 800)
        let first = trainer.train(utterances), second = trainer.train(utterances)
        XCTAssertEqual(first, second)
        XCTAssertEqual(first.vocabularyJSON, second.vocabularyJSON)
        XCTAssertEqual(first.mergesText, second.mergesText)
        XCTAssertEqual(first.tokens.count, 800)
        // Shuffled input, same counts: same vocabulary (the tie-break looks at bytes, not at order).
        XCTAssertEqual(trainer.train(utterances.reversed()), first)

        // Ties: "ab" and "cd" both occur twice; byte order picks "a b" first, then "c d".
        let tiny = ByteLevelBPETrainer(vocabularySize: 4 + 256 + 10).train(["cd ab", "ab cd"])
        XCTAssertEqual(tiny.merges.first, .init(left: "a", right: "b"))
        XCTAssertEqual(tiny.merges.dropFirst().first, .init(left: "c", right: "d"))
        // Pairs seen once are not merged: the vocabulary stops short of the requested size.
        XCTAssertLessThan(tiny.tokens.count, 4 + 256 + 10)
        XCTAssertTrue(tiny.merges.allSatisfy { ["a b", "c d", "Ġ ab", "Ġ cd"].contains($0.left + " " + $0.right) }, "\(tiny.merges)")
        // Special tokens inside the texts are not learned from, so no merge rebuilds one.
        let marked = ByteLevelBPETrainer(vocabularySize: 300, extraSpecialTokens: ["<persona>"])
            .train(Array(repeating: "<persona> i like dogs. <persona>i like cats.</s>", count: 20))
        XCTAssertEqual(Set(marked.tokens.map { BPEExactString($0) }).count, marked.tokens.count)
        XCTAssertFalse(marked.merges.contains { ($0.left + $0.right).contains("<persona") })
        print("BPE trainer: deterministic (two runs and reversed input give identical files), byte-order tie-break, \(tiny.merges.count) merges from a 2-line corpus")
    }

    func testTrainerFilesLoadAsJSON() throws {
        let result = ByteLevelBPETrainer(vocabularySize: 300).train(["hello \"world\" \\ back\\slash", "hello world"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: result.vocabularyJSON) as? [String: Int])
        XCTAssertEqual(object.count, result.tokens.count)
        for (id, token) in result.tokens.enumerated() { XCTAssertEqual(object[token], id) }
        let lines = String(decoding: result.mergesText, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.first, "#version: 0.2")
        XCTAssertEqual(lines.count, result.merges.count + 1)
    }
}
