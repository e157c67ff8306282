// BERT sentence encoding (PAL-SPEC §7) against HuggingFace: a tiny random BertModel
// (Fixtures/bert_tiny/, from scripts/make_bert_fixtures.py) for every position's state, the pooler and
// mean pooling; WordPiece ids against `tokenizers` on a few hundred strings; and, when
// scripts/fetch-models.sh has installed it, all-MiniLM-L6-v2's tokenizer and embeddings.
import Checkpoint
import Foundation
import Models
import NN
import TensorCore
import TensorTesting
import TextData
import XCTest

final class BertTests: XCTestCase {
    static let tiny = ModelFixture.folder.appendingPathComponent("bert_tiny")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let miniLM = repositoryRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    static let readSafeTensors: (URL) throws -> [String: Tensor] = { try SafeTensorsFile.read(from: $0).tensorsByName }

    struct Expected: Decodable {
        var texts: [String]
        var input_ids, attention_mask, token_type_ids: [[Int32]]
        var last_hidden_state, pooler_output, mean_pooled: [Float]
    }

    struct TokenizerCase: Decodable {
        var source: String
        var lowercase: Bool?
        var strip_accents: Bool?
        var handle_chinese_chars: Bool?
        var max_length: Int?
        var texts: [String]
        var ids: [[Int32]]
    }

    struct MiniLMFixture: Decodable {
        var sentences: [String]
        var input_ids: [[Int32]]
        var embeddings: [[Float]]
        var tokenizer_texts: [String]
        var tokenizer_ids: [[Int32]]
        var truncated_ids_max_length_16: [[Int32]]
        var decoded: [String]
    }

    private func decode<T: Decodable>(_ type: T.Type, _ url: URL) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    private func tinyModel() throws -> BertModel {
        try BertModel.load(folder: Self.tiny, readSafeTensors: Self.readSafeTensors).model
    }

    private func matrix(_ rows: [[Int32]]) -> IndexTensor { ModelFixture.matrix(rows) }

    /// Fails with the first few strings whose ids differ; returns how many matched.
    @discardableResult
    private func checkIds(_ tokenizer: WordPieceTokenizer, _ texts: [String], _ expected: [[Int32]], maxLength: Int?,
                          _ label: String, file: StaticString = #filePath, line: UInt = #line) -> Int {
        XCTAssertEqual(texts.count, expected.count, label, file: file, line: line)
        var matched = 0, reported = 0
        for (text, want) in zip(texts, expected) {
            let got = tokenizer.encodeWithSpecialTokens(text, maxLength: maxLength)
            if got == want { matched += 1; continue }
            reported += 1
            if reported <= 5 {
                XCTFail("\(label): \(text.debugDescription)\n  ours \(got)\n  HF   \(want)\n  tokens \(tokenizer.tokenize(text))",
                        file: file, line: line)
            }
        }
        print("\(label): \(matched)/\(texts.count) strings give HF's ids")
        return matched
    }

    // MARK: - Tiny model against PyTorch

    func testTinyModelMatchesHuggingFace() throws {
        let model = try tinyModel()
        let e = try decode(Expected.self, Self.tiny.appendingPathComponent("expected.json"))
        let ids = matrix(e.input_ids), mask = matrix(e.attention_mask), types = matrix(e.token_type_ids)
        let encoding = withNoGrad { model(ids, attentionMask: mask, tokenTypeIds: types, context: ForwardContext(training: false)) }
        let hidden = difference(encoding.lastHiddenState.toArray(), e.last_hidden_state)
        let pooled = difference(try XCTUnwrap(encoding.poolerOutput).toArray(), e.pooler_output)
        let mean = difference(model.pool(encoding, attentionMask: mask, pooling: .mean).toArray(), e.mean_pooled)
        XCTAssertLessThan(hidden.maxAbsolute, 1e-5, "last_hidden_state: \(hidden)")
        XCTAssertLessThan(pooled.maxAbsolute, 1e-5, "pooler_output: \(pooled)")
        XCTAssertLessThan(mean.maxAbsolute, 1e-5, "mean pooling: \(mean)")
        XCTAssertFalse(hidden.countMismatch || pooled.countMismatch || mean.countMismatch)
        print("bert_tiny: last_hidden_state max |Δ| \(hidden.maxAbsolute), pooler \(pooled.maxAbsolute), mean \(mean.maxAbsolute)")

        // The fixture's ids are what our tokenizer gives for its texts.
        let tokenizer = try WordPieceTokenizer(vocabularyFile: Self.tiny.appendingPathComponent("vocab.txt"))
        for (row, text) in e.texts.enumerated() {
            let length = Int(e.attention_mask[row].reduce(0, +))
            XCTAssertEqual(tokenizer.encodeWithSpecialTokens(text), Array(e.input_ids[row].prefix(length)), text)
        }
    }

    func testEmbedPadsSortsAndNormalises() throws {
        let model = try tinyModel()
        let e = try decode(Expected.self, Self.tiny.appendingPathComponent("expected.json"))
        let sequences = e.input_ids.enumerated().map { Array($0.element.prefix(Int(e.attention_mask[$0.offset].reduce(0, +)))) }
        let c = model.config.hiddenSize
        XCTAssertEqual(e.token_type_ids[0] + e.token_type_ids[1], [Int32](repeating: 0, count: 2 * e.input_ids[0].count))
        for batchSize in [1, 2, 3] {
            // Row 2 has a second segment in the fixture; embed uses segment 0, so it only checks rows 0 and 1.
            let vectors = model.embed(sequences, pooling: .mean, normalize: true, batchSize: batchSize)
            for (row, v) in vectors.enumerated().prefix(2) {
                let want = Array(e.mean_pooled[(row * c)..<((row + 1) * c)])
                let norm = want.reduce(0) { $0 + $1 * $1 }.squareRoot()
                XCTAssertLessThan(difference(v, want.map { $0 / norm }).maxAbsolute, 1e-5, "batch size \(batchSize), row \(row)")
                XCTAssertEqual(BertModel.cosineSimilarity(v, want), 1, accuracy: 1e-6)
            }
        }
        // Pooler vectors without token types equal the fixture's first two rows (their types are all 0).
        let pooled = model.embed(Array(sequences.prefix(2)), pooling: .pooler, normalize: false)
        XCTAssertLessThan(difference(pooled.flatMap { $0 }, Array(e.pooler_output.prefix(2 * c))).maxAbsolute, 1e-5)
        let cls = model.embed([sequences[0]], pooling: .cls, normalize: false)[0]
        XCTAssertLessThan(difference(cls, Array(e.last_hidden_state.prefix(c))).maxAbsolute, 1e-5)

        let a = Tensor(shape: [2, 3], values: [1, 2, 3, -1, 0, 1]), b = Tensor(shape: [2, 3], values: [2, 4, 6, 1, 0, 1])
        XCTAssertLessThan(difference(BertModel.cosineSimilarity(a, b).toArray(), [1, 0]).maxAbsolute, 1e-6)
        XCTAssertEqual(BertModel.cosineSimilarity([1, 0], [0, 1]), 0)
    }

    func testLoadingIsStrictAndAcceptsTheBertPrefix() throws {
        var weights = try Self.readSafeTensors(Self.tiny.appendingPathComponent("model.safetensors"))
        let config = try BertConfig.decode(json: Data(contentsOf: Self.tiny.appendingPathComponent("config.json")))

        // BertFor* checkpoints prefix everything with `bert.`; heads are dropped only when asked.
        var prefixed = Dictionary(uniqueKeysWithValues: weights.map { ("bert." + $0.key, $0.value) })
        prefixed["cls.predictions.bias"] = Tensor(zeros: [config.vocabSize])
        XCTAssertThrowsError(try BertModel.load(config: config, huggingFace: prefixed)) { error in
            XCTAssertEqual((error as? LoadError)?.unused, ["cls.predictions.bias"])
        }
        let (model, notes) = try BertModel.load(config: config, huggingFace: prefixed, ignoring: ["cls."])
        XCTAssertNotNil(model.pooler)
        XCTAssertTrue(notes.contains("stripped the bert. prefix from \(weights.count) tensors"), "\(notes)")
        let reference = try tinyModel().stateDict()
        for (name, tensor) in model.stateDict() { XCTAssertEqual(tensor.toArray(), reference[name]?.toArray(), name) }

        // Without pooler weights there is no pooler; other gaps are all reported at once.
        let noPooler = weights.filter { !$0.key.hasPrefix("pooler.") }
        XCTAssertNil(try BertModel.load(config: config, huggingFace: noPooler).model.pooler)
        weights["encoder.layer.1.attention.self.key.weight"] = nil
        weights["encoder.layer.0.output.dense.bias"] = Tensor(zeros: [3])
        weights["encoder.layer.9.output.dense.bias"] = Tensor(zeros: [32])
        XCTAssertThrowsError(try BertModel.load(config: config, huggingFace: weights)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("missing tensors: encoder.layer.1.attention.self.key.weight"), text)
            XCTAssertTrue(text.contains("tensors the model does not have: encoder.layer.9.output.dense.bias"), text)
            XCTAssertTrue(text.contains("wrong shapes: encoder.layer.0.output.dense.bias is [3], expected [32]"), text)
        }

        // Names are HF's, spelled in HF's module order.
        let names = BertModel(config).namedParameters().map(\.name)
        XCTAssertEqual(Array(names.prefix(6)), ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                                                "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
                                                "embeddings.LayerNorm.bias", "encoder.layer.0.attention.self.query.weight"])
        XCTAssertEqual(Set(names), Set(reference.keys))

        // What is not implemented is refused by name.
        let relu = #"{"model_type": "bert", "hidden_act": "relu", "position_embedding_type": "relative_key"}"#
        XCTAssertThrowsError(try BertConfig.decode(json: Data(relu.utf8))) { error in
            XCTAssertTrue("\(error)".contains("hidden_act \"relu\"") && "\(error)".contains("relative_key"), "\(error)")
        }
        // Sizes a model cannot have are refused by name, before any tensor is made.
        let sizes = #"{"vocab_size": 10, "max_position_embeddings": 1, "intermediate_size": 0, "pad_token_id": 10}"#
        XCTAssertThrowsError(try BertConfig.decode(json: Data(sizes.utf8))) { error in
            for part in ["max_position_embeddings 1 (expected at least 2", "intermediate_size 0 (expected at least 1)",
                         "pad_token_id 10 is outside the vocabulary (vocab_size 10)"] {
                XCTAssertTrue("\(error)".contains(part), "\(error)\n  lacks: \(part)")
            }
        }
        XCTAssertThrowsError(try BertModel.load(folder: Self.tiny.appendingPathComponent("absent"), readSafeTensors: Self.readSafeTensors)) {
            XCTAssertTrue("\($0)".contains("config.json: missing"), "\($0)")
        }
    }

    func testTinyModelTrainsThroughEveryParameter() throws {
        let model = try tinyModel()
        let e = try decode(Expected.self, Self.tiny.appendingPathComponent("expected.json"))
        let mask = matrix(e.attention_mask)
        let encoding = model(matrix(e.input_ids), attentionMask: mask, tokenTypeIds: matrix(e.token_type_ids),
                             context: ForwardContext(training: true, seed: 1))
        let a = model.pool(encoding, attentionMask: mask, pooling: .mean), b = try XCTUnwrap(encoding.poolerOutput)
        BertModel.cosineSimilarity(a, b).sum().backward()
        for (name, p) in model.namedParameters() {
            let g = try XCTUnwrap(p.grad, name).toArray()
            XCTAssertTrue(g.allSatisfy(\.isFinite), name)
            if name != "embeddings.word_embeddings.weight" { XCTAssertTrue(g.contains { $0 != 0 }, "\(name) gets no gradient") }
        }
    }

    // MARK: - WordPiece against HuggingFace tokenizers

    func testWordPieceBasics() throws {
        let tokenizer = try WordPieceTokenizer(vocabularyFile: Self.tiny.appendingPathComponent("vocab.txt"))
        XCTAssertEqual(tokenizer.tokenize("UnAffable playing"), ["un", "##aff", "##able", "play", "##ing"])
        XCTAssertEqual(tokenizer.tokenize("Café, naïve!"), ["cafe", ",", "naive", "!"])
        XCTAssertEqual(tokenizer.tokenize("我中国x"), ["我", "中", "国", "x"])
        XCTAssertEqual(tokenizer.tokenize("the [MASK] sat"), ["the", "[MASK]", "sat"])
        XCTAssertEqual(tokenizer.tokenize(String(repeating: "a", count: 101)), ["[UNK]"])
        XCTAssertEqual(tokenizer.tokenize("a\u{0}b\u{7}c\u{FFFD}"), ["a", "##b", "##c"])
        XCTAssertEqual(tokenizer.encodeWithSpecialTokens(""), [tokenizer.clsId, tokenizer.sepId])
        XCTAssertEqual(tokenizer.encodeWithSpecialTokens("the cat sat on the mat", maxLength: 4).count, 4)
        let ids = tokenizer.encodeWithSpecialTokens("the cat, unaffable!")
        XCTAssertEqual(tokenizer.decode(ids, skipSpecialTokens: true), "the cat, unaffable!")
        XCTAssertEqual(tokenizer.decode(ids, skipSpecialTokens: false), "[CLS] the cat, unaffable! [SEP]")
        XCTAssertEqual(tokenizer.decode(tokenizer.encode("It's done"), skipSpecialTokens: true), "it ' s done")
        XCTAssertEqual(tokenizer.vocabularySize, 94)
        XCTAssertEqual(tokenizer.id(of: "[SEP]"), 3)
        XCTAssertEqual(WordPieceNormalization().normalize("ÀΣ\tx"), "aσ x")
    }

    func testWordPieceMatchesHuggingFaceOnTheTinyVocabulary() throws {
        let cases = try decode([String: [TokenizerCase]].self, Self.tiny.appendingPathComponent("tokenizer_ids.json"))["cases"] ?? []
        XCTAssertEqual(cases.count, 6)
        var total = 0
        for c in cases {
            let tokenizer: WordPieceTokenizer
            if c.source == "tokenizer.json" {
                tokenizer = try WordPieceTokenizer(tokenizerJSON: Self.tiny.appendingPathComponent("tokenizer.json"))
                XCTAssertEqual(tokenizer.addedTokens.map(\.content), WordPieceTokenizer.bertSpecialTokens + ["<persona>", "[Strategy]"])
            } else {
                let normalization = WordPieceNormalization(handleChineseCharacters: c.handle_chinese_chars ?? true,
                                                           stripAccents: c.strip_accents, lowercase: c.lowercase ?? true)
                tokenizer = try WordPieceTokenizer(vocabularyFile: Self.tiny.appendingPathComponent("vocab.txt"), normalization: normalization)
            }
            let label = "\(c.source) lowercase=\(c.lowercase.map(String.init) ?? "-") strip=\(c.strip_accents.map(String.init) ?? "nil") "
                + "chinese=\(c.handle_chinese_chars.map(String.init) ?? "-") max_length=\(c.max_length.map(String.init) ?? "none")"
            checkIds(tokenizer, c.texts, c.ids, maxLength: c.max_length, label)
            total += c.texts.count
        }
        XCTAssertGreaterThan(total, 900)
    }

    struct CodePoints: Decodable {
        struct Flags: Decodable { var clean_text, handle_chinese_chars, strip_accents, lowercase: Bool }
        struct Digest: Decodable { var count: Int; var sha256: String }
        var ranges: [[UInt32]]
        var normalizers: [String: Flags]
        var digests: [String: Digest]
    }

    /// Every code point of planes 0-3 and 14 through the normalizer (four settings) and the pre-tokenizer:
    /// the lines of what changes hash to `tokenizers`' digests (make_bert_fixtures.py, code_point_digests).
    func testEveryCodePointIsNormalisedAsTokenizersDoes() throws {
        let fixture = try decode(CodePoints.self, Self.tiny.appendingPathComponent("code_points.json"))
        func hex(_ text: String) -> String { text.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: " ") }
        let settings = fixture.normalizers.mapValues {
            WordPieceNormalization(cleanText: $0.clean_text, handleChineseCharacters: $0.handle_chinese_chars,
                                   stripAccents: $0.strip_accents, lowercase: $0.lowercase)
        }
        var lines = [String: [UInt8]]()
        var counts = [String: Int]()
        for range in fixture.ranges {
            for value in range[0]..<range[1] {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let c = String(scalar), code = String(value, radix: 16, uppercase: true)
                for (name, normalization) in settings {
                    let out = normalization.normalize(c)
                    if !out.unicodeScalars.elementsEqual(c.unicodeScalars) {
                        lines[name, default: []] += Array("\(code):\(hex(out))\n".utf8)
                        counts[name, default: 0] += 1
                    }
                }
                let words = WordPieceNormalization.preTokenize("a" + c + "b")
                if words.count != 1 {
                    lines["pre", default: []] += Array("\(code):\(words.map(hex).joined(separator: "|"))\n".utf8)
                    counts["pre", default: 0] += 1
                }
            }
        }
        XCTAssertEqual(Set(fixture.digests.keys), Set(settings.keys).union(["pre"]))
        for (name, want) in fixture.digests.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(counts[name] ?? 0, want.count, "\(name): code points changed")
            XCTAssertEqual(SHA256.hex(Data(lines[name] ?? [])), want.sha256,
                           "\(name): differs from tokenizers; list the code points with scripts/make_bert_fixtures.py's "
                           + "code_point_digests lines and update WordPieceCharacters' tables")
        }
    }

    // MARK: - all-MiniLM-L6-v2 (models/, from scripts/fetch-models.sh)

    private func requireMiniLM() throws -> MiniLMFixture {
        guard FileManager.default.fileExists(atPath: Self.miniLM.appendingPathComponent("model.safetensors").path) else {
            throw XCTSkip("all-MiniLM-L6-v2 is not installed in \(Self.miniLM.path): run scripts/fetch-models.sh "
                          + "to test its tokenizer and embeddings against HuggingFace")
        }
        return try decode(MiniLMFixture.self, ModelFixture.folder.appendingPathComponent("bert_minilm.json"))
    }

    func testMiniLMTokenizerMatchesHuggingFace() throws {
        let fixture = try requireMiniLM()
        let tokenizer = try WordPieceTokenizer(directory: Self.miniLM)
        XCTAssertEqual(tokenizer.vocabularySize, 30522)
        checkIds(tokenizer, fixture.tokenizer_texts, fixture.tokenizer_ids, maxLength: nil, "all-MiniLM-L6-v2 tokenizer.json")
        checkIds(tokenizer, Array(fixture.tokenizer_texts.prefix(fixture.truncated_ids_max_length_16.count)),
                 fixture.truncated_ids_max_length_16, maxLength: 16, "all-MiniLM-L6-v2 max_length 16")
        checkIds(tokenizer, fixture.sentences, fixture.input_ids, maxLength: 256, "all-MiniLM-L6-v2 sentences")
        for (text, want) in zip(fixture.tokenizer_texts, fixture.decoded) {
            XCTAssertEqual(tokenizer.decode(tokenizer.encodeWithSpecialTokens(text), skipSpecialTokens: true), want, text)
        }
    }

    func testMiniLMEmbeddingsMatchSentenceTransformers() throws {
        let fixture = try requireMiniLM()
        let start = Date()
        let (model, notes) = try BertModel.load(folder: Self.miniLM, readSafeTensors: Self.readSafeTensors)
        let tokenizer = try WordPieceTokenizer(directory: Self.miniLM)
        let loaded = Date().timeIntervalSince(start)
        XCTAssertEqual(model.config, BertConfig.allMiniLML6v2)
        XCTAssertEqual(notes, [])

        let vectors = model.embed(fixture.sentences.map { tokenizer.encodeWithSpecialTokens($0, maxLength: 256) })
        for (i, (ours, theirs)) in zip(vectors, fixture.embeddings).enumerated() {
            let cosine = BertModel.cosineSimilarity(ours, theirs)
            XCTAssertGreaterThanOrEqual(cosine, 0.99999, "sentence \(i): \(fixture.sentences[i])")
            XCTAssertLessThan(difference(ours, theirs).maxAbsolute, 1e-5, "sentence \(i)")
        }
        let worst = zip(vectors, fixture.embeddings).map { BertModel.cosineSimilarity($0, $1) }.min() ?? 0
        // The metric itself: every pairwise similarity is sentence-transformers' one.
        for i in vectors.indices {
            for j in vectors.indices where j > i {
                XCTAssertEqual(BertModel.cosineSimilarity(vectors[i], vectors[j]),
                               BertModel.cosineSimilarity(fixture.embeddings[i], fixture.embeddings[j]), accuracy: 1e-5, "pair \(i), \(j)")
            }
        }

        // Timing: 100 sentences, tokenised and embedded, batches of 32.
        let sentences = (0..<100).map { i in fixture.sentences[i % fixture.sentences.count] + " (\(i)) " + fixture.tokenizer_texts[i % 21] }
        let t0 = Date()
        let ids = sentences.map { tokenizer.encodeWithSpecialTokens($0, maxLength: 256) }
        let t1 = Date()
        let embedded = model.embed(ids)
        let t2 = Date()
        XCTAssertEqual(embedded.count, 100)
        print(String(format: "all-MiniLM-L6-v2: worst cosine %.7f; load %.2f s; 100 sentences (%d tokens): tokenise %.3f s, embed %.3f s",
                     worst, loaded, ids.map(\.count).reduce(0, +), t1.timeIntervalSince(t0), t2.timeIntervalSince(t1)))
    }
}
